// `aiops-tui ask` against the simulator's todo app: the chat's answer without the screen, its
// proposals printed (nothing written) or, with --propose, queued and read back from the trail.
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/audit/history.js';
import { askMain } from '../../src/app/ask-cli.js';
import { CliError } from '../../src/cli/errors.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { makeTeam } from '../audit/identities.js';

let sim: RunningSim;
let apps: AppsV1Api;

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

const ask = async (...argv: string[]) => {
  const { out, io } = capture();
  const code = await askMain([...argv, '--kubeconfig', sim.kubeconfigPath, '-n', 'todo', '--no-ai'], io);
  return { code, ...out };
};

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  // A fault that stays put between two reads (a crash loop flips between Running and back-off):
  // an image tag no registry has.
  await apps.createNamespacedDeployment({
    namespace: 'todo',
    body: {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:invalid-tag' }] },
        },
      },
    },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pods = await core.listNamespacedPod({ namespace: 'todo', labelSelector: 'app=web' });
    const waiting = pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull') break;
    if (Date.now() > deadline) throw new Error('no image pull failure');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(() => sim.close());

describe('aiops-tui ask', () => {
  it('answers from the offline assistant and prints what it would propose, writing nothing', async () => {
    const cwd = process.cwd();
    const { code, stdout } = await ask("what's wrong with web?");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^What is wrong with `web`:/);
    expect(stdout).toContain('nginx:invalid-tag');
    expect(stdout).not.toContain('**info**');
    expect(process.cwd()).toBe(cwd);
    const scale = await ask('scale frontend to 3');
    expect(scale.stdout).toContain(
      '- scale deployment todo/frontend to 3 replicas: `kubectl scale deployment/frontend -n todo --replicas=3` (not queued; --propose sends it to the approval queue)',
    );
  });

  it('--json gives the backend, the answer and the proposals as data', async () => {
    const { code, stdout } = await ask('scale frontend up by 100%', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { backend: string; proposals: { summary: string; id?: string }[] };
    expect(report.backend).toBe('offline assistant');
    expect(report.proposals).toEqual([
      {
        summary: 'scale deployment todo/frontend to 2 replicas',
        kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
      },
    ]);
  });

  it('--propose queues each proposal, signed by the asker, and changes nothing in the cluster', async () => {
    const team = makeTeam(['alice', 'bob']);
    const historyDir = join(mkdtempSync(join(tmpdir(), 'ask-')), 'history');
    const { code, stdout } = await ask(
      'scale frontend to 3',
      '--propose',
      '--history-dir',
      historyDir,
      '--no-git-commit',
      ...team.flags('alice'),
    );
    expect(code).toBe(0);
    const id = /^- (\S+) · (\w+) · (\S+): scale deployment todo\/frontend to 3 replicas$/m.exec(stdout);
    expect(id, stdout).not.toBeNull();
    const records = openHistory(historyDir).list();
    const queued = records.find((r) => r.id === id![1]);
    expect(queued?.status).toBe('awaiting-approval');
    expect(records.some((r) => r.type === 'chat')).toBe(true);
    const frontend = await apps.readNamespacedDeployment({ name: 'frontend', namespace: 'todo' });
    expect(frontend.spec?.replicas).toBe(1);
    // Asked again: the same change is already waiting, and no second record is written.
    const again = await ask(
      'scale frontend to 3',
      '--propose',
      '--history-dir',
      historyDir,
      '--no-git-commit',
      ...team.flags('alice'),
    );
    expect(again.stdout).toContain(`- already waiting: ${id![1]} · `);
    expect(
      openHistory(historyDir)
        .list()
        .filter((r) => r.type !== 'chat' && r.id !== records[0]!.id),
    ).toHaveLength(records.filter((r) => r.type !== 'chat' && r.id !== records[0]!.id).length);
  });

  it('refuses a missing question or an unknown output format in one line', async () => {
    await expect(ask()).rejects.toThrow(CliError);
    await expect(ask('how is the cluster', '-o', 'wide')).rejects.toThrow(
      '-o takes json or yaml (got "wide")',
    );
    expect(existsSync('history/prompts/does-not-exist')).toBe(false);
  });
});
