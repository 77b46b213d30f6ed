#!/usr/bin/env bash
# `make test`: the whole suite on SQLite and, when a PostgreSQL server answers at $PG_TEST_URL, on PostgreSQL,
# side by side (two pytest processes, one per core). Output goes to var/test-sqlite.log and var/test-postgres.log;
# the end of each is printed, all of a failed run's last 300 lines.
#
# WITH_CONFORMANCE=1 (set by .ci/run) also runs the conformance suites over ../shared (`make conformance`), in the
# SQLite lane once its suite is done, so both cores stay busy; its output goes to var/conformance.log.
set -u
cd "$(dirname "$0")/.."
PG_TEST_URL=${PG_TEST_URL:-postgresql://postgres@127.0.0.1:5432/test}
mkdir -p var

show() {  # show NAME STATUS
  echo "=== $1 ==="
  if [ "$2" = 0 ]; then tail -n 3 "var/$1.log"; else tail -n 300 "var/$1.log"; fi
}

sqlite_lane() {
  local status=0
  make --no-print-directory test-sqlite >var/test-sqlite.log 2>&1 || status=1
  if [ "${WITH_CONFORMANCE:-0}" = 1 ]; then
    make --no-print-directory conformance >var/conformance.log 2>&1 || status=$((status | 2))
  fi
  return $status
}

if .venv/bin/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()' \
  "$PG_TEST_URL" 2>/dev/null; then
  echo "running the suite on SQLite and on PostgreSQL side by side; logs: var/test-sqlite.log, var/test-postgres.log"
  make --no-print-directory test-postgres PG_TEST_URL="$PG_TEST_URL" >var/test-postgres.log 2>&1 &
  postgres_pid=$!
  sqlite_lane
  lane=$?
  wait $postgres_pid
  postgres=$?
elif [ "${PB_REQUIRE_SERVICES:-0}" = 1 ]; then
  echo "PostgreSQL is required but not reachable at $PG_TEST_URL"
  exit 1
else
  echo "running the suite on SQLite; log: var/test-sqlite.log (no PostgreSQL server at $PG_TEST_URL)"
  sqlite_lane
  lane=$?
  postgres=skipped
fi

show test-sqlite $((lane & 1))
if [ "${WITH_CONFORMANCE:-0}" = 1 ]; then show conformance $((lane & 2)); fi
if [ "$postgres" = skipped ]; then
  echo "SKIPPED the PostgreSQL run: no server at $PG_TEST_URL"
  postgres=0
else
  show test-postgres "$postgres"
fi
[ "$lane" = 0 ] && [ "$postgres" = 0 ]
