#!/usr/bin/env node
// Validates the manifests rendered from charts/voc (see scripts/check-chart.sh).
//
//   node validate.js --manifests rendered.yaml --values values.json
//
// Four layers, each catching what the one before cannot:
//   1. YAML: every document parses strictly (duplicate keys are errors).
//   2. Schema: each object is checked by the kubernetes-models class for its
//      apiVersion/kind (JSON schemas generated from Kubernetes' OpenAPI spec):
//      types, required fields, enums, formats.
//   3. Unknown fields: Kubernetes' schemas allow extra properties, so a typo
//      such as `readinesProbe` passes layer 2 yet is dropped (or rejected by
//      strict field validation) by the API server. The field lists are read
//      from the same package's TypeScript declarations.
//   4. Cross-references and the chart's own rules: Service selectors match a
//      Deployment's pods, ports and probe ports exist, referenced ConfigMaps
//      and Secrets are rendered or declared external in values, voc.yaml points
//      at real Services, pods are non-root with a read-only root filesystem,
//      probes ask for liveness and readiness separately, every service has a
//      PodDisruptionBudget and a NetworkPolicy that admits only its callers.
// A ServiceMonitor (prometheus-operator's CRD, not in kubernetes-models) is
// checked against a field list of its own here (CUSTOM_KINDS).
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.manifests || !args.values) {
  console.error("usage: validate.js --manifests FILE --values FILE.json");
  process.exit(2);
}

const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

// ---- 1. YAML ---------------------------------------------------------------
const text = fs.readFileSync(args.manifests, "utf8");
const values = JSON.parse(fs.readFileSync(args.values, "utf8"));
const objects = [];
for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: true, strict: true })) {
  for (const e of [...doc.errors, ...doc.warnings]) fail("yaml", e.message);
  const obj = doc.toJS();
  if (obj == null) continue;
  objects.push(obj);
}
if (errors.length) finish();

const id = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;

// ---- 2. Schema ---------------------------------------------------------------
const modelsRoot = path.dirname(require.resolve("kubernetes-models/package.json"));
function modelPath(apiVersion, kind) {
  // "v1" -> kubernetes-models/v1/Kind; "apps/v1" -> kubernetes-models/apps/v1/Kind
  return path.join(modelsRoot, apiVersion, kind);
}
// Kinds of CRDs the chart renders: the fields it may use (nested objects as
// field lists of their own, "*" = any value), and the required ones.
const CUSTOM_KINDS = {
  "monitoring.coreos.com/v1 ServiceMonitor": {
    required: ["spec.selector", "spec.endpoints"],
    fields: {
      apiVersion: "*", kind: "*",
      metadata: { name: "*", namespace: "*", labels: "*", annotations: "*" },
      spec: {
        selector: { matchLabels: "*", matchExpressions: "*" },
        namespaceSelector: { matchNames: "*", any: "*" },
        jobLabel: "*",
        endpoints: [{ port: "*", path: "*", interval: "*", scrapeTimeout: "*", scheme: "*", tlsConfig: "*",
          honorLabels: "*", relabelings: "*", metricRelabelings: "*" }],
      },
    },
  },
};
function checkCustom(value, spec, where) {
  if (spec === "*" || value == null) return;
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) { fail(where, "must be a list"); return; }
    value.forEach((v, i) => checkCustom(v, spec[0], `${where}[${i}]`));
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) { fail(where, "must be an object"); return; }
  for (const [k, v] of Object.entries(value)) {
    if (!(k in spec)) fail(where, `unknown field "${k}"`);
    else checkCustom(v, spec[k], `${where}.${k}`);
  }
}
const customKind = (o) => CUSTOM_KINDS[`${o.apiVersion} ${o.kind}`];
for (const o of objects) {
  if (!o.apiVersion || !o.kind) { fail("object", "no apiVersion or kind"); continue; }
  const custom = customKind(o);
  if (custom) {
    checkCustom(o, custom.fields, id(o));
    for (const r of custom.required) {
      if (r.split(".").reduce((v, k) => (v == null ? v : v[k]), o) == null) fail(id(o), `${r} is required`);
    }
    if (!o.metadata || !o.metadata.name) fail(id(o), "metadata.name is missing");
    continue;
  }
  let Model;
  try {
    Model = require(modelPath(o.apiVersion, o.kind))[o.kind];
  } catch (e) {
    fail(id(o), `unknown apiVersion/kind ${o.apiVersion} ${o.kind} (not in Kubernetes 1.27's API)`);
    continue;
  }
  try {
    new Model(o).validate();
  } catch (e) {
    fail(id(o), `schema: ${e.message}`);
  }
  if (!o.metadata || !o.metadata.name) fail(id(o), "metadata.name is missing");
}

