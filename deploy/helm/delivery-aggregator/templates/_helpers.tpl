{{/* Names and labels. */}}
{{- define "da.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "da.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (list $ "api"). */}}
{{- define "da.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "da.fullname" $root | trunc 52 | trimSuffix "-") (index . 1) -}}
{{- end -}}

{{- define "da.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "da.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "da.labels" -}}
{{- $root := index . 0 -}}
{{ include "da.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: {{ include "da.name" $root }}
{{- end -}}

{{- define "da.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/*
The non-secret variables every process reads (the ConfigMap, and the Job's own env, since a
pre-install hook runs before the ConfigMap exists). Process-specific ones (PORT, the shutdown
and metrics settings) are set on their container.
*/}}
{{- define "da.sharedConfig" -}}
{{- $config := dict
  "NODE_ENV" "production"
  "PUBLIC_URL" .Values.publicUrl
  "TEMPORAL_ADDRESS" .Values.temporal.address
  "TEMPORAL_NAMESPACE" .Values.temporal.namespace
  "TEMPORAL_TASK_QUEUE" .Values.temporal.taskQueue
  "DATA_DIR" "/data"
  "ATTACHMENT_STORAGE" .Values.attachments.storage
-}}
{{- if eq .Values.attachments.storage "s3" -}}
{{- $s3 := .Values.attachments.s3 -}}
{{- $_ := set $config "S3_BUCKET" $s3.bucket -}}
{{- $_ := set $config "S3_REGION" $s3.region -}}
{{- $_ := set $config "S3_FORCE_PATH_STYLE" (toString $s3.forcePathStyle) -}}
{{- if $s3.endpoint }}{{ $_ := set $config "S3_ENDPOINT" $s3.endpoint }}{{ end -}}
{{- end -}}
{{- range $name, $value := .Values.config -}}
{{- $_ := set $config $name (toString $value) -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/*
Which process reads which secret: the super admin is bootstrapped by the setup Job alone
(src/setup-cli.ts); everything else reaches every process, whose configuration is validated the
same way (src/config.ts: JWT_SECRET is required in production by all three).
*/}}
{{- define "da.secretEnv" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $s3Id := (index $root.Values.secrets "S3_ACCESS_KEY_ID").name -}}
{{- $s3Secret := (index $root.Values.secrets "S3_SECRET_ACCESS_KEY").name -}}
{{- if ne (empty $s3Id) (empty $s3Secret) -}}
{{- fail "secrets.S3_ACCESS_KEY_ID and secrets.S3_SECRET_ACCESS_KEY are set together or not at all" -}}
{{- end -}}
{{- range $variable, $ref := $root.Values.secrets }}
{{- if and $ref.name (or (eq $component "migrate") (not (hasPrefix "SUPERADMIN_" $variable))) }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Variables for one container: a map, rendered as env entries (they override envFrom). */}}
{{- define "da.envList" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{- define "da.podSecurity" -}}
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Scheduling settings of one component's values. */}}
{{- define "da.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "da.attachmentsClaim" -}}
{{- .Values.attachments.file.existingClaim | default (include "da.componentName" (list . "attachments")) -}}
{{- end -}}

{{- define "da.apiTerminationGrace" -}}
{{- add .Values.api.shutdown.preStopSleepSeconds .Values.api.shutdown.graceSeconds 10 -}}
{{- end -}}

{{- define "da.workerTerminationGrace" -}}
{{- add .Values.worker.shutdown.forceSeconds 10 -}}
{{- end -}}
