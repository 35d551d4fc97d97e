#!/usr/bin/env bash
# bench/ab.sh - paired A/B of two server configurations: two builds, or one build with two sets of JVM flags. Both
# servers run at once on the same three nginx backends (anchors.sh's backend shape: 127.0.0.1:9001-9003, one worker
# each, a 100-byte answer), A on :8090 and B on :8091, round-robin. wrk runs alternate between them (order swapped
# every repetition), and each server's CPU per request is read from /proc/<pid>/stat around its own runs, so both
# sides see the same minutes of a noisy machine. At the end it prints the medians (rate, CPU per request, wrk's
# p99) and B's per-pair ratios to A. Everything listens on 127.0.0.1; every load run is bounded by wrk -d; the script
# stops exactly the processes it started, by PID. Run it under the machine's heavy-job lock on a shared machine. See
# docs/benchmarks.md.
#
# Usage: bench/ab.sh [--a DIR] [--b DIR] [--a-opts "FLAGS"] [--b-opts "FLAGS"] [--a-name S] [--b-name S]
#                    [--reps N] [--warmup S] [--conns N] [--duration S]
#   --a, --b    a built server's quarkus-app directory for each side (default lb-server/target/quarkus-app for both;
#               built with the README's package command when missing)
#   --a-opts, --b-opts  extra JVM flags for each side, given after the defaults so they override them, e.g.
#               "-Dlb.proxy.byte-forwarding=false" or "-Dlb.services.bench.strategy=least-connections"
#   --reps      pairs of runs (default 8); --warmup: seconds of unrecorded load per server first (default 60)
#   --conns     wrk connections (default 64); --duration: seconds per run (default 5)
#   --think-ms  each wrk connection waits this many milliseconds after a response before its next request (wrk's
#               delay()): a load below the machine's capacity, nearly the same for both sides (default 0: none)
set -euo pipefail
A="" B="" A_OPTS="" B_OPTS="" A_NAME=A B_NAME=B REPS=8 WARMUP=60 CONNS=64 DURATION=5 THINK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --a) A=$2; shift 2 ;;
    --b) B=$2; shift 2 ;;
    --a-opts) A_OPTS=$2; shift 2 ;;
    --b-opts) B_OPTS=$2; shift 2 ;;
    --a-name) A_NAME=$2; shift 2 ;;
    --b-name) B_NAME=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --think-ms) THINK=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $THINK in ''|*[!0-9]*) echo "--think-ms: whole milliseconds" >&2; exit 2 ;; esac
# Directories given on the command line are taken relative to where the script was started.
[ -z "$A" ] || A=$(realpath "$A")
[ -z "$B" ] || B=$(realpath "$B")
cd "$(dirname "$0")/.."
A=${A:-lb-server/target/quarkus-app}
B=${B:-$A}
for tool in nginx wrk java bc curl; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
if [ ! -f "$A/quarkus-run.jar" ] || [ ! -f "$B/quarkus-run.jar" ]; then
  mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
fi
T=$(mktemp -d /tmp/optiflow-ab.XXXXXX)
mkdir -p "$T/run" "$T/logs"
THINK_ARGS=()
if [ "$THINK" -gt 0 ]; then
  echo "delay = function() return $THINK end" > "$T/think.lua"
  THINK_ARGS=(-s "$T/think.lua")
fi
PIDS=()
# shellcheck source=bench/nginx-backend.sh
. bench/nginx-backend.sh
start_nginx_backends "$T" 9000
start() { # port, quarkus-app dir, extra JVM flags (word-split on purpose)
  # shellcheck disable=SC2086
  java -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port="$1" -Dquarkus.http.port=0 \
    -Dlb.data.dir="$(mktemp -d "$T/data.XXXX")" -Dlb.services.bench.strategy=round-robin \
    -Dlb.services.bench.backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003 \
    $3 -jar "$2/quarkus-run.jar" > "$T/logs/lb-$1.log" 2>&1 &
  PIDS+=($!)
  LAST=$!
}
start 8090 "$A" "$A_OPTS"; PID_A=$LAST
start 8091 "$B" "$B_OPTS"; PID_B=$LAST
for port in 8090 8091; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/" || { echo "server on :$port did not answer" >&2; exit 1; }
done
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # port pid label rep
  local c0 c1 out n rate us
  c0=$(cpu "$2")
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "${THINK_ARGS[@]}" "http://127.0.0.1:$1/" 2>&1)
  c1=$(cpu "$2")
  n=$(echo "$out" | awk '/requests in/{print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  us=$(echo "($c1 - $c0) * 1000000 / $TCK / $n" | bc -l)
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  printf '%-10s rep %2d  %9s req/s  p99 %8s  CPU per request %6.1f us  %s\n' "$3" "$4" "$rate" \
    "$p99" "$us" "$(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')"
  echo "$3 $rate $us $p99" >> "$T/results"
}
echo "A ($A_NAME): $A $A_OPTS"
echo "B ($B_NAME): $B $B_OPTS"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
half=$(( (WARMUP + 1) / 2 ))
for _ in 1 2; do
  wrk -t2 -c"$CONNS" -d"${half}s" http://127.0.0.1:8090/ > /dev/null
  wrk -t2 -c"$CONNS" -d"${half}s" http://127.0.0.1:8091/ > /dev/null
done
for r in $(seq 1 "$REPS"); do
  if [ $((r % 2)) = 1 ]; then
    run 8090 "$PID_A" "$A_NAME" "$r"; run 8091 "$PID_B" "$B_NAME" "$r"
  else
    run 8091 "$PID_B" "$B_NAME" "$r"; run 8090 "$PID_A" "$A_NAME" "$r"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Medians per side, and B's per-repetition ratios to A (same repetition, so the same minutes of the machine).
python3 - "$T/results" "$A_NAME" "$B_NAME" <<'PY'
import statistics, sys
def ms(s):  # wrk prints 812.00us, 4.21ms or 1.02s
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if s.endswith(unit):
            return float(s[:-len(unit)]) * f
    return float("nan")
rows = [l.split() for l in open(sys.argv[1])]
a = [(float(r), float(u), ms(p)) for n, r, u, p in rows if n == sys.argv[2]]
b = [(float(r), float(u), ms(p)) for n, r, u, p in rows if n == sys.argv[3]]
for name, side in ((sys.argv[2], a), (sys.argv[3], b)):
    print(f"{name}: median {statistics.median(r for r, _, _ in side):.0f} req/s, "
          f"CPU per request {statistics.median(u for _, u, _ in side):.1f} us, "
          f"p99 {statistics.median(p for _, _, p in side):.2f} ms")
cpu = [bu / au for (_, au, _), (_, bu, _) in zip(a, b)]
rate = [br / ar for (ar, _, _), (br, _, _) in zip(a, b)]
p99 = [bp / ap for (_, _, ap), (_, _, bp) in zip(a, b)]
print(f"{sys.argv[3]}/{sys.argv[2]}: CPU per request median {statistics.median(cpu):.3f}x "
      f"[{min(cpu):.3f}-{max(cpu):.3f}], lower in {sum(c < 1 for c in cpu)} of {len(cpu)}; "
      f"rate median {statistics.median(rate):.3f}x [{min(rate):.3f}-{max(rate):.3f}]; "
      f"p99 median {statistics.median(p99):.3f}x [{min(p99):.3f}-{max(p99):.3f}], lower in {sum(p < 1 for p in p99)} of {len(p99)}")
PY
