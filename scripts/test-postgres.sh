#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster for the tests (issue 16).
#   scripts/test-postgres.sh start DIR   initdb in DIR, start on a free loopback port with its
#                                        socket in DIR; prints the cluster's URL (postgres user, trust)
#   scripts/test-postgres.sh stop DIR    stops it (the caller removes DIR)
# As root, the server runs as the postgres user (initdb refuses root). Needs PostgreSQL 15
# (Debian's postgresql-15-postgis-3, which .ci/run installs). Tests run it without fsync and
# synchronous commit; CANOPY_PG_DURABLE=1 (the benchmark) keeps PostgreSQL's defaults.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder for the cluster}
bin=${CANOPY_PG_BIN:-/usr/lib/postgresql/15/bin}
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust --no-sync -E UTF8 >'$dir/initdb.log' 2>&1"
    fast="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    if [ "${CANOPY_PG_DURABLE:-}" = 1 ]; then fast=""; fi
    as_owner "'$bin/pg_ctl' -D '$dir/data' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 $fast\" -l '$dir/pg.log' -w start >/dev/null"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null" || true
    ;;
  *) echo "start or stop" >&2; exit 2 ;;
esac
