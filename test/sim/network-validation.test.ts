// Create-time validation of Ingresses, IngressClasses and PDBs: what a real kube-apiserver 1.34
// refuses, refused with its words (recorded from one), and what it accepts, accepted.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const kubectlPath = join(import.meta.dirname, '..', '..', '.tools', 'bin', 'kubectl');
let sim: RunningSim;
const create = (yaml: string) =>
  execa(kubectlPath, ['--kubeconfig', sim.kubeconfigPath, 'create', '-n', 'default', '-f', '-'], {
    reject: false,
    input: yaml,
  });

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty' });
});
afterAll(() => sim.close());

const ingress = (name: string, spec: string) =>
  `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"${name}"},"spec":${spec}}`;
const pdb = (name: string, spec: string) =>
  `{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"${name}"},"spec":${spec}}`;
const backend = '{"service":{"name":"web","port":{"number":80}}}';

it.each([
  [
    ingress('nopathtype', `{"rules":[{"http":{"paths":[{"path":"/","backend":${backend}}]}}]}`),
    'Ingress.networking.k8s.io "nopathtype" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  ],
  [
    ingress('empty', '{}'),
    'Ingress.networking.k8s.io "empty" is invalid: spec: Invalid value: null: either `defaultBackend` or `rules` must be specified',
  ],
  [
    ingress(
      'noport',
      '{"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web"}}}]}}]}',
    ),
    'Ingress.networking.k8s.io "noport" is invalid: spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
  ],
  [
    ingress(
      'relpath',
      `{"rules":[{"http":{"paths":[{"path":"foo","pathType":"Prefix","backend":${backend}}]}}]}`,
    ),
    'Ingress.networking.k8s.io "relpath" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path',
  ],
  [
    pdb('both', '{"minAvailable":1,"maxUnavailable":1,"selector":{"matchLabels":{"app":"db"}}}'),
    'PodDisruptionBudget.policy "both" is invalid: spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"db"}},"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set',
  ],
  [
    pdb('neg', '{"minAvailable":-1}'),
    'PodDisruptionBudget.policy "neg" is invalid: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0',
  ],
  [
    pdb('pct', '{"maxUnavailable":"120%"}'),
    'PodDisruptionBudget.policy "pct" is invalid: spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
  ],
  [
    '{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nocontroller"},"spec":{}}',
    'IngressClass.networking.k8s.io "nocontroller" is invalid: spec.controller: Required value',
  ],
])('refuses %s', async (json, message) => {
  const obj = JSON.parse(json) as { apiVersion: string; kind: string };
  const plural = {
    Ingress: 'ingresses',
    IngressClass: 'ingressclasses',
    PodDisruptionBudget: 'poddisruptionbudgets',
  }[obj.kind]!;
  const namespaced = obj.kind !== 'IngressClass' ? '/namespaces/default' : '';
  const response = await fetch(`${sim.url}/apis/${obj.apiVersion}${namespaced}/${plural}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: json,
  });
  expect(response.status).toBe(422);
  expect(((await response.json()) as { message: string }).message).toBe(message);
  // kubectl words a lone Invalid from the Status details: `The <Kind> "<name>" is invalid: <field>: <why>`.
  const result = await create(json);
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe(
    message.replace(/^(\w+)\S* ("[^"]*") is invalid: /, 'The $1 $2 is invalid: '),
  );
});

it('accepts a v1 Ingress with rules, backends by port name and number, TLS and a default backend', async () => {
  const result = await create(
    ingress(
      'web',
      `{"defaultBackend":${backend},"tls":[{"hosts":["a.example.com"],"secretName":"tls"}],"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"name":"http"}}}},{"path":"/api","pathType":"Exact","backend":${backend}}]}}]}`,
    ),
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('ingress.networking.k8s.io/web created');
});