// ---- 3. Unknown fields (from the TypeScript declarations) --------------------
const ifaceCache = new Map();
function resolveDts(fromFile, spec) {
  const base = spec.startsWith(".") ? path.resolve(path.dirname(fromFile), spec)
    : path.join(path.dirname(require.resolve(spec.split("/").slice(0, 2).join("/") + "/package.json")),
      spec.split("/").slice(2).join("/"));
  return base + ".d.ts";
}
// Returns {fields: Map(name -> type text)} for interface `name` exported by `file`, or null.
function loadInterface(file, name) {
  const key = file + "#" + name;
  if (ifaceCache.has(key)) return ifaceCache.get(key);
  ifaceCache.set(key, null);
  let src;
  try { src = fs.readFileSync(file, "utf8"); } catch { return null; }
  src = src.replace(/\/\*[\s\S]*?\*\//g, "");
  const imports = new Map();
  for (const m of src.matchAll(/import \{([^}]*)\} from "([^"]+)"/g)) {
    for (const n of m[1].split(",").map((s) => s.trim()).filter(Boolean)) imports.set(n, m[2]);
  }
  let local = name;
  const alias = src.match(new RegExp(`export \\{[^}]*\\b(\\w+) as ${name}\\b`));
  if (alias) local = alias[1];
  const start = src.search(new RegExp(`export interface ${local}\\b[^{]*\\{`));
  if (start < 0) return null; // a type alias such as IntOrString: a leaf
  let i = src.indexOf("{", start) + 1, depth = 1;
  const bodyStart = i;
  while (depth > 0 && i < src.length) { if (src[i] === "{") depth++; else if (src[i] === "}") depth--; i++; }
  const body = src.slice(bodyStart, i - 1);
  // Split the body into top-level `"field"?: type;` members.
  const fields = new Map();
  let d = 0, cur = "";
  for (const ch of body) {
    if (ch === "{") d++;
    if (ch === "}") d--;
    if (ch === ";" && d === 0) {
      const m = cur.trim().match(/^"([^"]+)"\??:\s*([\s\S]*)$/);
      if (m) fields.set(m[1], m[2].trim());
      cur = "";
    } else cur += ch;
  }
  const result = { fields, file, imports };
  ifaceCache.set(key, result);
  return result;
}
// The interface a field's type refers to, as [kind, iface]: kind is "obj", "array" or "map".
function fieldTarget(iface, typeText) {
  let m;
  const ref = (n) => (iface.imports.has(n) ? loadInterface(resolveDts(iface.file, iface.imports.get(n)), n) : null);
  if ((m = typeText.match(/^Array<(\w+)>$/))) return ["array", ref(m[1])];
  if ((m = typeText.match(/^\{\s*\[key: string\]:\s*(\w+);?\s*\}$/))) return ["map", ref(m[1])];
  if ((m = typeText.match(/^(\w+)$/))) return ["obj", ref(m[1])];
  return [null, null];
}
function checkFields(value, iface, where) {
  if (!iface || value == null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (!iface.fields.has(k)) { fail(where, `unknown field "${k}"`); continue; }
    const [kind, target] = fieldTarget(iface, iface.fields.get(k));
    if (!target) continue;
    if (kind === "obj") checkFields(v, target, `${where}.${k}`);
    else if (kind === "array" && Array.isArray(v)) v.forEach((x, n) => checkFields(x, target, `${where}.${k}[${n}]`));
    else if (kind === "map" && v && typeof v === "object") for (const [mk, mv] of Object.entries(v)) checkFields(mv, target, `${where}.${k}.${mk}`);
  }
}
for (const o of objects) {
  const file = modelPath(o.apiVersion, o.kind) + ".d.ts";
  if (!fs.existsSync(file)) continue;
  const iface = loadInterface(file, "I" + o.kind);
  if (!iface) { fail(id(o), `cannot read field list from ${file}`); continue; }
  checkFields(o, iface, id(o));
}

