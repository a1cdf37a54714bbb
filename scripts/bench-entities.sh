#!/usr/bin/env bash
# The import benchmark of docs/performance.md (issue 13): N generated
# vehicle rows through `voc data import` (the CLI streams the CSV over gRPC
# to voc-entities, which checks and upserts them) on SQLite, then the same
# file again (every row unchanged). voc-entities runs alone on a free
# loopback port in a temporary folder (removed at the end; --keep keeps it).
#
#   scripts/bench-entities.sh [--rows 1000000] [--port 17208] [--keep]
#
# Environment: VOC_BUILD_DIR (default build) holds the Release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/${VOC_BUILD_DIR:-build}"
ROWS=1000000
PORT=17208
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench-entities.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for f in "$BIN/services/entities/voc-entities" "$BIN/cli/voc"; do
  [ -x "$f" ] || { echo "bench-entities.sh: $f is missing; build first: ./scripts/build.sh Release build" >&2; exit 1; }
done
DIR="$(mktemp -d /tmp/voc-bench-entities.XXXXXX)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

TOKEN="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
cat >"$DIR/voc.yaml" <<YAML
data_dir: $DIR
log_format: json
redis: {host: "", port: 0}
org: {directory: $ROOT/config/directory.yaml}
auth:
  roles: $ROOT/config/roles.yaml
  principals:
    bench: {token_sha256: "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)", scopes: "entities:write, entities:read"}
services:
  entities:
    listen: 127.0.0.1:$PORT
    address: 127.0.0.1:$PORT
    metrics_listen: ""
    database: sqlite3://$DIR/entities.db
    schema: $ROOT/config/entities.yaml
YAML
echo "generating $ROWS vehicle rows..."
python3 scripts/demo/entities.py --bench "$ROWS" "$DIR/vehicles.csv"
ls -l "$DIR/vehicles.csv" | awk '{print "  " $5 " bytes"}'
"$BIN/services/entities/voc-entities" --config "$DIR/voc.yaml" >"$DIR/entities.log" 2>&1 &
PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) (shared with other work)"
# CPU seconds voc-entities has used so far, and the time its threads waited
# for a core (a busy machine shows here, not in the CPU time).
server_cpu() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$PID/stat"; }
server_wait() { cat /proc/"$PID"/task/*/schedstat | awk '{w += $2} END {printf "%.1f", w / 1e9}'; }
for pass in first again; do
  echo "import ($pass):"
  cpu0=$(server_cpu); wait0=$(server_wait)
  start=$(date +%s.%N)
  VOC_API_KEY="$TOKEN" /usr/bin/time -f "  voc CLI: %U s user, %S s system CPU" -o "$DIR/cli.time" \
    "$BIN/cli/voc" --entities "127.0.0.1:$PORT" data import --entity vehicle "$DIR/vehicles.csv" 2>/dev/null
  end=$(date +%s.%N)
  printf '  wall time %.1f s; load average %s\n' "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  cat "$DIR/cli.time"
  printf '  voc-entities: %.1f s CPU; its threads waited %.1f s for a core\n' \
    "$(echo "$(server_cpu) - $cpu0" | bc)" "$(echo "$(server_wait) - $wait0" | bc)"
done
ls -l "$DIR/entities.db" | awk '{print "  entities.db " $5 " bytes"}'
