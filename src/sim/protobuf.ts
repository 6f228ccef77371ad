// Kubernetes protobuf request bodies. kubectl 1.34's typed commands (`create namespace`,
// `create deployment`, `run`, `autoscale`, `expose`) POST `application/vnd.kubernetes.protobuf`
// and never fall back to JSON, so the simulator decodes the types those commands send. Field
// numbers follow k8s.io/api's generated.proto. Go writes every non-pointer field, zero or not,
// so zero values are dropped as Go's JSON `omitempty` would; a field the table does not know is
// skipped when it is zero and refused (415) otherwise, so nothing a client sent is lost silently.
import { fail } from './status.js';

/**
 * A field: `name` alone is a string; `name:Type` gives the type, one of string, int, bool,
 * bytes, Time, Quantity, IntOrString, a message name, `[]T` (repeated) or `map<T>` (string
 * keys). A trailing `!` marks a Go pointer field, whose zero value is meaningful and kept.
 */
type Schema = Record<number, string>;

const META: Schema = {
  1: 'name',
  2: 'generateName',
  3: 'namespace',
  5: 'uid',
  6: 'resourceVersion',
  7: 'generation:int',
  8: 'creationTimestamp:Time',
  11: 'labels:map<string>',
  12: 'annotations:map<string>',
  13: 'ownerReferences:[]OwnerReference',
  14: 'finalizers:[]string',
};

