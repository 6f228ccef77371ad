// Issue 14 item 7: at --speed 10 the records keep the wall clock. An approval window of five
// minutes lasts five minutes of the approver's time (not 30 s, as when the records ran on the
// simulator's clock), and MTTD from a finding whose times are the cluster's is the wall time
// the failure took to be seen, with the cluster's readings kept beside it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import type { ClusterClock } from '../../src/audit/clock.js';
import { openHistory } from '../../src/audit/history.js';
import { computeFigures } from '../../src/audit/metrics.js';
import { parseRecordText } from '../../src/audit/record-format.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';

const SPEED = 10;
let sim: RunningSim;
let kc: KubeConfig;
let team: Team;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: SPEED });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam();
});
afterAll(() => sim.close());

const iso = (ms: number) => new Date(ms).toISOString();

const scaleFrontend = async (): Promise<Operation> => {
  const deploy = (await new ObjectClient(kc).read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'todo',
    name: 'frontend',
  })) as V1Deployment;
  const parsed = parseCommand(
    `kubectl scale deployment/frontend -n todo --replicas=${(deploy.spec?.replicas ?? 1) + 1}`,
  );
  if (parsed.kind !== 'mutating') throw new Error('not a change');
  return parsed.operation;
};

it('at speed 10, a five-minute approval window lasts five wall minutes and MTTD is wall time', async () => {
  const historyDir = mkdtempSync(join(tmpdir(), 'honest-time-'));
  const trust = await loadTrust({
    withoutPolicy: true,
    signingKey: team.keyPath('alice'),
    allowedSignersPath: team.allowedSignersPath,
  });
  // A record from before the two clocks (wall times only, no cluster_at): the trail keeps verifying.
  const old = openHistory(historyDir, { signer: trust.signer, allowedSigners: trust.allowed });
  const oldStart = Date.now() - 60_000;
  await old.create({
    title: 'an older diagnosis',
    type: 'diagnosis',
    source: 'built-in',
    timestamps: { failure_started: iso(oldStart), detected: iso(oldStart + 20_000) },
  });

  // The wall clock is the test's to move; the cluster's runs ten times as fast beside it.
  const wallStart = Date.now();
  let wall = wallStart;
  const clusterStart = sim.ctx.clock.now();
  const cluster: ClusterClock = { now: () => clusterStart + (wall - wallStart) * SPEED, rate: SPEED };
  const queue = createWorkflow({
    kubeConfig: kc,
    historyDir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    gitCommit: false,
    now: () => wall,
    cluster,
  });
  try {
    // The finding's times are the cluster's: the failure began 90 cluster seconds ago (9 wall
    // seconds) and was detected 10 cluster seconds ago (1 wall second).
    const clusterNow = cluster.now();
    const proposed = await queue.propose({
      operation: await scaleFrontend(),
      source: 'built-in',
      evidence: ['frontend is short of replicas'],
      failureStarted: iso(clusterNow - 90_000),
      detected: iso(clusterNow - 10_000),
    });
    expect(proposed.tier).toBe('low');
    expect(proposed.expires).toBe(iso(wallStart + 5 * 60_000));
    expect(proposed.created).toBe(iso(wallStart));
    expect(proposed.timestamps).toMatchObject({
      failure_started: iso(wallStart - 9_000),
      detected: iso(wallStart - 1_000),
      cluster: { failure_started: iso(clusterNow - 90_000), detected: iso(clusterNow - 10_000), rate: SPEED },
    });

    // 4 min 59 s of wall time (49 min 50 s of cluster time): still waiting for its approver.
    wall = wallStart + 5 * 60_000 - 1_000;
    await queue.refresh();
    expect(queue.history.get(proposed.id).meta.status).toBe('awaiting-approval');

    // The fifth minute passes: the window closes, on the wall clock, with the cluster's time beside it.
    wall = wallStart + 5 * 60_000 + 1_000;
    await queue.refresh();
    const expired = queue.history.get(proposed.id);
    expect(expired.meta.status).toBe('expired');
    const { events } = parseRecordText(readFileSync(join(queue.history.dir, expired.file), 'utf8'));
    expect(events.map((e) => [e.event.kind, e.event.at, e.event.data.cluster_at])).toEqual([
      ['created', iso(wallStart), iso(clusterStart)],
      ['expired', iso(wall), iso(cluster.now())],
    ]);
    expect(expired.body).toContain(`Cluster time: ${iso(cluster.now())}.`);

    // MTTD: 8 wall seconds for the new record (80 s of cluster time), 20 s for the old one.
    expect(computeFigures(queue.history.list()).mttd).toEqual({ count: 2, p50_s: 8, p95_s: 20 });
    expect((await verifyTrail(queue.history.dir)).problems).toEqual([]);
  } finally {
    queue.stop();
  }
});
