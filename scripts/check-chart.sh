#!/usr/bin/env bash
# Renders the Helm chart charts/voc and checks that the output is valid
# Kubernetes objects. Run by ctest (label `chart`) and usable by hand:
#
#   scripts/check-chart.sh            # all checks, ~10 s once npm deps are there
#
# There is no helm binary on Debian, so scripts/chart-render (Go, built here
# from Debian's golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev:
# the template engine and YAML library Helm itself uses) renders the chart.
# Then:
#   1. yamllint on the chart's own YAML and on every rendered manifest;
#   2. charts/.validate/validate.js: Kubernetes 1.27 object schemas
#      (npm kubernetes-models), unknown fields, cross-references, chart rules;
#   3. negative tests: broken values must make rendering or validation fail.
# Needs: go, node, npm, yamllint, and the Go packages above. Network: only the
# npm registry, and only when charts/.validate/node_modules is missing or stale.
#
# Environment:
#   VOC_RULES_DIR  where the rule files come from (default: <repo>/config).
#   KEEP_RENDERED  if set, keep the work folder with the rendered manifests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/charts/voc"
validate_dir="$root/charts/.validate"
rules_dir="${VOC_RULES_DIR:-$root/config}"
gopath=/usr/share/gocode

start=$SECONDS
step() { printf '== %s\n' "$*"; }
die() { printf 'check-chart: FAIL: %s\n' "$*" >&2; exit 1; }

# ---- tools -------------------------------------------------------------------
missing=()
for tool in go node npm yamllint; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -d $gopath/src/github.com/Masterminds/sprig ]] || missing+=("golang-github-masterminds-sprig-dev")
[[ -d $gopath/src/sigs.k8s.io/yaml ]] || missing+=("golang-k8s-sigs-yaml-dev")
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev yamllint nodejs npm)"

work="$(mktemp -d "${TMPDIR:-/tmp}/voc-chart.XXXXXX")"
if [[ -n ${KEEP_RENDERED:-} ]]; then
  echo "check-chart: rendered output kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# ---- build the renderer (GOPATH mode, Debian's sources, no network) ------------
step "build scripts/chart-render"
(cd "$root/scripts/chart-render" &&
  GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE="$work/gocache" \
    go build -o "$work/chart-render" .)