const MESSAGES: Record<string, Schema> = {
  ObjectMeta: META,
  OwnerReference: {
    1: 'kind',
    3: 'name',
    4: 'uid',
    5: 'apiVersion',
    6: 'controller:bool!',
    7: 'blockOwnerDeletion:bool!',
  },
  Time: { 1: 'seconds:int', 2: 'nanos:int' },
  Quantity: { 1: 'string' },
  IntOrString: { 1: 'type:int', 2: 'intVal:int', 3: 'strVal' },
  LabelSelector: { 1: 'matchLabels:map<string>', 2: 'matchExpressions:[]LabelSelectorRequirement' },
  LabelSelectorRequirement: { 1: 'key', 2: 'operator', 3: 'values:[]string' },
  DeleteOptions: {
    1: 'gracePeriodSeconds:int!',
    2: 'preconditions:Preconditions',
    3: 'orphanDependents:bool!',
    4: 'propagationPolicy!',
    5: 'dryRun:[]string',
  },
  Preconditions: { 1: 'uid!', 2: 'resourceVersion!' },
  // core/v1
  Namespace: { 1: 'metadata:ObjectMeta', 2: 'spec:NamespaceSpec', 3: 'status:Empty' },
  NamespaceSpec: { 1: 'finalizers:[]string' },
  ConfigMap: {
    1: 'metadata:ObjectMeta',
    2: 'data:map<string>',
    3: 'binaryData:map<bytes>',
    4: 'immutable:bool!',
  },
  Secret: {
    1: 'metadata:ObjectMeta',
    2: 'data:map<bytes>',
    3: 'type',
    4: 'stringData:map<string>',
    5: 'immutable:bool!',
  },
  ServiceAccount: { 1: 'metadata:ObjectMeta', 4: 'automountServiceAccountToken:bool!' },
  Service: { 1: 'metadata:ObjectMeta', 2: 'spec:ServiceSpec', 3: 'status:Empty' },
  ServiceSpec: {
    1: 'ports:[]ServicePort',
    2: 'selector:map<string>',
    3: 'clusterIP',
    4: 'type',
    5: 'externalIPs:[]string',
    7: 'sessionAffinity',
    8: 'loadBalancerIP',
    10: 'externalName',
    11: 'externalTrafficPolicy',
  },
  ServicePort: {
    1: 'name',
    2: 'protocol',
    3: 'port:int',
    4: 'targetPort:IntOrString',
    5: 'nodePort:int',
    6: 'appProtocol!',
  },
  Pod: { 1: 'metadata:ObjectMeta', 2: 'spec:PodSpec', 3: 'status:Empty' },
  PodTemplateSpec: { 1: 'metadata:ObjectMeta', 2: 'spec:PodSpec' },
  PodSpec: {
    2: 'containers:[]Container',
    3: 'restartPolicy',
    4: 'terminationGracePeriodSeconds:int!',
    5: 'activeDeadlineSeconds:int!',
    6: 'dnsPolicy',
    7: 'nodeSelector:map<string>',
    8: 'serviceAccountName',
    9: 'serviceAccount',
    10: 'nodeName',
    15: 'imagePullSecrets:[]LocalObjectReference',
    16: 'hostname',
    17: 'subdomain',
    19: 'schedulerName',
    20: 'initContainers:[]Container',
    24: 'priorityClassName',
  },
  LocalObjectReference: { 1: 'name' },
  Container: {
    1: 'name',
    2: 'image',
    3: 'command:[]string',
    4: 'args:[]string',
    5: 'workingDir',
    6: 'ports:[]ContainerPort',
    7: 'env:[]EnvVar',
    8: 'resources:ResourceRequirements',
    13: 'terminationMessagePath',
    14: 'imagePullPolicy',
    16: 'stdin:bool',
    17: 'stdinOnce:bool',
    18: 'tty:bool',
    20: 'terminationMessagePolicy',
  },
  ContainerPort: { 1: 'name', 2: 'hostPort:int', 3: 'containerPort:int', 4: 'protocol', 5: 'hostIP' },
  EnvVar: { 1: 'name', 2: 'value' },
  ResourceRequirements: { 1: 'limits:map<Quantity>', 2: 'requests:map<Quantity>' },
  // A status a client may send but the server resets on create: only its absence is checked.
  Empty: {},
  // apps/v1
  Deployment: { 1: 'metadata:ObjectMeta', 2: 'spec:DeploymentSpec', 3: 'status:Empty' },
  DeploymentSpec: {
    1: 'replicas:int!',
    2: 'selector:LabelSelector',
    3: 'template:PodTemplateSpec',
    4: 'strategy:DeploymentStrategy',
    5: 'minReadySeconds:int',
    6: 'revisionHistoryLimit:int!',
    7: 'paused:bool',
    9: 'progressDeadlineSeconds:int!',
  },
  DeploymentStrategy: { 1: 'type', 2: 'rollingUpdate:RollingUpdateDeployment' },
  RollingUpdateDeployment: { 1: 'maxUnavailable:IntOrString', 2: 'maxSurge:IntOrString' },
  // autoscaling/v2
  HorizontalPodAutoscaler: {
    1: 'metadata:ObjectMeta',
    2: 'spec:HorizontalPodAutoscalerSpec',
    3: 'status:Empty',
  },
  HorizontalPodAutoscalerSpec: {
    1: 'scaleTargetRef:CrossVersionObjectReference',
    2: 'minReplicas:int!',
    3: 'maxReplicas:int',
    4: 'metrics:[]MetricSpec',
  },
  CrossVersionObjectReference: { 1: 'kind', 2: 'name', 3: 'apiVersion' },
  MetricSpec: {
    1: 'type',
    4: 'resource:ResourceMetricSource',
    7: 'containerResource:ContainerResourceMetricSource',
  },
  ResourceMetricSource: { 1: 'name', 2: 'target:MetricTarget' },
  ContainerResourceMetricSource: { 1: 'name', 2: 'target:MetricTarget', 3: 'container' },
  MetricTarget: {
    1: 'type',
    2: 'value:Quantity!',
    3: 'averageValue:Quantity!',
    4: 'averageUtilization:int!',
  },
  // authentication.k8s.io/v1, authorization.k8s.io/v1 (`kubectl auth whoami`, `auth can-i`)
  SelfSubjectReview: { 1: 'metadata:ObjectMeta', 2: 'status:Empty' },
  SelfSubjectAccessReview: {
    1: 'metadata:ObjectMeta',
    2: 'spec:SelfSubjectAccessReviewSpec',
    3: 'status:Empty',
  },
  SelfSubjectAccessReviewSpec: {
    1: 'resourceAttributes:ResourceAttributes!',
    2: 'nonResourceAttributes:NonResourceAttributes!',
  },
  ResourceAttributes: {
    1: 'namespace',
    2: 'verb',
    3: 'group',
    4: 'version',
    5: 'resource',
    6: 'subresource',
    7: 'name',
    8: 'fieldSelector:FieldSelectorAttributes!',
    9: 'labelSelector:LabelSelectorAttributes!',
  },
  FieldSelectorAttributes: { 1: 'rawSelector', 2: 'requirements:[]LabelSelectorRequirement' },
  LabelSelectorAttributes: { 1: 'rawSelector', 2: 'requirements:[]LabelSelectorRequirement' },
  NonResourceAttributes: { 1: 'path', 2: 'verb' },
  SelfSubjectRulesReview: {
    1: 'metadata:ObjectMeta',
    2: 'spec:SelfSubjectRulesReviewSpec',
    3: 'status:Empty',
  },
  SelfSubjectRulesReviewSpec: { 1: 'namespace' },
};

/** The top-level message of each apiVersion/kind the simulator accepts as protobuf. */
const ROOTS: Record<string, string> = {
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'v1/Pod': 'Pod',
  'apps/v1/Deployment': 'Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
};

interface FieldSpec {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
}

function fieldSpec(text: string): FieldSpec {
  const [name, rawType = 'string'] = text.split(':') as [string, string?];
  const pointer = rawType.endsWith('!') || name.endsWith('!');
  let type = rawType.replace(/!$/, '');
  const repeated = type.startsWith('[]');
  const map = type.startsWith('map<');
  if (repeated) type = type.slice(2);
  if (map) type = type.slice(4, -1);
  return { name: name.replace(/!$/, ''), type, repeated, map, pointer };
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export const isProtobuf = (contentType: string | undefined): boolean =>
  /application\/vnd\.kubernetes\.protobuf/.test(contentType ?? '');

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length || shift > 63n) malformed();
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) malformed();
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** One field: its number and raw value (a varint, or bytes for length-delimited fields). */
  field(): { number: number; value: bigint | Buffer } {
    const key = Number(this.varint());
    const wire = key & 7;
    const number = key >>> 3;
    if (wire === 0) return { number, value: this.varint() };
    if (wire === 2) return { number, value: this.bytes() };
    if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (this.pos + size > this.buf.length) malformed();
      this.pos += size;
      return { number, value: 0n };
    }
    return malformed();
  }
}

