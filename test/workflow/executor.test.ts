// Every operation executed and rolled back against the simulator through client-node; each
// outcome is read back from the server, never taken from the executor's own return value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig, type V1ConfigMap, type V1Deployment, type V1Node } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deletePodOp,
  rolloutRestartOp,
  rolloutUndoOp,
  scaleOp,
  setResourcesOp,
  createHpaOp,
  patchOp,
} from '../../src/workflow/proposed-operations.js';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { Executor, RollbackConflict, type Snapshot } from '../../src/workflow/executor.js';
import type { Operation } from '../../src/model/operation.js';

const TOOLS = resolve('.tools/bin');
let sim: RunningSim;
let executor: Executor;
const frontend = { kind: 'Deployment', namespace: 'todo', name: 'frontend' };

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  executor = new Executor(kc, {
    kubectl: `${TOOLS}/kubectl`,
    helm: `${TOOLS}/helm`,
    kubeconfigPath: sim.kubeconfigPath,
  });
});
afterAll(() => sim.close());

const deployment = async (name = 'frontend') =>
  (await executor.objects.read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'todo',
    name,
  })) as V1Deployment;

/** Execute, read back, roll back: the shape every operation's test shares. */
async function roundTrip(op: Operation): Promise<{ pre: Snapshot; post: Snapshot; detail: string }> {
  const pre = await executor.capture(op);
  await executor.execute(op);
  const post = await executor.capture(op);
  return { pre, post, detail: '' };
}

const mutating = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(`${command} parsed as ${parsed.kind}`);
  return parsed.operation;
};

