#!/usr/bin/env bash
# bench/coldstart.sh — cold-start benchmark: a fresh JVM's time to its first handled event, our deployed handlers
# against a naive baseline, side by side in one run. Prints a table and ratios; see bench/README.md.
#
#   bench/coldstart.sh              build what is needed, run N=5 per variant (about 3-4 minutes on 2 cores)
#   RUNS=3 bench/coldstart.sh       fewer runs per variant
#   SKIP_BUILD=1 bench/coldstart.sh reuse the jars already built
#   OURS_JAR=path bench/coldstart.sh  measure another build of the functions jar (same handler classes)
#
# Needs what the local cloud needs (python3 with moto[server]==5.2.1). Not part of `mvn verify`: speed is measured
# here, never by timed tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version=0.1.0-SNAPSHOT
ours="${OURS_JAR:-$root/functions/target/sentinel-dr-functions-$version-lambda.jar}"
naive="$root/bench/target/sentinel-dr-bench-$version-naive-lambda.jar"
runner="$root/bench/target/sentinel-dr-bench-$version-runner.jar"
work="$root/bench/target/coldstart"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "[coldstart] building the functions jar and the bench jars (mvn package, tests skipped)..." >&2
  mvn -q -B -DskipTests -pl functions,bench -am package >&2
fi
for f in "$ours" "$naive" "$runner" "$root/bench/target/classpath.txt"; do
  [[ -f "$f" ]] || { echo "missing $f (run without SKIP_BUILD)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work/jars"
# measure copies: a build running meanwhile (here or in another shell) must not swap a jar under a running JVM
cp -p "$ours" "$naive" "$runner" "$work/jars/"
ours="$work/jars/$(basename "$ours")"
naive="$work/jars/$(basename "$naive")"
runner="$work/jars/$(basename "$runner")"
# the launcher (local cloud + spawner) gets the project's usual client-side flags; the children get only their own
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")" ai.sentinel.dr.bench.ColdStart \
  --ours "$ours" --naive "$naive" --runner "$runner" --work "$work" --runs "${RUNS:-5}"
