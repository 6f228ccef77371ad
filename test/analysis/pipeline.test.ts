// The whole path against the simulator's fault model: pods created over the API with one fault
// each, the simulator's controllers turning the fault into status and events, a snapshot listed
// through client-node, and the analyzers naming exactly the right problem for each pod.
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { kubeconfigFor } from './kubeconfig.js';

const NS = 'faults';

function faultPod(name: string, container: Record<string, unknown>): V1Pod {
  return {
    metadata: { name, namespace: NS },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0', ...container }] },
  };
}

/** Each fault as docs/simulator.md describes it, and the one pod-failures finding it must yield. */
const CASES: [V1Pod, string | undefined][] = [
  [faultPod('healthy', {}), undefined],
  [faultPod('crash', { command: ['sh', '-c', 'exit 3'] }), 'crashloop:app'],
  [faultPod('no-image', { image: 'registry.example/does-not-exist:0.0.0' }), 'image-pull:app'],
  [faultPod('too-big', { resources: { requests: { cpu: '1000', memory: '4Ti' } } }), 'pending'],
  [
    faultPod('unready', { readinessProbe: { httpGet: { path: '/ready', port: 9999 }, periodSeconds: 1 } }),
    'probe-readiness:app',
  ],
];

describe('analysis pipeline against the simulator fault model', () => {
  let sim: RunningSim;
  let kc: KubeConfig;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'empty', speed: 20 });
    kc = new KubeConfig();
    kc.loadFromFile(kubeconfigFor(sim.url, 'sim'));
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const [pod] of CASES) await core.createNamespacedPod({ namespace: NS, body: pod });
  });
  afterAll(() => sim?.close());

  it('yields exactly the right finding for each fault', async () => {
    const expected = CASES.filter(([, problem]) => problem)
      .map(([pod, problem]) => `pod-failures:Pod/${NS}/${pod.metadata!.name}:${problem}`)
      .sort();
    const current = async () =>
      analyze((await fetchSnapshot(kc, NS)).snapshot, { only: ['pod-failures'] })
        .map((f) => f.id)
        .sort();
    // Re-analyse on every pod or event change until the faults have played out; after the
    // deadline, the last analysis goes to the assertion so a failure shows what was found.
    const settled = new Promise<string[]>((resolve, reject) => {
      const watch = new Watch(kc);
      const aborts: AbortController[] = [];
      let last: string[] = [];
      let checking = false;
      const finish = () => {
        clearTimeout(deadline);
        aborts.forEach((a) => a.abort());
        resolve(last);
      };
      const deadline = setTimeout(finish, 20_000);
      const check = () => {
        if (checking) return;
        checking = true;
        current()
          .then((ids) => {
            checking = false;
            last = ids;
            if (JSON.stringify(ids) === JSON.stringify(expected)) finish();
          })
          .catch(reject);
      };
      for (const path of [`/api/v1/namespaces/${NS}/pods`, `/api/v1/namespaces/${NS}/events`]) {
        watch.watch(path, {}, check, () => undefined).then((abort) => aborts.push(abort), reject);
      }
      check();
    });
    expect(await settled).toEqual(expected);
  });
});
