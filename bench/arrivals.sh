#!/usr/bin/env bash
# bench/arrivals.sh - how evenly each balancer spreads its requests over time at each backend: HAProxy (roundrobin,
# leastconn; anchors.sh's configuration: 2 threads, http-reuse always) and OptiFlow (round-robin, least-connections)
# in front of three one-worker nginx backends with anchors.sh's 100-byte answer, a wrk -t2 -c64 run per target and
# repetition, and a packet capture (tcpdump on loopback) of the requests the balancers send to the backends during
# each run. bench/arrivals.py then reports, per run, the index of dispersion of each backend's arrivals (the variance
# over the mean of the requests per window, at 50 us, 200 us and 1 ms: 1 for Poisson arrivals, below 1 for arrivals
# more even than that, above 1 for bursts), the share of requests that reached a backend less than 5 us after the
# previous one, and wrk's p99. Everything listens on 127.0.0.1 (ports 9201-9203 and 8401-8404, 8405 with
# --with-floor); every load run is bounded by wrk -d; the script stops exactly the processes it started, by PID.
# Needs nginx, haproxy, wrk, curl,
# tcpdump (run as root, or with CAP_NET_RAW) and java. Run it under the machine's heavy-job lock. See
# docs/benchmarks.md (session 12).
#
# With --capture clients it captures the other side instead: the requests wrk sends to the balancers and their
# answers, and bench/proxy-side.py reports, per run, the time from a request's arrival to its answer's departure
# as the balancer's socket calls put them on the wire (the balancer plus its backend), beside wrk's own latency,
# whose remainder is spent in wrk and its scheduling (session 13).
#
# Usage: bench/arrivals.sh [--jar-dir DIR] [--jvm-opts "FLAGS"] [--reps N] [--warmup S] [--duration S] [--out DIR]
#                          [--capture backends|clients] [--with-floor]
#   --jar-dir   a built server's quarkus-app directory (default lb-server/target/quarkus-app; built when missing)
#   --jvm-opts  extra JVM flags for both of our servers (default: the Netty recycler off, as the image has it)
#   --reps      repetitions of the four runs (default 3); --warmup: seconds of load on each of ours first (default 40)
#   --duration  seconds per run (default 4); --out: keep the captures and wrk outputs there (default: a temp dir)
#   --capture   backends (default): the requests the balancers send to the backends, for bench/arrivals.py;
#               clients: wrk's requests to the balancers and their answers, for bench/proxy-side.py
#   --with-floor  a fifth target: bench/floor/FloorProxy.java's raw HTTP/1.1 proxy (the floor of the stack, see
#               bench/floor.sh) on 127.0.0.1:8405, on the server's Netty jars, so ours can be read against it too
set -euo pipefail
JAR_DIR="" JVM_OPTS="-Dio.netty.recycler.maxCapacityPerThread=0" REPS=3 WARMUP=40 DURATION=4 OUT="" CAPTURE=backends
FLOOR=false
while [ $# -gt 0 ]; do
  case "$1" in
    --jar-dir) JAR_DIR=$(realpath "$2"); shift 2 ;;
    --jvm-opts) JVM_OPTS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    --capture) CAPTURE=$2; shift 2 ;;
    --with-floor) FLOOR=true; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$CAPTURE" in
  backends) FILTER='tcp dst portrange 9201-9203 and (tcp[tcpflags] & tcp-push != 0)'; REPORT=bench/arrivals.py ;;
  clients) FILTER='tcp portrange 8401-8405 and (tcp[tcpflags] & tcp-push != 0)'; REPORT=bench/proxy-side.py ;;
  *) echo "--capture: '$CAPTURE' (expected: backends or clients)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
for tool in nginx haproxy wrk curl tcpdump java python3; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
JAR_DIR=${JAR_DIR:-lb-server/target/quarkus-app}
if [ ! -f "$JAR_DIR/quarkus-run.jar" ]; then
  mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
