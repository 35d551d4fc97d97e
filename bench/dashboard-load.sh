#!/usr/bin/env bash
# bench/dashboard-load.sh - do open dashboards slow the data plane? Two measurements in one run:
#  1. idle (no traffic): the server's own CPU with 0 and with N dashboards open, per thread group: what pushing
#     the dashboards costs the load balancer's process, with nothing else competing;
#  2. loaded: proxy throughput with 0 and with N dashboards open, interleaved (0, N, 0, N, ...), with the CPU of
#     the server's data-plane threads, of its other threads (admin, dashboards, push) and of the browsers.
# The browsers (headless Chromium driven by Selenium: DashboardCrowd, lb-server's test classes) are started and
# logged in once, before any measurement, uncapped (ten Chromiums need minutes to start under a cap); then each
# phase shows the service page (flow picture, charts, grid: the busiest page) in all of them or hides it
# (about:blank: no dashboard, its push connection closed). So "0 dashboards" and "N dashboards" differ only in
# the open pages, not in which processes exist. The browsers run at nice 19 and, where the cgroup-v1 cpu
# controller is writable, in a cgroup capped at BROWSER_CPU cores while measuring (the cap is lifted while pages
# load): their own rendering then takes at most that much of the machine. They still share its CPUs with the
# proxy, so the table gives the data plane's CPU per request and the server's other threads apart from the
# throughput: those show the load balancer's own cost. JFR=1 records the server during each idle phase
# (bench/jfr-by-thread.py sums it up).
#
# Starts 3 nginx backends (100-byte body) and the packaged server (service "bench", round robin), on free
# loopback ports; measures with wrk. Stops exactly what it started, by PID: the browsers' whole process tree
# (the driver, chromedriver, chromium and its children) is found through their cgroup or, without one, the
# process tree, and each PID is checked against its start time before it is killed. Run it on
# an otherwise quiet machine (no build or other load run at the same time). Build first:
#   mvn -B -q -pl examples/example-strategy,lb-server -am package dependency:build-classpath -DskipTests \
#       -Dmdep.outputFile=target/test-classpath.txt
# Usage: [JFR=1] bench/dashboard-load.sh [dashboards=10] [rounds=3] [seconds=10] [connections=64] [browser-cpu=0.5]
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-10} ROUNDS=${2:-3} SECS=${3:-10} CONNS=${4:-64} BROWSER_CPU=${5:-0.5}
IDLE_SECS=${IDLE_SECS:-20}
DATA_PLANE_THREADS='^(lb-proxy|lb-dp|dataplane|nioEventLoop|epollEventLoop)'   # thread names of the proxy
JVM_THREADS='^(GC Thread|G1 |C1 |C2 |VM |Sweeper|Service Thread|Monitor Deflati|JFR )'
JAR=lb-server/target/quarkus-app/quarkus-run.jar
CP_FILE=lb-server/target/test-classpath.txt
[ -f "$JAR" ] && [ -f "$CP_FILE" ] || { echo "build first (see the header)"; exit 1; }
TMP=$(mktemp -d /tmp/dashboard-load.XXXXXX)
CTL=$TMP/crowd.control
PIDS=()      # what this script started directly
CROWD=""     # the browsers' driver; its process tree is the browsers
CG=""        # the browsers' cgroup (every process in it is one this script started)

