#!/usr/bin/env bash
# bench/against-floor.sh - OptiFlow and the floor proxy (bench/floor/FloorProxy.java, raw mode) one after the other
# under the same wrk load, each looked at with one instrument, to find what OptiFlow does per request that the floor
# does not. anchors.sh's backend shape (three one-worker nginx on 127.0.0.1:9001-9003, bench/nginx-backend.sh); each
# proxy on 127.0.0.1:8090 with the container image's JVM flags; wrk -t2 -c64. The runs are sequential, so compare
# per-request counts and shapes, not rates (same-run rate ratios are anchors.sh's job). Every load run is bounded by
# wrk -d; the script stops exactly the processes it started, by PID. Run it under the machine's heavy-job lock.
#
# Usage: bench/against-floor.sh --instrument syscalls|threads|jit|jfr [--jar-dir DIR]
#                               [--strategies "round-robin least-connections"] [--warmup S] [--duration S]
#   syscalls  perf trace -s during the measured run: system calls per request by name (perf slows everything down a
#             lot: the counts per request hold, the rates do not)
#   threads   CPU time per request by thread group (/proc/<pid>/task/*/stat around the measured run)
#   jit       -XX:+PrintCompilation through warm-up and measured runs of 10 s: compilations and methods made not
#             entrant per 10 s of the JVM's life, and wrk's rate and p99 for each 10 s run
#   jfr       a flight recording of the measured run with Java samples every millisecond; prints the event loops'
#             samples per 1,000 requests and their top frames (self and inclusive)
#   --jar-dir     a built server's quarkus-app (default lb-server/target/quarkus-app; built when missing)
#   --warmup      seconds of load before the measured run (default 45); --duration: its seconds (default 15)
#   --jvm-opts    JVM options added after the image's flags, for OptiFlow only (e.g. "-XX:PerMethodTrapLimit=0")
#   --no-floor    measure OptiFlow only
set -euo pipefail
INSTR="" APP="" STRATEGIES="round-robin least-connections" WARMUP=45 DURATION=15 JVM_OPTS="" FLOOR=1
while [ $# -gt 0 ]; do
  case "$1" in
    --instrument) INSTR=$2; shift 2 ;;
    --jar-dir) APP=$(realpath "$2"); shift 2 ;;
    --strategies) STRATEGIES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --jvm-opts) JVM_OPTS=$2; shift 2 ;;
    --no-floor) FLOOR=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$INSTR" in syscalls|threads|jit|jfr) ;; *) echo "--instrument syscalls|threads|jit|jfr (see --help)" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
APP=${APP:-lb-server/target/quarkus-app}
for tool in nginx wrk java curl python3; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
[ "$INSTR" != syscalls ] || command -v perf >/dev/null || { echo "needs perf on PATH" >&2; exit 2; }
# shellcheck source=bench/nginx-backend.sh
. bench/nginx-backend.sh
bench_start "$APP" optiflow-floor
[ "$INSTR" != jit ] || FLAGS="$FLAGS -XX:+PrintCompilation"
if [ "$INSTR" = jfr ]; then
  # the JDK's profile settings with Java samples every millisecond instead of every 10
  python3 - "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" "$T/fast.jfc" <<'PY'
import sys
s = open(sys.argv[1]).read()
open(sys.argv[2], 'w').write(s.replace('control="method-sampling-java-interval">10 ms<',
                                       'control="method-sampling-java-interval">1 ms<'))
PY
fi
TCK=$(getconf CLK_TCK)
groups() { # pid: CPU ticks by thread group (thread names without their numbers)
  for t in /proc/"$1"/task/*; do
    echo "$(tr ' ' '_' < "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"
  done | awk '{g = $1; sub(/[-#_]*[0-9]+$/, "", g); c[g] += $2} END {for (k in c) print k, c[k]}' | sort
}
wrk_line() { grep -E 'Requests/sec|99%' "$1" | tr -s ' ' | tr '\n' ' '; }
measure() { # name pid
  local name=$1 pid=$2 n
  wait_answers "$name"
  if [ "$INSTR" = jit ]; then
    for k in $(seq 1 $(( (WARMUP + DURATION + 9) / 10 ))); do
      wrk -t2 -c64 -d10s --latency http://127.0.0.1:8090/ > "$T/$name.wrk.$k"
      echo "$name run $k (10 s): $(wrk_line "$T/$name.wrk.$k")"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$name: compilations per 10 s of the JVM's life (made not entrant; of those at tier 4)"
    awk '$1 ~ /^[0-9]+$/ {b = int($1 / 10000); n[b]++; if ($0 ~ /made not entrant/) {ne[b]++; if ($3 == "4" || $4 == "4" || $5 == "4") t4[b]++}}
         END {for (k in n) printf "  %4d s: %5d (%d; %d)\n", k * 10, n[k], ne[k], t4[k]}' "$T/logs/$name.log" | sort -n
    return
  fi
  wrk -t2 -c64 -d"${WARMUP}s" http://127.0.0.1:8090/ > /dev/null
  local tp=""
  case "$INSTR" in
    syscalls) perf trace -s -p "$pid" -o "$T/$name.trace" & tp=$!; sleep 0.5 ;;
    threads) groups "$pid" > "$T/$name.before" ;;
    jfr) jcmd "$pid" JFR.start name=floor settings="$T/fast.jfc" filename="$T/$name.jfr" > /dev/null ;;
  esac
  wrk -t2 -c64 -d"${DURATION}s" --latency http://127.0.0.1:8090/ > "$T/$name.wrk"
  n=$(awk '/requests in/{print $1}' "$T/$name.wrk")
  echo "== $name: $n requests, $(wrk_line "$T/$name.wrk")"
  case "$INSTR" in
    syscalls)
      kill -INT "$tp"; wait "$tp" 2>/dev/null || true
      awk -v n="$n" '$1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ {c[$1] += $2}
           END {for (k in c) if (c[k] / n >= 0.001) printf "  %-16s %7.3f per request\n", k, c[k] / n}' "$T/$name.trace" \
        | sort -k2 -nr ;;
    threads)
      groups "$pid" > "$T/$name.after"
      join "$T/$name.before" "$T/$name.after" | awk -v n="$n" -v tck="$TCK" \
        '{d = $3 - $2; if (d > 0) printf "  %-28s %8.3f us per request\n", $1, d * 1e6 / tck / n}' | sort -k2 -nr ;;
    jfr)
      jcmd "$pid" JFR.stop name=floor > /dev/null
      jfr print --events jdk.ExecutionSample --stack-depth 64 "$T/$name.jfr" \
        | python3 bench/against-floor-jfr.py "$n" > "$T/$name.prof"
      head -40 "$T/$name.prof" ;;
  esac
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
BASE_FLAGS=$FLAGS
FLAGS="$BASE_FLAGS $JVM_OPTS"
for s in $STRATEGIES; do
  start_optiflow "$APP" "$s" "optiflow-$s"
  measure "optiflow-$s" "$LAST_PID"
done
FLAGS=$BASE_FLAGS
[ "$FLOOR" = 0 ] || { start_floor "$APP"; measure floor "$LAST_PID"; }
