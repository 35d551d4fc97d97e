#!/usr/bin/env bash
# bench/think-time.sh - the anchors comparison at an offered load below the machine's capacity: every wrk
# connection waits THINK milliseconds after each response before it sends its next request (wrk's delay()).
#
# anchors.sh's wrk runs are closed loops at full speed: a faster balancer there also loads the backends and wrk
# harder on the same two cores, and every target's tail grows with the load it drives. With a think time the
# load each connection offers is nearly the same for every target, so the p99s compare the latency the balancers
# add at that load. This is not goal 1's measurement (that stays anchors.sh as it is); it is the same harness,
# backends, HAProxy configurations and accounting, with one line added to anchors.sh's wrk script.
#
# Usage: bench/think-time.sh --think-ms N [anchors-vs-optiflow.sh options] [-- anchors.sh options]
#   e.g. bench/think-time.sh --think-ms 2 --strategies round-robin --out /tmp/tt -- \
#            --phases fast --conns 64 --workers 2 --targets 'haproxy-rr-t2|lut' --reps 5 --lut-warmup 60
# The anchors.sh used is --anchors PATH if given, else $ANCHORS, else ../shared/bench/anchors.sh from the repository
# root; a patched copy of it runs from a temporary file, removed at exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
THINK="" ANCHORS_SRC=${ANCHORS:-$ROOT/../shared/bench/anchors.sh}
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --think-ms) THINK=$2; shift 2;;
    --anchors) ANCHORS_SRC=$2; shift 2;;
    --) args+=("$@"); break;;
    *) args+=("$1"); shift;;
  esac
done
case $THINK in
  ''|*[!0-9]*) echo "think-time.sh: --think-ms N (whole milliseconds, wrk's delay() unit) is required" >&2; exit 2;;
esac
[ -f "$ANCHORS_SRC" ] || { echo "think-time.sh: no anchors.sh at $ANCHORS_SRC (use --anchors PATH)" >&2; exit 2; }

patched=$(mktemp /tmp/anchors-think.XXXXXX.sh)
trap 'rm -f "$patched"' EXIT
# One line into the wrk script anchors.sh writes (its report.lua): wrk calls delay() before each request.
marker="cat >\"\$TMP/report.lua\" <<'EOF'"
awk -v marker="$marker" -v think="$THINK" '
  { print }
  index($0, marker) { print "delay = function() return " think " end"; n++ }
  END { if (n != 1) exit 3 }' "$ANCHORS_SRC" >"$patched" || {
  echo "think-time.sh: $ANCHORS_SRC does not write its wrk script as expected ($marker): not patched" >&2
  exit 3
}
chmod +x "$patched"
echo "think-time.sh: anchors.sh with a ${THINK} ms think time per connection (wrk delay())"
"$ROOT/bench/anchors-vs-optiflow.sh" --anchors "$patched" "${args[@]}"
