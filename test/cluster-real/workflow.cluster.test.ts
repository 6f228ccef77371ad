// The approval queue's executor and validation against the real control plane AND the
// simulator, the same flows on both, so a difference shows as a failing pair (issue 12, item 4):
//
// - helm and the executor on server-side-applied objects: an approved `helm rollback` after the
//   cockpit changed a chart-managed field succeeds; after the cockpit's own rollback the chart
//   owns its fields again (a plain `helm upgrade` works); while our change stands, a plain
//   `helm upgrade` is refused by the real server with a conflict naming `aiops-tui`.
// - a cordon is rolled back after a node heartbeat (a status write moves the resourceVersion).
// - pre/post metrics are null (unknown) where there is no metrics API (the real control plane).
// - a drain validates only when the evicted pods run Ready on another node, and fails, naming
//   the reason, when they cannot be scheduled.
//
// Every outcome is read back from the server or the signed records. Skipped on the real control
// plane, with the reason in its title, when the binaries are not built.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { openHistory } from '../../src/audit/history.js';
import { startSimulator } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { controlPlaneMissing, startControlPlane } from '../cluster/control-plane.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const chartDir = join(repoRoot, 'helm', 'todo-chart');
const HELM = join(repoRoot, '.tools', 'bin', 'helm');
const missing = controlPlaneMissing();
if (missing) console.warn(`workflow.cluster: real control plane skipped: ${missing}`);

interface Backend {
  kubeconfigPath: string;
  /** The two schedulable nodes. */
  nodes: [string, string];
  /** Where the real server differs: it tracks field ownership and has no metrics API. */
  real: boolean;
  /** Validation window (seconds of the server's clock). */
  windowSeconds: number;
  stop(): Promise<void>;
}

async function realBackend(): Promise<Backend> {
  const cp = await startControlPlane({ log: (line) => console.error(line) });
  return {
    kubeconfigPath: cp.kubeconfig('admin'),
    nodes: [cp.nodes[0]!, cp.nodes[1]!],
    real: true,
    windowSeconds: 8,
    stop: () => cp.stop(),
  };
}

async function simBackend(): Promise<Backend> {
  const sim = await startSimulator({ scenario: 'empty', speed: 10 });
  // A second node, as a kubelet registers it: the scenario has one (minikube).
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = new ObjectClient(kc).core;
  const now = new Date().toISOString();
  const status = {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now as never }],
  };
  const created = await core.createNode({
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'sim-node-1', labels: { 'kubernetes.io/hostname': 'sim-node-1' } },
    },
  });
  // A create ignores the status, as the real server does: the kubelet writes it next.
  await core.replaceNodeStatus({ name: 'sim-node-1', body: { ...created, status } });
  return {
    kubeconfigPath: sim.kubeconfigPath,
    nodes: ['minikube', 'sim-node-1'],
    real: false,
    windowSeconds: 20,
    stop: () => sim.close(),
  };
}

const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(`${command} parsed as ${parsed.kind}`);
  return parsed.operation;
};

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

const backends: [string, boolean, () => Promise<Backend>][] = [
  [
    missing ? `real control plane (skipped: ${missing})` : 'real control plane',
    missing !== undefined,
    realBackend,
  ],
  ['simulator', false, simBackend],
];

