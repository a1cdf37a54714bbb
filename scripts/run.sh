#!/usr/bin/env bash
# Brings up the whole VoC Loop on this machine: installs what is missing,
# builds (Release), starts a private redis-server and every service on
# loopback with SQLite under ./var, loads the demo feedback, and says where
# to look. Ctrl-C stops everything cleanly.
#
# Environment:
#   VOC_CONFIG      configuration file (default config/voc.yaml)
#   VOC_DEV_CLOCK   true (default here) lets `voc clock advance 25h` move time
#   VOC_NO_DEMO=1   start empty, without loading the demo feedback
#   VOC_FRESH=1     delete ./var first (a clean demo)
#   VOC_NO_BUILD=1  skip installing and building (the Release binaries in
#                   ./build are already there, e.g. built target by target)
# Secrets (tokens, the bootstrap admin key, the demo's passwords) are made once
# per installation under ./var/secrets; VOC_FRESH=1 makes new ones.
#   VOC_NO_MAIL_CATCHER=1  do not start the local mail catcher (point
#                   services.notify.channels.email.smtp_url at a real server,
#                   e.g. VOC_SERVICES_NOTIFY_CHANNELS_EMAIL_SMTP_URL=smtp://mail.example.com:587,
#                   and put its password in the variable password_env names)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [ "${VOC_NO_BUILD:-0}" != "1" ]; then
  ./scripts/install-deps.sh
  ./scripts/build.sh Release build
fi

BIN="$ROOT/build"
CONFIG="${VOC_CONFIG:-config/voc.yaml}"
export VOC_DEV_CLOCK="${VOC_DEV_CLOCK:-true}"
export VOC_LOG_FORMAT="${VOC_LOG_FORMAT:-json}"

if [ "${VOC_FRESH:-0}" = "1" ]; then rm -rf var; fi
mkdir -p var/log var/redis

# ---- Secrets of this installation (issue 9), made once, kept in var/secrets
# (mode 700; never checked in). Each process presents its own token; every
# process knows the others' SHA-256 only (auth.principals.<name>.token_sha256).
SECRETS="$ROOT/var/secrets"
mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
random_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
secret_file() {  # path, generator: prints the file's first line, making it first if missing
  if [ ! -s "$1" ]; then (umask 077; "$2" >"$1"); fi
  head -n 1 "$1"
}
PRINCIPALS=(gateway assignment verification ingest triage tracking notify identity entities)
declare -A TOKENS
for name in "${PRINCIPALS[@]}"; do
  TOKENS[$name]="$(secret_file "$SECRETS/$name.token" random_secret)"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  export "VOC_AUTH_PRINCIPALS_${upper}_TOKEN_SHA256=$(printf %s "${TOKENS[$name]}" | sha256sum | cut -d' ' -f1)"
done
# The first admin: an API key voc-identity registers at start (scope admin).
bootstrap_key() { python3 -c 'import secrets; print("vk_" + secrets.token_hex(6) + "_" + secrets.token_urlsafe(32))'; }
BOOTSTRAP_KEY="$(secret_file "$SECRETS/bootstrap-admin.key" bootstrap_key)"

# Reads a dotted key from the config file, honouring its VOC_* environment
# override the same way the services do (services.ingest.listen is
# overridden by VOC_SERVICES_INGEST_LISTEN).
cfg() {
  python3 - "$CONFIG" "$1" <<'PY'
import os, sys, yaml
path, key = sys.argv[1], sys.argv[2]
env = "VOC_" + key.upper().replace(".", "_").replace("-", "_")
if os.environ.get(env):
    print(os.environ[env]); sys.exit(0)
node = yaml.safe_load(open(path))
for part in key.split("."):
    node = node.get(part) if isinstance(node, dict) else None
if node is None:
    sys.exit("run.sh: %s is not set in %s" % (key, path))
print(node)
PY
}

