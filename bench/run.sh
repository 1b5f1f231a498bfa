#!/usr/bin/env bash
# Runs the benchmarks: bench/run.sh [pipeline|limits|media|messaging|all] [arguments for the benchmark's main class]
#   pipeline [rounds]                       PipelineBench (default 3 rounds of the 13 samples)
#   limits [scale ...] [key=value ...]      LimitsBench (default scale 0.1; key=value overrides settings)
#   media [scale] [key=value ...]           MediaBench (3-hour recording, default scale 0.1; cached in bench/out/)
#   messaging [documents latencyJobs queued drainSeconds] [key=value ...]
#                                           MessagingBench (JMS, Kafka, HTTP beside the folder; default 200 20 10000 900)
# Figures are printed and written to bench/out/<name>.json. Maven runs offline (-o): dependencies must be in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
shift || true

mvn -o -q test-compile
mkdir -p bench/out
# the test class path: from the dependency plugin, or (when its own dependencies are not in ~/.m2, offline) from the
# compiler plugin's debug output of the test class path it compiled with
if ! mvn -o -q dependency:build-classpath -Dmdep.outputFile=bench/out/classpath.txt -Dmdep.includeScope=test \
    >/dev/null 2>&1; then
  mvn -o -X test-compile 2>/dev/null | sed -n 's/.*(f) testPath = \[\(.*\)\]$/\1/p' | sed -n 1p \
    | sed 's/, /:/g' > bench/out/classpath.txt
  [ -s bench/out/classpath.txt ] || { echo "could not build the test class path offline" >&2; exit 1; }
fi
CP="target/classes:target/test-classes:$(cat bench/out/classpath.txt)"

run() {
  local main="$1"; shift
  echo ">> $main $*  (log: bench/out/$main.log)"
  # the application logs to the console; keep it in a file and show only the figures
  java -Xmx"${BENCH_HEAP:-1g}" -cp "$CP" -Dbench.out=bench/out "io.geminidigest.bench.$main" "$@" > "bench/out/$main.log" 2>&1 \
    || { tail -50 "bench/out/$main.log"; exit 1; }
  sed -n '/^== /,$p' "bench/out/$main.log"
}

case "$which" in
  pipeline) run PipelineBench "$@" ;;
  limits)   run LimitsBench "$@" ;;
  # the fake in the benchmark's JVM keeps every request it answered, with its inline audio (about 1 GB for 3 hours)
  media)    BENCH_HEAP="${BENCH_HEAP:-4g}" run MediaBench "$@" ;;
  messaging) run MessagingBench "$@" ;;
  all)      run PipelineBench; run LimitsBench; BENCH_HEAP="${BENCH_HEAP:-4g}" run MediaBench; run MessagingBench ;;
  *) echo "usage: bench/run.sh [pipeline|limits|media|messaging|all] [arguments]" >&2; exit 2 ;;
esac
