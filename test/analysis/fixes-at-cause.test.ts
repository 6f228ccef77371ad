// Done when (issue 13, fixes at the cause): a Deployment that ran is rolled out with a bad image,
// and another with a bad command; the analysis proposes going back to the revision that ran
// (set-image for the image, rollout undo for the command), the proposal goes through the real
// queue (proposed, approved by a second person, executed, validated), and the server then holds
// the good template, its pods run, and the finding is gone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';

const NS = 'shop';
const GOOD = 'registry.example/shop-web:1.4.2';
let sim: RunningSim;
let kc: KubeConfig;
let apps: AppsV1Api;
let team: Team;
let policyPath: string;

beforeAll(async () => {
  // Fast clock: image pulls, crash back-offs and the validation window pass in a fraction of a second.
  sim = await startSimulator({ scenario: 'empty', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  apps = kc.makeApiClient(AppsV1Api);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  team = makeTeam();
  policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(policyPath, 'validation_window_seconds: 10\n');
});
afterAll(() => sim?.close());

async function queueAs(historyDir: string, person: string): Promise<Queue> {
  const trust = await loadTrust({
    policyPath,
    signingKey: team.keyPath(person),
    allowedSignersPath: team.allowedSignersPath,
  });
  return createWorkflow({
    kubeConfig: kc,
    historyDir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
  });
}

// Analysed at the cluster's time, as the cockpit does (its clock runs ahead of this one).
const snapshotNow = async (): Promise<ClusterSnapshot> =>
  (await fetchSnapshot(kc, NS, { now: sim.ctx.clock.now() })).snapshot;

/** Polls the namespace's snapshot until `done` holds, or fails with what was last seen. */
async function until<T>(
  what: string,
  done: (snapshot: ClusterSnapshot) => T | undefined,
  deadlineMs = 30_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: ClusterSnapshot | undefined;
  while (Date.now() < end) {
    last = await snapshotNow();
    const result = done(last);
    if (result !== undefined && result !== false) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `timed out waiting for ${what}; pods: ${JSON.stringify(
      last?.pods.map((p) => [p.metadata?.name, p.status?.containerStatuses?.map((s) => s.state)]),
    )}`,
  );
}

function deploymentOf(name: string): V1Deployment {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: GOOD, ports: [{ name: 'http', containerPort: 3000 }] }] },
      },
    },
  };
}

const podsOf = (snapshot: ClusterSnapshot, app: string) =>
  snapshot.pods.filter((p) => p.metadata?.labels?.app === app && !p.metadata.deletionTimestamp);
const ready = (snapshot: ClusterSnapshot, app: string) =>
  podsOf(snapshot, app).filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
const findingsAbout = (findings: Finding[], app: string) =>
  findings.filter(
    (f) =>
      (f.analyzer === 'pod-failures' || f.analyzer === 'workloads') &&
      [f.resource, ...f.affected].some((r) => r.name === app || r.name.startsWith(`${app}-`)),
  );

/** Creates the Deployment, waits for it to run at revision 1, then rolls out `broken` as revision 2. */
async function rollOutBroken(name: string, broken: Record<string, unknown>): Promise<void> {
  await apps.createNamespacedDeployment({ namespace: NS, body: deploymentOf(name) });
  await until(`${name} revision 1 running`, (s) => ready(s, name).length === 2 || undefined);
  const patched = deploymentOf(name);
  Object.assign(patched.spec!.template.spec!.containers[0]!, broken);
  await apps.replaceNamespacedDeployment({ name, namespace: NS, body: patched });
}

/** Proposes the finding's fix as the cockpit does, has it approved by others, and waits for its validation. */
async function cure(finding: Finding): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fixes-'));
  const alice = await queueAs(dir, 'alice');
  const meta = await alice.propose({
    operation: finding.recommendation!,
    source: finding.source,
    title: finding.title,
    evidence: finding.detail,
  });
  expect(meta.status).toBe('awaiting-approval');
  // One approver for a rollback; a patch's tier may ask two: carol's approval then executes it.
  let approver = await queueAs(dir, 'bob');
  const outcome = await approver.approve(meta.id);
  expect(outcome.ok, outcome.message).toBe(true);
  if (meta.required_approvers === 2) {
    approver = await queueAs(dir, 'carol');
    const second = await approver.approve(meta.id);
    expect(second.ok, second.message).toBe(true);
  }
  await approver.idle();
  const record = (await approver.refresh()).find((r) => r.id === meta.id);
  expect(record?.status).toBe('validated');
  return meta.id;
}

