// Reports against the simulator: written as Markdown with front matter under history/reports/,
// with the findings of their analyzers and the trend against the previous report of the kind.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import matter from 'gray-matter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { reportMain } from '../../src/app/report-cli.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { longCrashLoopBackOff } from '../sim/fixtures/crash-loop.js';

let sim: RunningSim;
const io = { out: '', err: '' };
const capture = { stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  // Wait for the demo's crash loop, so the health report has something to say.
  await longCrashLoopBackOff(core, 'todo');
});
afterAll(() => sim.close());

describe('aiops-tui report', () => {
  it('writes a health report naming the crash loop, then a second one with the trend', async () => {
    const history = mkdtempSync(join(tmpdir(), 'reports-'));
    const args = ['health', '--kubeconfig', sim.kubeconfigPath, '-n', 'todo', '--history-dir', history];
    expect(await reportMain(args, capture)).toBe(0);
    const [first] = readdirSync(join(history, 'reports'));
    const doc = matter(readFileSync(join(history, 'reports', first!), 'utf8'));
    expect(doc.data).toMatchObject({ kind: 'health', namespace: 'todo', previous: null, trend: null });
    expect(doc.data.counts.critical).toBeGreaterThanOrEqual(1);
    expect(doc.content).toMatch(/### critical: backend is crash-looping \(exit code 1, Error\)/);
    expect(doc.content).toContain('runbook: [crashloopbackoff](../../runbooks/crashloopbackoff.md)');

    await new Promise((resolve) => setTimeout(resolve, 1100)); // report files are named by the second
    io.out = '';
    expect(await reportMain([...args, '--json'], capture)).toBe(0);
    const second = JSON.parse(io.out) as { previous: string; trend: Record<string, number> };
    expect(second.previous).toBe(first);
    expect(second.trend).toEqual({
      critical: expect.any(Number),
      warning: expect.any(Number),
      info: expect.any(Number),
    });
    expect(readdirSync(join(history, 'reports'))).toHaveLength(2);
  });

  it('utilization and security reports carry their own figures', async () => {
    const history = mkdtempSync(join(tmpdir(), 'reports-'));
    for (const kind of ['utilization', 'security']) {
      io.out = '';
      expect(
        await reportMain(
          [kind, '--kubeconfig', sim.kubeconfigPath, '-n', 'todo', '--history-dir', history, '--json'],
          capture,
        ),
      ).toBe(0);
      const meta = JSON.parse(io.out) as { kind: string; figures: Record<string, unknown> };
      expect(meta.kind).toBe(kind);
    }
    const util = matter(
      readFileSync(
        join(
          history,
          'reports',
          readdirSync(join(history, 'reports')).find((f) => f.startsWith('utilization'))!,
        ),
        'utf8',
      ),
    );
    expect(util.data.figures.cpu_requested).toBe('850m'); // frontend 100m + 2 backends × 250m + postgres 250m
  });

  it('an unknown report kind is one line, exit 2', async () => {
    const error = await reportMain(['weather'], capture).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(
      /^unknown report "weather" \(usage: aiops-tui report health\|utilization\|security/,
    );
  });
});