# ---- npm deps of the validator (npm ci only when needed, so it runs offline) ----
stamp="$validate_dir/node_modules/.package-lock.json"
if [[ ! -f $stamp || $validate_dir/package-lock.json -nt $stamp ]]; then
  step "npm ci in charts/.validate"
  (cd "$validate_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

# ---- the chart to render: a copy, with the rule files synced from config/ -------
# Rendering a copy keeps the work tree untouched (charts/voc/files is only
# written by an explicit sync-rule-files.sh run).
step "copy chart, sync rule files from $rules_dir"
cp -r "$chart" "$work/voc"
rm -rf "$work/voc/files"
"$root/scripts/chart-render/sync-rule-files.sh" "$rules_dir" "$work/voc/files"

# yamllint settings for rendered manifests: Helm's output style (toYaml writes
# sequences unindented, templates indent them) and long checksum/description
# lines are fine; syntax errors, duplicate keys, tabs and bad indentation are not.
cat >"$work/yamllint.yaml" <<'EOF'
extends: default
rules:
  line-length: disable
  indentation: {spaces: consistent, indent-sequences: whatever}
  document-start: {present: true}
  comments: {min-spaces-from-content: 1}
  truthy: {check-keys: false}
EOF

step "yamllint the chart's plain YAML"
yamllint -s -d "{extends: default, rules: {line-length: disable, document-start: disable, truthy: {check-keys: false}}}" \
  "$chart/Chart.yaml" "$chart/values.yaml" "$chart"/ci/*.yaml "$root"/tests/chart/*.yaml

render() { # render NAME [values files...]
  local name="$1"; shift
  local fargs=()
  for f in "$@"; do fargs+=(-f "$f"); done
  "$work/chart-render" -chart "$work/voc" -release-name voc -namespace voc --strict "${fargs[@]}" \
    -o "$work/$name.yaml" -notes-out "$work/$name-NOTES.txt" -values-out "$work/$name-values.json"
}

checked=0
for variant in default all-options; do
  files=()
  [[ $variant == all-options ]] && files=("$chart/ci/all-options-values.yaml")
  step "render ($variant values)"
  render "$variant" "${files[@]}" || die "rendering with $variant values failed"
  [[ -s $work/$variant-NOTES.txt ]] || die "NOTES.txt rendered empty ($variant)"
  step "yamllint rendered manifests ($variant)"
  yamllint -s -c "$work/yamllint.yaml" "$work/$variant.yaml" || die "yamllint ($variant)"
  step "validate objects ($variant)"
  node "$validate_dir/validate.js" --manifests "$work/$variant.yaml" --values "$work/$variant-values.json" ||
    die "validation ($variant)"
  checked=$((checked + 1))
done

# The options file must really switch the options on: guard against a values
# key being renamed and the file silently testing nothing.
grep -q '^kind: Ingress$' "$work/all-options.yaml" || die "all-options values render no Ingress"
grep -q 'name: VOC_REDIS_PASSWORD' "$work/all-options.yaml" || die "all-options values render no Redis password"
grep -q 'delivery' "$work/all-options.yaml" || die "all-options values do not use the inline taxonomy"
grep -q '^kind: ServiceMonitor$' "$work/all-options.yaml" || die "all-options values render no ServiceMonitor"
grep -q 'secretName: voc-service-tls' "$work/all-options.yaml" || die "all-options values mount no TLS Secret"
grep -q 'minAvailable: 2' "$work/all-options.yaml" || die "all-options values render no per-service PodDisruptionBudget"
grep -q 'kubernetes.io/metadata.name: channels' "$work/all-options.yaml" || die "all-options values do not restrict ingest's clients"
for kind in NetworkPolicy PodDisruptionBudget; do
  [[ $(grep -c "^kind: $kind\$" "$work/default.yaml") -eq 9 ]] || die "default values do not render one $kind per service"
done
# issue 13: voc-entities with its schema file.
grep -q 'name: voc-entities$' "$work/default.yaml" || die "default values render no voc-entities Deployment"
grep -q 'schema: /etc/voc/rules/entities.yaml' "$work/default.yaml" || die "default values give voc-entities no schema file"
grep -q 'rules-entities.yaml: |' "$work/default.yaml" || die "default values put no entity schema into the ConfigMap"
# issue 9: voc-identity, the principals' tokens, the bootstrap key, TLS and its probes.
grep -q 'name: voc-identity$' "$work/default.yaml" || die "default values render no voc-identity Deployment"
grep -q 'name: voc-principal-tokens$' "$work/default.yaml" || die "default values render no principal token Secret"
grep -q 'name: voc-bootstrap-admin$' "$work/default.yaml" || die "default values render no bootstrap admin key Secret"
grep -q 'grpc_reflection: false' "$work/default.yaml" || die "default values leave gRPC reflection on"
grep -q 'name: VOC_AUTH_PRINCIPALS_ASSIGNMENT_TOKEN_SHA256' "$work/default.yaml" || die "default values give the pods no token hashes"
grep -q 'path: rules/roles.yaml' "$work/default.yaml" || die "default values mount no roles file"
grep -q 'name: voc-prod-service-tokens$' "$work/all-options.yaml" || die "all-options values do not use their own token Secret"
grep -q 'name: voc-prod-bootstrap-admin$' "$work/all-options.yaml" || die "all-options values do not use their own bootstrap key Secret"
if grep -q 'name: voc-prod-principal-tokens$' "$work/all-options.yaml"; then die "all-options values render a token Secret beside their own"; fi
grep -q 'health_listen: 0.0.0.0:8101' "$work/all-options.yaml" || die "all-options values (TLS) give ingest no health-only port"
grep -q 'cert_file: /etc/voc/tls/tls.crt' "$work/all-options.yaml" || die "all-options values (TLS) set no tls.cert_file"
grep -q 'scheme: HTTPS' "$work/all-options.yaml" || die "all-options values (TLS) probe the gateway over plain HTTP"

# ---- negative tests: the check must be able to fail ------------------------------
step "negative: missing required value must fail rendering"
if render broken "$root/tests/chart/broken-values.yaml" 2>"$work/broken.err"; then
  die "rendering tests/chart/broken-values.yaml succeeded; it must fail on redis.host"
fi
grep -q 'redis.host is required' "$work/broken.err" || { cat "$work/broken.err" >&2; die "broken values failed for another reason"; }
echo "   rendering failed as expected: $(head -1 "$work/broken.err")"

step "negative: unknown field must fail validation"
render unknown "$root/tests/chart/unknown-field-values.yaml" || die "rendering unknown-field values failed"
if node "$validate_dir/validate.js" --manifests "$work/unknown.yaml" --values "$work/unknown-values.json" 2>"$work/unknown.err"; then
  die "validation accepted an unknown field (periodSecond)"
fi
grep -q 'unknown field "periodSecond"' "$work/unknown.err" || { cat "$work/unknown.err" >&2; die "unknown-field values failed for another reason"; }
echo "   validation failed as expected: $(grep -m1 periodSecond "$work/unknown.err" | sed 's/^ *//')"

step "negative: TLS on without a Secret must fail rendering"
if render tls "$root/tests/chart/tls-without-secret-values.yaml" 2>"$work/tls.err"; then
  die "rendering tests/chart/tls-without-secret-values.yaml succeeded; it must fail on tls.existingSecret"
fi
grep -q 'tls.existingSecret is required' "$work/tls.err" || { cat "$work/tls.err" >&2; die "TLS values failed for another reason"; }
echo "   rendering failed as expected: $(head -1 "$work/tls.err")"

# issue 11: voc-notify's channel secrets come only from a Secret.
grep -q 'name: VOC_NOTIFY_DINGTALK_SECRET' "$work/default.yaml" || die "default values give voc-notify no channel secrets"
grep -q '^kind: Secret$' "$work/all-options.yaml" || die "all-options values render no notify channel Secret"
step "negative: notify channels without a Secret must fail rendering"
if render notify "$root/tests/chart/notify-without-secret-values.yaml" 2>"$work/notify.err"; then
  die "rendering tests/chart/notify-without-secret-values.yaml succeeded; it must fail on notifyChannels.existingSecret"
fi
grep -q 'notifyChannels.existingSecret is required' "$work/notify.err" || { cat "$work/notify.err" >&2; die "notify values failed for another reason"; }
echo "   rendering failed as expected: $(head -1 "$work/notify.err")"

# The chart's rules on probes and NetworkPolicies, shown able to fail: each
# case edits the valid default manifests the way a template mistake would,
# and the validator must name the problem.
mutate() { # mutate NAME JS-EXPRESSION-ON-objs EXPECTED-MESSAGE
  local name="$1" edit="$2" expected="$3"
  NODE_PATH="$validate_dir/node_modules" node -e '
    const fs = require("fs"), YAML = require("yaml");
    const objs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJS()).filter(Boolean);
    const find = (kind, suffix) => objs.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
    (function () { '"$edit"' })();
    fs.writeFileSync(process.argv[2], objs.map((o) => "---\n" + YAML.stringify(o)).join(""));
  ' "$work/default.yaml" "$work/$name.yaml" || die "mutation $name did not apply"
  step "negative: $name must fail validation"
  if node "$validate_dir/validate.js" --manifests "$work/$name.yaml" --values "$work/default-values.json" 2>"$work/$name.err"; then
    die "validation accepted $name"
  fi
  grep -q "$expected" "$work/$name.err" || { cat "$work/$name.err" >&2; die "$name failed for another reason"; }
  echo "   validation failed as expected: $(grep -m1 "$expected" "$work/$name.err" | sed 's/^ *//')"
}
mutate readiness-is-liveness \
  'find("Deployment", "-triage").spec.template.spec.containers[0].readinessProbe.grpc.service = "liveness";' \
  'readiness and liveness probes ask the same question'
