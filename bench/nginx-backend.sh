# bench/nginx-backend.sh - sourced by bench/ab.sh and bench/arrivals.sh: anchors.sh's backend shape, one nginx
# worker answering every request with a 100-byte body that names the backend.
#
# nginx_backend_conf DIR IDX PORT: prints the nginx config of backend IDX listening on 127.0.0.1:PORT, with its pid,
# error log and temp paths under DIR/run and DIR/logs.
nginx_backend_conf() {
  local dir=$1 i=$2 port=$3 body
  body="backend-$i $(printf 'x%.0s' $(seq 1 89))"
  cat <<CONF
worker_processes 1;
pid $dir/run/be$i.pid;
error_log $dir/logs/be$i.err warn;
events { worker_connections 10000; }
http {
  access_log off;
  client_body_temp_path $dir/run/cb$i; proxy_temp_path $dir/run/pt$i; fastcgi_temp_path $dir/run/ft$i;
  uwsgi_temp_path $dir/run/ut$i; scgi_temp_path $dir/run/st$i;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  default_type text/plain;
  server { listen 127.0.0.1:$port backlog=4096; location / { return 200 "$body\n"; } }
}
CONF
}

# start_nginx_backends DIR FIRST_PORT: starts three such backends on FIRST_PORT+1..+3 (DIR needs run/ and logs/),
# adds their PIDs to the caller's PIDS array, and sets an EXIT trap that stops every PID in PIDS (TERM, then KILL).
start_nginx_backends() {
  local dir=$1 base=$2 i
  trap stop_pids EXIT
  for i in 1 2 3; do
    nginx_backend_conf "$dir" "$i" "$((base + i))" > "$dir/be$i.conf"
    nginx -c "$dir/be$i.conf" -e "$dir/logs/be$i.err" -g 'daemon off;' &
    PIDS+=($!)
  done
}

stop_pids() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}

# The JVM flags docs/benchmarks.md calls the image's (its collector, heap and Netty settings), for the scripts that
# run the server so.
IMAGE_JVM_FLAGS="-XX:+UseParallelGC -Xms256m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4"
IMAGE_JVM_FLAGS="$IMAGE_JVM_FLAGS -XX:AdaptiveSizePolicyWeight=90 -XX:MetaspaceSize=96m"
IMAGE_JVM_FLAGS="$IMAGE_JVM_FLAGS -Dio.netty.recycler.maxCapacityPerThread=0"

# haproxy_conf BALANCE PORT BACKEND_PORT...: prints an HAProxy config with anchors.sh's settings (two threads,
# keep-alive both ways) balancing BALANCE (roundrobin, leastconn) on 127.0.0.1:PORT over the given backend ports.
haproxy_conf() {
  local bal=$1 port=$2 i=0 p
  shift 2
  cat <<CONF
global
  nbthread 2
  maxconn 8000
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 30s
  maxconn 8000
frontend fe
  bind 127.0.0.1:$port
  default_backend be
backend be
  balance $bal
CONF
  for p in "$@"; do i=$((i + 1)); echo "  server b$i 127.0.0.1:$p"; done
}

# bench_start APP PREFIX: builds the server when APP has no quarkus-run.jar, makes the work folder T (with run/ and
# logs/) under /tmp, starts the three backends on 9001-9003 (PIDS, EXIT trap), and sets BACKENDS and FLAGS (the
# image's JVM flags).
bench_start() {
  if [ ! -f "$1/quarkus-run.jar" ]; then
    mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
  fi
  T=$(mktemp -d "/tmp/$2.XXXXXX")
  mkdir -p "$T/run" "$T/logs"
  echo "output in $T"
  PIDS=()
  start_nginx_backends "$T" 9000
  BACKENDS=127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003
  FLAGS=$IMAGE_JVM_FLAGS
}

# start_optiflow APP STRATEGY NAME: starts the server of APP on 127.0.0.1:8090 over BACKENDS with FLAGS and the
# given strategy (log in $T/logs/NAME.log); its PID goes to PIDS and to LAST_PID.
start_optiflow() {
  # shellcheck disable=SC2086
  java $FLAGS -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port=8090 -Dquarkus.http.port=0 \
    -Dlb.data.dir="$(mktemp -d "$T/data.XXXX")" -Dlb.services.bench.strategy="$2" \
    -Dlb.services.bench.backends=http://${BACKENDS//,/,http://} \
    -jar "$1/quarkus-run.jar" > "$T/logs/$3.log" 2>&1 &
  LAST_PID=$!
  PIDS+=($LAST_PID)
}

# wait_answers NAME: waits up to 60 s for the proxy on 127.0.0.1:8090 to answer; exits naming NAME if it does not.
wait_answers() {
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:8090/ && return 0; sleep 0.5; done
  echo "$1 did not answer on :8090" >&2
  exit 1
}

# start_floor APP: starts the floor proxy (raw mode) on 127.0.0.1:8090 over BACKENDS, on APP's Netty jars, with
# FLAGS; its PID goes to PIDS and to LAST_PID.
start_floor() {
  # shellcheck disable=SC2086
  java $FLAGS -Dio.netty.leakDetection.level=disabled -Dio.netty.allocator.type=adaptive -cp "$1/lib/main/*" \
    bench/floor/FloorProxy.java --mode raw --port 8090 --backends "$BACKENDS" > "$T/logs/floor.log" 2>&1 &
  LAST_PID=$!
  PIDS+=($LAST_PID)
}
