{{/*
Helpers shared by every template. Names follow the usual Helm conventions so
that the chart behaves like any other chart for an operator.
*/}}

{{/* Chart name, overridable. */}}
{{- define "voc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: release-chart, unless the release name already holds the chart
name. Truncated to 63 characters (the DNS label limit), leaving room for the
"-verification" suffix used by per-service objects.
*/}}
{{- define "voc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's Deployment and Service: (dict "root" $ "name" "ingest"). */}}
{{- define "voc.componentName" -}}
{{- printf "%s-%s" (include "voc.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "voc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "voc.labels" -}}
helm.sh/chart: {{ include "voc.chart" . }}
{{ include "voc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Release-wide selector labels (never change them: selectors are immutable). */}}
{{- define "voc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "voc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one service: (dict "root" $ "name" "ingest"). */}}
{{- define "voc.componentSelectorLabels" -}}
{{ include "voc.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "voc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "voc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "voc.image" -}}
{{- $repo := required "image.repository is required" .Values.image.repository -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- end -}}

{{/*
The rule files the services read, and which service reads each ("org": the
shared org.directory key that assignment, tracking and the gateway read;
"auth": the shared auth.roles key every service reads). One
list so the ConfigMap, the voc.yaml paths and the docs cannot disagree.
*/}}
{{- define "voc.ruleFiles" -}}
taxonomy: triage
redlines: triage
priority: triage
directory: org
routing: assignment
subscriptions: notify
sla_policies: tracking
roles: auth
{{- /* voc-entities' schema: its path is set in services.entities.settings.schema
(the key is not the file's name), so the owner here is no service. */}}
entities: entities_schema
{{- /* The holiday files sla_policies names, relative to it. Their owner is
no service, so no services.<name>.<file> key points at them: tracking finds
them from the policy file. */}}
calendars/cn-2026: sla_policies
calendars/cn-2027: sla_policies
{{- end -}}

{{/*
Who calls whom: for each service, the services that call its port. The
NetworkPolicies are made from it (ingress: these callers; egress: the
inverse), so it must follow the code: gateway -> ingest, triage, tracking,
assignment, verification; verification -> triage (CountFeedback), tracking
(ReopenProject); assignment -> tracking (CreateCase); gateway -> notify
(ListDeliveries, the case page's delivery log); every service -> identity
(issue 9: VerifyApiKey for internal systems' keys; the gateway also for
sessions). entities (issue 13) has no caller inside yet: the systems that
push data reach it as networkPolicy.entitiesClients.
*/}}
{{- define "voc.callers" -}}
ingest: [gateway]
triage: [gateway, verification]
tracking: [gateway, assignment, verification]
assignment: [gateway]
verification: [gateway]
notify: [gateway]
identity: [gateway, ingest, triage, assignment, tracking, verification, notify, entities]
entities: [triage]        # issue 13: JoinFeedback, ListEntities for root causes
gateway: []
{{- end -}}

{{/*
Content of one rule file: the value rules.<name> if set, else the chart's
files/<name>.yaml. Fails rendering when both are empty, so a chart packaged
without running the sync script can never deploy empty rules.
*/}}
{{- define "voc.ruleFile" -}}
{{- $name := .name -}}
{{- $inline := index .root.Values.rules $name -}}
{{- if $inline -}}
{{- $inline -}}
{{- else -}}
{{- $path := printf "files/%s.yaml" $name -}}
{{- $content := .root.Files.Get $path -}}
{{- required (printf "%s is missing from the chart and rules.%s is empty: run scripts/chart-render/sync-rule-files.sh before rendering or packaging, or set rules.%s" $path $name $name) $content -}}
{{- end -}}
{{- end -}}

{{/* voc.yaml, rendered from values; mounted at /etc/voc/voc.yaml. */}}
{{- define "voc.config" -}}
{{- $root := . -}}
{{- $rules := include "voc.ruleFiles" . | fromYaml -}}
{{- $services := dict -}}
{{- range $name, $svc := .Values.services -}}
{{- $section := deepCopy (default dict $svc.settings) -}}
{{- $_ := set $section "listen" (printf "0.0.0.0:%d" (int $svc.port)) -}}
{{- $_ := set $section "address" (printf "%s:%d" (include "voc.componentName" (dict "root" $root "name" $name)) (int $svc.port)) -}}
{{- $_ := set $section "metrics_listen" (ternary (printf "0.0.0.0:%d" (int $root.Values.metrics.port)) "" $root.Values.metrics.enabled) -}}
{{- if and $root.Values.tls.enabled $svc.grpc -}}
{{- $_ := set $section "health_listen" (printf "0.0.0.0:%d" (include "voc.healthPort" (dict "root" $root "svc" $svc) | int)) -}}
{{- end -}}
{{- range $file, $owner := $rules -}}
{{- if eq $owner $name -}}
{{- $_ := set $section $file (printf "/etc/voc/rules/%s.yaml" $file) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $services $name $section -}}
{{- end -}}
{{- $cfg := dict
  "data_dir" .Values.config.dataDir
  "dev_clock" .Values.config.devClock
  "log_format" .Values.config.logFormat
  "log_level" .Values.config.logLevel
  "redis" (dict "host" (required "redis.host is required: the chart needs an external Redis" .Values.redis.host) "port" (int .Values.redis.port) "password" "")
  "org" (dict "directory" "/etc/voc/rules/directory.yaml")
  "notifier" .Values.config.notifier
  "grpc_reflection" .Values.config.grpcReflection
  "auth" (include "voc.authConfig" . | fromYaml)
  "services" $services -}}
{{- if .Values.tls.enabled -}}
{{- $mount := .Values.tls.mountPath -}}
{{- $tls := dict "enabled" true "cert_file" (printf "%s/tls.crt" $mount) "key_file" (printf "%s/tls.key" $mount) "ca_file" (printf "%s/ca.crt" $mount) -}}
{{- if .Values.tls.serverName -}}
{{- $_ := set $tls "server_name" .Values.tls.serverName -}}
{{- end -}}
{{- $_ := set $cfg "tls" $tls -}}
{{- end -}}
# Rendered by the voc Helm chart from its values: edit values, not this file.
# Secrets are not here: VOC_DATABASE_URL, VOC_REDIS_PASSWORD, VOC_SERVICE_TOKEN and
# the principals' token hashes (VOC_AUTH_PRINCIPALS_<NAME>_TOKEN_SHA256) come
# from Secrets through the environment, which overrides this file.
{{ toYaml $cfg }}
{{- end -}}

{{/*
The plaintext health-only port of a gRPC service when TLS is on (the
kubelet's gRPC probe cannot speak TLS): (dict "root" $ "svc" $svc).
*/}}
{{- define "voc.healthPort" -}}
{{- add (int .svc.port) (int .root.Values.tls.healthPortOffset) -}}
{{- end -}}

{{/*
voc.yaml's auth section: the roles file and every principal's scopes (their
token hashes come from the environment, see "voc.principalTokensSecret").
*/}}
{{- define "voc.authConfig" -}}
{{- $principals := dict -}}
{{- range $name, $scopes := .Values.auth.principals -}}
{{- $_ := set $principals $name (dict "scopes" $scopes) -}}
{{- end -}}
{{- toYaml (dict "roles" "/etc/voc/rules/roles.yaml" "principals" $principals) -}}
{{- end -}}

{{/* The Secret of the principals' tokens: principalTokens.existingSecret or the chart's own. */}}
{{- define "voc.principalTokensSecret" -}}
{{- default (printf "%s-principal-tokens" (include "voc.fullname" .)) .Values.principalTokens.existingSecret -}}
{{- end -}}

{{/* The Secret of the bootstrap admin key: auth.bootstrapAdminKeySecret.name or the chart's own. */}}
{{- define "voc.bootstrapAdminSecret" -}}
{{- default (printf "%s-bootstrap-admin" (include "voc.fullname" .)) .Values.auth.bootstrapAdminKeySecret.name -}}
{{- end -}}