# "pid starttime" of a process, so a PID remembered earlier is killed only if it is still the same process
stamp() { [ -r "/proc/$1/stat" ] && echo "$1 $(sed 's/.*) //' "/proc/$1/stat" | awk '{print $20}')"; }
descendants() {   # $1 and every process below it
  local all; all=$(ps -e -o pid=,ppid=)
  local todo=("$1") p c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}; todo=("${todo[@]:1}"); echo "$p"
    for c in $(awk -v p="$p" '$2 == p {print $1}' <<< "$all"); do todo+=("$c"); done
  done
}
CROWD_STAMP=""
crowd_pids() {   # the browsers' processes now: the cgroup's, else the driver's tree (while the driver is alive)
  { [ -n "$CG" ] && cat "$CG/cgroup.procs"
    [ -n "$CROWD" ] && [ "$(stamp "$CROWD")" = "$CROWD_STAMP" ] && descendants "$CROWD"; } 2>/dev/null | sort -un
}
remember_crowd() { for p in $(crowd_pids); do stamp "$p"; done >> "$TMP/crowd.pids"; }
live_crowd() {   # the browsers' processes known now or remembered, still the same processes
  { for p in $(crowd_pids); do stamp "$p"; done; cat "$TMP/crowd.pids" 2>/dev/null; } | sort -u |
    while read -r p st; do [ "$(stamp "$p")" = "$p $st" ] && echo "$p"; done
}
cleanup() {
  if [ -n "$CROWD" ]; then
    remember_crowd
    echo stop > "$CTL"   # the driver closes its browsers (chromedriver and chromium quit)
    for _ in $(seq 1 60); do kill -0 "$CROWD" 2>/dev/null || break; sleep 0.5; done
    for p in $(live_crowd); do kill "$p" 2>/dev/null; done; sleep 2
    for p in $(live_crowd); do kill -9 "$p" 2>/dev/null; done; sleep 1
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  local left; left=$(live_crowd | tr '\n' ' ')
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
  [ -n "$left" ] && echo "# left running: $left"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
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

# The browsers' cgroup: cgroup v1 cpu controller; capped at BROWSER_CPU cores while measuring.
if [ -w /sys/fs/cgroup/cpu ] && mkdir "/sys/fs/cgroup/cpu/optiflow-dashboard-bench.$$" 2>/dev/null; then
  CG=/sys/fs/cgroup/cpu/optiflow-dashboard-bench.$$
  echo 100000 > "$CG/cpu.cfs_period_us"
  BROWSERS="nice 19, cgroup capped at $BROWSER_CPU cores while measuring"
else
  BROWSERS="nice 19 (no writable cpu cgroup: not capped)"
fi
cap() { [ -n "$CG" ] && awk -v c="$BROWSER_CPU" 'BEGIN {printf "%d\n", c * 100000}' > "$CG/cpu.cfs_quota_us"; }
uncap() { [ -n "$CG" ] && echo -1 > "$CG/cpu.cfs_quota_us"; }
throttled() { [ -n "$CG" ] && awk '$1 == "throttled_time" {print $2}' "$CG/cpu.stat" || echo 0; }
echo "# $(date -u +%FT%TZ) tree $(git rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# browsers: $BROWSERS"

HZ=$(getconf CLK_TCK)
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }   # utime + stime
browser_ticks() { local t=0 p; for p in $(crowd_pids); do t=$((t + $(ticks "$p"))); done; echo $t; }
# A snapshot of the server's CPU ticks into file $1: "tid group ticks" per thread (group: dp = data plane, jvm = GC,
# JIT, JFR, other = admin HTTP, dashboards, push, sampler), and "total total ticks" for the whole process.
lb_snap() {
  local task comm t g
  { for task in /proc/$LB/task/*; do
      comm=$(cat "$task/comm" 2>/dev/null) || continue
      t=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}'); [ -n "$t" ] || continue
      if [[ $comm =~ $DATA_PLANE_THREADS ]]; then g=dp; elif [[ $comm =~ $JVM_THREADS ]]; then g=jvm; else g=other; fi
      echo "${task##*/} $g $t"
    done
    echo "total total $(ticks "$LB")"; } > "$1"
}
# Ticks spent between snapshots $1 and $2: "all dp jvm other". Threads come and go (worker pools), so each thread
# counts from its own earlier value (a new one from 0) and "other" is the process's total (which keeps the ticks of
# threads that ended) less the data plane and the JVM: summing the threads alive at each end goes wrong, even
# negative, when a busy thread ends in between.
lb_delta() {
  awk 'NR == FNR {b[$1] = $3; next}
       {x = $3 - (($1 in b) ? b[$1] : 0); if (x < 0) x = $3; d[$2] += x}
       END {print d["total"] + 0, d["dp"] + 0, d["jvm"] + 0, d["total"] - d["dp"] - d["jvm"]}' "$1" "$2"
}
# percent of one core over $3 seconds from tick counts $1 (before) and $2 (after)
pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v s="$3" 'BEGIN {printf "%.1f", 100 * (b - a) / hz / s}'; }

await_line() {   # $1: line prefix in the driver's log, $2: seconds, $3: how many such lines (default 1)
  for _ in $(seq 1 $(($2 * 2))); do
    [ "$(grep -c "^$1" "$TMP/crowd.log" 2>/dev/null)" -ge "${3:-1}" ] && return 0
    kill -0 "$CROWD" 2>/dev/null || break; sleep 0.5
  done
  echo "dashboards: no '$1' within $2 s:"; grep -v -e CdpVersion -e 'CDP' -e ChromiumDriver "$TMP/crowd.log" | tail -20
  exit 1
}
start_crowd() {   # starts and logs in N browsers (uncapped), every page hidden
  echo hide > "$CTL"
  uncap
  sh -c "[ -n '$CG' ] && echo \$\$ > '$CG/cgroup.procs'; exec nice -n 19 java -cp 'lb-server/target/test-classes:$(cat $CP_FILE)' \
      io.optiflow.lb.server.dashboard.DashboardCrowd http://127.0.0.1:$ADMIN $N /services/bench 3600 admin bench-pw '$CTL'" \
      > "$TMP/crowd.log" 2>&1 &
  CROWD=$!; CROWD_STAMP=$(stamp "$CROWD")
  local t0=$SECONDS
  await_line ready 600
  remember_crowd
  echo "# $N browsers started and logged in: $((SECONDS - t0)) s"
}
SHOWN=0
show() {   # opens the dashboard page in every browser (uncapped while loading), then caps them and lets it settle
  uncap; SHOWN=$((SHOWN + 1)); local t0=$SECONDS
  echo show > "$CTL"; await_line shown 300 "$SHOWN"; remember_crowd
  cap; echo "#   pages shown in $((SECONDS - t0)) s"; sleep 5
}
hide() { echo hide > "$CTL"; await_line hidden 120 "$SHOWN"; sleep 3; }

