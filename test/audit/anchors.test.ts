// The anchors outside the history directory: the checkpoint ConfigMap in the cluster (written
// after each append) and the checkpoint committed to git. Removing the newest records, or every
// record, passes no check of the directory alone; against an anchor it is named.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_CONFIGMAP } from '../../src/audit/checkpoint.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { scaleOp } from '../../src/workflow/proposed-operations.js';
import { DEFAULT_POLICY } from '../../src/workflow/policy.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { makeTeam, type Team } from './identities.js';

const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
let sim: RunningSim;
let kc: KubeConfig;
let team: Team;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam(['alice', 'bob']);
});
afterAll(() => sim.close());

const frontend = { kind: 'Deployment', namespace: 'todo', name: 'frontend' };
const verify = (dir: string, extra: string[] = []) =>
  execa(process.execPath, ['--import', 'tsx', cli, 'phr', 'verify', '--history-dir', dir, ...extra], {
    reject: false,
    stdin: 'ignore',
  });

async function trailWithProposals(dir: string, count: number, gitCommit = false) {
  const queue = createWorkflow({
    kubeConfig: kc,
    historyDir: dir,
    policy: DEFAULT_POLICY,
    signer: team.signer('alice'),
    allowedSigners: team.allowed,
    gitCommit,
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // A different change each time: the same one still waiting would not be queued again.
    const meta = await queue.propose({
      operation: scaleOp(frontend, i + 1),
      source: 'built-in',
      evidence: [],
    });
    ids.push(meta.id);
    if (gitCommit) await queue.reject(meta.id, 'not-now');
  }
  await queue.idle();
  return ids;
}

describe('the cluster anchor', () => {
  it('holds the signed head after the appends, and names the truncation of the newest records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchor-'));
    const ids = await trailWithProposals(dir, 3);
    const cm = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: CHECKPOINT_CONFIGMAP, namespace: 'default' });
    expect(JSON.parse(cm.data!.checkpoint!)).toMatchObject({ events: 4, by: 'alice' });

    const intact = await verify(dir, ['--kubeconfig', sim.kubeconfigPath]);
    expect(intact.exitCode, intact.stdout).toBe(0);
    expect(intact.stdout).toContain(`anchored: ConfigMap default/${CHECKPOINT_CONFIGMAP} (4 events)`);

    rmSync(join(dir, 'prompts', `${ids.at(-1)}.md`));
    rmSync(join(dir, 'prompts', '.head'));
    // The directory alone cannot see it: the chain that is left is whole.
    const alone = await verify(dir, ['--no-cluster']);
    expect(alone.exitCode).toBe(0);
    expect(alone.stdout).toMatch(/^not checked: git HEAD: the history directory is not in a git repository/m);
    const anchored = await verify(dir, ['--kubeconfig', sim.kubeconfigPath]);
    expect(anchored.exitCode).toBe(1);
    expect(anchored.stdout).toContain(
      `broken: ${ids.at(-2)}: ConfigMap default/${CHECKPOINT_CONFIGMAP} saw 4 events, the trail has 3 (records or events removed at the end)`,
    );
  });
});

describe('the git anchor', () => {
  it('commits each finished record with a checkpoint, and names a wholesale deletion against it', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'anchor-git-'));
    await execa('git', ['init', '-q', repo]);
    await execa('git', ['-C', repo, 'config', 'user.email', 'ops@example.com']);
    await execa('git', ['-C', repo, 'config', 'user.name', 'ops']);
    const dir = join(repo, 'history');
    await trailWithProposals(dir, 2, true);
    const log = (await execa('git', ['-C', repo, 'log', '--format=%s'])).stdout.split('\n');
    expect(log.filter((l) => l.startsWith('PHR '))).toHaveLength(3);
    for (const f of readdirSync(join(dir, 'prompts')))
      if (!f.startsWith('00001')) rmSync(join(dir, 'prompts', f));
    const result = await verify(dir, ['--no-cluster']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /^broken: 00001-allowed-signers: git HEAD saw \d+ events, the trail has 1 \(records or events removed at the end\)$/m,
    );
  });
});
