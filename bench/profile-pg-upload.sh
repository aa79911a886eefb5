#!/usr/bin/env bash
# Where the CPU of a stage and upload on PostgreSQL goes (issue 16), beside ogr2ogr's on the
# same file: an N-plot file (bench/generate-plots.ts) is loaded by `ogr2ogr -f PostgreSQL`,
# then staged and uploaded (skip_invalid) through a fresh server, against a throw-away
# cluster with default durability. For each phase it prints the wall time and the CPU of
# the server (or ogr2ogr) and of every PostgreSQL process, and the statements over 300 ms;
# then /fetch_plots of the whole collection twice, with the reading client's own CPU.
# With PROFILE=1 the server runs with --cpu-prof; summarise its threads with
#   node bench/measure/top-profile.mjs DIR/*.cpuprofile
# Usage: bench/profile-pg-upload.sh [plots] [reps]   (from the repository root, after npm run build)
set -euo pipefail
N=${1:-250000}
REPS=${2:-1}
W=$(mktemp -d /tmp/pgprof-XXXX); chmod 755 $W
node --import tsx -e "import('./bench/generate-plots.ts').then(m => m.writePlotsGeoJson('$W/plots.geojson', $N))"
PROF=""
if [ "${PROFILE:-0}" = 1 ]; then mkdir -p $W/prof; PROF="--cpu-prof --cpu-prof-dir=$W/prof"; fi
ticks() { cut -d')' -f2- /proc/$1/stat 2>/dev/null | awk '{print $12+$13+$14+$15}'; }
pgcpu() { local t=0; for p in $(pgrep -f "postgres"); do t=$((t + $(ticks $p || echo 0))); done; echo $t; }
secs() { echo "scale=2; ($(date +%s%N) - $1) / 1000000000" | bc; }
cpu() { echo "scale=2; $1 / 100" | bc; }
# A client that reads every page of /fetch_plots and counts its lines (bench/measure/fetch-plots.ts's way).
FETCH_JS='const http = require("http"); const [base, auth, name] = process.argv.slice(1); let lines = 0;
const get = (u) => new Promise((ok, fail) => http.get(u, { headers: { authorization: auth } }, ok).on("error", fail));
(async () => { for (let c = null; ;) {
  const r = await get(`${base}/fetch_plots?filename=${name}&limit=100000${c ? `&cursor=${encodeURIComponent(c)}` : ""}`);
  for await (const b of r) for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
  c = r.headers["x-next-cursor"]; if (!c) break;
} console.log(lines); })();'
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node --version), $(ogr2ogr --version)"
echo "command: bench/profile-pg-upload.sh $N $REPS; commit $(git rev-parse --short HEAD)"
echo
echo "| run | phase | wall s | CPU s: Canopy's server or ogr2ogr | CPU s: PostgreSQL |"
echo "|---|---|---:|---:|---:|"
for rep in $(seq 1 $REPS); do
  PGD=$(mktemp -d /tmp/canopy-bench-pg-XXXX)
  URL=$(CANOPY_PG_DURABLE=1 scripts/test-postgres.sh start $PGD)
  PORT=$(echo "$URL" | sed -E 's/.*:([0-9]+)\/.*/\1/')
  for db in ogr prof; do psql "$URL" -qc "CREATE DATABASE $db"; psql "${URL%/postgres}/$db" -qc "CREATE EXTENSION postgis"; done
  DB=${URL%/postgres}/prof
  psql "$URL" -qc "ALTER SYSTEM SET log_min_duration_statement = 300" -c "SELECT pg_reload_conf()" >/dev/null

  P0=$(pgcpu); T0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o $W/ogr.time ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PORT user=postgres dbname=ogr" -nln plots $W/plots.geojson 2>/dev/null
  echo "| $rep | ogr2ogr | $(secs $T0) | $(awk '{print $1 + $2}' $W/ogr.time) | $(cpu $(( $(pgcpu) - P0 ))) |"

  rm -rf $W/data
  CANOPY_DATABASE_URL=$DB CANOPY_DATA_DIR=$W/data PORT=18999 HOST=127.0.0.1 CANOPY_LOG_LEVEL=warn CANOPY_ADMIN_EMAIL=p@example.org CANOPY_ADMIN_PASSWORD=profile-password \
    node --max-semi-space-size=8 $PROF dist/cli/main.js serve >/dev/null & SP=$!
  until curl -sf http://127.0.0.1:18999/health >/dev/null; do sleep 0.2; done
  TOKEN=$(curl -s -H 'content-type: application/json' -d '{"email":"p@example.org","password":"profile-password"}' http://127.0.0.1:18999/refresh_token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  P0=$(pgcpu); N0=$(ticks $SP); T0=$(date +%s%N)
  curl -s -H "authorization: Bearer $TOKEN" -F 'request_data={"collection_name":"prof"}' -F "file=@$W/plots.geojson;type=application/geo+json" http://127.0.0.1:18999/stage_plots > $W/stage.json
  echo "| $rep | Canopy stage | $(secs $T0) | $(cpu $(( $(ticks $SP) - N0 ))) | $(cpu $(( $(pgcpu) - P0 ))) |"
  P0=$(pgcpu); N0=$(ticks $SP); T0=$(date +%s%N)
  IDS=$(curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"filename":"prof","skip_invalid":true}' http://127.0.0.1:18999/upload_plots)
  BQ=$(echo "$IDS" | node -pe 'JSON.parse(require("fs").readFileSync(0)).bq_task_id'); EE=$(echo "$IDS" | node -pe 'JSON.parse(require("fs").readFileSync(0)).ee_task_id')
  state() { curl -s -H "authorization: Bearer $TOKEN" "http://127.0.0.1:18999/get_task_status?task_id=$1" | node -pe 'JSON.parse(require("fs").readFileSync(0)).state'; }
  BQT=""; EET=""
  while [ -z "$BQT" ] || [ -z "$EET" ]; do
    [ -z "$BQT" ] && [ "$(state $BQ)" = COMPLETED ] && BQT=$(secs $T0)
    [ -z "$EET" ] && [ "$(state $EE)" = COMPLETED ] && EET=$(secs $T0)
    sleep 0.1
  done
  echo "| $rep | Canopy upload (plot_store $BQT s, analysis_asset $EET s) | $(secs $T0) | $(cpu $(( $(ticks $SP) - N0 ))) | $(cpu $(( $(pgcpu) - P0 ))) |"
  # /fetch_plots of the whole collection, read with node:http as the benchmark reads it, twice.
  for f in 1 2; do
    P0=$(pgcpu); N0=$(ticks $SP); T0=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o $W/client.time node -e "$FETCH_JS" http://127.0.0.1:18999 "Bearer $TOKEN" prof > $W/lines.txt
    echo "| $rep | Canopy /fetch_plots ($(cat $W/lines.txt) lines; the client's CPU $(awk '{print $1 + $2}' $W/client.time) s) | $(secs $T0) | $(cpu $(( $(ticks $SP) - N0 ))) | $(cpu $(( $(pgcpu) - P0 ))) |"
  done
  kill -TERM $SP; wait $SP || true
  grep -E 'duration:' $PGD/pg.log | sed -E 's/^.*duration: ([0-9.]+) ms +(statement|execute [^:]*): (.{0,60}).*/  \1 ms  \3/' > $W/slow-$rep.txt || true
  scripts/test-postgres.sh stop $PGD; rm -rf $PGD
done
echo
echo "Statements over 300 ms (PostgreSQL's log), last run:"
cat $W/slow-$REPS.txt
[ "${PROFILE:-0}" = 1 ] && { echo "profiles in $W/prof"; ls $W/prof; }
rm -rf $W/data $W/plots.geojson
