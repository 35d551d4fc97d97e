#!/usr/bin/env bash
# bench/dashboard-load.sh - do open dashboards slow the data plane? Two measurements in one run:
#  1. idle (no traffic): the server's own CPU with 0 and with N dashboards open, per thread group: what pushing
#     the dashboards costs the load balancer's process, with nothing else competing;
#  2. loaded: proxy throughput with 0 and with N dashboards open, interleaved (0, N, 0, N, ...), with the CPU of
#     the server's data-plane threads, of its other threads (admin, dashboards, push) and of the browsers.
# The browsers (headless Chromium driven by Selenium: DashboardCrowd, lb-server's test classes), each on the
# service page (flow picture, charts, grid: the busiest page), run at nice 19 and, where the cgroup-v1 cpu
# controller is writable, in a cgroup capped at BROWSER_CPU cores: their own rendering then takes at most that
# much of the machine, so what is left of the drop is the load balancer's cost.
#
# Starts 3 nginx backends (100-byte body) and the packaged server (service "bench", round robin), on free
# loopback ports; measures with wrk. Stops exactly what it started, by PID. Run it on
# an otherwise quiet machine (no build or other load run at the same time). Build first:
#   mvn -B -q package -DskipTests && mvn -B -q -pl lb-server test-compile dependency:build-classpath \
#       -Dmdep.outputFile=target/test-classpath.txt
# Usage: [JFR=1] bench/dashboard-load.sh [dashboards=10] [rounds=3] [seconds=10] [connections=64] [browser-cpu=0.5]
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-10} ROUNDS=${2:-3} SECS=${3:-10} CONNS=${4:-64} BROWSER_CPU=${5:-0.5}
IDLE_SECS=20
DATA_PLANE_THREADS='^(lb-proxy|lb-dp|dataplane|nioEventLoop|epollEventLoop)'   # thread names of the proxy
JVM_THREADS='^(GC Thread|G1 |C1 |C2 |VM |Sweeper|Service Thread|Monitor Deflati)'
JAR=lb-server/target/quarkus-app/quarkus-run.jar
CP_FILE=lb-server/target/test-classpath.txt
[ -f "$JAR" ] && [ -f "$CP_FILE" ] || { echo "build first (see the header)"; exit 1; }
TMP=$(mktemp -d /tmp/dashboard-load.XXXXXX)
PIDS=()
CG=""
cleanup() {
  touch "$TMP/stop"; sleep 2
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
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
JFR_OPT=()   # JFR=1: a flight recording of the server (CPU samples) in $TMP/server.jfr, to see where its time goes
[ "${JFR:-0}" = 1 ] && JFR_OPT=(-XX:StartFlightRecording=filename=$TMP/server.jfr,dumponexit=true,settings=profile)
java "${JFR_OPT[@]}" -Dquarkus.http.port=$ADMIN -Dlb.proxy.port=$PROXY -Dlb.proxy.host=127.0.0.1 -Dlb.data.dir=$TMP/data \
     -Dlb.plugins.dir=$TMP/plugins -Dlb.admin.password=bench-pw \
     -Dlb.services.bench.backends=$(IFS=,; echo "${BACKENDS[*]}") -Dlb.services.bench.strategy=round-robin \
     -Dlb.services.bench.health.enabled=false -jar "$JAR" > "$TMP/server.log" 2>&1 & LB=$!; PIDS+=($LB)
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PROXY/" && break; sleep 0.5; done

# The browsers' cgroup: cgroup v1 cpu controller, capped at BROWSER_CPU cores (nice 19 alone where there is none).
if [ -w /sys/fs/cgroup/cpu ] && mkdir "/sys/fs/cgroup/cpu/optiflow-dashboard-bench.$$" 2>/dev/null; then
  CG=/sys/fs/cgroup/cpu/optiflow-dashboard-bench.$$
  echo 100000 > "$CG/cpu.cfs_period_us"
  awk -v c="$BROWSER_CPU" 'BEGIN {printf "%d\n", c * 100000}' > "$CG/cpu.cfs_quota_us"
  BROWSERS="nice 19, cgroup capped at $BROWSER_CPU cores"
else
  BROWSERS="nice 19 (no writable cpu cgroup: not capped)"
fi
echo "# $(date -u +%FT%TZ) tree $(git rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# browsers: $BROWSERS"

HZ=$(getconf CLK_TCK)
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }   # utime + stime
chromium_ticks() { local t=0; for p in $(pgrep -x chromium); do t=$((t + $(ticks "$p"))); done; echo $t; }
# The server's CPU ticks by thread group: "data-plane jvm other" (other: admin HTTP, dashboards, push, sampler).
lb_ticks() {
  local dp=0 jvm=0 other=0 comm t
  for task in /proc/$LB/task/*; do
    comm=$(cat "$task/comm" 2>/dev/null) || continue
    t=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}'); t=${t:-0}
    if [[ $comm =~ $DATA_PLANE_THREADS ]]; then dp=$((dp + t))
    elif [[ $comm =~ $JVM_THREADS ]]; then jvm=$((jvm + t))
    else other=$((other + t)); fi
  done
  echo "$dp $jvm $other"
}
# percent of one core over $2 seconds from tick counts "before after"
pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v s="$3" 'BEGIN {printf "%.1f", 100 * (b - a) / hz / s}'; }

open_crowd() {   # $1: tag; waits until every page shows live numbers
  rm -f "$TMP/stop"
  sh -c "[ -n '$CG' ] && echo \$\$ > '$CG/cgroup.procs'; exec nice -n 19 java -cp 'lb-server/target/test-classes:$(cat $CP_FILE)' \
      io.optiflow.lb.server.dashboard.DashboardCrowd http://127.0.0.1:$ADMIN $N /services/bench 900 admin bench-pw '$TMP/stop'" \
      > "$TMP/crowd.$1.log" 2>&1 &
  CROWD=$!; PIDS+=($CROWD)
  for _ in $(seq 1 360); do grep -q '^ready' "$TMP/crowd.$1.log" && break; sleep 0.5; done
  grep -q '^ready' "$TMP/crowd.$1.log" || { echo "dashboards did not open:"; tail -20 "$TMP/crowd.$1.log"; exit 1; }
  sleep 5
}
close_crowd() { touch "$TMP/stop"; wait "$CROWD" 2>/dev/null; sleep 2; }

idle() {   # $1: dashboards open; the server's CPU with no traffic, by thread group
  local a b c0 c1
  read -r -a a <<< "$(lb_ticks)"; c0=$(chromium_ticks)
  sleep "$IDLE_SECS"
  read -r -a b <<< "$(lb_ticks)"; c1=$(chromium_ticks)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(pct $((a[0]+a[1]+a[2])) $((b[0]+b[1]+b[2])) $IDLE_SECS)" \
      "$(pct "${a[0]}" "${b[0]}" $IDLE_SECS)" "$(pct "${a[1]}" "${b[1]}" $IDLE_SECS)" \
      "$(pct "${a[2]}" "${b[2]}" $IDLE_SECS)" "$(pct "$c0" "$c1" $IDLE_SECS)"
}

loaded() {   # $1: dashboards open, $2: round
  local a b c0 c1
  read -r -a a <<< "$(lb_ticks)"; c0=$(chromium_ticks)
  wrk -t2 -c$CONNS -d${SECS}s --latency "http://127.0.0.1:$PROXY/" > "$TMP/wrk.$1.$2.txt"
  read -r -a b <<< "$(lb_ticks)"; c1=$(chromium_ticks)
  local rps p99 dp
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.$1.$2.txt"); p99=$(awk '/ 99%/ {print $2}' "$TMP/wrk.$1.$2.txt")
  dp=$(pct "${a[0]}" "${b[0]}" "$SECS")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rps" "$p99" \
      "$(pct $((a[0]+a[1]+a[2])) $((b[0]+b[1]+b[2])) "$SECS")" "$dp" "$(pct "${a[2]}" "${b[2]}" "$SECS")" \
      "$(pct "$c0" "$c1" "$SECS")" "$(awk -v r="$rps" -v d="$dp" 'BEGIN {printf "%.0f", d > 0 ? r / (d / 100) : 0}')"
}

sleep 5   # start-up settles
echo "## idle: the server's CPU (% of one core) with no traffic, ${IDLE_SECS} s each"
printf 'dashboards\tserver\tdata plane\tjvm (gc, jit)\tadmin+dashboards\tchromium\n'
idle 0
open_crowd idle
idle "$N"
close_crowd

echo "## loaded: wrk -t2 -c$CONNS, ${SECS} s per run"
wrk -t2 -c$CONNS -d10s "http://127.0.0.1:$PROXY/" > /dev/null   # warm-up
printf 'dashboards\tround\treq/s\tp99\tserver CPU %%\tdata plane %%\tadmin+dashboards %%\tchromium %%\treq per data-plane CPU-s\n'
for r in $(seq 1 "$ROUNDS"); do
  loaded 0 "$r"
  open_crowd "$r"
  loaded "$N" "$r"
  close_crowd
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); raw output in $TMP"