function malformed(): never {
  fail(400, 'BadRequest', 'error decoding request body: malformed protobuf');
}

type Value = unknown;

/** True for bytes that are empty or a message of nothing but zero values (Go's zero struct). */
function isZeroMessage(buf: Buffer): boolean {
  try {
    const reader = new Reader(buf);
    while (!reader.done) {
      const { value } = reader.field();
      if (typeof value === 'bigint' ? value !== 0n : !isZeroMessage(value)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function isZero(value: Value): boolean {
  if (value === '' || value === 0 || value === false || value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

function scalar(type: string, raw: bigint | Buffer, message: string, number: number): Value {
  if (type === 'int' || type === 'bool') {
    if (typeof raw !== 'bigint') malformed();
    return type === 'bool' ? raw !== 0n : Number(BigInt.asIntN(64, raw));
  }
  if (typeof raw === 'bigint') malformed();
  if (type === 'string') return raw.toString('utf8');
  if (type === 'bytes') return raw.toString('base64');
  return decodeMessage(type, raw, `${message}.${number}`);
}

function decodeMessage(message: string, buf: Buffer, path = message): Value {
  const schema = MESSAGES[message];
  if (!schema) return fail(500, 'InternalError', `no protobuf schema for ${message}`);
  const out: Record<string, Value> = {};
  const keep = new Set<string>();
  const reader = new Reader(buf);
  while (!reader.done) {
    const { number, value } = reader.field();
    const spec = schema[number];
    if (!spec) {
      if (typeof value === 'bigint' ? value === 0n : isZeroMessage(value)) continue;
      fail(
        415,
        'UnsupportedMediaType',
        `the simulator does not decode protobuf field ${number} of ${message} (${path}); send the object as JSON or YAML (kubectl apply -f or kubectl create -f)`,
      );
    }
    const field = fieldSpec(spec);
    if (field.pointer) keep.add(field.name);
    if (field.map) {
      if (typeof value === 'bigint') malformed();
      const entry = new Reader(value);
      let key = '';
      let item: Value = field.type === 'string' || field.type === 'bytes' ? '' : undefined;
      while (!entry.done) {
        const part = entry.field();
        if (part.number === 1) key = scalar('string', part.value, message, number) as string;
        else if (part.number === 2) item = scalar(field.type, part.value, message, number);
      }
      const map = (out[field.name] ??= {}) as Record<string, Value>;
      map[key] = item;
    } else if (field.repeated) {
      ((out[field.name] ??= []) as Value[]).push(scalar(field.type, value, message, number));
    } else {
      out[field.name] = scalar(field.type, value, message, number);
    }
  }
  return finish(message, out, keep);
}

/** Turns the wire form of the special types into their JSON form and drops Go's zero values. */
function finish(message: string, out: Record<string, Value>, keep: Set<string>): Value {
  if (message === 'Quantity') return out.string ?? '0';
  if (message === 'IntOrString') return out.type === 1 ? (out.strVal ?? '') : (out.intVal ?? 0);
  if (message === 'Time') {
    if (!out.seconds) return null;
    return new Date(Number(out.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  for (const [key, value] of Object.entries(out)) {
    if (!keep.has(key) && isZero(value)) delete out[key];
  }
  return out;
}

/** Decodes a `k8s\0` protobuf envelope into the JSON object it carries. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    fail(400, 'BadRequest', 'error decoding request body: protobuf body lacks the k8s envelope prefix');
  }
  const envelope = new Reader(body.subarray(MAGIC.length));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  while (!envelope.done) {
    const { number, value } = envelope.field();
    if (number === 1 && Buffer.isBuffer(value)) {
      const typeMeta = new Reader(value);
      while (!typeMeta.done) {
        const part = typeMeta.field();
        if (!Buffer.isBuffer(part.value)) malformed();
        if (part.number === 1) apiVersion = part.value.toString('utf8');
        if (part.number === 2) kind = part.value.toString('utf8');
      }
    } else if (number === 2 && Buffer.isBuffer(value)) raw = value;
  }
  const root = ROOTS[`${apiVersion}/${kind}`];
  if (!root || !raw) {
    fail(
      415,
      'UnsupportedMediaType',
      `the simulator decodes protobuf for ${Object.keys(ROOTS).join(', ')} only, not ${apiVersion}/${kind}; send the object as JSON or YAML (kubectl apply -f or kubectl create -f)`,
    );
  }
  return { apiVersion, kind, ...(decodeMessage(root, raw) as Record<string, unknown>) };
}
