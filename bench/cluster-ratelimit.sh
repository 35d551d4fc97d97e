#!/usr/bin/env bash
# bench/cluster-ratelimit.sh - what does a cluster-wide rate limit (scope=cluster, Redis) cost per request next to a
# local one? One packaged server, alternately started with rate-limit.scope=local and =cluster on the same service,
# a limit the load never reaches (so every request is admitted and the limiter's own cost is what differs), one nginx
# backend and one redis-server on free loopback ports; wrk measures, /proc gives the server's CPU per request, and
# Redis' INFO commandstats the EVALs (batches asked for) during the run. Stops exactly what it started, by PID.
# Second mode, "burst": how far over the limit a sudden burst gets because each replica holds a local allowance
# (docs/cluster.md). Three replicas share a cluster limit; after an idle pause all three get a burst at once (h2load,
# closed loop, as fast as they answer), and what they admitted together is compared with burst + rps x the burst's
# duration, what one exact bucket would admit.
# Build first: mvn -B -q package -DskipTests. Run it on a quiet machine (nothing else CPU-heavy running: no build, no other load run).
# Usage: bench/cluster-ratelimit.sh [rounds=2] [seconds=10] [connections=32] [rps=1000000] [burst=100000]
#        bench/cluster-ratelimit.sh burst [rounds=5] [requests per replica=600] [rps=300] [burst=30]
set -uo pipefail
cd "$(dirname "$0")/.."
MODE=cost
if [ "${1:-}" = burst ]; then MODE=burst; shift; fi
ROUNDS=${1:-2} SECS=${2:-10} CONNS=${3:-32} RPS=${4:-1000000} BURST=${5:-100000}
if [ "$MODE" = burst ]; then ROUNDS=${1:-5} PER=${2:-600} RPS=${3:-300} BURST=${4:-30}; fi
JAR=lb-server/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first (see the header)"; exit 1; }
TMP=$(mktemp -d /tmp/cluster-ratelimit.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

BACK=$(free_port)
cat > "$TMP/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $TMP/nginx.pid; error_log $TMP/nginx.err;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 100000;
  server { listen 127.0.0.1:$BACK; location / { return 200 "$(head -c 100 /dev/zero | tr '\0' 'x')"; } } }