// ---- 4. Cross-references and chart rules ----------------------------------------
const byKind = (k) => objects.filter((o) => o.kind === k);
const names = (k) => new Set(byKind(k).map((o) => o.metadata.name));
const seen = new Set();
for (const o of objects) {
  if (seen.has(id(o))) fail(id(o), "defined twice");
  seen.add(id(o));
}

// Secrets the chart expects to exist already: declared in values, never rendered.
const externalSecrets = new Set([
  values.redis && values.redis.existingSecret,
  values.postgresql && values.postgresql.existingSecret,
  ...((values.ingress && values.ingress.enabled && values.ingress.tls) || []).map((t) => t.secretName),
  ...(values.imagePullSecrets || []).map((s) => s.name),
  values.tls && values.tls.enabled && values.tls.existingSecret,
  values.notifyChannels && !values.notifyChannels.create && values.notifyChannels.existingSecret,
  values.principalTokens && values.principalTokens.existingSecret,
  values.auth && values.auth.bootstrapAdminKeySecret && values.auth.bootstrapAdminKeySecret.name,
].filter(Boolean));
const secrets = new Set([...names("Secret"), ...externalSecrets]);
const configMaps = names("ConfigMap");
const serviceAccounts = new Set([...names("ServiceAccount"), "default"]);
const subset = (sel, labels) => Object.entries(sel || {}).every(([k, v]) => (labels || {})[k] === v);
const deployments = byKind("Deployment");
const services = byKind("Service");

