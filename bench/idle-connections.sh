#!/usr/bin/env bash
# bench/idle-connections.sh - memory per idle keep-alive client connection: OptiFlow (the image's JVM flags) and
# HAProxy (anchors.sh's settings) over anchors.sh's backend shape (three one-worker nginx on 127.0.0.1:9001-9003,
# bench/nginx-backend.sh). For each balancer it opens N client connections to 127.0.0.1:8090, sends one GET on each
# and reads its answer (so every connection has carried a request and holds whatever a used connection keeps), then
# holds them all open and measures the balancer's resident memory (and for OptiFlow, the Java heap after a full
# collection, and the classes holding the most of it) against the same balancer with none open. Bounded: one
# request per connection, then the script closes them and stops exactly the processes it started, by PID.
#
# Usage: bench/idle-connections.sh [--jar-dir DIR] [--conns N] [--histogram K]
#   --jar-dir    a built server's quarkus-app (default lb-server/target/quarkus-app; built when missing)
#   --conns      client connections to hold (default 5000; at most 7000, HAProxy's maxconn in anchors.sh's settings)
#   --histogram  print the K classes whose instances grew the most between the two heap histograms (default 15)
set -euo pipefail
APP="" CONNS=5000 TOP=15
while [ $# -gt 0 ]; do
  case "$1" in
    --jar-dir) APP=$(realpath "$2"); shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --histogram) TOP=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
APP=${APP:-lb-server/target/quarkus-app}
for tool in nginx haproxy java jcmd curl python3; do
  command -v $tool >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done
# HAProxy's maxconn of 8000 (anchors.sh's) makes it ask for about 16,000 descriptors
FDS=$((CONNS + 1000 > 16100 ? CONNS + 1000 : 16100))
ulimit -n "$FDS" 2>/dev/null || { echo "cannot raise the open-file limit to $FDS" >&2; exit 2; }
# shellcheck source=bench/nginx-backend.sh
. bench/nginx-backend.sh
bench_start "$APP" optiflow-idle

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
heap_kb() { # used heap after a full collection, in KB
  jcmd "$1" GC.run > /dev/null
  sleep 1
  jcmd "$1" GC.heap_info | awk '/total [0-9]+K, used [0-9]+K/ {
      for (i = 1; i <= NF; i++) if ($i == "used") {u = $(i + 1); sub(/K,?/, "", u); s += u}} END {print s}'
}
# hold.py N: opens N connections, one request and its answer on each, then waits for a line on stdin before closing
cat > "$T/hold.py" <<'PY'
import socket, sys
n = int(sys.argv[1])
req = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", 8090))
    s.sendall(req)
    got = b""
    while b"\r\n\r\n" not in got or not got.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("a connection closed before its answer")
        got += chunk
    if not got.startswith(b"HTTP/1.1 200"):
        sys.exit("unexpected answer: %r" % got[:60])
    socks.append(s)
print("held", len(socks), flush=True)
sys.stdin.readline()
for s in socks:
    s.close()
PY
measure() { # name pid java(0/1)
  local name=$1 pid=$2 java=$3 rss0 rss1 heap0=0 heap1=0 fifo="$T/$1.fifo"
  wait_answers "$name"
  for _ in 1 2 3; do curl -sf -o /dev/null http://127.0.0.1:8090/; done
  if [ "$java" = 1 ]; then heap0=$(heap_kb "$pid"); jcmd "$pid" GC.class_histogram > "$T/$name.histo0"; fi
  rss0=$(rss_kb "$pid")
  mkfifo "$fifo"
  python3 "$T/hold.py" "$CONNS" < "$fifo" > "$T/$name.hold" &
  local hp=$!
  exec 9> "$fifo"
  for _ in $(seq 1 600); do grep -q held "$T/$name.hold" 2>/dev/null && break; kill -0 $hp 2>/dev/null || break; sleep 0.2; done
  grep -q held "$T/$name.hold" || { echo "$name: the client did not open its connections" >&2; exit 1; }
  if [ "$java" = 1 ]; then heap1=$(heap_kb "$pid"); jcmd "$pid" GC.class_histogram > "$T/$name.histo1"; fi
  rss1=$(rss_kb "$pid")
  echo >&9; exec 9>&-; wait $hp || true
  awk -v n="$CONNS" -v name="$name" -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" -v j="$java" 'BEGIN {
      printf "%s: %d idle connections: resident %.0f -> %.0f MB, %.1f KB per connection", name, n, r0/1024, r1/1024, (r1-r0)/n
      if (j == 1) printf "; heap after a full collection %.0f -> %.0f MB, %.1f KB per connection", h0/1024, h1/1024, (h1-h0)/n
      printf "\n" }'
  if [ "$java" = 1 ]; then
    awk -v n="$CONNS" '/^Total/ {t[FILENAME] = $3; f[++k] = FILENAME} END {
        printf "  live objects (the class histograms'"'"' totals, each after a full collection): %.1f KB per connection\n",
               (t[f[2]] - t[f[1]]) / n / 1024}' "$T/$name.histo0" "$T/$name.histo1"
    echo "  the classes that grew the most (bytes per connection, instances per connection):"
    # -a 2 -e 0: classes with no instance before (the connections' own) count from 0
    join -j 1 -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 <(awk '$1 ~ /^[0-9]+:$/ {print $4, $3, $2}' "$T/$name.histo0" | sort) \
              <(awk '$1 ~ /^[0-9]+:$/ {print $4, $3, $2}' "$T/$name.histo1" | sort) \
      | awk -v n="$CONNS" '{d = ($4 - $2) / n; if (d > 0) printf "    %8.0f B  %5.2f  %s\n", d, ($5 - $3) / n, $1}' \
      | sort -nr | head -"$TOP"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

start_optiflow "$APP" round-robin optiflow
measure optiflow "$LAST_PID" 1
haproxy_conf roundrobin 8090 9001 9002 9003 > "$T/haproxy.cfg"
haproxy -db -f "$T/haproxy.cfg" > "$T/logs/haproxy.log" 2>&1 &
PIDS+=($!)
measure haproxy "$!" 0
