#!/usr/bin/env bash
# bench/overhead.sh — what a recovery adds on top of the AWS operations it waits for (issue 15): the database
# (Option B), Redis and ECS drills on the local cloud with operations that take a configured time, pollSeconds 10,
# once with waits that end on AWS's event and once polling only, alternating. Prints per scenario the operations'
# time, the total, the overhead (total minus operations), the waits' own overhead, where the rest went (the steps'
# Lambda invocations, the Step Functions engine), and the ratio polling/event-driven.
#
#   bench/overhead.sh                                   restore 20 s, rollout 10 s, cache creation 20 s, 1 round
#   ROUNDS=3 bench/overhead.sh                          more rounds (the modes alternate)
#   RESTORE_SECONDS=60 ROLLOUT_SECONDS=30 CACHE_SECONDS=60 POLL_SECONDS=30 bench/overhead.sh
#   SCENARIOS=database-failure bench/overhead.sh        one drill
#   SCENARIOS=region-failure bench/overhead.sh          the DR stack's failover (eu-west-1): restore and DR services
#                                                       (2026-12-06, RESTORE_SECONDS=10 ROLLOUT_SECONDS=5: overhead
#                                                       1.3 s event-driven vs 8.3 s polling, README Performance)
#   SKIP_BUILD=1 bench/overhead.sh                      reuse the build
#   WARMUP=0 bench/overhead.sh                          no untimed warm-up drill first (the first drill in a JVM
#                                                       loads and compiles every step's classes)
#
# Needs what the drills need (python3 with moto[server]==5.2.1, PostgreSQL and redis-server). Not part of
# `mvn verify`: speed is measured here, never by timed tests. About 6 minutes for one round on 2 cores (plus one
# untimed warm-up drill). Each run's folder keeps drill.log, functions.log, moto.log, history.tsv (every event of the
# execution) and states.tsv (its overhead per state: in the steps' Lambda invocations, or the engine's own).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "[overhead] building (mvn package, tests skipped)..." >&2
  mvn -q -B -Dstyle.color=never -DskipTests package >&2
fi
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")" ai.sentinel.dr.drill.bench.Overhead "$root"