REDIS_PORT="$(cfg redis.port)"
GATEWAY="$(cfg services.gateway.listen)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping VoC Loop..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped. Data is kept in ./var (VOC_FRESH=1 starts clean)."
  exit "${1:-0}"
}
trap 'stop_all 0' INT TERM
trap 'stop_all $?' EXIT

if port_busy "$REDIS_PORT"; then
  echo "run.sh: port $REDIS_PORT is already in use (another redis-server?)." >&2
  echo "run.sh: stop it, or set VOC_REDIS_PORT to a free port." >&2
  exit 1
fi
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$ROOT/var/redis" \
  --appendonly yes --appendfsync everysec --save "" --protected-mode yes \
  >"var/log/redis.log" 2>&1 &
pids+=($!)

wait_port() {  # host:port, name
  local port="${1##*:}"
  for _ in $(seq 1 200); do
    if port_busy "$port"; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: $2 did not start; see var/log/$2.log" >&2
  tail -n 20 "var/log/$2.log" >&2 || true
  exit 1
}
wait_port "127.0.0.1:$REDIS_PORT" redis

# A local mail catcher (issue 11): voc-notify's e-mails land in ./var/mail
# instead of a real mailbox. Started when the e-mail channel points at
# loopback (the default config: smtp://127.0.0.1:1025).
SMTP_URL="$(cfg services.notify.channels.email.smtp_url 2>/dev/null || true)"
MAIL_DIR="$ROOT/var/mail"
MAIL_NOTE="  E-mails (voc-notify): ${SMTP_URL:-not configured} (services.notify.channels.email)"
if [ "${VOC_NO_MAIL_CATCHER:-0}" != "1" ] && [[ "$SMTP_URL" =~ ^smtp://(127\.0\.0\.1|localhost):([0-9]+) ]]; then
  MAIL_PORT="${BASH_REMATCH[2]}"
  if port_busy "$MAIL_PORT"; then
    echo "run.sh: port $MAIL_PORT (the mail catcher) is already in use; set VOC_NO_MAIL_CATCHER=1 to use that server." >&2
    exit 1
  fi
  /usr/bin/python3 scripts/mail-catcher.py --port "$MAIL_PORT" --dir "$MAIL_DIR" >"var/log/mail-catcher.log" 2>&1 &
  pids+=($!)
  wait_port "127.0.0.1:$MAIL_PORT" mail-catcher
  MAIL_NOTE="  E-mails (voc-notify):  caught locally, one .eml file each in $MAIL_DIR
                         (one line per mail: tail -f var/log/mail-catcher.log)"
fi

# voc-identity first: the others ask it about API keys.
for svc in identity entities ingest triage assignment tracking verification notify; do
  listen="$(cfg "services.$svc.listen")"
  if port_busy "${listen##*:}"; then
    echo "run.sh: $listen (voc-$svc) is already in use; is another VoC Loop running?" >&2
    exit 1
  fi
  if [ "$svc" = identity ]; then
    VOC_SERVICE_TOKEN="${TOKENS[$svc]}" VOC_BOOTSTRAP_ADMIN_KEY="$BOOTSTRAP_KEY" \
      "$BIN/services/$svc/voc-$svc" --config "$CONFIG" >"var/log/$svc.log" 2>&1 &
  else
    VOC_SERVICE_TOKEN="${TOKENS[$svc]}" "$BIN/services/$svc/voc-$svc" --config "$CONFIG" >"var/log/$svc.log" 2>&1 &
  fi
  pids+=($!)
  wait_port "$listen" "$svc"
done
VOC_SERVICE_TOKEN="${TOKENS[gateway]}" "$BIN/services/gateway/voc-gateway" --config "$CONFIG" >"var/log/gateway.log" 2>&1 &
pids+=($!)
wait_port "$GATEWAY" gateway

# ---- The demo's API key and accounts, made once per installation with the
# bootstrap admin key. The CLI reads var/secrets/cli.key (docs/api.md).
VOC="$BIN/cli/voc"
if [ ! -s "$SECRETS/cli.key" ]; then
  echo "Creating the demo's CLI key (var/secrets/cli.key)..."
  (umask 077; VOC_API_KEY="$BOOTSTRAP_KEY" "$VOC" --config "$CONFIG" apikeys create --name demo-cli \
    --scopes feedback:write,feedback:read,cases:read,cases:write,rules:read,rules:write,analytics:read,notify:read,admin,clock:write,entities:read \
    --token-only >"$SECRETS/cli.key.new") && mv "$SECRETS/cli.key.new" "$SECRETS/cli.key"
fi
# The demo's importer of operational data (issue 13): a key with
# entities:write (and entities:read) only, as a system that pushes data
# would hold; also made for installations whose CLI key predates it.
if [ ! -s "$SECRETS/data.key" ]; then
  (umask 077; VOC_API_KEY="$BOOTSTRAP_KEY" "$VOC" --config "$CONFIG" apikeys create --name demo-data-import \
    --scopes entities:write,entities:read --token-only >"$SECRETS/data.key.new") && mv "$SECRETS/data.key.new" "$SECRETS/data.key"
fi
ACCOUNTS="$SECRETS/demo-accounts.txt"
if [ ! -s "$ACCOUNTS" ]; then
  echo "Creating the demo's accounts (Argon2id hashing takes a moment each)..."
  (umask 077; : >"$ACCOUNTS.new")
  # Every department's head, a logistics member, an analyst, an executive, the admin.
  people="$(python3 - <<'PY'
import yaml
d = yaml.safe_load(open("config/directory.yaml"))
roles = yaml.safe_load(open("config/roles.yaml")).get("people", {})
names = {p["id"]: p["name"] for p in d["people"]}
chosen = [(dep["head"], "head of " + dep["name"]["en"]) for dep in d["departments"]]
chosen.append(("p-xu-gang", "member of Logistics"))
for person, rs in roles.items():
    chosen.append((person, "/".join(rs)))
seen = set()
for person, what in chosen:
    if person in seen: continue
    seen.add(person)
    print(person + "\t" + names[person] + " (" + what + ")")
PY
)"
  while IFS=$'\t' read -r person label; do
    password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')"
    printf '%s\n' "$password" | VOC_API_KEY="$(cat "$SECRETS/cli.key")" \
      "$VOC" --config "$CONFIG" users create "$person" --password-stdin >/dev/null
    printf '%-20s %-18s %s\n' "$person" "$password" "$label" >>"$ACCOUNTS.new"
  done <<<"$people"
  mv "$ACCOUNTS.new" "$ACCOUNTS"
fi

# ---- The demo's programme (issue 12): two goals with their daily history
# (one on track, one at risk) and last week's digests, once triage has read
# every imported answer (its consumer group on voc:feedback has nothing
# left: no lag, nothing pending).
triage_caught_up() {
  local info lag pending
  info="$(redis-cli -p "$REDIS_PORT" XINFO GROUPS voc:feedback 2>/dev/null | tr '\n' ' ')"
  [[ "$info" =~ name\ triage.*pending\ ([0-9]+).*lag\ ([0-9]+) ]] || return 1
  pending="${BASH_REMATCH[1]}"
  lag="${BASH_REMATCH[2]}"
  [ "$pending" = 0 ] && [ "$lag" = 0 ]
}
demo_programme() {
  local tries=0
  until triage_caught_up; do
    tries=$((tries + 1))
    if [ "$tries" -gt 120 ]; then
      echo "run.sh: triage has not read the demo feedback after 60 s; the goals are left out (var/log/triage.log)" >&2
      return 0
    fi
    sleep 0.5
  done
  local today start deadline day
  # Goals count report days, in the report time zone (UTC+8, config/voc.yaml reports).
  today="$(date -u -d '+8 hours' +%F)"
  start="$(date -u -d "$today -84 days" +%F)"
  deadline="$(date -u -d "$today +120 days" +%F)"
  echo "Creating the demo's programme goals and evaluating their last 12 weeks..."
  "$VOC" --config "$CONFIG" goals create --request-id demo-goal-e7 \
    --title "星辰E7 NPS 从 0 提升到 40 / Xingchen E7 NPS from 0 to 40" --metric nps \
    --product "Xingchen E7" --baseline 0 --target 40 --start "$start" --deadline "$deadline" >/dev/null ||
    { echo "run.sh: could not create the demo goals (var/log/verification.log)" >&2; return 0; }
  "$VOC" --config "$CONFIG" goals create --request-id demo-goal-app \
    --title "华星商城App NPS 从 -5 提升到 25 / Huaxing Mall App NPS from -5 to 25" --metric nps \
    --product "Huaxing Mall App" --baseline -5 --target 25 --start "$start" --deadline "$deadline" >/dev/null ||
    { echo "run.sh: could not create the demo goals (var/log/verification.log)" >&2; return 0; }
  for back in $(seq 84 -1 0); do
    day="$(date -u -d "$today -$back days" +%F)"
    "$VOC" --config "$CONFIG" goals evaluate --day "$day" >/dev/null || true
  done
  echo "Composing and sending last week's digests..."
  "$VOC" --config "$CONFIG" digests compose --send | tail -1 ||
    echo "run.sh: could not compose the demo digests (var/log/verification.log)" >&2
}

if [ "${VOC_NO_DEMO:-0}" != "1" ]; then
  # The demo's dates are fixed (2026-09-26 .. 2026-11-24); --shift-to-now
  # moves them all by one amount so the newest lands now, which is where the
  # weak signals look for "today". The CSV has two rows rejected on purpose.
  echo "Loading the demo feedback..."
  mkdir -p var/demo
  # Twelve weeks of score-only NPS answers, so the Dashboard has weekly NPS
  # trends and goals to track (scripts/demo/nps_weeks.py says what is in it).
  python3 scripts/demo/nps_weeks.py var/demo/nps_weeks.jsonl
  "$VOC" --config "$CONFIG" import --shift-to-now \
    scripts/demo/feedback.jsonl scripts/demo/feedback.csv var/demo/nps_weeks.jsonl
  # Operational data (issue 13), generated (scripts/demo/entities.py says
  # what is in it): the E7 owners who report a brake squeal all drive cars
  # of batch B-2026-07, the one with Jinhua Friction pads; app build 5.2.0
  # has the worst crash-free rate. Re-running changes nothing.
  echo "Loading the demo operational data (vehicles, app builds, store-days, customers, orders)..."
  python3 scripts/demo/entities.py var/demo
  for pair in vehicle:vehicles app_build:app_builds store_day:store_days customer:customers order:orders; do
    VOC_API_KEY="$(cat "$SECRETS/data.key")" "$VOC" --config "$CONFIG" data import \
      --entity "${pair%%:*}" "var/demo/${pair##*:}.csv" ||
      echo "run.sh: could not import var/demo/${pair##*:}.csv (var/log/entities.log)" >&2
  done
  # Outreach (issue 13): the owners of batch B-2026-07 who have not (yet)
  # complained of a defect - the customers a campaign would write to now.
  echo "Previewing an outreach campaign to the remaining owners of batch B-2026-07..."
  VOC_API_KEY="$(cat "$SECRETS/data.key")" "$VOC" --config "$CONFIG" campaigns preview --entity vehicle \
    --where "production_batch eq B-2026-07" --not-complained product.defect ||
    echo "run.sh: could not preview the outreach segment (var/log/entities.log)" >&2
  demo_programme
fi

cat <<MSG

VoC Loop is running (logs in ./var/log, data in ./var).

  Web page for department owners:  http://$GATEWAY/   (log in: user name, password)
    The demo's accounts, made for this installation (var/secrets/demo-accounts.txt):
$(sed 's/^/      /' "$ACCOUNTS")
    A member sees their department's cases, a head also its projects, an analyst
    or executive everything; the CLI uses the admin key in var/secrets/cli.key.
    Cases           each department's worklist (pick a department at the top)
    Insights        the weak signal emerging today: 异响 + 4s店, the Xingchen E7
                    brake squeal (1, 2, 4, 7 mentions over the last four days), and
                    the department's largest clusters of near-duplicate complaints:
                    app_engineering (the 5.2.0 login crash), logistics (a parcel
                    stuck in Guangzhou), store_operations (the Tianhe cashier)
    Knowledge base  fixes that worked: a case resolved with a note, or a verified
                    improvement project (empty until you resolve one, see below)
    Tasks & projects  the department's tasks, improvement projects, and outreach
                    campaigns (their head approves them: see the campaign below)
    Dashboard       twelve weeks of volume, sentiment and NPS (weekly NPS of the
                    Xingchen E7 rising, the Mall App falling after 5.2.0); two
                    programme goals with their daily trajectories, the E7 one on
                    track and the Mall App one at risk; outcomes of verified
                    projects; and the digest archive with last week's digests
                    (the mails are in the mail catcher below)
  The same as JSON, after logging in (a cookie jar; docs/api.md, "Logging in"):
    curl -s -c jar -H 'Origin: http://$GATEWAY' -H 'Content-Type: application/json' \\
        -d '{"username":"p-kevin-zhou","password":"<from the list above>"}' http://$GATEWAY/api/login
    curl -s -b jar 'http://$GATEWAY/api/signals'
    curl -s -b jar 'http://$GATEWAY/api/clusters?department=app_engineering'

  Try the CLI:
    ./build/cli/voc cases list --department logistics
    ./build/cli/voc cases list --overdue
    ./build/cli/voc cases resolve ID --note "补发并赔付运费"   # then search 补发 in the Knowledge base
    ./build/cli/voc submit --channel nps_survey --external-id try-1 --nps 2 \\
        --customer c-10001 --text "等了一个月还没交车，太失望了"
    ./build/cli/voc clock advance 25h      # watch callback SLAs breach and escalate: the
                                           # mails arrive below; a case's page lists what was sent;
                                           # past 08:30 (Beijing) the heads' daily overdue digests too
    ./build/cli/voc triage eval --data ../shared/data/waimai_10k/train.csv
    ./build/cli/voc goals list                # the goals and where they stand
    ./build/cli/voc digests list              # then: voc digests show --week MONDAY --lang en
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc data get --entity app_build 5.2.0
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc data list --entity vehicle --page-size 5
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc data schema   # the entities of config/entities.yaml
    # Outreach to the remaining owners of batch B-2026-07 (approved by Product Quality's head):
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc campaigns segment --name "B-2026-07 owners" \
        --entity vehicle --where "production_batch eq B-2026-07" --not-complained product.defect
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc campaigns create --name "E7 刹车片免费更换" \
        --department product_quality --segment seg-1 --issue signal:异响+4s店 --topic product.defect \
        --channel email --subject-zh "星辰 E7 刹车片免费更换" --body-zh "您的车辆属于 B-2026-07 批次，可到店免费更换刹车片。" \
        --subject-en "Xingchen E7: free brake pad replacement" \
        --body-en "Your car is of batch B-2026-07: its brake pads are replaced free of charge." --submit
    VOC_API_KEY_FILE=var/secrets/data.key ./build/cli/voc campaigns show camp-1
    # Or on the web page, as p-emily-carter (an analyst): Insights, the signal 异响 + 4s店,
    # its Root cause, 发起关怀活动 / Start a campaign on vehicle.production_batch = B-2026-07
    # (topic product.defect): preview, save as draft, submit. Then approve it: log in as
    # p-michael-brown (head of Product Quality, config/directory.yaml; only the campaign's
    # department head may), open Tasks & projects: Outreach campaigns lists it with its
    # segment's size; 批准 / Approve; its name opens its history.

$MAIL_NOTE

Press Ctrl-C to stop everything.
MSG

# Exit (and stop the rest) if any process dies.
wait -n "${pids[@]}" || true
echo "run.sh: a process exited unexpectedly; see ./var/log" >&2
stop_all 1