fi
T=$(mktemp -d /tmp/optiflow-arrivals.XXXXXX)
OUT=${OUT:-$T/out}
mkdir -p "$T/run" "$T/logs" "$OUT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
# shellcheck source=bench/nginx-backend.sh
. bench/nginx-backend.sh
for i in 1 2 3; do
  nginx_backend_conf "$T" "$i" "920$i" > "$T/be$i.conf"
  nginx -c "$T/be$i.conf" -e "$T/logs/be$i.err" -g 'daemon off;' & PIDS+=($!)
done
for t in leastconn:8401 roundrobin:8402; do
  algo=${t%%:*}; port=${t##*:}
  haproxy_conf "$algo" "$port" 9201 9202 9203 > "$T/haproxy-$algo.cfg"
  haproxy -db -f "$T/haproxy-$algo.cfg" > "$T/logs/haproxy-$algo.log" 2>&1 & PIDS+=($!)
done
for t in least-connections:8403 round-robin:8404; do
  s=${t%%:*}; port=${t##*:}
  mkdir -p "$T/data-$s"
  # shellcheck disable=SC2086
  java $JVM_OPTS -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port=$port -Dquarkus.http.port=0 -Dlb.data.dir="$T/data-$s" \
       -Dlb.services.bench.strategy=$s \
       -Dlb.services.bench.backends=http://127.0.0.1:9201,http://127.0.0.1:9202,http://127.0.0.1:9203 \
       -jar "$JAR_DIR/quarkus-run.jar" > "$T/logs/optiflow-$s.log" 2>&1 & PIDS+=($!)
done
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" || true)" = 200 ]; }
PORTS="8401 8402 8403 8404" TARGETS="haproxy-lc:8401 optiflow-lc:8403 haproxy-rr:8402 optiflow-rr:8404"
if $FLOOR; then
  # shellcheck disable=SC2086
  java $JVM_OPTS -Dio.netty.leakDetection.level=disabled -Dio.netty.allocator.type=adaptive \
       -cp "$JAR_DIR/lib/main/*" bench/floor/FloorProxy.java --mode raw --transport nio --port 8405 \
       --backends 127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203 > "$T/logs/floor.log" 2>&1 & PIDS+=($!)
  PORTS="$PORTS 8405" TARGETS="$TARGETS floor-raw:8405"
fi
for port in $PORTS; do
  for _ in $(seq 1 60); do
    answers $port && break
    sleep 0.5
  done
  answers $port || { echo "port $port not answering 200" >&2; exit 1; }
done
echo "warm-up: ${WARMUP}s on each of ours"
wrk -t2 -c64 -d${WARMUP}s http://127.0.0.1:8403/ > /dev/null
wrk -t2 -c64 -d${WARMUP}s http://127.0.0.1:8404/ > /dev/null
if $FLOOR; then wrk -t2 -c64 -d${WARMUP}s http://127.0.0.1:8405/ > /dev/null; fi
for rep in $(seq 1 "$REPS"); do
  for t in $TARGETS; do
    name=${t%%:*}; port=${t##*:}
    # segments that carry data (PSH), headers only (snap length 80): to the backends, or both ways with wrk
    tcpdump -i lo -s 80 -B 65536 -w "$OUT/$name-$rep.pcap" "$FILTER" 2> "$T/logs/tcpdump-$name-$rep.err" & td=$!
    sleep 1
    wrk -t2 -c64 -d${DURATION}s --latency http://127.0.0.1:$port/ > "$OUT/$name-$rep.wrk"
    sleep 0.5
    kill -INT $td; wait $td 2>/dev/null || true
    grep -qE '(^| )0 packets dropped by kernel' "$T/logs/tcpdump-$name-$rep.err" \
        || echo "warning: tcpdump dropped packets in $name-$rep: $(grep dropped "$T/logs/tcpdump-$name-$rep.err")" >&2
  done
done
python3 "$REPORT" "$OUT"
