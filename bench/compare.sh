#!/usr/bin/env bash
# bench/compare.sh — the data-corruption compare benchmark: our TableCompare against the runbook's
# `pg_dump -t table | diff` and against `SELECT count(*)`, on two local PostgreSQL servers (clean copy and live),
# side by side in one run. Prints a table and, last, the ratios line.
#
#   bench/compare.sh               ROWS=1000000, RUNS=3 (about 2 minutes on 2 cores, most of it loading data)
#   ROWS=200000 bench/compare.sh   another table size
#   SKIP_BUILD=1 bench/compare.sh  reuse the classes already compiled
#   SERVER_OPTS="-c max_parallel_workers_per_gather=0" bench/compare.sh   more server settings (both servers)
#
# Live differs from clean in 0.1% of the rows (40% updated, 30% deleted, 30% inserted), all within the most recent
# 10% of the table, as corruption that started at a point in time. Ours is measured over the whole table and, as
# CompareTables runs it for a selective repair, over the condition's window (rows created since the corruption's
# start); the last line is the window's. Besides wall times it prints each method's CPU (both servers', parallel
# workers included, and the client's) and the CPU ratios: this machine is often shared, and wall times move with the
# load. The JVM runs as Lambda's java17/java21 runtimes run it (serial GC, C1 only). Needs Debian's postgresql server
# package.
# Not part of `mvn verify`: speed is measured here, never by timed tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rows="${ROWS:-1000000}"
runs="${RUNS:-3}"
work="$root/bench/target/compare"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[[ -x "$pgbin/initdb" ]] || { echo "PostgreSQL server not installed (apt-get install -y postgresql)" >&2; exit 1; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "[compare] compiling functions and bench..." >&2
  mvn -q -B -o -pl functions,bench -am compile >&2
  mvn -q -B -o -pl functions dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$root/bench/target/compare-classpath.txt" >&2
fi

rm -rf "$work"
mkdir -p "$work"
as_pg=()
if [[ "$(id -u)" == 0 ]]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
ports=()
stop() {
  for p in "${ports[@]}"; do
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data-$p" -m immediate -w stop >/dev/null 2>&1 || true
  done
}
trap stop EXIT
for side in clean live; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ports+=("$port")
  "${as_pg[@]}" "$pgbin/initdb" -D "$work/data-$port" -U postgres -A trust -E UTF8 --no-instructions >/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data-$port" -l "$work/$side.log" -w -o \
    "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off ${SERVER_OPTS:-}" \
    start >/dev/null
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres sentinel
  declare "${side}_port=$port"
done

psql_on() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres sentinel; }
schema="
CREATE TABLE api_keys (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO api_keys SELECT g, 'key-' || g FROM generate_series(1, 100) g;
CREATE TABLE audit_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, user_id bigint, action text NOT NULL,
  is_threat boolean NOT NULL, threat_details jsonb, api_key_id bigint REFERENCES api_keys(id), ip inet,
  score numeric(8,3));
INSERT INTO audit_logs SELECT g, timestamptz '2026-01-01' + g * interval '1 second', g % 5000,
  (array['login','query','export','delete'])[1 + g % 4], g % 97 = 0,
  CASE WHEN g % 3 = 0 THEN jsonb_build_object('rule', 'r' || g % 13, 'score', g % 100, 'tags',
    jsonb_build_array('a', g % 7)) END,
  1 + g % 100, CASE WHEN g % 5 <> 0 THEN ('10.0.' || g % 256 || '.' || g % 250)::inet END, (g % 10000) / 7.0
FROM generate_series(1, $rows) g;
VACUUM ANALYZE api_keys, audit_logs;"
echo "[compare] loading $rows rows into both servers..." >&2
psql_on "$clean_port" <<<"$schema" &
psql_on "$live_port" <<<"$schema"
wait
# 0.1% of the rows, all in the most recent 10%: 40% updated, 30% deleted, 30% inserted (new keys, as an app would)
diffs=$(( rows / 1000 ))
updated=$(( diffs * 4 / 10 )); deleted=$(( diffs * 3 / 10 )); inserted=$(( diffs - updated - deleted ))
psql_on "$live_port" <<SQL
SELECT setseed(0.42);
CREATE TEMP TABLE picked AS SELECT id, row_number() OVER () AS n FROM (SELECT id FROM audit_logs
  WHERE id > $rows - $rows / 10 ORDER BY random() LIMIT $updated + $deleted) s;
UPDATE audit_logs a SET threat_details = '{"rule": "forged"}', is_threat = NOT is_threat FROM picked p
  WHERE p.id = a.id AND p.n <= $updated;
DELETE FROM audit_logs a USING picked p WHERE p.id = a.id AND p.n > $updated;
INSERT INTO audit_logs (id, created_at, user_id, action, is_threat, api_key_id)
  SELECT $rows + g, timestamptz '2026-01-01' + ($rows + g) * interval '1 second', 0, 'junk', true, 1
  FROM generate_series(1, $inserted) g;
VACUUM ANALYZE audit_logs;
SQL

# the corruption's start: the condition a selective repair of it gives (a window from there on created_at)
window_from=$("$pgbin/psql" -X -At -h 127.0.0.1 -p "$clean_port" -U postgres sentinel -c "SELECT replace(to_char(
  created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ' ', 'T') || 'Z' FROM audit_logs WHERE id = $rows - $rows / 10 + 1")
cp="$root/functions/target/classes:$root/bench/target/classes:$(cat "$root/bench/target/compare-classpath.txt")"
java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" ai.sentinel.dr.bench.compare.CompareBench \
  --clean-port "$clean_port" \
  --live-port "$live_port" --pg-bin "$pgbin" --work "$work" --runs "$runs" \
  --expected "$deleted/$inserted/$updated" --window-from "$window_from" | tee "$work/results.txt"
