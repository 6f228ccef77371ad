// kubectl describe's text, table-tested: the Go tab writer's column blocks, the formats of
// labels and selectors, a crash-looping pod's sections in kubectl's order, and the rules that
// keep secrets out (a Secret's values never, redacted values beside their keys).
import { describe, expect, it } from 'vitest';
import {
  describeObject,
  formatLabels,
  rfc1123z,
  selectorString,
  smartLabel,
} from '../../src/kube/describe.js';
import { tabwrite } from '../../src/kube/tabwriter.js';

describe('tabwrite (Go text/tabwriter, minwidth 0, tabwidth 8, padding 2)', () => {
  it.each([
    ['one column', 'a:\tx\nlonger:\ty\n', 'a:       x\nlonger:  y\n'],
    // A line without a tab ends the block: the next lines align on their own.
    ['a single-cell line breaks the block', 'a:\tx\nbreak\nlonger:\ty\n', 'a:  x\nbreak\nlonger:  y\n'],
    // The trailing cell is not part of a column (Go's "aaaa|bbb|d" example).
    ['trailing cells are not aligned', 'aaaa\tbbb\td\naa\tb\tdd\n', 'aaaa  bbb  d\naa    b    dd\n'],
    [
      'b and c are distinct columns',
      'aaaa\tbbb\td\na\t\naa\tcccc\teee\n',
      'aaaa  bbb  d\na     \naa    cccc  eee\n',
    ],
    ['code points, not bytes', 'é:\tx\nab:\ty\n', 'é:   x\nab:  y\n'],
  ])('%s', (_name, input, expected) => expect(tabwrite(input)).toBe(expected));
});

describe('kubectl formats', () => {
  it.each([
    [{ app: 'backend', 'app.kubernetes.io/instance': 'todo' }, 'app.kubernetes.io/instance=todo,app=backend'],
    [{}, '<none>'],
  ])('formatLabels(%j) = %s (sorted as k=v strings)', (labels, expected) =>
    expect(formatLabels(labels)).toBe(expected),
  );

  it.each([
    [
      { matchLabels: { app: 'backend', 'app.kubernetes.io/instance': 'todo' } },
      'app=backend,app.kubernetes.io/instance=todo',
    ],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, 'tier in (api,web)'],
    [{ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, '!x'],
    [{}, ''],
  ])('selectorString(%j) = %s (sorted by key)', (selector, expected) =>
    expect(selectorString(selector)).toBe(expected),
  );

  it.each([
    ['involvedObject', 'Involved Object'],
    ['apiVersion', 'API Version'],
    ['uid', 'UID'],
    ['firstTimestamp', 'First Timestamp'],
  ])('smartLabel(%s) = %s', (field, label) => expect(smartLabel(field)).toBe(label));

  it('RFC 1123 with a numeric zone, in UTC', () => {
    expect(rfc1123z('2026-12-01T14:25:30Z')).toBe('Tue, 01 Dec 2026 14:25:30 +0000');
    expect(rfc1123z(undefined)).toBe('Mon, 01 Jan 0001 00:00:00 +0000');
  });
});

const NOW = Date.parse('2026-12-01T15:00:00Z');
const crashPod = {
  metadata: {
    name: 'backend-1',
    namespace: 'todo',
    uid: 'u1',
    labels: { app: 'backend' },
    annotations: { note: 'token=abcdef123456' },
    ownerReferences: [
      { controller: true, kind: 'ReplicaSet', name: 'backend-rs', uid: 'rs', apiVersion: 'apps/v1' },
    ],
  },
  spec: {
    nodeName: 'minikube',
    containers: [
      {
        name: 'backend',
        image: 'todo-backend:2.3.0',
        ports: [{ containerPort: 8000, protocol: 'TCP', name: 'http' }],
        resources: { limits: { memory: '512Mi', cpu: '1' }, requests: { cpu: '250m' } },
        env: [
          { name: 'DB_PASSWORD', value: 'hunter2hunter2' },
          { name: 'MODE', value: 'prod' },
          { name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        ],
      },
    ],
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '192.168.49.2',
    podIP: '10.244.0.9',
    podIPs: [{ ip: '10.244.0.9' }],
    startTime: '2026-12-01T14:00:00Z',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'backend',
        image: 'todo-backend:2.3.0',
        imageID: 'sha',
        containerID: 'containerd://c1',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: '2026-12-01T14:58:00Z',
            finishedAt: '2026-12-01T14:58:02Z',
          },
        },
      },
    ],
  },
};
const events = [
  {
    type: 'Warning',
    reason: 'BackOff',
    count: 7,
    firstTimestamp: '2026-12-01T14:50:00Z',
    lastTimestamp: '2026-12-01T14:59:00Z',
    source: { component: 'kubelet' },
    message: 'Back-off restarting failed container backend\n',
    involvedObject: {},
    metadata: {},
  },
];
const redact = (key: string, value: string): string =>
  /password|token/i.test(key) || /token=/.test(value) ? '[REDACTED]' : value;