idle() {   # $1: dashboards open; the server's CPU with no traffic, by thread group
  local d c0 c1
  [ "${JFR:-0}" = 1 ] && { jcmd "$LB" JFR.start name=idle$1 settings=profile > /dev/null; sleep 2; }
  lb_snap "$TMP/ticks.a"; c0=$(browser_ticks)
  sleep "$IDLE_SECS"
  lb_snap "$TMP/ticks.b"; c1=$(browser_ticks)
  if [ "${JFR:-0}" = 1 ]; then
    jcmd "$LB" JFR.dump name=idle$1 filename="$TMP/idle-$1.jfr" > /dev/null; jcmd "$LB" JFR.stop name=idle$1 > /dev/null
  fi
  read -r -a d <<< "$(lb_delta "$TMP/ticks.a" "$TMP/ticks.b")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(pct 0 "${d[0]}" "$IDLE_SECS")" "$(pct 0 "${d[1]}" "$IDLE_SECS")" \
      "$(pct 0 "${d[2]}" "$IDLE_SECS")" "$(pct 0 "${d[3]}" "$IDLE_SECS")" "$(pct "$c0" "$c1" "$IDLE_SECS")"
}

loaded() {   # $1: dashboards open, $2: round
  local d c0 c1 th0 th1
  lb_snap "$TMP/ticks.a"; c0=$(browser_ticks); th0=$(throttled)
  wrk -t2 -c$CONNS -d${SECS}s --latency "http://127.0.0.1:$PROXY/" > "$TMP/wrk.$1.$2.txt"
  lb_snap "$TMP/ticks.b"; c1=$(browser_ticks); th1=$(throttled)
  read -r -a d <<< "$(lb_delta "$TMP/ticks.a" "$TMP/ticks.b")"
  local rps p99 all dp
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.$1.$2.txt"); p99=$(awk '/ 99%/ {print $2}' "$TMP/wrk.$1.$2.txt")
  all=$(pct 0 "${d[0]}" "$SECS"); dp=$(pct 0 "${d[1]}" "$SECS")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rps" "$p99" "$all" "$dp" \
      "$(pct 0 "${d[3]}" "$SECS")" "$(pct "$c0" "$c1" "$SECS")" \
      "$(awk -v t="$((th1 - th0))" -v s="$SECS" 'BEGIN {printf "%.0f", 100 * t / 1e9 / s}')" \
      "$(per_request "$dp" "$rps")" "$(per_request "$all" "$rps")"
}
# microseconds of CPU per request from "% of a core" $1 and requests/s $2
per_request() { awk -v c="$1" -v r="$2" 'BEGIN {printf "%.1f", (r > 0) ? c / 100 * 1e6 / r : 0}'; }

sleep 5   # start-up settles
start_crowd
# Warm-up, not measured: the dashboard's code paths compiled once, and JFR's first start (it loads classes)
[ "${JFR:-0}" = 1 ] && { jcmd "$LB" JFR.start name=warm > /dev/null; jcmd "$LB" JFR.stop name=warm > /dev/null; }
show; sleep 10; hide
sleep 5
echo "## idle: the server's CPU (% of one core) with no traffic, ${IDLE_SECS} s each"
printf 'dashboards\tserver\tdata plane\tjvm (gc, jit, jfr)\tother threads (admin, dashboards, push)\tbrowsers\n'
idle 0
show
idle "$N"
hide

echo "## loaded: wrk -t2 -c$CONNS, ${SECS} s per run"
wrk -t2 -c$CONNS -d10s "http://127.0.0.1:$PROXY/" > /dev/null   # warm-up
printf 'dashboards\tround\treq/s\tp99\tserver CPU %%\tdata plane %%\tother threads %%\tbrowsers %%\tbrowsers throttled %% of the time\tdata-plane CPU us/req\tserver CPU us/req\n'
for r in $(seq 1 "$ROUNDS"); do
  loaded 0 "$r"
  show
  loaded "$N" "$r"
  hide
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg); raw output in $TMP"
if [ "${JFR:-0}" = 1 ]; then
  for n in 0 "$N"; do
    echo "## JFR CPU samples of the server, idle, $n dashboards (bench/jfr-by-thread.py)"
    jfr print --events jdk.CPULoad,jdk.ExecutionSample --stack-depth 12 "$TMP/idle-$n.jfr" | python3 bench/jfr-by-thread.py
  done
fi
