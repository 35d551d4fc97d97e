#!/usr/bin/env bash
# bench/footprint.sh - issue 8, goal 4: JVM start to the first proxied request, and resident memory under load.
#
# Starts one nginx backend (100-byte body) on a free loopback port, then our server (the built
# lb-server/target/quarkus-app) on it N times, measuring each time the wall time from launching java to the first
# 200 through the data plane (curl every 10 ms); then one more start under wrk -t2 -c256 (warm-up, then measured
# load) sampling the server's VmRSS every second. Stops exactly what it started. Run it under the machine's
# heavy-job lock on a shared machine; it prints the load average before and after.
#
# Usage: bench/footprint.sh [--starts N] [--jvm-opts "..."] [--java PATH] [--cds] [--no-load] [--jar-dir DIR]
#   --cds    also measure with an AppCDS archive: one training start with -XX:ArchiveClassesAtExit, then the
#            measured starts with -XX:SharedArchiveFile (what the container image can do at build time)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STARTS=3 JVM_OPTS="" JAVA=java CDS=0 LOAD=1 APP_DIR="$ROOT/lb-server/target/quarkus-app"
while [ $# -gt 0 ]; do
  case $1 in
    --starts) STARTS=$2; shift 2;;
    --jvm-opts) JVM_OPTS=$2; shift 2;;
    --java) JAVA=$2; shift 2;;
    --cds) CDS=1; shift;;
    --no-load) LOAD=0; shift;;
    --jar-dir) APP_DIR=$(cd "$2" && pwd); shift 2;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 1;;
  esac
done
JAR="$APP_DIR/quarkus-run.jar"
[ -f "$JAR" ] || { echo "no $JAR: build first (mvn -B -q package -DskipTests)" >&2; exit 1; }
command -v nginx >/dev/null && command -v wrk >/dev/null && command -v curl >/dev/null \
  || { echo "needs nginx, wrk and curl" >&2; exit 1; }
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

BE=$(free_port)
body=$(printf 'x%.0s' $(seq 1 100))
cat >"$TMP/nginx.conf" <<NGX
worker_processes 1; pid $TMP/nginx.pid; error_log $TMP/nginx.err;
events { worker_connections 4096; }
http { access_log off; default_type text/plain;
  server { listen 127.0.0.1:$BE; keepalive_requests 1000000; location / { return 200 "$body"; } } }
NGX
nginx -c "$TMP/nginx.conf" -e "$TMP/nginx.err" -g 'daemon off;' & PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$BE/" >/dev/null && break; sleep 0.05; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); java: $("$JAVA" -version 2>&1 | head -1)"
# start_server PORT EXTRA_OPTS: launches the server in the background, prints its PID
start_server() {
  "$JAVA" $JVM_OPTS $2 -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port="$1" -Dquarkus.http.port=0 \
    -Dlb.data.dir="$(mktemp -d -p "$TMP")" -Dlb.services.bench.backends="http://127.0.0.1:$BE" \
    -Dlb.services.bench.match.path-prefix=/ -jar "$JAR" >"$TMP/server-$1.log" 2>&1 &
  echo $!
}
stop_server() {  # PID (not our child: started in a subshell); waits until it is gone
  kill "$1" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$1" 2>/dev/null || true
}
# time_start EXTRA_OPTS: ms from launch to the first 200 through the proxy
time_start() {
  local port pid t0 t1
  port=$(free_port)
  t0=$(date +%s%N)
  pid=$(start_server "$port" "$1")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited: $(tail -5 "$TMP/server-$port.log")" >&2; return 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  stop_server "$pid"
  echo $(( (t1 - t0) / 1000000 ))
}
measure_starts() {  # LABEL EXTRA_OPTS
  local all=()
  for _ in $(seq "$STARTS"); do all+=("$(time_start "$2")"); done
  printf '%s: start to first proxied request, ms: %s (median %s)\n' "$1" "${all[*]}" \
    "$(printf '%s\n' "${all[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
measure_starts "plain" ""
if [ "$CDS" = 1 ]; then
  time_start "-XX:ArchiveClassesAtExit=$TMP/app.jsa" >/dev/null  # training start (writes the archive at exit)
  [ -f "$TMP/app.jsa" ] && echo "AppCDS archive: $(du -m "$TMP/app.jsa" | cut -f1) MB"
  measure_starts "AppCDS" "-XX:SharedArchiveFile=$TMP/app.jsa"
fi
if [ "$LOAD" = 1 ]; then
  port=$(free_port)
  pid=$(start_server "$port" "")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ]; do sleep 0.05; done
  wrk -t2 -c256 -d10s "http://127.0.0.1:$port/" >/dev/null 2>&1  # warm-up
  ( for _ in $(seq 10); do awk '/VmRSS/ {print $2}' "/proc/$pid/status"; sleep 1; done ) >"$TMP/rss" &
  rss=$!
  wrk -t2 -c256 -d10s "http://127.0.0.1:$port/" | grep -E 'Requests/sec|Non-2xx|Socket errors' || true
  wait "$rss"
  echo "RSS at c256 (10 samples, MB): $(awk '{printf "%d ", $1/1024}' "$TMP/rss")max $(sort -n "$TMP/rss" | tail -1 | awk '{printf "%d", $1/1024}')"
  stop_server "$pid"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
