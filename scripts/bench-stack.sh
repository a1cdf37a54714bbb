#!/usr/bin/env bash
# Starts a private VoC Loop for benchmarks: redis-server and the five loop
# services on loopback, data in a fresh temporary folder (SQLite files, or
# a private PostgreSQL 15 with --postgres), fixed ports so the load tool's
# command line is known in advance. Ctrl-C (or SIGTERM) stops everything
# and removes the folder (--keep keeps it). docs/performance.md has the
# benchmark commands that go with it.
#
#   scripts/bench-stack.sh [--postgres] [--webhook PORT] [--identity] [--base-port P] [--keep]
#
#   --postgres      PostgreSQL instead of SQLite (initdb in the folder)
#   --webhook PORT  red-line alerts and escalations go to
#                   http://127.0.0.1:PORT/ (voc-load e2e --webhook-listen
#                   127.0.0.1:PORT receives them; without a receiver the
#                   assignment service retries each alert until one answers)
#   --identity      also voc-identity (on P+7), and an API key for voc-load
#                   in api.key (feedback:write, feedback:read, cases:read)
#                   that the services verify with identity on every call,
#                   beside load.key (a service-principal token they check
#                   locally): the two measure what the per-call key check costs
#   --base-port P   redis on P, ingest P+1, triage P+2, assignment P+3,
#                   tracking P+4, verification P+5, PostgreSQL P+6,
#                   identity P+7, metrics P+11..P+16 (default 17100)
#
# Written into the folder (its path is printed): voc.yaml, log/*.log, and
# `pids` (one name=pid a line, for voc-load soak --pids-file).
# Environment: VOC_BUILD_DIR (default build) holds the Release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/${VOC_BUILD_DIR:-build}"

POSTGRES=0
WEBHOOK=""
BASE=17100
KEEP=0
IDENTITY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) POSTGRES=1 ;;
    --webhook) WEBHOOK="$2"; shift ;;
    --base-port) BASE="$2"; shift ;;
    --keep) KEEP=1 ;;
    --identity) IDENTITY=1 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "bench-stack.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

SERVICES=(ingest triage assignment tracking verification)
# Identity first: the others ask it about API keys.
if [ "$IDENTITY" = 1 ]; then SERVICES=(identity "${SERVICES[@]}"); fi
for svc in "${SERVICES[@]}"; do
  if [ ! -x "$BIN/services/$svc/voc-$svc" ]; then
    echo "bench-stack.sh: $BIN/services/$svc/voc-$svc is missing; build first: ./scripts/build.sh Release build" >&2
    exit 1
  fi
done

DIR="$(mktemp -d /tmp/voc-bench.XXXXXX)"
mkdir -p "$DIR/log" "$DIR/var" "$DIR/redis"
REDIS_PORT=$BASE
PG_PORT=$((BASE + 6))
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $(seq "$BASE" $((BASE + 7))); do
  if port_busy "$p"; then echo "bench-stack.sh: port $p is in use; pick another --base-port" >&2; exit 1; fi
done

pids=()
names=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$POSTGRES" = 1 ]; then as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true; fi
  if [ "$KEEP" = 1 ]; then echo "bench-stack.sh: kept $DIR"; else rm -rf "$DIR"; fi
  exit "${1:-0}"
}
trap 'stop_all 0' INT TERM
trap 'stop_all $?' EXIT

# PostgreSQL refuses to run as root: run it as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

wait_port() {  # port, name
  for _ in $(seq 1 300); do
    if port_busy "$1"; then return 0; fi
    sleep 0.1
  done
  echo "bench-stack.sh: $2 did not start; see $DIR/log/$2.log" >&2
  tail -n 20 "$DIR/log/$2.log" >&2 || true
  exit 1
}

# A service's gRPC port (its metrics port is 10 more).
port_of() {
  case "$1" in
    ingest) echo $((BASE + 1)) ;; triage) echo $((BASE + 2)) ;; assignment) echo $((BASE + 3)) ;;
    tracking) echo $((BASE + 4)) ;; verification) echo $((BASE + 5)) ;; identity) echo $((BASE + 7)) ;;
  esac
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --save "" --appendonly no \
  --protected-mode yes >"$DIR/log/redis.log" 2>&1 &
pids+=($!); names+=(redis-server)
wait_port "$REDIS_PORT" redis

if [ "$POSTGRES" = 1 ]; then
  if [ -z "$PG_BIN" ]; then echo "bench-stack.sh: PostgreSQL server binaries are not installed" >&2; exit 1; fi
  mkdir -p "$DIR/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DIR" "$DIR/pg" "$DIR/log"; chmod 0777 "$DIR/log"; fi
  as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 >"$DIR/log/initdb.log" 2>&1
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/log/postgres.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $DIR/pg -c max_connections=200" start >/dev/null
  for svc in "${SERVICES[@]}"; do
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$svc"
  done
fi

database_url() {
  if [ "$POSTGRES" = 1 ]; then
    echo "\"postgresql://host=127.0.0.1 port=$PG_PORT dbname=$1 user=postgres\""
  else
    echo "sqlite3://$1.db"
  fi
}