for (const d of deployments) {
  const where = id(d);
  const pod = d.spec.template;
  const spec = pod.spec;
  if (!subset(d.spec.selector.matchLabels, pod.metadata && pod.metadata.labels)) fail(where, "spec.selector does not match the pod template's labels");
  if (spec.serviceAccountName && !serviceAccounts.has(spec.serviceAccountName)) fail(where, `serviceAccount ${spec.serviceAccountName} is not rendered`);
  for (const s of spec.imagePullSecrets || []) if (!secrets.has(s.name)) fail(where, `imagePullSecret ${s.name} is neither rendered nor declared external`);
  const volumes = new Map((spec.volumes || []).map((v) => [v.name, v]));
  for (const v of volumes.values()) {
    if (v.configMap) {
      const cm = byKind("ConfigMap").find((c) => c.metadata.name === v.configMap.name);
      if (!cm) { if (!v.configMap.optional) fail(where, `volume ${v.name}: ConfigMap ${v.configMap.name} is not rendered`); continue; }
      for (const it of v.configMap.items || []) if (!(cm.data || {})[it.key]) fail(where, `volume ${v.name}: ConfigMap ${cm.metadata.name} has no key ${it.key}`);
    }
    if (v.secret && !secrets.has(v.secret.secretName)) fail(where, `volume ${v.name}: Secret ${v.secret.secretName} is neither rendered nor declared external`);
  }
  const psc = spec.securityContext || {};
  for (const c of spec.containers) {
    const cw = `${where} container ${c.name}`;
    const sc = c.securityContext || {};
    const ports = c.ports || [];
    const portOk = (p) => ports.some((x) => x.containerPort === p || x.name === p);
    for (const m of c.volumeMounts || []) if (!volumes.has(m.name)) fail(cw, `volumeMount ${m.name} has no volume`);
    for (const e of c.env || []) {
      const vf = e.valueFrom || {};
      if (vf.secretKeyRef && !secrets.has(vf.secretKeyRef.name)) fail(cw, `env ${e.name}: Secret ${vf.secretKeyRef.name} is neither rendered nor declared external`);
      if (vf.configMapKeyRef && !configMaps.has(vf.configMapKeyRef.name)) fail(cw, `env ${e.name}: ConfigMap ${vf.configMapKeyRef.name} is not rendered`);
    }
    for (const ef of c.envFrom || []) {
      if (ef.secretRef && !secrets.has(ef.secretRef.name)) fail(cw, `envFrom: Secret ${ef.secretRef.name} is neither rendered nor declared external`);
      if (ef.configMapRef && !configMaps.has(ef.configMapRef.name)) fail(cw, `envFrom: ConfigMap ${ef.configMapRef.name} is not rendered`);
    }
    for (const kind of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const p = c[kind];
      if (!p) { fail(cw, `${kind} is missing`); continue; }
      const port = (p.grpc || p.httpGet || p.tcpSocket || {}).port;
      if (port !== undefined && !portOk(port)) fail(cw, `${kind} port ${port} is not a container port`);
    }
    // Chart rules from the deployment brief.
    const isGrpc = ports.some((x) => x.name === "grpc");
    if (isGrpc && !["startupProbe", "livenessProbe", "readinessProbe"].every((k) => c[k] && c[k].grpc)) fail(cw, "a gRPC service must use native grpc probes");
    // Readiness follows the database and Redis; liveness must not, or an
    // outage would restart every pod (docs/operations.md, "Readiness").
    const asks = (p) => p && JSON.stringify(p.grpc ? ["grpc", p.grpc.service || ""] : ["http", (p.httpGet || {}).path]);
    if (c.readinessProbe && asks(c.readinessProbe) === asks(c.livenessProbe)) fail(cw, "readiness and liveness probes ask the same question");
    const component = ((pod.metadata || {}).labels || {})["app.kubernetes.io/component"];
    const svcValues = (values.services || {})[component] || {};
    if (isGrpc) {
      const live = values.defaults.probes.livenessService;
      for (const k of ["startupProbe", "livenessProbe"]) if (c[k] && c[k].grpc && c[k].grpc.service !== live) fail(cw, `${k} must ask grpc.health.v1 for "${live}"`);
      if (c.readinessProbe && c.readinessProbe.grpc && c.readinessProbe.grpc.service !== svcValues.healthService) fail(cw, `readinessProbe must ask for ${svcValues.healthService}`);
    }
    if (values.metrics && values.metrics.enabled) {
      if (!ports.some((x) => x.name === "metrics" && x.containerPort === values.metrics.port)) fail(cw, `needs a container port named metrics (${values.metrics.port})`);
      const ann = (pod.metadata || {}).annotations || {};
      if (values.metrics.annotations && (ann["prometheus.io/scrape"] !== "true" || ann["prometheus.io/port"] !== String(values.metrics.port))) fail(cw, "prometheus.io/scrape and prometheus.io/port annotations must name the metrics port");
    }
    if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) fail(cw, "must run as non-root (runAsNonRoot)");
    if (sc.readOnlyRootFilesystem !== true) fail(cw, "root filesystem must be read-only");
    if (sc.allowPrivilegeEscalation !== false) fail(cw, "allowPrivilegeEscalation must be false");
    const tmp = (c.volumeMounts || []).find((m) => m.mountPath === "/tmp");
    if (!tmp || !(volumes.get(tmp.name) || {}).emptyDir) fail(cw, "/tmp must be an emptyDir");
    if (!c.resources || !c.resources.requests || !c.resources.limits) fail(cw, "resources.requests and resources.limits are required");
  }
}

for (const s of services) {
  const where = id(s);
  const matches = deployments.filter((d) => subset(s.spec.selector, d.spec.template.metadata.labels));
  if (!s.spec.selector || Object.keys(s.spec.selector).length === 0) { fail(where, "has no selector"); continue; }
  if (matches.length === 0) { fail(where, "selector matches no Deployment's pods"); continue; }
  for (const p of s.spec.ports) {
    const target = p.targetPort ?? p.port;
    for (const d of matches) {
      const ok = d.spec.template.spec.containers.some((c) => (c.ports || []).some((x) => x.name === target || x.containerPort === target));
      if (!ok) fail(where, `targetPort ${target} is not a port of ${id(d)}`);
    }
  }
}

const servicePort = (name, port) => {
  const s = services.find((x) => x.metadata.name === name);
  if (!s) return `Service ${name} is not rendered`;
  if (!s.spec.ports.some((p) => p.name === port || p.port === port)) return `Service ${name} has no port ${port}`;
  return null;
};
for (const ing of byKind("Ingress")) {
  for (const t of ing.spec.tls || []) if (t.secretName && !secrets.has(t.secretName)) fail(id(ing), `TLS Secret ${t.secretName} is neither rendered nor declared external`);
  for (const r of ing.spec.rules || []) for (const p of (r.http || {}).paths || []) {
    const b = p.backend.service;
    const e = servicePort(b.name, b.port.name ?? b.port.number);
    if (e) fail(id(ing), `backend: ${e}`);
  }
}