mutate caller-missing \
  'find("NetworkPolicy", "-tracking").spec.ingress[0].from.pop();' \
  'expected its callers'
mutate port-open-to-all \
  'delete find("NetworkPolicy", "-triage").spec.ingress[0].from;' \
  'is open to any source'
mutate notify-open-to-all \
  'delete find("NetworkPolicy", "-notify").spec.ingress[0].from;' \
  'is open to any source'
mutate no-pdb \
  'objs.splice(objs.indexOf(find("PodDisruptionBudget", "-ingest")), 1);' \
  'has no PodDisruptionBudget'

# Each pod holds only its own token: the Secret key of VOC_SERVICE_TOKEN is the pod's component.
own_tokens() { # own_tokens MANIFESTS
NODE_PATH="$validate_dir/node_modules" node -e '
  const fs = require("fs"), YAML = require("yaml");
  const objs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJS()).filter(Boolean);
  let bad = 0;
  for (const d of objs.filter((o) => o.kind === "Deployment")) {
    const component = d.metadata.labels["app.kubernetes.io/component"];
    for (const c of d.spec.template.spec.containers) {
      const tokens = (c.env || []).filter((e) => e.name === "VOC_SERVICE_TOKEN");
      if (tokens.length !== 1 || tokens[0].valueFrom.secretKeyRef.key !== component) { console.error(`${d.metadata.name}: VOC_SERVICE_TOKEN is not its own`); bad++; }
      const others = (c.env || []).filter((e) => e.valueFrom && e.valueFrom.secretKeyRef && e.name !== "VOC_SERVICE_TOKEN" &&
        !e.valueFrom.secretKeyRef.key.endsWith(".sha256") && e.valueFrom.secretKeyRef.name.endsWith("principal-tokens"));
      if (others.length) { console.error(`${d.metadata.name}: holds other principals tokens`); bad++; }
      const boot = (c.env || []).some((e) => e.name === "VOC_BOOTSTRAP_ADMIN_KEY");
      if (boot !== (component === "identity")) { console.error(`${d.metadata.name}: VOC_BOOTSTRAP_ADMIN_KEY only belongs to identity`); bad++; }
    }
  }
  process.exit(bad ? 1 : 0);
