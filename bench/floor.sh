#!/usr/bin/env bash
# bench/floor.sh - the floor of a Java data plane on OptiFlow's stack, measured against HAProxy with
# ../shared/bench/anchors.sh: bench/floor/FloorProxy.java on the same Netty jars as the server (from its build),
# as a layer-4 splice ("tcp": no HTTP work at all) and as a minimal HTTP/1.1 proxy ("http"). One anchors.sh run
# per mode, each with HAProxy in it, so each ratio is a same-run ratio. Run it under the machine's heavy-job lock
# on a shared machine. See docs/benchmarks.md ("The floor of the stack").
#
# Usage: bench/floor.sh [--modes "tcp http"] [--jar-dir DIR] [--anchors PATH] [--jvm-opts "..."]
#                       [--epoll-cp CP] [--out DIR] [-- ANCHORS_OPTIONS...]
#   --modes      which proxies to measure, in order (default "tcp http"); "tcp-epoll" / "http-epoll" run them on
#                Netty's native epoll transport, whose jars --epoll-cp must name (not part of the server's build)
#   --jar-dir    a built server's quarkus-app directory, for its Netty jars (default lb-server/target/quarkus-app;
#                built with the README's package command when missing)
#   --jvm-opts   JVM options (default: the server entry point's Netty defaults: recycler and leak detector off,
#                adaptive allocator)
#   everything after -- goes to anchors.sh (e.g. --phases fast --conns 64 --workers 2 --targets 'haproxy-rr-t2|lut')
#
# Example (what docs/benchmarks.md reports):
#   bench/floor.sh -- --phases fast --conns 64 --workers 2 --targets 'haproxy-rr-t2|lut' --reps 5 --lut-warmup 60
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=../shared/bench/anchors.sh MODES="tcp http" APP=lb-server/target/quarkus-app OUT="" EPOLL_CP=""
JVM_OPTS="-Dio.netty.recycler.maxCapacityPerThread=0 -Dio.netty.leakDetection.level=disabled -Dio.netty.allocator.type=adaptive"
while [ $# -gt 0 ]; do
  case "$1" in
    --modes) MODES=$2; shift 2 ;;
    --jar-dir) APP=$2; shift 2 ;;
    --anchors) ANCHORS=$2; shift 2 ;;
    --jvm-opts) JVM_OPTS=$2; shift 2 ;;
    --epoll-cp) EPOLL_CP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$ANCHORS" ] || { echo "anchors.sh not found at $ANCHORS (use --anchors)" >&2; exit 2; }
if [ ! -d "$APP/lib/main" ]; then
  mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
fi
APP=$(cd "$APP" && pwd)
SRC=$(pwd)/bench/floor/FloorProxy.java
PORT=8099
for mode in $MODES; do
  cp="$APP/lib/main/*" transport=nio
  case "$mode" in
    *-epoll)
      [ -n "$EPOLL_CP" ] || { echo "$mode needs --epoll-cp (netty-transport-classes-epoll and its native jar)" >&2; exit 2; }
      cp="$cp:$EPOLL_CP" transport=epoll ;;
  esac
  cmd="java $JVM_OPTS -cp '$cp' $SRC --mode ${mode%-epoll} --transport $transport --port {port} --backends {backends}"
  echo "=== floor-$mode" >&2
  out_args=()
  [ -n "$OUT" ] && out_args=(--out "$OUT/floor-$mode")
  bash "$ANCHORS" --lb-under-test "$cmd" --port "$PORT" --lut-name "floor-$mode" "${out_args[@]}" "$@"
done
