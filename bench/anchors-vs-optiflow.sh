#!/usr/bin/env bash
# bench/anchors-vs-optiflow.sh - builds OptiFlow LB and measures it against nginx and HAProxy with
# ../shared/bench/anchors.sh (relative to the repository root), both phases (fast, and one backend slow).
#
# One anchors.sh run per variant (strategy x JDK); every run has HAProxy in it, so each variant's ratio to
# HAProxy is a same-run ratio. Run it under the machine's heavy-job lock on a shared machine.
#
# Usage: bench/anchors-vs-optiflow.sh [options] [-- anchors.sh options]
#   --strategies "round-robin latency-weighted"   strategies to measure (one anchors run each)
#   --jdks "DIR ..."      JAVA_HOME of each runtime to measure (default: the java on PATH)
#   --jvm-opts "..."      extra JVM options for our server (e.g. "-XX:+UseParallelGC")
#   --jfr DIR             record a JFR profile (profile settings) of each variant into DIR
#   --no-build            use the existing lb-server/target/quarkus-app
#   --jar-dir DIR         measure the quarkus-app folder DIR instead (implies --no-build; e.g. a saved earlier build)
#   --anchors PATH        anchors.sh to use (default: $ANCHORS, else ../shared/bench/anchors.sh from the repo root)
#   --out DIR             keep each run's results (table.txt, results.tsv, raw/) under DIR/<variant>, and print
#                         the same-run ratios of each (bench/ratios.py) at the end
# Everything after "--" goes to anchors.sh (e.g. -- --phases fast --conns 64 --reps 5 --targets 'haproxy|lut').
#
# Our server on anchors' backends from the command line (what this script runs; port and backends are
# filled in by anchors.sh):
#   java -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port=8090 -Dquarkus.http.port=0 -Dlb.data.dir=$(mktemp -d) \
#        -Dlb.services.bench.backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003 \
#        -Dlb.services.bench.strategy=round-robin -jar lb-server/target/quarkus-app/quarkus-run.jar
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STRATEGIES="round-robin latency-weighted" JDKS="" JVM_OPTS="" JFR_DIR="" BUILD=1 OUT=""
ANCHORS=${ANCHORS:-$ROOT/../shared/bench/anchors.sh} PORT=8090 APP_DIR=
while [ $# -gt 0 ]; do
  case $1 in
    --strategies) STRATEGIES=$2; shift 2;;
    --jdks) JDKS=$2; shift 2;;
    --jvm-opts) JVM_OPTS=$2; shift 2;;
    --jfr) JFR_DIR=$(mkdir -p "$2" && cd "$2" && pwd); shift 2;;
    --no-build) BUILD=0; shift;;
    --jar-dir) APP_DIR=$(cd "$2" && pwd); BUILD=0; shift 2;;
    --anchors) ANCHORS=$2; shift 2;;
    --out) OUT=$(mkdir -p "$2" && cd "$2" && pwd); shift 2;;
    --) shift; break;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 1;;
  esac
done
[ -x "$ANCHORS" ] || [ -f "$ANCHORS" ] || { echo "anchors.sh not found at $ANCHORS (expected ../shared/bench/anchors.sh beside the repo)" >&2; exit 1; }
cd "$ROOT"
if [ "$BUILD" = 1 ]; then
  mvn -B -q package -DskipTests -pl examples/example-strategy,lb-server -am
fi
JAR="${APP_DIR:-$ROOT/lb-server/target/quarkus-app}/quarkus-run.jar"
[ -f "$JAR" ] || { echo "no $JAR: build first (or drop --no-build)" >&2; exit 1; }
[ -n "$JDKS" ] || JDKS=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")

summary=$(mktemp)
results=()
for jdk in $JDKS; do
  for s in $STRATEGIES; do
    name="optiflow-$s-$(basename "$jdk" | tr -c 'a-zA-Z0-9.\n-' '-' | cut -c1-24)"
    data=$(mktemp -d)
    jfr=""
    [ -n "$JFR_DIR" ] && jfr="-XX:StartFlightRecording=settings=profile,filename=$JFR_DIR/$name.jfr,dumponexit=true"
    # Single quotes: anchors.sh runs the command through bash, which expands ANCHORS_BACKENDS there.
    cmd="$jdk/bin/java $JVM_OPTS $jfr -Dlb.proxy.host=127.0.0.1 -Dlb.proxy.port={port} -Dquarkus.http.port=0"
    cmd+=" -Dlb.data.dir=$data -Dlb.services.bench.strategy=$s"
    cmd+=' -Dlb.services.bench.backends=http://${ANCHORS_BACKENDS//,/,http://}'
    cmd+=" -jar $JAR"
    echo "=== $name" >&2
    out_args=()
    [ -n "$OUT" ] && out_args=(--out "$OUT/$name")
    bash "$ANCHORS" --lb-under-test "$cmd" --port "$PORT" --lut-name lut "${out_args[@]}" "$@" | tee -a "$summary.$name"
    { echo "=== $name ($s on $jdk)"; cat "$summary.$name"; echo; } >>"$summary"
    rm -rf "$data" "$summary.$name"
    [ -n "$OUT" ] && [ -f "$OUT/$name/results.tsv" ] && results+=("$OUT/$name/results.tsv")
  done
done
echo; echo "##### all variants (each table is one anchors run: compare 'lut' with HAProxy within a table)"
cat "$summary"; rm -f "$summary"
if [ ${#results[@]} -gt 0 ] && command -v python3 >/dev/null; then
  echo; echo "##### same-run ratios, lut to each other target, per repetition: median [min-max] (bench/ratios.py)"
  python3 "$ROOT/bench/ratios.py" "${results[@]}"
fi
