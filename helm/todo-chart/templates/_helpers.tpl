{{/*
The app's name: the `app.kubernetes.io/name` label.
*/}}
{{- define "todo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of the shared objects (ConfigMap, Secret, ServiceAccount): the release name unless
overridden, so release `todo` gives `todo-config`, `todo-backend` and `todo`.
*/}}
{{- define "todo.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo.configMapName" -}}
{{- printf "%s-config" (include "todo.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo.backendSecretName" -}}
{{- default (printf "%s-backend" (include "todo.fullname" .)) .Values.backend.secret.name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Pod labels of a component (also the simulator's): call with (dict "root" $ "component" "frontend").
*/}}
{{- define "todo.podLabels" -}}
app.kubernetes.io/name: {{ include "todo.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app: {{ .component }}
{{- end }}

{{/*
Object labels: the pod labels plus `app.kubernetes.io/managed-by`.
*/}}
{{- define "todo.labels" -}}
{{ include "todo.podLabels" . }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
The (immutable) Deployment selector of a component.
*/}}
{{- define "todo.selectorLabels" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app: {{ .component }}
{{- end }}

{{/*
The backend URL the frontend reaches: config.API_BASE_URL or the backend Service.
*/}}
{{- define "todo.apiBaseUrl" -}}
{{- if .Values.config.API_BASE_URL }}
{{- .Values.config.API_BASE_URL }}
{{- else }}
{{- printf "http://%s:%v" .Values.backend.name .Values.backend.service.port }}
{{- end }}
{{- end }}

{{/*
A component's Deployment: call with (dict "root" $ "key" "frontend").
*/}}
{{- define "todo.deployment" -}}
{{- $root := .root -}}
{{- $c := index $root.Values .key -}}
{{- $ctx := dict "root" $root "component" $c.name -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $c.name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "todo.labels" $ctx | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "todo.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "todo.podLabels" $ctx | nindent 8 }}
      {{- with $c.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "todo.serviceAccountName" $root }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $c.name }}
          image: "{{ $c.image.repository }}:{{ $c.image.tag | default $root.Chart.AppVersion }}"
          imagePullPolicy: {{ $c.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $c.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "todo.configMapName" $root }}
          {{- if or (eq .key "backend") $c.extraEnv }}
          env:
            {{- if eq .key "backend" }}
            - name: {{ $c.secret.key }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "todo.backendSecretName" $root }}
                  key: {{ $c.secret.key }}
            {{- end }}
            {{- with $c.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          {{- with $c.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $c.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $root.Values.containerSecurityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if $c.writablePaths }}
          volumeMounts:
            {{- range $i, $path := $c.writablePaths }}
            - name: writable-{{ $i }}
              mountPath: {{ $path }}
            {{- end }}
          {{- end }}
      {{- if $c.writablePaths }}
      volumes:
        {{- range $i, $path := $c.writablePaths }}
        - name: writable-{{ $i }}
          emptyDir: {}
        {{- end }}
      {{- end }}
      {{- with $c.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
A component's Service.
*/}}
{{- define "todo.service" -}}
{{- $root := .root -}}
{{- $c := index $root.Values .key -}}
{{- $ctx := dict "root" $root "component" $c.name -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $c.name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "todo.labels" $ctx | nindent 4 }}
spec:
  type: {{ $c.service.type }}
  selector:
    {{- include "todo.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $c.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{/*
A component's optional HorizontalPodAutoscaler.
*/}}
{{- define "todo.hpa" -}}
{{- $root := .root -}}
{{- $c := index $root.Values .key -}}
{{- $ctx := dict "root" $root "component" $c.name -}}
{{- if $c.autoscaling.enabled }}
{{- if and (not $c.autoscaling.targetCPUUtilizationPercentage) (not $c.autoscaling.targetMemoryUtilizationPercentage) }}
{{- fail (printf "%s.autoscaling needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" .key) }}
{{- end }}
{{- if gt (int $c.autoscaling.minReplicas) (int $c.autoscaling.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%v) is above maxReplicas (%v)" .key $c.autoscaling.minReplicas $c.autoscaling.maxReplicas) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $c.name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "todo.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $c.name }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    {{- with $c.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $c.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end }}

{{/*
"true" when the chart writes the backend's Secret: from backend.secret.databaseUrl, or else for
the release's postgres unless backend.secret.name names a Secret of the user's.
*/}}
{{- define "todo.createsBackendSecret" -}}
{{- if or .Values.backend.secret.databaseUrl (and .Values.postgres.enabled (not .Values.backend.secret.name)) -}}
true
{{- end }}
{{- end }}

{{/*
The postgres password: postgres.auth.password, else the one the Secret already holds (so an
upgrade keeps it), else a new random one. Call it once per render: each call without a stored
password draws a different one.
*/}}
{{- define "todo.postgresPassword" -}}
{{- $stored := dig "data" "POSTGRES_PASSWORD" "" (lookup "v1" "Secret" .Release.Namespace .Values.postgres.name) }}
{{- if .Values.postgres.auth.password }}
{{- .Values.postgres.auth.password }}
{{- else if $stored }}
{{- b64dec $stored }}
{{- else }}
{{- randAlphaNum 24 }}
{{- end }}
{{- end }}
