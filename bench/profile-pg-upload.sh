#!/usr/bin/env bash
# CPU profile of an upload on PostgreSQL (issue 16): a 200k-plot file (bench/generate-plots.ts) staged
# and uploaded on a server started with --cpu-prof, against a throw-away cluster with default
# durability. Prints both tasks' times; summarise the profiles with
#   node bench/measure/top-profile.mjs DIR/*.cpuprofile
# Usage: bench/profile-pg-upload.sh [plots]   (from the repository root, after npm run build)
set -euo pipefail
N=${1:-200000}
W=$(mktemp -d /tmp/pgprof-XXXX); chmod 755 $W
PGD=$(mktemp -d /tmp/canopy-bench-pg-XXXX)
URL=$(CANOPY_PG_DURABLE=1 scripts/test-postgres.sh start $PGD)
psql "$URL" -qc "CREATE DATABASE prof" ; DB=${URL%/postgres}/prof; psql "$DB" -qc "CREATE EXTENSION postgis"
node --import tsx -e "import('./bench/generate-plots.ts').then(m => m.writePlotsGeoJson('$W/plots.geojson', $N))"
mkdir -p $W/prof
CANOPY_DATABASE_URL=$DB CANOPY_DATA_DIR=$W/data PORT=18999 HOST=127.0.0.1 CANOPY_LOG_LEVEL=warn CANOPY_ADMIN_EMAIL=p@example.org CANOPY_ADMIN_PASSWORD=profile-password \
  node --max-semi-space-size=8 --cpu-prof --cpu-prof-dir=$W/prof dist/cli/main.js serve & SP=$!
until curl -sf http://127.0.0.1:18999/health >/dev/null; do sleep 0.2; done
TOKEN=$(curl -s -H 'content-type: application/json' -d '{"email":"p@example.org","password":"profile-password"}' http://127.0.0.1:18999/refresh_token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
curl -s -H "authorization: Bearer $TOKEN" -F 'request_data={"collection_name":"prof"}' -F "file=@$W/plots.geojson;type=application/geo+json" http://127.0.0.1:18999/stage_plots > $W/stage.json
pgcpu() { local t=0; for p in $(pgrep -f "postgres" ); do s=$(cut -d')' -f2- /proc/$p/stat 2>/dev/null | awk '{print $12+$13}'); t=$((t + ${s:-0})); done; echo $t; }
nodecpu() { cut -d')' -f2- /proc/$SP/stat | awk '{print $12+$13}'; }
P0=$(pgcpu); N0=$(nodecpu); T0=$(date +%s.%N)
IDS=$(curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"filename":"prof","skip_invalid":true}' http://127.0.0.1:18999/upload_plots)
BQ=$(echo "$IDS" | node -pe 'JSON.parse(require("fs").readFileSync(0)).bq_task_id'); EE=$(echo "$IDS" | node -pe 'JSON.parse(require("fs").readFileSync(0)).ee_task_id')
state() { curl -s -H "authorization: Bearer $TOKEN" "http://127.0.0.1:18999/get_task_status?task_id=$1" | node -pe 'JSON.parse(require("fs").readFileSync(0)).state'; }
BQT=""; EET=""
while [ -z "$BQT" ] || [ -z "$EET" ]; do
  [ -z "$BQT" ] && [ "$(state $BQ)" = COMPLETED ] && BQT=$(echo "$(date +%s.%N) - $T0" | bc)
  [ -z "$EET" ] && [ "$(state $EE)" = COMPLETED ] && EET=$(echo "$(date +%s.%N) - $T0" | bc)
  sleep 0.1
done
echo "upload of $N: plot_store $BQT s, analysis_asset $EET s; cpu ticks (1/100 s): server $(( $(nodecpu) - N0 )), postgres $(( $(pgcpu) - P0 ))"
kill -TERM $SP; wait $SP || true
scripts/test-postgres.sh stop $PGD; rm -rf $PGD
echo "profiles in $W/prof"; ls -la $W/prof
