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