async function expectCured(name: string, problem: string): Promise<void> {
  const deployment = await apps.readNamespacedDeployment({ name, namespace: NS });
  const container = deployment.spec!.template.spec!.containers[0]!;
  expect(container.image).toBe(GOOD);
  expect(container.command).toBeUndefined();
  const settled = await until(`${name} back to two running pods of the good template`, (s) => {
    const pods = podsOf(s, name);
    return pods.length === 2 &&
      ready(s, name).length === 2 &&
      pods.every((p) => p.spec?.containers[0]?.image === GOOD && !p.spec.containers[0].command)
      ? s
      : undefined;
  });
  const after = findingsAbout(analyze(settled), name);
  expect(after.map((f) => f.id)).not.toContainEqual(expect.stringContaining(problem));
  expect(after).toEqual([]);
}

describe('fixes at the cause, against the simulator', () => {
  it('a bad image from a rollout: set the image back to the tag that ran; approved, the pods run and the finding is gone', async () => {
    await rollOutBroken('web', { image: 'registry.example/shop-web:missing' });
    const finding = await until('the image-pull finding with its cure', (s) =>
      analyze(s).find((f) => f.id.includes('/web-') && f.id.endsWith(':image-pull:app') && f.recommendation),
    );
    expect(finding.recommendation).toMatchObject({
      kind: 'set-image',
      target: { kind: 'Deployment', namespace: NS, name: 'web' },
      images: { app: GOOD },
    });
    expect(finding.detail).toContain(
      `revision 2 changed app image: ${GOOD} → registry.example/shop-web:missing`,
    );
    expect(finding.detail).toContainEqual(
      expect.stringMatching(/^revision 1 last ran: 2 pods of web-\w+ available now$/),
    );
    await cure(finding);
    await expectCured('web', 'image-pull');
  });

  it('a bad command from a rollout: roll back to the revision that ran, not delete the pod; approved, the pods run and the finding is gone', async () => {
    await rollOutBroken('worker', { command: ['sh', '-c', 'exit 3'] });
    const finding = await until('the crash-loop finding with its cure', (s) =>
      analyze(s).find(
        (f) => f.id.includes('/worker-') && f.id.endsWith(':crashloop:app') && f.recommendation,
      ),
    );
    expect(finding.recommendation).toMatchObject({
      kind: 'rollout-undo',
      target: { kind: 'Deployment', namespace: NS, name: 'worker' },
      toRevision: 1,
      kubectl: `kubectl rollout undo deployment/worker -n ${NS} --to-revision=1`,
    });
    expect(finding.detail).toContain('revision 2 changed app command: (none) → ["sh","-c","exit 3"]');
    await cure(finding);
    await expectCured('worker', 'crashloop');
    // The undo made revision 1's ReplicaSet the newest, as kubectl's does.
    const deployment = await apps.readNamespacedDeployment({ name: 'worker', namespace: NS });
    expect(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('a readiness probe on a port the container does not serve: patch the probe to its one port; approved, the pods become ready', async () => {
    const body = deploymentOf('api');
    body.spec!.template.spec!.containers[0]!.readinessProbe = {
      httpGet: { path: '/', port: 8080 },
      periodSeconds: 1,
    };
    await apps.createNamespacedDeployment({ namespace: NS, body });
    const finding = await until('the probe finding with its cure', (s) =>
      analyze(s).find(
        (f) => f.id.includes('/api-') && f.id.endsWith(':probe-readiness:app') && f.recommendation,
      ),
    );
    expect(finding.recommendation).toMatchObject({
      kind: 'patch',
      patchType: 'strategic',
      target: { kind: 'Deployment', namespace: NS, name: 'api' },
      patch: {
        spec: {
          template: { spec: { containers: [{ name: 'app', readinessProbe: { httpGet: { port: 3000 } } }] } },
        },
      },
    });
    await cure(finding);
    const deployment = await apps.readNamespacedDeployment({ name: 'api', namespace: NS });
    // Only the port changed: the path and period the person wrote stay.
    expect(deployment.spec!.template.spec!.containers[0]!.readinessProbe).toMatchObject({
      httpGet: { path: '/', port: 3000 },
      periodSeconds: 1,
    });
    const settled = await until('api with two ready pods probed on 3000', (s) =>
      ready(s, 'api').length === 2 &&
      podsOf(s, 'api').every((p) => p.spec?.containers[0]?.readinessProbe?.httpGet?.port === 3000)
        ? s
        : undefined,
    );
    expect(findingsAbout(analyze(settled), 'api')).toEqual([]);
  });
});