// PodDisruptionBudgets: each selects one Deployment's pods, every Deployment
// has one unless its service turned it off, and none blocks a drain for good.
const podsOf = (sel) => deployments.filter((d) => subset(sel, d.spec.template.metadata.labels));
const componentOf = (d) => d.spec.template.metadata.labels["app.kubernetes.io/component"];
const pdbs = byKind("PodDisruptionBudget");
for (const p of pdbs) {
  const m = podsOf((p.spec.selector || {}).matchLabels);
  if (m.length !== 1) { fail(id(p), `selector matches ${m.length} Deployments, expected 1`); continue; }
  if (typeof p.spec.minAvailable === "number" && p.spec.minAvailable >= m[0].spec.replicas) fail(id(p), `minAvailable ${p.spec.minAvailable} >= replicas ${m[0].spec.replicas}: no pod could ever be evicted`);
}
const pdbDefault = ((values.defaults || {}).podDisruptionBudget || {}).enabled;
for (const d of deployments) {
  const own = ((values.services || {})[componentOf(d)] || {}).podDisruptionBudget || {};
  const wanted = own.enabled ?? pdbDefault;
  const has = pdbs.some((p) => podsOf((p.spec.selector || {}).matchLabels).includes(d));
  if (wanted && !has) fail(id(d), "has no PodDisruptionBudget");
}

// NetworkPolicies: each service's pods have one, which admits its port only
// from its callers (the two front doors also from their configured clients)
// and the metrics port only from a named source; egress reaches the services
// it calls. CALLERS is the brief's table, kept here independently of the
// chart's "voc.callers" so a change to one is caught by the other.
const CALLERS = {
  ingest: ["gateway"], triage: ["gateway", "verification"], tracking: ["gateway", "assignment", "verification"],
  assignment: ["gateway"], verification: ["gateway"], notify: ["gateway"], gateway: [],
  // issue 9: every service checks API keys with voc-identity; the gateway also sessions.
  identity: ["gateway", "ingest", "triage", "assignment", "tracking", "verification", "notify", "entities"],
  // issue 13: nothing inside calls voc-entities yet; pushing systems are its front door's clients.
  entities: [],
};
const FRONT_DOORS = { ingest: "ingestClients", gateway: "gatewayClients", entities: "entitiesClients" };
const policies = byKind("NetworkPolicy");
const portOfComponent = (name) => ((values.services || {})[name] || {}).port;
const peerComponents = (peers) => (peers || []).filter((p) => p.podSelector && !p.namespaceSelector)
  .map((p) => { const m = podsOf(p.podSelector.matchLabels); return m.length === 1 ? componentOf(m[0]) : `?${JSON.stringify(p.podSelector)}`; });
