// Server-side printing: the real kubectl 1.34 reads the simulator's Tables, so its headers and
// cells are what a real kube-apiserver 1.34 prints for each kind (recorded from one).
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const kubectlPath = join(import.meta.dirname, '..', '..', '.tools', 'bin', 'kubectl');
let sim: RunningSim;
const kubectl = (args: string[], input?: string) =>
  execa(kubectlPath, ['--kubeconfig', sim.kubeconfigPath, ...args], { reject: false, input });

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: print}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: print}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: print}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: print}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: print}
spec:
  maxUnavailable: 34%
  selector: {matchLabels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: print}
spec:
  tls: [{hosts: [a.example.com], secretName: tls}]
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
  - host: b.example.com
    http:
      paths:
      - {path: /api, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: k8s.io/minikube-hostpath
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: slow}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
allowVolumeExpansion: true
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: print}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: slow
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts, namespace: print}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: sts}}
  template:
    metadata: {labels: {app: sts}}
    spec:
      containers: [{name: s, image: redis:7}, {name: side, image: busybox:1}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds, namespace: print}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: d, image: fluentd:1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: job, namespace: print}
spec:
  completions: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: busybox:1}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj, namespace: print}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Berlin
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox:1}]
`;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 20 });
  const applied = await kubectl(['apply', '-f', '-'], MANIFEST);
  expect(applied.stderr).toBe('');
  // The endpoint controllers have run once the slices exist (one per selecting Service).
  const deadline = Date.now() + 15_000;
  while (
    (await kubectl(['get', 'endpointslices', '-n', 'print', '-o', 'name'])).stdout.trim().split('\n').length <
    2
  ) {
    if (Date.now() > deadline) throw new Error('no endpointslices');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterAll(() => sim.close());

/** kubectl's output for several kinds: a block per kind, its header's columns and its rows. */
async function blocks(args: string[]): Promise<Map<string, { header: string[]; rows: string[][] }>> {
  const result = await kubectl(args);
  expect(result.stderr).toBe('');
  const out = new Map<string, { header: string[]; rows: string[][] }>();
  for (const block of result.stdout.trim().split(/\n\s*\n/)) {
    const [header, ...rows] = block.split('\n').map((line) => line.trim().split(/\s{2,}/));
    const kind = rows[0]![0]!.split('/')[0]!;
    out.set(kind, { header: header!, rows });
  }
  return out;
}

it.each([
  ['endpoints', ['NAME', 'ENDPOINTS', 'AGE']],
  ['endpointslice.discovery.k8s.io', ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']],
  ['poddisruptionbudget.policy', ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']],
  ['ingress.networking.k8s.io', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']],
  [
    'persistentvolumeclaim',
    ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
  ],
  ['statefulset.apps', ['NAME', 'READY', 'AGE']],
  [
    'daemonset.apps',
    ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  ],
  ['job.batch', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']],
  ['cronjob.batch', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']],
  [
    'storageclass.storage.k8s.io',
    ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
  ],
])(
  'kubectl get ep,endpointslices,pdb,ing,pvc,sts,ds,job,cj,sc prints %s with its columns',
  async (kind, header) => {
    const out = await blocks(['get', 'ep,endpointslices,pdb,ing,pvc,sts,ds,job,cj,sc', '-n', 'print']);
    expect(out.get(kind)?.header).toEqual(header);
  },
);

it.each([
  ['persistentvolumeclaim', 'pvc', 'VOLUMEMODE'],
  ['statefulset.apps', 'sts', 'CONTAINERS,IMAGES'],
  ['daemonset.apps', 'ds', 'CONTAINERS,IMAGES,SELECTOR'],
  ['job.batch', 'job', 'CONTAINERS,IMAGES,SELECTOR'],
  ['cronjob.batch', 'cj', 'CONTAINERS,IMAGES,SELECTOR'],
  ['service', 'svc', 'SELECTOR'],
])('-o wide adds the wide columns of %s', async (kind, resource, wide) => {
  const [normal, withWide] = await Promise.all([
    blocks(['get', resource, '-n', 'print', '--show-kind']),
    blocks(['get', resource, '-n', 'print', '--show-kind', '-o', 'wide']),
  ]);
  expect(withWide.get(kind)!.header).toEqual([...normal.get(kind)!.header, ...wide.split(',')]);
});

it('prints the cells as a real server does', async () => {
  const out = await blocks(['get', 'pdb,ing,ingressclass,sc,sts,ds,job,cj,svc', '-n', 'print', '-o', 'wide']);
  // A row's cells after NAME, without AGE (which differs run to run); empty cells are lost to the
  // column split, as they are to the eye.
  const cells = (kind: string, name: string) =>
    out
      .get(kind)!
      .rows.find((r) => r[0] === `${kind}/${name}`)!
      .slice(1)
      .filter((cell) => !/^(\d+[smhdy])+$/.test(cell));
  expect(cells('poddisruptionbudget.policy', 'web')).toEqual(['N/A', '34%', '0']);
  // The DefaultIngressClass admission gave the Ingress its class.
  expect(cells('ingress.networking.k8s.io', 'web')).toEqual([
    'nginx',
    'a.example.com,b.example.com',
    '80, 443',
  ]);
  expect(cells('ingressclass.networking.k8s.io', 'nginx')).toEqual([
    'k8s.io/ingress-nginx',
    'IngressParameters.k8s.example.com/external-lb',
  ]);
  expect(cells('storageclass.storage.k8s.io', 'standard (default)')).toEqual([
    'k8s.io/minikube-hostpath',
    'Delete',
    'Immediate',
    'false',
  ]);
  expect(cells('storageclass.storage.k8s.io', 'slow')).toEqual([
    'kubernetes.io/no-provisioner',
    'Retain',
    'WaitForFirstConsumer',
    'true',
  ]);
  expect(cells('daemonset.apps', 'ds').slice(5)).toEqual([
    'kubernetes.io/os=linux',
    'd',
    'fluentd:1',
    'app=ds',
  ]);
  expect(cells('statefulset.apps', 'sts').slice(1)).toEqual(['s,side', 'redis:7,busybox:1']);
  expect(cells('cronjob.batch', 'cj')).toEqual([
    '0 3 * * *',
    'Europe/Berlin',
    'True',
    '0',
    '<none>',
    'c',
    'busybox:1',
    '<none>',
  ]);
  expect(cells('service', 'ext')).toEqual(['ExternalName', '<none>', 'example.com', '<none>', '<none>']);
  expect(cells('service', 'lb')[2]).toBe('<pending>');
  expect(cells('service', 'lb')[3]).toMatch(/^80:3\d{4}\/TCP$/);
});
