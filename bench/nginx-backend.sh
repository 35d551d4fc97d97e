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