describe('executing and rolling back each operation', () => {
  it('scale: replicas change on the server, and the rollback puts them back', async () => {
    const op = scaleOp(frontend, 3);
    const { pre, post } = await roundTrip(op);
    expect((await deployment()).spec?.replicas).toBe(3);
    await executor.rollback(pre, post);
    expect((await deployment()).spec?.replicas).toBe(1);
  });

  it('set resources: a strategic merge patch changes one container, the rollback restores the template', async () => {
    const op = setResourcesOp(frontend, 'frontend', { cpu: '50m' }, { memory: '256Mi' });
    const { pre, post } = await roundTrip(op);
    const changed = (await deployment()).spec!.template.spec!.containers[0]!;
    expect(changed.resources).toEqual({
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    await executor.rollback(pre, post);
    const back = (await deployment()).spec!.template.spec!.containers[0]!;
    expect(back.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  it('set image from a parsed kubectl command, and back', async () => {
    const op = mutating(
      'kubectl set image deployment/frontend frontend=ghcr.io/example/todo-frontend:1.5.0 -n todo',
    );
    const { pre, post } = await roundTrip(op);
    expect((await deployment()).spec!.template.spec!.containers[0]!.image).toBe(
      'ghcr.io/example/todo-frontend:1.5.0',
    );
    await executor.rollback(pre, post);
    expect((await deployment()).spec!.template.spec!.containers[0]!.image).toBe(
      'ghcr.io/example/todo-frontend:1.4.2',
    );
  });

  it('create an HPA; the rollback deletes the HPA it created', async () => {
    const op = createHpaOp(frontend, 1, 4, 70);
    const { pre, post } = await roundTrip(op);
    const ref = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      namespace: 'todo',
      name: 'frontend',
    };
    const hpa = (await executor.objects.read(ref)) as {
      spec: { maxReplicas: number; scaleTargetRef: { name: string } };
    };
    expect(hpa.spec.maxReplicas).toBe(4);
    expect(hpa.spec.scaleTargetRef.name).toBe('frontend');
    await executor.rollback(pre, post);
    expect(await executor.objects.read(ref)).toBeNull();
  });

  it('rollout restart stamps the template, rollout undo goes back a revision, pause and resume flip spec.paused', async () => {
    const before = (await deployment()).spec!.template;
    const restart = rolloutRestartOp(frontend);
    const r = await roundTrip(restart);
    expect(
      (await deployment()).spec!.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
    ).toBeTruthy();
    await executor.execute(rolloutUndoOp(frontend));
    expect(
      (await deployment()).spec!.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
    ).toBeUndefined();
    // The undo changed the spec after the restart: rolling the restart back now is a conflict.
    await expect(executor.rollback(r.pre, r.post)).rejects.toThrow(RollbackConflict);
    expect((await deployment()).spec!.template.spec).toEqual(before.spec);

    const pause = mutating('kubectl rollout pause deployment/frontend -n todo');
    const p = await roundTrip(pause);
    expect((await deployment()).spec!.paused).toBe(true);
    await expect(executor.execute(rolloutRestartOp(frontend))).rejects.toThrow(/paused/);
    await executor.rollback(p.pre, p.post);
    expect((await deployment()).spec!.paused).toBeFalsy();
  });

  it('delete pod: the pod goes, its controller replaces it, the rollback says there is nothing to restore', async () => {
    const pods = await executor.objects.core.listNamespacedPod({
      namespace: 'todo',
      labelSelector: 'app=frontend',
    });
    // A pod of an earlier rollout may still be terminating (and gone by the delete): a live one.
    const name = pods.items.find((p) => !p.metadata?.deletionTimestamp)!.metadata!.name!;
    const op = deletePodOp({ kind: 'Pod', namespace: 'todo', name });
    const { pre, post } = await roundTrip(op);
    const gone = await executor.objects.read({ apiVersion: 'v1', kind: 'Pod', namespace: 'todo', name });
    // Deleted, or terminating within its grace period.
    expect(gone === null || gone.metadata?.deletionTimestamp !== undefined).toBe(true);
    expect(await executor.rollback(pre, post)).toMatch(/replaced by its controller/);
  });

  it('configmap change by merge patch: the rollback puts the data back', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'todo', name: 'todo-config' };
    const op = patchOp({ kind: 'ConfigMap', namespace: 'todo', name: 'todo-config' }, 'merge', {
      data: { LOG_LEVEL: 'debug' },
    });
    const { pre, post } = await roundTrip(op);
    expect(((await executor.objects.read(ref)) as V1ConfigMap).data?.LOG_LEVEL).toBe('debug');
    await executor.rollback(pre, post);
    expect(((await executor.objects.read(ref)) as V1ConfigMap).data?.LOG_LEVEL).toBe('info');
  });

  it('a configmap changed by someone else after our change is not rolled back', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'todo', name: 'todo-config' };
    const op = patchOp({ kind: 'ConfigMap', namespace: 'todo', name: 'todo-config' }, 'merge', {
      data: { LOG_LEVEL: 'warn' },
    });
    const { pre, post } = await roundTrip(op);
    await executor.objects.patch(ref, { data: { CHAT_MODEL: 'other' } }, 'merge');
    await expect(executor.rollback(pre, post)).rejects.toThrow(/changed by someone else/);
    expect(((await executor.objects.read(ref)) as V1ConfigMap).data?.LOG_LEVEL).toBe('warn');
  });

  it('label and cordon, and back', async () => {
    const label = mutating('kubectl label deployment frontend -n todo tier=web');
    const l = await roundTrip(label);
    expect((await deployment()).metadata?.labels?.tier).toBe('web');
    await executor.rollback(l.pre, l.post);
    expect((await deployment()).metadata?.labels?.tier).toBeUndefined();

    const nodes = await executor.objects.core.listNode();
    const node = nodes.items[0]!.metadata!.name!;
    const cordon = mutating(`kubectl cordon ${node}`);
    const c = await roundTrip(cordon);
    const read = async () =>
      (await executor.objects.read({ apiVersion: 'v1', kind: 'Node', name: node })) as V1Node;
    expect((await read()).spec?.unschedulable).toBe(true);
    await executor.rollback(c.pre, c.post);
    expect((await read()).spec?.unschedulable).toBeFalsy();
  });

  it('a dry run computes the change on the server and stores nothing', async () => {
    const [after] = (await executor.execute(scaleOp(frontend, 5), true)) as V1Deployment[];
    expect(after!.spec?.replicas).toBe(5);
    expect((await deployment()).spec?.replicas).toBe(1);
  });

  it('the generic kubectl operation runs the real kubectl against the cluster', async () => {
    const op = mutating('kubectl annotate deployment frontend -n todo --overwrite note=hello');
    expect(op.kind).not.toBe('generic');
    const generic: Operation = {
      ...op,
      kind: 'generic',
      argv: ['kubectl', 'annotate', 'deployment', 'frontend', '-n', 'todo', '--overwrite', 'note=hello'],
    } as Operation;
    const { pre, post } = await roundTrip(generic);
    expect((await deployment()).metadata?.annotations?.note).toBe('hello');
    await executor.rollback(pre, post);
    expect((await deployment()).metadata?.annotations?.note).toBeUndefined();
  });

  it('a forbidden write fails with the server message', async () => {
    sim.setDenyRules([{ verb: 'patch', resource: 'deployments' }]);
    try {
      await expect(executor.execute(scaleOp(frontend, 2))).rejects.toThrow(/forbidden/i);
    } finally {
      sim.setDenyRules([]);
    }
  });
  it('helm rollback through the real helm: the snapshot is the release revision, the rollback returns to it', async () => {
    const chart = resolve('helm/todo-chart');
    const helm = (...args: string[]) =>
      execa(`${TOOLS}/helm`, [...args, '--kubeconfig', sim.kubeconfigPath, '-n', 'helmtest']);
    // The chart reads DATABASE_URL from a Secret it creates only when given one; without it the
    // backend stays in CreateContainerConfigError and --wait never ends, as on a real cluster.
    await helm(
      'install',
      'shop',
      chart,
      '--create-namespace',
      '--set',
      'backend.secret.databaseUrl=postgresql://todo:test-only@postgres:5432/todo',
      '--wait',
      '--timeout',
      '60s',
    );
    await helm(
      'upgrade',
      'shop',
      chart,
      '--reuse-values',
      '--set',
      'frontend.replicaCount=2',
      '--wait',
      '--timeout',
      '60s',
    );
    const replicas = async () =>
      (
        (await executor.objects.read({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'helmtest',
          name: 'frontend',
        })) as V1Deployment
      ).spec?.replicas;
    expect(await replicas()).toBe(2);
    const op = mutating('helm rollback shop 1 -n helmtest');
    const { pre, post } = await roundTrip(op);
    expect(pre.helm).toEqual({ release: 'shop', namespace: 'helmtest', revision: 2 });
    expect(await replicas()).toBe(1);
    expect(await executor.rollback(pre, post)).toBe('helm release helmtest/shop rolled back to revision 2');
    expect(await replicas()).toBe(2);
    const status = JSON.parse((await helm('status', 'shop', '-o', 'json')).stdout) as { version: number };
    expect(status.version).toBe(4);
  }, 60_000);
  it('apply runs the real kubectl; its rollback is refused, since what it changes is not known before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apply-'));
    const file = join(dir, 'cm.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: todo}\ndata: {a: "1"}\n',
    );
    const op = mutating(`kubectl apply -f ${file}`);
    const { pre, post } = await roundTrip(op);
    expect(
      await executor.objects.read({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'todo',
        name: 'applied',
      }),
    ).not.toBeNull();
    await expect(executor.rollback(pre, post)).rejects.toThrow(
      'cannot roll back: the objects an apply changes are not known before it runs; undo it by hand',
    );
  });

  // Last: it evicts every pod of the node.
  it('drain cordons the node and evicts its pods; the rollback uncordons it and the pods run again', async () => {
    const node = (await executor.objects.core.listNode()).items[0]!.metadata!.name!;
    const running = async () =>
      (await executor.objects.core.listNamespacedPod({ namespace: 'todo' })).items.filter(
        (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
      ).length;
    const before = await running();
    const { pre, post } = await roundTrip(mutating(`kubectl drain ${node} --ignore-daemonsets`));
    const read = async () =>
      (await executor.objects.read({ apiVersion: 'v1', kind: 'Node', name: node })) as V1Node;
    expect((await read()).spec?.unschedulable).toBe(true);
    await expect.poll(running, { timeout: 10_000 }).toBe(0);
    await executor.rollback(pre, post);
    expect((await read()).spec?.unschedulable).toBeFalsy();
    await expect.poll(running, { timeout: 20_000 }).toBe(before);
  }, 40_000);
});
