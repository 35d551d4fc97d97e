#!/usr/bin/env bash
# bench/byte-path-ab.sh - paired A/B of the HTTP/1.1 byte path (lb.proxy.byte-forwarding): bench/ab.sh with one build,
# A on the byte path and B on the decoded path. See bench/ab.sh for the setup and docs/benchmarks.md ("Session 7: the
# HTTP/1.1 byte path").
#
# Usage: bench/byte-path-ab.sh [--jar-dir DIR] [--reps N] [--warmup S] [--conns N] [--duration S]
set -euo pipefail
DIR=lb-server/target/quarkus-app
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar-dir) DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
exec "$(dirname "$0")/ab.sh" --a "$DIR" --a-name bytes --a-opts "-Dlb.proxy.byte-forwarding=true" \
  --b-name decoded --b-opts "-Dlb.proxy.byte-forwarding=false" "${ARGS[@]}"