NGX
nginx -p "$TMP" -c "$TMP/nginx.conf" & PIDS+=($!)
REDIS=$(free_port)
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no --daemonize no > "$TMP/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS" PING > /dev/null 2>&1 && break; sleep 0.1; done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime, clock ticks
HZ=$(getconf CLK_TCK)
echo "# $(date -u +%FT%TZ) tree $(git rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$MODE" = burst ]; then
  # replica <id>: one packaged server with the cluster limit on /api and a limit never reached on /warm (JIT warm-up)
  replica() {
    local admin proxy
    admin=$(free_port); proxy=$(free_port)
    java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$admin" -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port="$proxy" \
         -Dlb.data.dir="$TMP/data-$1" -Dlb.plugins.dir="$TMP/plugins" -Dlb.admin.password=bench-pw \
         -Dlb.state.replica-id="$1" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS" \
         -Dlb.services.api.backends="http://127.0.0.1:$BACK" -Dlb.services.api.match.path-prefix=/api \
         -Dlb.services.api.health.enabled=false -Dlb.services.api.rate-limit.rps="$RPS" \
         -Dlb.services.api.rate-limit.burst="$BURST" -Dlb.services.api.rate-limit.scope=cluster \
         -Dlb.services.warm.backends="http://127.0.0.1:$BACK" -Dlb.services.warm.match.path-prefix=/warm \
         -Dlb.services.warm.health.enabled=false -Dlb.services.warm.rate-limit.rps=1000000 \
         -Dlb.services.warm.rate-limit.burst=100000 -Dlb.services.warm.rate-limit.scope=cluster \
         -jar "$JAR" > "$TMP/lb-$1.log" 2>&1 &
    PIDS+=($!); ADMINS+=("$admin"); PROXIES+=("$proxy")
  }
  ADMINS=(); PROXIES=()
  for id in b1 b2 b3; do replica "$id"; done
  for a in "${ADMINS[@]}"; do   # ready, and counting all three replicas on Redis
    for _ in $(seq 1 240); do
      curl -s -u admin:bench-pw "http://127.0.0.1:$a/q/health/ready" | grep -q '"replicas" *: *3' && break
      sleep 0.5
    done
  done
  H2=()
  for p in "${PROXIES[@]}"; do h2load --h1 -c 8 -n 20000 "http://127.0.0.1:$p/warm/" > /dev/null 2>&1 & H2+=($!); done
  wait "${H2[@]}"
  echo "# limit $RPS req/s burst $BURST (scope=cluster), 3 replicas; per round: 2 s idle, then $PER requests to each replica at once (h2load --h1 -c 8)"
  printf 'round\tadmitted\tlimited\tburst took s\texact bucket admits\tover it\n'
  for r in $(seq 1 "$ROUNDS"); do
    sleep 2
    H2=()
    for p in "${PROXIES[@]}"; do
      h2load --h1 -c 8 -n "$PER" "http://127.0.0.1:$p/api/" > "$TMP/burst-${#H2[@]}.txt" 2>&1 & H2+=($!)
    done
    wait "${H2[@]}"
    cat "$TMP"/burst-*.txt | awk -v r="$r" -v rps="$RPS" -v burst="$BURST" '
        /^finished in/ {t = $3 + 0; if ($3 ~ /ms,?$/) t /= 1000; if (t > tmax) tmax = t}
        /^status codes:/ {ok += $3; lim += $7}
        END {exact = burst + rps * tmax; printf "%s\t%d\t%d\t%.3f\t%.0f\t%+.0f\n", r, ok, lim, tmax, exact, ok - exact}'
  done
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
echo "# limit $RPS req/s burst $BURST (never reached), wrk -t2 -c$CONNS -d${SECS}s, after a 5 s warm-up each"
printf 'scope\tround\treq/s\tp50\tp99\tLB CPU us/req\tRedis EVALs\n'
run() {
  local scope=$1 round=$2 admin proxy lb
  admin=$(free_port); proxy=$(free_port)
  java -Dquarkus.http.port="$admin" -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port="$proxy" -Dlb.data.dir="$TMP/data-$scope" \
       -Dlb.plugins.dir="$TMP/plugins" -Dlb.admin.password=bench-pw -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS" \
       -Dlb.services.api.backends="http://127.0.0.1:$BACK" -Dlb.services.api.health.enabled=false \
       -Dlb.services.api.rate-limit.rps="$RPS" -Dlb.services.api.rate-limit.burst="$BURST" \
       -Dlb.services.api.rate-limit.scope="$scope" -jar "$JAR" > "$TMP/lb-$scope-$round.log" 2>&1 & lb=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$proxy/" && break; sleep 0.5; done
  wrk -t2 -c"$CONNS" -d5s "http://127.0.0.1:$proxy/" > /dev/null   # warm-up
  redis-cli -p "$REDIS" CONFIG RESETSTAT > /dev/null
  local t0; t0=$(ticks $lb)
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$proxy/" > "$TMP/wrk.txt"
  local cpu=$(( $(ticks $lb) - t0 ))
  local evals; evals=$(redis-cli -p "$REDIS" INFO commandstats | grep -o 'cmdstat_eval:calls=[0-9]*' | cut -d= -f2)
  kill "$lb"; wait "$lb" 2>/dev/null
  awk -v s="$scope" -v r="$round" -v cpu="$cpu" -v hz="$HZ" -v ev="${evals:-0}" '
      /requests in/ {n=$1} /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
      END {printf "%s\t%s\t%s\t%s\t%s\t%.1f\t%s%s\n", s, r, rps, p50, p99, 1e6*cpu/hz/n, ev, bad ? "\t(non-2xx: " bad ")" : ""}' \
      "$TMP/wrk.txt"
}
for r in $(seq 1 "$ROUNDS"); do
  run local "$r"
  run cluster "$r"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
