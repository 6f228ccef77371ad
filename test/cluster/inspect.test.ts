// `d` and `y` against the simulator over HTTP: the real kubectl is the judge of describe's text,
// a Secret's value never reaches the screen (describe or YAML), a hostile escape sequence in an
// object is stripped, a missing object is kubectl's one line, and a newer request wins.
import { existsSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createInspector, readInspection } from '../../src/cluster/inspect.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';
import type { ObjectRef } from '../../src/state/types.js';
import { until } from '../sim/until.js';

const KUBECTL = '.tools/bin/kubectl';
let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function connect(speed = 20): Promise<{ kc: KubeConfig; core: CoreV1Api }> {
  sim = await startSimulator({ scenario: 'todo', speed });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  return { kc, core: kc.makeApiClient(CoreV1Api) };
}

/** Lines with ages blanked: kubectl and we read the clock a moment apart. */
const withoutAges = (lines: string[]): string[] =>
  lines.map((l) => l.replace(/\b(\d+[smhd])+\b|<invalid>/g, 'AGE').replace(/ +/g, ' '));

describe('describe against the real kubectl', () => {
  it.skipIf(!existsSync(KUBECTL))(
    "every kind the todo scenario has reads as kubectl describe prints it (but the node's Lease)",
    async () => {
      // Slow enough that the backend's crash (40 simulated seconds in) comes after both reads.
      const { kc, core } = await connect(2);
      const pods = await until(
        () => core.listNamespacedPod({ namespace: 'todo' }),
        (list) =>
          list.items.length >= 4 &&
          list.items
            .filter((p) => !p.metadata!.name!.startsWith('backend-'))
            .every((p) => p.status?.containerStatuses?.every((c) => c.ready)),
      );
      const pod = pods.items.find((p) => p.metadata!.name!.startsWith('frontend-'))!.metadata!.name!;
      const refs: [ObjectRef, string][] = [
        [{ kind: 'pods', namespace: 'todo', name: pod }, 'pod'],
        [{ kind: 'deployments', namespace: 'todo', name: 'frontend' }, 'deployment'],
        [{ kind: 'statefulsets', namespace: 'todo', name: 'postgres' }, 'statefulset'],
        [{ kind: 'services', namespace: 'todo', name: 'frontend' }, 'service'],
        [{ kind: 'ingresses', namespace: 'todo', name: 'todo' }, 'ingress'],
        [{ kind: 'configmaps', namespace: 'todo', name: 'todo-config' }, 'configmap'],
        [{ kind: 'secrets', namespace: 'todo', name: 'postgres' }, 'secret'],
        [{ kind: 'persistentvolumeclaims', namespace: 'todo', name: 'data-postgres-0' }, 'pvc'],
        [{ kind: 'nodes', namespace: undefined, name: 'minikube' }, 'node'],
      ];
      for (const [ref, resource] of refs) {
        const ours = await readInspection(kc, ref, 'describe');
        const args = ['--kubeconfig', sim!.kubeconfigPath, 'describe', resource, ref.name];
        const { stdout } = await execa(KUBECTL, ref.namespace ? [...args, '-n', ref.namespace] : args);
        const theirs = stdout.split('\n').filter((l) => !l.startsWith('Lease:'));
        // Events of the same second come in either order (Go's sort is not stable): compare as sets.
        const mine = withoutAges(ours.filter((l) => !l.startsWith('Lease:')));
        const kubectl = withoutAges(theirs);
        expect(
          {
            only_ours: mine.filter((l) => !kubectl.includes(l)),
            only_kubectl: kubectl.filter((l) => !mine.includes(l)),
          },
          resource,
        ).toEqual({ only_ours: [], only_kubectl: [] });
        expect(ours.length, resource).toBe(theirs.length + (resource === 'node' ? 1 : 0));
      }
    },
    60_000,
  );
});

describe('inspect keeps secrets and controls out', () => {
  it("a Secret's value is in neither describe nor YAML, nor the last-applied annotation", async () => {
    const { kc, core } = await connect();
    const value = 'correct-horse-battery-staple';
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password: value } });
    await core.createNamespacedSecret({
      namespace: 'todo',
      body: {
        metadata: {
          name: 'hush',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
        },
        data: {
          password: Buffer.from(value).toString('base64'),
          note: Buffer.from(value).toString('base64'),
        },
      },
    });
    const ref: ObjectRef = { kind: 'secrets', namespace: 'todo', name: 'hush' };
    const described = (await readInspection(kc, ref, 'describe')).join('\n');
    const yaml = (await readInspection(kc, ref, 'yaml')).join('\n');
    const encoded = Buffer.from(value).toString('base64');
    for (const text of [described, yaml]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(encoded);
    }
    expect(described).toMatch(/password: +28 bytes/);
    expect(yaml).toMatch(/^ {2}password: "?\[REDACTED\]"?$/m);
    expect(yaml).not.toContain('managedFields');
  });

  it('a hostile escape sequence in an annotation or a ConfigMap value never reaches the lines', async () => {
    const { kc, core } = await connect();
    const hostile = 'ok\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31mred';
    await core.createNamespacedConfigMap({
      namespace: 'todo',
      body: { metadata: { name: 'evil', annotations: { note: hostile } }, data: { motd: hostile } },
    });
    for (const mode of ['describe', 'yaml'] as const) {
      const lines = await readInspection(kc, { kind: 'configmaps', namespace: 'todo', name: 'evil' }, mode);
      // eslint-disable-next-line no-control-regex
      expect(lines.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(lines.join('\n')).toContain('okred');
    }
  });
});

describe('the inspect service', () => {
  it("a missing object is kubectl's one line", async () => {
    const { kc } = await connect();
    const store = createCockpitStore(initialState({ context: 'sim', server: sim!.url, namespace: 'todo' }));
    const inspector = createInspector(store, kc);
    inspector.inspect({ kind: 'pods', namespace: 'todo', name: 'nope' }, 'describe');
    expect(store.getState().inspection).toMatchObject({ lines: undefined });
    await inspector.settled();
    expect(store.getState().inspection?.error).toBe('Error from server (NotFound): pods "nope" not found');
  });

  it('a newer request wins over an older one still in flight, and a closed view stays closed', async () => {
    const { kc } = await connect();
    const store = createCockpitStore(initialState({ context: 'sim', server: sim!.url, namespace: 'todo' }));
    const inspector = createInspector(store, kc);
    inspector.inspect({ kind: 'nodes', namespace: undefined, name: 'minikube' }, 'describe');
    inspector.inspect({ kind: 'services', namespace: 'todo', name: 'backend' }, 'yaml');
    // Both reads have landed, the node's (more requests) most likely last: the service is shown.
    await inspector.settled();
    const shown = store.getState().inspection!;
    expect(shown.mode).toBe('yaml');
    expect(shown.lines?.join('\n')).toContain('kind: Service');
    inspector.inspect({ kind: 'services', namespace: 'todo', name: 'frontend' }, 'describe');
    store.getState().setInspection(undefined);
    await inspector.settled();
    expect(store.getState().inspection).toBeUndefined();
  });
});
