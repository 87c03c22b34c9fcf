#!/usr/bin/env bash
# The whole suite: lint, types, then pytest on a real PostgreSQL server (browser tests included), then again on
# SQLite the tests marked db_specific: those of what differs between the two databases (collation and search,
# locking, migrations, aggregates and database functions; the list is DATABASE_SPECIFIC in conftest.py), so that
# `make run` on SQLite keeps working without running every test twice. The server is stopped however the run ends.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
started=$SECONDS
# pytest-xdist: one worker per core, each with its own copy of a test database migrated once per pass
# (tilts/core/tests/testdb.py); files stay whole on one worker so that module-scoped fixtures are built once.
PARALLEL=(-n "${TEST_WORKERS:-auto}" --dist loadfile)
step() { echo; echo "== $*"; }
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
# Where PYTHONDONTWRITEBYTECODE is set, every Python process of the run (the checks, pytest's controllers, workers
# and test database builders) would compile the project and rewrite the test files' asserts again, ~10 s of CPU
# each; they share the compiled files in a directory of their own instead, removed at the end.
if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ] && [ -z "${PYTHONPYCACHEPREFIX:-}" ]; then
  PYTHONPYCACHEPREFIX=$(mktemp -d /tmp/tilts-pycache.XXXXXX)
  export PYTHONPYCACHEPREFIX
  unset PYTHONDONTWRITEBYTECODE
  cleanup+=('rm -rf "$PYTHONPYCACHEPREFIX"')
fi

step "ruff"
$BIN/ruff check . || status=1
$BIN/ruff format --check . || status=1

step "mypy (grant engine and services)"
$BIN/mypy || status=1

step "deploy check"
DEBUG=0 SECRET_KEY="$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=tilts.example SITE_URL=https://tilts.example \
  $BIN/python manage.py check --deploy --fail-level WARNING || status=1

step "migrations are up to date"
$BIN/python manage.py makemigrations --check --dry-run >/dev/null || { echo "missing migrations"; status=1; }

step "PostgreSQL"
eval "$(scripts/postgres.sh start)" || exit 1
cleanup+=('scripts/postgres.sh stop "$TILTS_PGDATA"')
echo "started on ${DATABASE_URL}"

step "pytest on PostgreSQL (all tests, browser included)"
$BIN/pytest -q "${PARALLEL[@]}" "$@" || status=1

step "pytest on SQLite (what differs between the databases: -m db_specific)"
DATABASE_URL="sqlite:///$(mktemp -d)/tilts.sqlite3" $BIN/pytest -q "${PARALLEL[@]}" \
  -m "db_specific and not browser and not pg_only and not api_fuzz" "$@" || status=1

echo
echo "make test took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s."
if [ $status -eq 0 ]; then echo "All checks passed."; else echo "Some checks FAILED."; fi
exit $status