describe('describe a pod', () => {
  const lines = describeObject({ kind: 'pods', object: crashPod, events: events as never, now: NOW, redact });
  const text = lines.join('\n');

  it("has kubectl's sections in kubectl's order", () => {
    const order = [
      'Name:',
      'Namespace:',
      'Node:',
      'Start Time:',
      'Labels:',
      'Annotations:',
      'Status:',
      'IP:',
      'IPs:',
      'Controlled By:',
      'Containers:',
      'Conditions:',
      'Volumes:',
      'QoS Class:',
      'Node-Selectors:',
      'Tolerations:',
      'Events:',
    ];
    const at = order.map((title) => lines.findIndex((l) => l.startsWith(title)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('shows the container as kubectl does: state, last state, restarts, limits, env, mounts', () => {
    expect(text).toContain(
      '    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1',
    );
    expect(text).toContain('    Restart Count:  3');
    expect(text).toContain(
      '    Limits:\n      cpu:     1\n      memory:  512Mi\n    Requests:\n      cpu:  250m',
    );
    expect(text).toContain("      KEY:          <set to the key 'k' in secret 's'>  Optional: false");
    expect(text).toContain('      POD:          backend-1 (v1:metadata.name)');
    expect(text).toContain('    Mounts:         <none>');
    expect(text).toContain('QoS Class:       Burstable');
    expect(text).toContain('Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s');
    expect(lines.at(-1)).toBe(
      '  Warning  BackOff  60s (x7 over 10m)  kubelet  Back-off restarting failed container backend',
    );
  });

  it('redacts values beside secret-looking keys, in env and annotations', () => {
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abcdef123456');
    expect(text).toMatch(/DB_PASSWORD: +\[REDACTED\]/);
    expect(text).toContain('      MODE:         prod');
  });
});

describe('describe keeps secrets out', () => {
  const secret = {
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'todo' },
    type: 'kubernetes.io/service-account-token',
    data: {
      password: Buffer.from('s3cr3t-value').toString('base64'),
      token: Buffer.from('eyJtoken-value').toString('base64'),
    },
  };
  it('a Secret is its keys and byte counts only, even a service-account token', () => {
    const text = describeObject({ kind: 'secrets', object: secret, now: NOW }).join('\n');
    expect(text).toContain('password:  12 bytes');
    expect(text).toContain('token:     14 bytes');
    expect(text).not.toMatch(/s3cr3t|eyJtoken|czNjcjN0/);
  });

  it("a ConfigMap's values go through redact", () => {
    const cm = { metadata: { name: 'c', namespace: 'todo' }, data: { API_TOKEN: 'tok-123', LEVEL: 'info' } };
    const text = describeObject({ kind: 'configmaps', object: cm, now: NOW, redact }).join('\n');
    expect(text).toContain('LEVEL:\n----\ninfo');
    expect(text).toContain('API_TOKEN:\n----\n[REDACTED]');
    expect(text).not.toContain('tok-123');
  });
});

describe('describe every kind', () => {
  it.each([
    [
      'deployments',
      {
        metadata: { name: 'd', namespace: 'n' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: {} },
      },
      'Selector:',
    ],
    ['replicasets', { metadata: { name: 'r', namespace: 'n' }, spec: { selector: {} } }, 'Pods Status:'],
    ['statefulsets', { metadata: { name: 's', namespace: 'n' }, spec: {} }, 'Volume Claims:'],
    ['daemonsets', { metadata: { name: 'd', namespace: 'n' }, spec: {} }, 'Number of Nodes Misscheduled: 0'],
    ['jobs', { metadata: { name: 'j', namespace: 'n' }, spec: {} }, 'Pods Statuses:'],
    [
      'cronjobs',
      { metadata: { name: 'c', namespace: 'n' }, spec: { schedule: '* * * * *' } },
      'Last Schedule Time:',
    ],
    ['services', { metadata: { name: 's', namespace: 'n' }, spec: { ports: [{ port: 80 }] } }, 'Endpoints:'],
    ['ingresses', { metadata: { name: 'i', namespace: 'n' }, spec: {} }, 'Default backend:'],
    ['persistentvolumeclaims', { metadata: { name: 'p', namespace: 'n' }, spec: {} }, 'Used By:'],
    ['nodes', { metadata: { name: 'n' }, status: {} }, 'System Info:'],
    [
      'events',
      { metadata: { name: 'e', namespace: 'n' }, reason: 'X', involvedObject: { kind: 'Pod' } },
      'Involved Object:',
    ],
    [
      'horizontalpodautoscalers',
      {
        metadata: { name: 'h', namespace: 'n' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 3 },
      },
      'Deployment pods:',
    ],
  ] as const)('%s: starts with its name and has its own section', (kind, object, section) => {
    const lines = describeObject({ kind, object, events: [], now: NOW });
    expect(lines[0]).toMatch(/^Name:\s+\S/);
    expect(lines.some((l) => l.includes(section))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Events:\s+<none>$/);
  });
});