' "$1"
}
step "each pod gets only its own token"
own_tokens "$work/default.yaml" || die "a pod gets a token that is not its own"
step "negative: a pod with another service's token must fail the token check"
NODE_PATH="$validate_dir/node_modules" node -e '
  const fs = require("fs"), YAML = require("yaml");
  const objs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJS()).filter(Boolean);
  const d = objs.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-triage"));
  d.spec.template.spec.containers[0].env.find((e) => e.name === "VOC_SERVICE_TOKEN").valueFrom.secretKeyRef.key = "gateway";
  fs.writeFileSync(process.argv[2], objs.map((o) => "---\n" + YAML.stringify(o)).join(""));
' "$work/default.yaml" "$work/stolen-token.yaml" || die "mutation stolen-token did not apply"
if own_tokens "$work/stolen-token.yaml" 2>"$work/stolen-token.err"; then die "the token check accepted triage holding the gateway token"; fi
grep -q 'voc-triage: VOC_SERVICE_TOKEN is not its own' "$work/stolen-token.err" || { cat "$work/stolen-token.err" >&2; die "stolen-token failed for another reason"; }
echo "   token check failed as expected: $(head -1 "$work/stolen-token.err")"

echo "check-chart: OK: $checked value sets rendered and valid, 8 negative tests failed as expected ($((SECONDS - start)) s)"