for (const [title, skip, start] of backends) {
  describe.skipIf(skip)(`the queue's executor and validation on the ${title}`, () => {
    let b: Backend;
    let kc: KubeConfig;
    let objects: ObjectClient;
    let team: Team;
    let policyPath: string;
    const helm = (...args: string[]) =>
      execa(HELM, [...args, '--kubeconfig', b.kubeconfigPath, '-n', 'todo'], {
        reject: false,
        timeout: 100_000,
        env: { HELM_CACHE_HOME: join(b.kubeconfigPath, '..', 'helm-cache') },
      });
    const backend = async () =>
      (await objects.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'todo',
        name: 'backend',
      })) as V1Deployment;
    const memoryLimit = async () =>
      (await backend()).spec!.template.spec!.containers.find((c) => c.name === 'backend')!.resources!.limits!
        .memory;
    const node = async (name: string) =>
      (await objects.read({ apiVersion: 'v1', kind: 'Node', name })) as V1Node;
    const todoPods = async () =>
      (await objects.core.listNamespacedPod({ namespace: 'todo' })).items.filter(
        (p) => !p.metadata?.deletionTimestamp,
      );
    const readyOn = (p: V1Pod) =>
      p.status?.phase === 'Running' &&
      p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

    async function workflow(dir: string, person: string): Promise<Queue> {
      const trust = await loadTrust({
        policyPath,
        signingKey: team.keyPath(person),
        allowedSignersPath: team.allowedSignersPath,
      });
      return createWorkflow({
        kubeConfig: kc,
        historyDir: dir,
        policy: trust.policy,
        signer: trust.signer,
        allowedSigners: trust.allowed,
        gitCommit: false,
      });
    }
    const records = (dir: string) =>
      openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });

    /** Proposed by an assistant, approved by alice (and bob when it needs two), run and validated. */
    async function approved(dir: string, operation: Operation) {
      let q = await workflow(dir, 'alice');
      const meta = await q.propose({ operation, source: 'offline assistant', evidence: ['test'] });
      const first = await q.approve(meta.id);
      expect(first.ok, first.message).toBe(true);
      if (meta.required_approvers === 2) {
        // The second approval executes, in bob's process: its validation is awaited there.
        q = await workflow(dir, 'bob');
        const second = await q.approve(meta.id);
        expect(second.ok, second.message).toBe(true);
      }
      await q.idle();
      return { q, id: meta.id, record: () => records(dir).get(meta.id) };
    }

    beforeAll(async () => {
      b = await start();
      kc = new KubeConfig();
      kc.loadFromFile(b.kubeconfigPath);
      objects = new ObjectClient(kc);
      team = makeTeam(['alice', 'bob']);
      policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
      writeFileSync(policyPath, `validation_window_seconds: ${b.windowSeconds}\n`);
      const install = await helm(
        'install', 'todo', chartDir, '--create-namespace',
        '--set', 'backend.secret.databaseUrl=postgresql://todo:test-only@postgres:5432/todo',
        // No volume provisioner on either cluster: the chart's postgres would stay Pending.
        '--set', 'postgres.enabled=false',
        '--wait', '--timeout', '90s',
      ); // prettier-ignore
      expect(install.exitCode, install.stderr).toBe(0);
      await until('the todo pods Ready', todoPods, (ps) => ps.length === 3 && ps.every(readyOn));
    }, 240_000);
    afterAll(async () => {
      await b?.stop();
    });

    it('an approved helm rollback succeeds after an approved set-resources changed a chart-managed field', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wf-helm-'));
      const change = await approved(
        dir,
        op('kubectl set resources deployment backend -c backend --limits=memory=1Gi -n todo'),
      );
      expect(change.record().meta.status).toBe('validated');
      expect(await memoryLimit()).toBe('1Gi');

      const rollback = await approved(dir, op('helm rollback todo 1 -n todo'));
      const record = rollback.record();
      expect(record.meta.status, record.body).toBe('validated');
      // Read back from the server: the chart's value, helm's new revision deployed.
      expect(await memoryLimit()).toBe('512Mi');
      const status = JSON.parse((await helm('status', 'todo', '-o', 'json')).stdout) as {
        version: number;
        info: { status: string };
      };
      expect(status).toMatchObject({ version: 2, info: { status: 'deployed' } });
    });

    it('metrics the server cannot give are recorded as unknown (null), not zero', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wf-metrics-'));
      const change = await approved(
        dir,
        op('kubectl set resources deployment frontend -c frontend --requests=cpu=120m -n todo'),
      );
      const meta = change.record().meta;
      expect(meta.status).toBe('validated');
      if (b.real) {
        // No metrics API: 404 with a text body.
        expect(meta.metrics.pre).toMatchObject({ cpu_millis: null, memory_bytes: null, replicas: 1 });
        expect(meta.metrics.post).toMatchObject({ cpu_millis: null, memory_bytes: null, ready_replicas: 1 });
        expect(change.record().body).toMatch(/usage unknown/);
      } else {
        // The simulator serves metrics.k8s.io: numbers (once its metrics-server has scraped).
        for (const m of [meta.metrics.pre, meta.metrics.post])
          expect(typeof m?.cpu_millis === 'number' || m?.cpu_millis === null).toBe(true);
      }
      await change.q.rollback(change.id);
      await change.q.idle();
    });

    it("the cockpit's rollback hands the fields back to helm; while its change stands, a plain helm upgrade conflicts on the real server", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wf-owner-'));
      const change = await approved(
        dir,
        op('kubectl set resources deployment backend -c backend --limits=memory=768Mi -n todo'),
      );
      expect(change.record().meta.status).toBe('validated');
      expect(await memoryLimit()).toBe('768Mi');
      // Out of band, the user's own helm upgrade while our change stands: their business. The
      // real server refuses it, naming us and the field (helm suggests --force-conflicts). The
      // simulator keeps no managedFields, so it has no conflict to give (docs/simulator.md);
      // there the upgrade would simply overwrite our change, so it is not run.
      if (b.real) {
        const plain = await helm('upgrade', 'todo', chartDir, '--reuse-values', '--wait', '--timeout', '60s');
        expect(plain.exitCode).not.toBe(0);
        expect(plain.stderr).toMatch(/conflict with "aiops-tui"/);
        expect(plain.stderr).toMatch(/resources\.limits\.memory/);
        expect((await backend()).metadata?.managedFields?.map((e) => e.manager)).toContain('aiops-tui');
      } else {
        expect((await backend()).metadata?.managedFields).toBeUndefined();
      }
      expect(await memoryLimit()).toBe('768Mi');
      const undone = await change.q.rollback(change.id);
      expect(undone.ok, undone.message).toBe(true);
      await change.q.idle();
      expect(await memoryLimit()).toBe('512Mi');
      // After our rollback the chart owns its fields again: a plain upgrade changing one works.
      const upgrade = await helm(
        'upgrade', 'todo', chartDir, '--reuse-values',
        '--set', 'backend.resources.limits.memory=640Mi', '--wait', '--timeout', '60s',
      ); // prettier-ignore
      expect(upgrade.exitCode, upgrade.stderr).toBe(0);
      expect(await memoryLimit()).toBe('640Mi');
    });

    it('a cordon is rolled back after a node heartbeat moved its resourceVersion', async () => {
      const name = b.nodes[1];
      const dir = mkdtempSync(join(tmpdir(), 'wf-cordon-'));
      const change = await approved(dir, op(`kubectl cordon ${name}`));
      expect(change.record().meta.status).toBe('validated');
      expect((await node(name)).spec?.unschedulable).toBe(true);
      const before = (await node(name)).metadata!.resourceVersion;
      // A heartbeat, as the kubelet (kwok) writes it: a status update, nothing else.
      const current = await node(name);
      const conditions = (current.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' ? { ...c, lastHeartbeatTime: new Date().toISOString() as never } : c,
      );
      await objects.core.replaceNodeStatus({
        name,
        body: { ...current, status: { ...current.status, conditions } },
      });
      await until(
        'the heartbeat',
        () => node(name),
        (n) => n.metadata!.resourceVersion !== before,
      );

      const undone = await change.q.rollback(change.id);
      expect(undone.ok, undone.message).toBe(true);
      await change.q.idle();
      expect((await node(name)).spec?.unschedulable).toBeFalsy();
      expect(records(dir).get(change.id).meta.status).toBe('rolled-back');
    });

    it('a drain validates once the evicted pods run Ready on the other node', async () => {
      const [from, to] = b.nodes;
      // Everything on `from` first, so the drain has pods to move.
      await objects.patch(
        { apiVersion: 'v1', kind: 'Node', name: to },
        { spec: { unschedulable: true } },
        'merge',
      );
      for (const p of await todoPods())
        if (p.spec?.nodeName !== from)
          await objects.core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: 'todo' });
      await until(
        'the todo pods Ready on one node',
        todoPods,
        (ps) => ps.length === 3 && ps.every((p) => readyOn(p) && p.spec?.nodeName === from),
      );
      await objects.patch(
        { apiVersion: 'v1', kind: 'Node', name: to },
        { spec: { unschedulable: false } },
        'merge',
      );

      const dir = mkdtempSync(join(tmpdir(), 'wf-drain-'));
      const change = await approved(dir, op(`kubectl drain ${from} --ignore-daemonsets`));
      const record = change.record();
      expect(record.meta.status, record.body).toBe('validated');
      expect(record.body).toMatch(/3 evicted pods? (run|running) Ready elsewhere/);
      // When it said validated, the pods were there: read back.
      const pods = await todoPods();
      expect(pods).toHaveLength(3);
      for (const p of pods) {
        expect(p.spec?.nodeName, p.metadata?.name).toBe(to);
        expect(readyOn(p), p.metadata?.name).toBe(true);
      }
      const undone = await change.q.rollback(change.id);
      expect(undone.ok, undone.message).toBe(true);
      await change.q.idle();
      expect((await node(from)).spec?.unschedulable).toBeFalsy();
    });

    it('a drain whose evicted pods cannot be scheduled fails, naming why', async () => {
      const [other, drained] = b.nodes;
      // The pods are all on `drained` now; the other node is cordoned out of band.
      await objects.patch(
        { apiVersion: 'v1', kind: 'Node', name: other },
        { spec: { unschedulable: true } },
        'merge',
      );
      const dir = mkdtempSync(join(tmpdir(), 'wf-drain-fail-'));
      const change = await approved(dir, op(`kubectl drain ${drained} --ignore-daemonsets`));
      const record = change.record();
      expect(record.meta.status, record.body).toBe('failed');
      expect(record.body).toMatch(/Pending/);
      expect(record.body).toMatch(/unschedulable/i);
      await objects.patch(
        { apiVersion: 'v1', kind: 'Node', name: other },
        { spec: { unschedulable: false } },
        'merge',
      );
      const undone = await change.q.rollback(change.id);
      expect(undone.ok, undone.message).toBe(true);
      await change.q.idle();
    });
  });
}
