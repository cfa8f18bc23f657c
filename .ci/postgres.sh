#!/usr/bin/env bash
# A local PostgreSQL server for the publishing tests (tests/publish), on a
# Debian-like machine, run as root. Installs the postgresql package if absent,
# creates and starts a cluster (the server itself runs as the postgres user),
# creates role and database "scheduler"/"scheduler_test" if absent, and prints
# the URL to export as SCHEDULER_TEST_PG_URL. Safe to run again.
set -euo pipefail
ROLE=scheduler
PASSWORD=scheduler
DATABASE=scheduler_test

if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh: needs root (apt-get, pg_ctlcluster); set SCHEDULER_TEST_PG_URL instead" >&2
    exit 1
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {found = 1} END {exit !found}'; then
    pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online" {found = 1} END {exit !found}'; then
    pg_ctlcluster "$VERSION" main start >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"

as_postgres() { runuser -u postgres -- psql --port "$PORT" -v ON_ERROR_STOP=1 -tA "$@"; }
if [ "$(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
    as_postgres -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
    as_postgres -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
fi
echo "postgresql://$ROLE:$PASSWORD@localhost:$PORT/$DATABASE"
