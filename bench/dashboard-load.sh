#!/usr/bin/env bash
# bench/dashboard-load.sh - does an open dashboard slow the data plane? Proxy throughput with 0 and with N
# headless-Chromium dashboards open, in one run, interleaved (0, N, 0, N, ...).
#
# Starts 3 nginx backends (100-byte body) and the packaged server (service "bench", round robin), on free
# loopback ports; measures with wrk; opens the dashboards with Selenium (DashboardCrowd, lb-server's test
# classes) at nice 19, each on the service page (flow picture, charts, grid: the busiest page). Stops exactly
# what it started, by PID. Build first:
#   mvn -B -q package -DskipTests && mvn -B -q -pl lb-server test-compile dependency:build-classpath \
#       -Dmdep.outputFile=target/test-classpath.txt
# Usage: bench/dashboard-load.sh [dashboards=10] [rounds=3] [seconds=10] [connections=64]
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-10} ROUNDS=${2:-3} SECS=${3:-10} CONNS=${4:-64}
JAR=lb-server/target/quarkus-app/quarkus-run.jar
CP_FILE=lb-server/target/test-classpath.txt
[ -f "$JAR" ] && [ -f "$CP_FILE" ] || { echo "build first (see the header)"; exit 1; }
TMP=$(mktemp -d /tmp/dashboard-load.XXXXXX)
PIDS=()
cleanup() {
  touch "$TMP/stop"; sleep 2
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

BACKENDS=()
for i in 1 2 3; do
  p=$(free_port)
  mkdir -p "$TMP/ngx$i"
  cat > "$TMP/ngx$i/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $TMP/ngx$i/pid; error_log $TMP/ngx$i/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 100000;
  server { listen 127.0.0.1:$p; location / { return 200 "$(head -c 100 /dev/zero | tr '\0' 'x')"; } } }
NGX
  nginx -p "$TMP/ngx$i" -c "$TMP/ngx$i/nginx.conf" & PIDS+=($!)
  BACKENDS+=("http://127.0.0.1:$p")
done
ADMIN=$(free_port); PROXY=$(free_port)
java -Dquarkus.http.port=$ADMIN -Dlb.proxy.port=$PROXY -Dlb.proxy.host=127.0.0.1 -Dlb.data.dir=$TMP/data \
     -Dlb.plugins.dir=$TMP/plugins -Dlb.admin.password=bench-pw \
     -Dlb.services.bench.backends=$(IFS=,; echo "${BACKENDS[*]}") -Dlb.services.bench.strategy=round-robin \
     -Dlb.services.bench.health.enabled=false -jar "$JAR" > "$TMP/server.log" 2>&1 & LB=$!; PIDS+=($LB)
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PROXY/" && break; sleep 0.5; done
echo "# $(date -u +%FT%TZ) tree $(git rev-parse --short HEAD), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c$CONNS -d10s "http://127.0.0.1:$PROXY/" > /dev/null   # warm-up
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime, clock ticks
chromium_ticks() { local t=0; for p in $(pgrep -x chromium); do t=$((t + $(ticks "$p"))); done; echo $t; }
HZ=$(getconf CLK_TCK)
run() { local lb0 cr0; lb0=$(ticks $LB); cr0=$(chromium_ticks)
        wrk -t2 -c$CONNS -d${SECS}s --latency "http://127.0.0.1:$PROXY/" > "$TMP/wrk.$1.$2.txt"
        local lb=$(( $(ticks $LB) - lb0 )) cr=$(( $(chromium_ticks) - cr0 ))
        awk -v d="$1" -v r="$2" -v lb="$lb" -v cr="$cr" -v hz="$HZ" -v s="$SECS" '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2}
            END {printf "%s\t%s\t%s\t%s\t%.0f\t%.0f\n", d, r, rps, p99, 100*lb/hz/s, 100*cr/hz/s}' "$TMP/wrk.$1.$2.txt"; }
printf 'dashboards\tround\treq/s\tp99\tLB CPU %%\tchromium CPU %%\n'
for r in $(seq 1 "$ROUNDS"); do
  run 0 "$r"
  rm -f "$TMP/stop"
  nice -n 19 java -cp "lb-server/target/test-classes:$(cat $CP_FILE)" io.optiflow.lb.server.dashboard.DashboardCrowd \
      "http://127.0.0.1:$ADMIN" "$N" /services/bench 600 admin bench-pw "$TMP/stop" > "$TMP/crowd.$r.log" 2>&1 &
  CROWD=$!; PIDS+=($CROWD)
  for _ in $(seq 1 240); do grep -q '^ready' "$TMP/crowd.$r.log" && break; sleep 0.5; done
  grep -q '^ready' "$TMP/crowd.$r.log" || { echo "dashboards did not open:"; tail -20 "$TMP/crowd.$r.log"; exit 1; }
  sleep 3
  run "$N" "$r"
  touch "$TMP/stop"; wait "$CROWD" 2>/dev/null
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); raw output in $TMP"
