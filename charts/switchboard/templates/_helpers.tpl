{{/*
Chart name, truncated to 63 characters (the DNS label limit).
*/}}
{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the prefix of every resource name. The release name when it contains the chart name,
else "<release>-<chart>". Kept to 54 characters so that suffixes such as "-operator" still fit.
*/}}
{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the operator's Deployment, Roles and bindings.
*/}}
{{- define "switchboard.operator.fullname" -}}
{{- printf "%s-operator" (include "switchboard.fullname" .) }}
{{- end }}

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels of every object the chart creates.
*/}}
{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end }}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of the operator's objects; its pods are selected by these selector labels.
*/}}
{{- define "switchboard.operator.labels" -}}
{{ include "switchboard.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "switchboard.operator.selectorLabels" -}}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
The operator's ServiceAccount.
*/}}
{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "switchboard.operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Operator image: repository@digest, else repository:tag (tag defaults to the appVersion).
*/}}
{{- define "switchboard.operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Default gateway image handed to the operator.
*/}}
{{- define "switchboard.defaultGatewayImage" -}}
{{- default (printf "switchboard/gateway:%s" .Chart.AppVersion) .Values.defaultGatewayImage }}
{{- end }}

{{/*
The Lease the operator's leader election uses. Fixed by the operator, not configurable.
*/}}
{{- define "switchboard.leaseName" -}}
switchboard-operator
{{- end }}

{{- define "switchboard.redisSecretName" -}}
{{- default (printf "%s-redis" (include "switchboard.fullname" .)) .Values.redis.secretName }}
{{- end }}

{{- define "switchboard.gateway.name" -}}
{{- default (printf "%s-gateway" (include "switchboard.fullname" .)) .Values.gateway.name }}
{{- end }}

{{/*
What the operator does to its custom resources and the objects it owns, wherever it watches (a
ClusterRole, or a Role per watched namespace). Least privilege: nothing here is a wildcard, and Secrets
are read-only. The Lease lives in a separate Role in the release namespace.
*/}}
{{/*
Labels of the pods the operator makes for the chart's SseGateway (see GatewayMetadata in the operator).
*/}}
{{- define "switchboard.gateway.podSelector" -}}
app.kubernetes.io/name: switchboard-gateway
switchboard.dev/gateway: {{ include "switchboard.gateway.name" . }}
{{- end }}

{{- define "switchboard.operator.rules" -}}
# The custom resources: read and watch. patch on serverlessfunctions only: the operator adds and removes
# its finalizer by patching the ServerlessFunction itself (SseGateways carry no finalizer).
- apiGroups: ["switchboard.dev"]
  resources: ["serverlessfunctions", "ssegateways"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["switchboard.dev"]
  resources: ["serverlessfunctions"]
  verbs: ["patch"]
- apiGroups: ["switchboard.dev"]
  resources: ["serverlessfunctions/status", "ssegateways/status"]
  verbs: ["get", "patch", "update"]
# Setting ownerReferences with blockOwnerDeletion on the objects a resource owns requires update on
# its finalizers subresource.
- apiGroups: ["switchboard.dev"]
  resources: ["serverlessfunctions/finalizers", "ssegateways/finalizers"]
  verbs: ["update"]
# What an SseGateway is reconciled into.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]
# Redis URLs, admin tokens and function headers held in Secrets are read; the one Secret the operator
# writes is a gateway's generated admin token (<gateway>-admin-token), created once, deleted with it.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create", "delete", "get", "list", "patch", "watch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/*
Checks across values that a JSON schema cannot express clearly.
*/}}
{{- define "switchboard.validate" -}}
{{- if and .Values.gateway.enabled .Values.watchNamespaces (not (has .Release.Namespace .Values.watchNamespaces)) }}
{{- fail (printf "gateway.enabled creates the SseGateway in namespace %q, which watchNamespaces %v does not include: the operator would never reconcile it" .Release.Namespace .Values.watchNamespaces) }}
{{- end }}
{{- if and .Values.gateway.redis.url .Values.gateway.redis.existingSecret }}
{{- fail "set only one of gateway.redis.url and gateway.redis.existingSecret" }}
{{- end }}
{{- if and .Values.gateway.enabled (not (or .Values.gateway.redis.url .Values.gateway.redis.existingSecret .Values.redis.createSecret)) }}
{{- fail "gateway.enabled needs a Redis connection: set gateway.redis.url, gateway.redis.existingSecret, or redis.createSecret with redis.url" }}
{{- end }}
{{- if and .Values.redis.createSecret (not .Values.redis.url) }}
{{- fail "redis.createSecret needs redis.url" }}
{{- end }}
{{- end }}
