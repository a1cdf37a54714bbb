#!/usr/bin/env bash
# The import benchmark of docs/performance.md (issue 13): N generated
# vehicle rows through `voc data import` (the CLI streams the CSV over gRPC
# to voc-entities, which checks and upserts them) on SQLite or PostgreSQL,
# then the same file again (every row unchanged). voc-entities runs alone on
# a free loopback port in a temporary folder (removed at the end; --keep
# keeps it). --backend postgres starts a private PostgreSQL server there
# (initdb; port --port + 1; fsync and synchronous_commit on, as durable as
# SQLite's synchronous=FULL) and also reports its processes' CPU.
#
#   scripts/bench-entities.sh [--rows 1000000] [--port 17208] [--backend sqlite|postgres]
#                             [--schema config/entities.yaml] [--keep]
#
# --schema: another entity schema (one without the vehicle `lookup` shows
# what its index costs an import).
#
# Environment: VOC_BUILD_DIR (default build) holds the Release binaries;
# VOC_PG_BIN (default /usr/lib/postgresql/15/bin) PostgreSQL's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/${VOC_BUILD_DIR:-build}"
ROWS=1000000
PORT=17208
KEEP=0
BACKEND=sqlite
SCHEMA="$ROOT/config/entities.yaml"
PG_BIN="${VOC_PG_BIN:-/usr/lib/postgresql/15/bin}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --keep) KEEP=1 ;;
    --backend) BACKEND="$2"; shift ;;
    --schema) SCHEMA="$(realpath "$2")"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench-entities.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$BACKEND" in
  sqlite|postgres) ;;
  *) echo "bench-entities.sh: --backend must be sqlite or postgres, not $BACKEND" >&2; exit 2 ;;
esac
for f in "$BIN/services/entities/voc-entities" "$BIN/cli/voc"; do
  [ -x "$f" ] || { echo "bench-entities.sh: $f is missing; build first: ./scripts/build.sh Release build" >&2; exit 1; }
done
DIR="$(mktemp -d /tmp/voc-bench-entities.XXXXXX)"
PID=""
PG_PID=""
# PostgreSQL's tools refuse to run as root: as the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  if [ -n "$PG_PID" ]; then as_pg "$PG_BIN/pg_ctl" stop -D "$DIR/pg" -m fast -w >/dev/null 2>&1 || true; fi
  if [ "$KEEP" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

DATABASE="sqlite3://$DIR/entities.db"
if [ "$BACKEND" = postgres ]; then
  [ -x "$PG_BIN/initdb" ] || { echo "bench-entities.sh: no PostgreSQL server under $PG_BIN" >&2; exit 1; }
  PG_PORT=$((PORT + 1))
  mkdir -p "$DIR/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR" "$DIR/pg"; fi
  as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1
  as_pg "$PG_BIN/pg_ctl" start -D "$DIR/pg" -l "$DIR/pg/postgres.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR/pg" >/dev/null
  PG_PID="$(head -1 "$DIR/pg/postmaster.pid")"
  DATABASE="postgresql://host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres"
fi

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
    database: "$DATABASE"
    schema: $SCHEMA
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
# PostgreSQL: the postmaster and its children (the service's pooled
# connections stay open, so their CPU is counted across a pass).
pg_cpu() {
  local total=0 p
  for p in "$PG_PID" $(pgrep -P "$PG_PID"); do
    total=$(awk -v t="$total" '{printf "%.2f", t + ($14 + $15) / 100}' "/proc/$p/stat" 2>/dev/null || echo "$total")
  done
  echo "$total"
}
for pass in first again; do
  echo "import ($pass):"
  cpu0=$(server_cpu); wait0=$(server_wait)
  if [ -n "$PG_PID" ]; then pg0=$(pg_cpu); fi
  start=$(date +%s.%N)
  VOC_API_KEY="$TOKEN" /usr/bin/time -f "  voc CLI: %U s user, %S s system CPU" -o "$DIR/cli.time" \
    "$BIN/cli/voc" --entities "127.0.0.1:$PORT" data import --entity vehicle "$DIR/vehicles.csv" 2>/dev/null
  end=$(date +%s.%N)
  printf '  wall time %.1f s; load average %s\n' "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  cat "$DIR/cli.time"
  printf '  voc-entities: %.1f s CPU; its threads waited %.1f s for a core\n' \
    "$(echo "$(server_cpu) - $cpu0" | bc)" "$(echo "$(server_wait) - $wait0" | bc)"
  if [ -n "$PG_PID" ]; then printf '  postgres processes: %.1f s CPU\n' "$(echo "$(pg_cpu) - $pg0" | bc)"; fi
done
if [ "$BACKEND" = postgres ]; then
  printf '  entity_rows with its indexes: %s bytes\n' "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc \
    "SELECT pg_total_relation_size('entity_rows')")"
else
  ls -l "$DIR/entities.db" | awk '{print "  entities.db " $5 " bytes"}'
fi