const rulePorts = (r) => (r.ports || []).map((x) => x.port);
if (values.networkPolicy && values.networkPolicy.enabled) {
  for (const d of deployments) {
    const name = componentOf(d);
    const where = `NetworkPolicy for ${name}`;
    const mine = policies.filter((p) => subset(p.spec.podSelector.matchLabels, d.spec.template.metadata.labels));
    if (mine.length !== 1) { fail(where, `${mine.length} policies select ${id(d)}, expected 1`); continue; }
    const p = mine[0].spec;
    if (!(p.policyTypes || []).includes("Ingress") || !(p.policyTypes || []).includes("Egress")) fail(where, "policyTypes must be Ingress and Egress");
    const port = portOfComponent(name);
    const onPort = (p.ingress || []).filter((r) => rulePorts(r).includes(port));
    const clients = (values.networkPolicy[FRONT_DOORS[name]] || []);
    for (const r of onPort) {
      if (!r.from) {
        if (!(FRONT_DOORS[name] && clients.length === 0)) fail(where, `port ${port} is open to any source`);
        continue;
      }
      const got = peerComponents(r.from).sort();
      const want = [...CALLERS[name]].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) fail(where, `port ${port} admits pods of [${got}], expected its callers [${want}]`);
      const others = r.from.filter((x) => !(x.podSelector && !x.namespaceSelector));
      if (JSON.stringify(others) !== JSON.stringify(clients)) fail(where, `port ${port} admits other sources than networkPolicy.${FRONT_DOORS[name] || "(none)"}`);
    }
    if (onPort.length === 0) fail(where, `no ingress rule for the service port ${port}`);
    if (values.metrics && values.metrics.enabled) {
      const m = (p.ingress || []).filter((r) => rulePorts(r).includes(values.metrics.port));
      if (m.length === 0) fail(where, "no ingress rule for the metrics port");
      for (const r of m) if (!r.from || r.from.length === 0) fail(where, "the metrics port is open to any source");
    }
    for (const r of p.ingress || []) for (const x of rulePorts(r)) if (x !== port && !(values.metrics && values.metrics.enabled && x === values.metrics.port)) fail(where, `ingress on port ${x}, which the service does not serve`);
    for (const [callee, callers] of Object.entries(CALLERS)) {
      if (!callers.includes(name)) continue;
      const ok = (p.egress || []).some((r) => peerComponents(r.to).includes(callee) && rulePorts(r).includes(portOfComponent(callee)));
      if (!ok) fail(where, `no egress to ${callee}:${portOfComponent(callee)}, which it calls`);
    }
    if (name !== "gateway" && !(p.egress || []).some((r) => rulePorts(r).includes(values.redis.port))) fail(where, `no egress to Redis (${values.redis.port})`);
  }
}

// ServiceMonitors select rendered Services and scrape one of their ports.
for (const sm of objects.filter((o) => o.kind === "ServiceMonitor")) {
  const sel = ((sm.spec || {}).selector || {}).matchLabels;
  const matched = services.filter((s) => subset(sel, (s.metadata || {}).labels));
  if (matched.length === 0) { fail(id(sm), "selector matches no Service"); continue; }
  for (const e of (sm.spec.endpoints || [])) {
    for (const s of matched) if (!s.spec.ports.some((p) => p.name === e.port)) fail(id(sm), `endpoint port ${e.port} is not a port of Service/${s.metadata.name}`);
  }
}

// voc.yaml in the ConfigMap: parses, dev clock off, every address is a real Service port.
for (const cm of byKind("ConfigMap")) {
  const data = cm.data || {};
  for (const [k, v] of Object.entries(data)) {
    if (!k.endsWith(".yaml")) continue;
    const doc = YAML.parseDocument(v, { uniqueKeys: true });
    for (const e of doc.errors) fail(`${id(cm)} key ${k}`, `invalid YAML: ${e.message}`);
  }
  if (!data["voc.yaml"]) continue;
  const cfg = YAML.parse(data["voc.yaml"]);
  if (cfg.dev_clock !== false) fail(id(cm), "voc.yaml: dev_clock must be false");
  for (const [svc, sec] of Object.entries(cfg.services || {})) {
    const m = /^([^:]+):(\d+)$/.exec(sec.address || "");
    if (!m) { fail(id(cm), `voc.yaml services.${svc}.address "${sec.address}" is not host:port`); continue; }
    const e = servicePort(m[1], Number(m[2]));
    if (e) fail(id(cm), `voc.yaml services.${svc}.address: ${e}`);
    if (!/^0\.0\.0\.0:\d+$/.test(sec.listen || "")) fail(id(cm), `voc.yaml services.${svc}.listen must be 0.0.0.0:<port> in a pod`);
    const wantMetrics = values.metrics && values.metrics.enabled ? `0.0.0.0:${values.metrics.port}` : "";
    if (sec.metrics_listen !== wantMetrics) fail(id(cm), `voc.yaml services.${svc}.metrics_listen must be "${wantMetrics}"`);
  }
}

finish();

function finish() {
  const kinds = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] || 0) + 1;
  const summary = Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ");
  if (errors.length) {
    for (const e of errors) console.error(`  FAIL ${e}`);
    console.error(`validate: ${errors.length} problem(s) in ${args.manifests} (${summary})`);
    process.exit(1);
  }
  console.log(`validate: ${objects.length} objects valid (${summary})`);
  process.exit(0);
}