# Tokens for this run (issue 9): each service's own, and "load" for voc-load
# (feedback:write, cases:read): VOC_API_KEY="$(cat $DIR/load.key)".
# The names are config/voc.yaml's principals, so a new one gets its token here too.
declare -A TOKENS
for name in $(python3 -c 'import yaml; print(" ".join(yaml.safe_load(open("config/voc.yaml"))["auth"]["principals"]))') load; do
  TOKENS[$name]="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
done
(umask 077; printf '%s\n' "${TOKENS[load]}" >"$DIR/load.key")
auth_block() {
  echo "auth:"
  echo "  roles: config/roles.yaml"
  echo "  principals:"
  python3 - <<'PY' | while IFS=$'\t' read -r name scopes; do
import yaml
for name, p in yaml.safe_load(open("config/voc.yaml"))["auth"]["principals"].items():
    print(name + "\t" + p["scopes"])
print("load\tfeedback:write, feedback:read, cases:read")
PY
    echo "    $name: {token_sha256: \"$(printf %s "${TOKENS[$name]}" | sha256sum | cut -d' ' -f1)\", scopes: \"$scopes\"}"
  done
}

CONFIG="$DIR/voc.yaml"
{
  auth_block
  echo "data_dir: $DIR/var"
  echo "redis: {host: 127.0.0.1, port: $REDIS_PORT}"
  echo "dev_clock: false"
  echo "log_format: json"
  echo "log_level: info"
  echo "org: {directory: config/directory.yaml}"
  if [ -n "$WEBHOOK" ]; then
    echo "notifier: {kind: webhook, webhook_url: \"http://127.0.0.1:$WEBHOOK/\"}"
  else
    echo "notifier: {kind: log}"
  fi
  echo "services:"
  for svc in "${SERVICES[@]}"; do
    port=$(port_of "$svc")
    echo "  $svc:"
    echo "    listen: 127.0.0.1:$port"
    echo "    address: 127.0.0.1:$port"
    echo "    database: $(database_url "$svc")"
    echo "    metrics_listen: 127.0.0.1:$((port + 10))"
    case "$svc" in
      triage) echo "    taxonomy: config/taxonomy.yaml"; echo "    redlines: config/redlines.yaml"
              echo "    priority: config/priority.yaml" ;;
      assignment) echo "    routing: config/routing.yaml" ;;
      tracking) echo "    sla_sweep_interval_ms: 1000" ;;
      verification) echo "    check_delay_hours: 720"; echo "    window_days: 30"
                    echo "    resurvey_delay_days: 90"; echo "    significance: 0.05"
                    echo "    scheduler_interval_ms: 1000" ;;
    esac
  done
  echo "  gateway: {listen: 127.0.0.1:0}"
} >"$CONFIG"

BOOTSTRAP_KEY="vk_$(python3 -c 'import secrets; print(secrets.token_hex(6) + "_" + secrets.token_urlsafe(32))')"
for svc in "${SERVICES[@]}"; do
  VOC_SERVICE_TOKEN="${TOKENS[$svc]}" VOC_BOOTSTRAP_ADMIN_KEY="$BOOTSTRAP_KEY" \
    "$BIN/services/$svc/voc-$svc" --config "$CONFIG" >"$DIR/log/$svc.log" 2>&1 &
  pids+=($!); names+=("voc-$svc")
  wait_port "$(port_of "$svc")" "$svc"
done
if [ "$IDENTITY" = 1 ]; then
  VOC_API_KEY="$BOOTSTRAP_KEY" "$BIN/cli/voc" --config "$CONFIG" apikeys create --name load \
    --scopes feedback:write,feedback:read,cases:read --token-only >"$DIR/api.key"
  chmod 600 "$DIR/api.key"
fi

: >"$DIR/pids"
for k in "${!pids[@]}"; do echo "${names[$k]}=${pids[$k]}" >>"$DIR/pids"; done

cat <<MSG
VoC Loop for benchmarks is up ($( [ "$POSTGRES" = 1 ] && echo PostgreSQL || echo SQLite ), folder $DIR)
  redis 127.0.0.1:$REDIS_PORT  ingest 127.0.0.1:$((BASE + 1))  triage 127.0.0.1:$((BASE + 2))
  assignment 127.0.0.1:$((BASE + 3))  tracking 127.0.0.1:$((BASE + 4))  verification 127.0.0.1:$((BASE + 5))
  pids: $DIR/pids   logs: $DIR/log/
  voc-load's key: export VOC_API_KEY="\$(cat $DIR/load.key)"$( [ "$IDENTITY" = 1 ] && printf '\n  identity 127.0.0.1:%s; an API key checked with identity on every call: %s' "$(port_of identity)" "$DIR/api.key" )
Ctrl-C stops it.
MSG

wait -n "${pids[@]}" || true
echo "bench-stack.sh: a process exited unexpectedly; see $DIR/log (kept)" >&2
KEEP=1
stop_all 1
