#!/usr/bin/env bash
# bench/byte-path-ab.sh - paired A/B of the HTTP/1.1 byte path (lb.proxy.byte-forwarding): two servers from one
# build on the same three nginx backends (anchors.sh's backend shape: 127.0.0.1:9001-9003, one worker each, a
# 100-byte answer), one with the byte path (:8090) and one on the decoded path (:8091). wrk runs alternate between
# them (order swapped every repetition), and each server's CPU per request is read from /proc/<pid>/stat around its
# own runs, so both sides see the same minutes of a noisy machine. Everything listens on 127.0.0.1; every load run is
# bounded by wrk -d; the script stops exactly the processes it started, by PID. Run it under the machine's heavy-job
# lock on a shared machine. See docs/benchmarks.md ("Session 7: the HTTP/1.1 byte path").
#
# Usage: bench/byte-path-ab.sh [--jar-dir DIR] [--reps N] [--warmup S] [--conns N] [--duration S]
#   --jar-dir   a built server's quarkus-app directory (default lb-server/target/quarkus-app; built with the README's
#               package command when missing)
#   --reps      pairs of runs (default 8); --warmup: seconds of unrecorded load per server first (default 60)
#   --conns     wrk connections (default 64); --duration: seconds per run (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
APP=lb-server/target/quarkus-app REPS=8 WARMUP=60 CONNS=64 DURATION=5
while [ $# -gt 0 ]; do
  case "$1" in
    --jar-dir) APP=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in nginx wrk java bc curl; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
if [ ! -f "$APP/quarkus-run.jar" ]; then
  mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
fi
T=$(mktemp -d /tmp/byte-path-ab.XXXXXX)
mkdir -p "$T/run" "$T/logs"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
for i in 1 2 3; do
  body="backend-$i $(printf 'x%.0s' $(seq 1 89))"
  cat > "$T/be$i.conf" <<CONF
worker_processes 1;
pid $T/run/be$i.pid;
error_log $T/logs/be$i.err warn;
events { worker_connections 10000; }
http {
  access_log off;
  client_body_temp_path $T/run/cb; proxy_temp_path $T/run/pt; fastcgi_temp_path $T/run/ft;
  uwsgi_temp_path $T/run/ut; scgi_temp_path $T/run/st;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  default_type text/plain;
  server { listen 127.0.0.1:900$i backlog=4096; location / { return 200 "$body\n"; } }
}
CONF
  nginx -c "$T/be$i.conf" -e "$T/logs/be$i.err" -g 'daemon off;' &
  PIDS+=($!)
done
start() { # port, byte path on or off
  java -Dlb.proxy.byte-forwarding="$2" -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port="$1" -Dquarkus.http.port=0 \
    -Dlb.data.dir="$(mktemp -d "$T/data.XXXX")" -Dlb.services.bench.strategy=round-robin \
    -Dlb.services.bench.backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003 \
    -jar "$APP/quarkus-run.jar" > "$T/logs/lb-$1.log" 2>&1 &
  PIDS+=($!)
  LAST=$!
}
start 8090 true; BYTES=$LAST
start 8091 false; DECODED=$LAST
for port in 8090 8091; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/" || { echo "server on :$port did not answer" >&2; exit 1; }
done
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # port pid label rep
  local c0 c1 out n
  c0=$(cpu "$2")
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$1/" 2>&1)
  c1=$(cpu "$2")
  n=$(echo "$out" | awk '/requests in/{print $1}')
  printf '%-8s rep %2d  %9s req/s  p99 %8s  CPU per request %6.1f us  %s\n' "$3" "$4" \
    "$(echo "$out" | awk '/Requests\/sec/{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" \
    "$(echo "($c1 - $c0) * 1000000 / $TCK / $n" | bc -l)" "$(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
half=$(( (WARMUP + 1) / 2 ))
for _ in 1 2; do
  wrk -t2 -c"$CONNS" -d"${half}s" http://127.0.0.1:8090/ > /dev/null
  wrk -t2 -c"$CONNS" -d"${half}s" http://127.0.0.1:8091/ > /dev/null
done
for r in $(seq 1 "$REPS"); do
  if [ $((r % 2)) = 1 ]; then
    run 8090 "$BYTES" bytes "$r"; run 8091 "$DECODED" decoded "$r"
  else
    run 8091 "$DECODED" decoded "$r"; run 8090 "$BYTES" bytes "$r"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
