#!/usr/bin/env bash
# bench/read-waits.sh - how long data waits in a socket before its reader reads it, by reader: the balancer's client
# side, its backend side, the nginx backends and wrk. For OptiFlow (each strategy given), HAProxy (roundrobin,
# leastconn) and the floor proxy (bench/floor/FloorProxy.java, raw), one after the other on anchors.sh's backend shape
# (three one-worker nginx on 127.0.0.1:9001-9003), each balancer on 127.0.0.1:8090, wrk -t2 -c64. bpftrace
# (bench/read-waits.bt, the sock:sk_data_ready and sock:sock_recv_length tracepoints of Linux 6.x; needs root)
# records during the measured run; bench/read-waits.py prints the quantiles. Also prints the JIT threads' user time
# in the measured run. The tracing slows every target down (about a third): compare the shapes, in one run. Every load
# run is bounded by wrk -d; the script stops exactly the processes it started, by PID.
#
# Usage: bench/read-waits.sh [--jar-dir DIR] [--strategies "round-robin least-connections"] [--warmup S] [--duration S]
#   --jar-dir   a built server's quarkus-app (default lb-server/target/quarkus-app; built when missing)
#   --warmup    seconds of load before the measured run (default 120: the JIT settles in about 50)
#   --duration  seconds of the measured run (default 8)
set -euo pipefail
APP="" STRATEGIES="round-robin least-connections" WARMUP=120 DURATION=8
while [ $# -gt 0 ]; do
  case "$1" in
    --jar-dir) APP=$(realpath "$2"); shift 2 ;;
    --strategies) STRATEGIES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
APP=${APP:-lb-server/target/quarkus-app}
for tool in nginx haproxy wrk java curl bpftrace python3; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
# shellcheck source=bench/nginx-backend.sh
. bench/nginx-backend.sh
bench_start "$APP" optiflow-waits
TCK=$(getconf CLK_TCK)
jit_ticks() { # pid: user time of its JIT compiler threads (comm has a space: utime is awk's $15)
  cat /proc/"$1"/task/*/stat 2>/dev/null | awk '/\((C1|C2) CompilerThre\)/ {s += $15} END {print s + 0}'
}
measure() { # name pid
  local name=$1 pid=$2 bp j0 j1
  wait_answers "$name"
  wrk -t2 -c64 -d"${WARMUP}s" http://127.0.0.1:8090/ > /dev/null
  j0=$(jit_ticks "$pid")
  bpftrace bench/read-waits.bt "$pid" > "$T/$name.bt" 2> "$T/logs/$name.bpftrace" &
  bp=$!
  sleep 4 # bpftrace attaches
  wrk -t2 -c64 -d"${DURATION}s" --latency http://127.0.0.1:8090/ > "$T/$name.wrk"
  kill -INT "$bp"; wait "$bp" || true
  j1=$(jit_ticks "$pid")
  echo "== $name: $(grep -E 'Requests/sec|99%' "$T/$name.wrk" | tr -s ' ' | tr '\n' ' ')JIT threads $(( (j1 - j0) * 1000 / TCK )) ms in the run"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for s in $STRATEGIES; do
  start_optiflow "$APP" "$s" "optiflow-$s"
  measure "optiflow-$s" "$LAST_PID"
done
for bal in roundrobin leastconn; do
  haproxy_conf "$bal" 8090 9001 9002 9003 > "$T/haproxy-$bal.cfg"
  haproxy -db -f "$T/haproxy-$bal.cfg" > "$T/logs/haproxy-$bal.log" 2>&1 &
  PIDS+=($!)
  measure "haproxy-$bal" $!
done
start_floor "$APP"
measure floor "$LAST_PID"
python3 bench/read-waits.py "$T"
