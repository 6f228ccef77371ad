// A drain is validated when what it evicted runs Ready elsewhere, and fails, naming why, when it
// cannot (issue 12): on the simulator, through the queue, with signed throwaway identities. The
// same flows run against the real control plane in test/cluster-real/workflow.cluster.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { openHistory } from '../../src/audit/history.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';

let sim: RunningSim;
let kc: KubeConfig;
let objects: ObjectClient;
let team: Team;
let policyPath: string;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  objects = new ObjectClient(kc);
  team = makeTeam(['alice', 'bob']);
  policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  // 30 simulated seconds: 1.5 s at speed 20.
  writeFileSync(policyPath, 'validation_window_seconds: 30\n');
});
afterAll(() => sim.close());

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

const drain = (node: string): Operation => {
  const parsed = parseCommand(`kubectl drain ${node} --ignore-daemonsets`);
  if (parsed.kind !== 'mutating') throw new Error('drain');
  return parsed.operation;
};

/** A drain is critical: alice and bob approve; bob's approval executes it, in his process. */
async function approvedDrain(node: string) {
  const dir = mkdtempSync(join(tmpdir(), 'drain-'));
  const alice = await workflow(dir, 'alice');
  const meta = await alice.propose({ operation: drain(node), source: 'offline assistant', evidence: [] });
  expect(meta.tier).toBe('critical');
  expect((await alice.approve(meta.id)).ok).toBe(true);
  const bob = await workflow(dir, 'bob');
  const executed = await bob.approve(meta.id);
  expect(executed.ok, executed.message).toBe(true);
  await bob.idle();
  const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
  return { q: bob, id: meta.id, record: history.get(meta.id) };
}

const todoPods = async () =>
  (await objects.core.listNamespacedPod({ namespace: 'todo' })).items.filter(
    (p) => !p.metadata?.deletionTimestamp,
  );
const ready = (p: V1Pod) =>
  p.status?.phase === 'Running' &&
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('drain validation', () => {
  it('fails, naming Pending and Unschedulable, when the only node is drained', async () => {
    await until('the todo pods Ready', todoPods, (ps) => ps.length === 4 && ps.every(ready));
    const { q, id, record } = await approvedDrain('minikube');
    expect(record.meta.status, record.body).toBe('failed');
    expect(record.body).toMatch(
      /validation failed: evicted pods not running elsewhere after 30 s: replicaset todo\/\S+ 0\/\d Ready elsewhere: \S+ Pending: Unschedulable/,
    );
    const undone = await q.rollback(id);
    expect(undone.ok, undone.message).toBe(true);
    await q.idle();
    await until('the todo pods Ready again', todoPods, (ps) => ps.length === 4 && ps.every(ready));
  });

  it('validates once the evicted pods run Ready on another node, and says where', async () => {
    const now = new Date().toISOString();
    const created = await objects.core.createNode({
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'spare', labels: { 'kubernetes.io/hostname': 'spare' } },
      },
    });
    await objects.core.replaceNodeStatus({
      name: 'spare',
      body: {
        ...created,
        status: {
          capacity: { cpu: '4', memory: '8Gi', pods: '110' },
          allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now as never },
          ],
        },
      },
    });
    const { record } = await approvedDrain('minikube');
    expect(record.meta.status, record.body).toBe('validated');
    expect(record.body).toMatch(
      /4 evicted pods running Ready elsewhere \(replicaset todo\/\S+ \d\/\d on spare/,
    );
    // When it said validated, they were there.
    const pods = await todoPods();
    expect(pods).toHaveLength(4);
    for (const p of pods) {
      expect(p.spec?.nodeName).toBe('spare');
      expect(ready(p)).toBe(true);
    }
  });
});
