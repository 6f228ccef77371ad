// `aiops-tui analyze` against the simulator's API server, through kubeconfig and client-node.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMain } from '../../src/app/analyze-cli.js';
import { CliError } from '../../src/cli/errors.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { K } from '../../src/sim/resources.js';
import { kubeconfigFor } from '../analysis/kubeconfig.js';

type KubeObject = Parameters<RunningSim['ctx']['store']['create']>[1];

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

const crashLooping = {
  metadata: { name: 'backend-1', namespace: 'todo' },
  spec: {
    serviceAccountName: 'backend',
    containers: [
      {
        name: 'app',
        image: 'registry.example/backend:1.0',
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 80 } },
        livenessProbe: { httpGet: { path: '/', port: 80 } },
        securityContext: { runAsNonRoot: true },
      },
    ],
  },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        image: 'registry.example/backend:1.0',
        imageID: '',
        ready: false,
        restartCount: 6,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 3 } },
      },
    ],
  },
} as unknown as KubeObject;

describe('aiops-tui analyze', () => {
  let sim: RunningSim;
  let kubeconfig: string;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'empty' });
    kubeconfig = kubeconfigFor(sim.url, 'aiops-sim');
    const store = sim.ctx.store;
    for (const name of ['todo', 'other']) store.create(K.namespaces, { metadata: { name } } as KubeObject);
    store.create(K.pods, crashLooping);
    store.create(K.pods, {
      metadata: { name: 'debug', namespace: 'other' },
      spec: { containers: [{ name: 'sh', image: 'busybox' }] },
      status: { phase: 'Running' },
    } as unknown as KubeObject);
    store.create(K.podMetrics, {
      metadata: { name: 'backend-1', namespace: 'todo' },
      timestamp: new Date().toISOString(),
      window: '15s',
      containers: [{ name: 'app', usage: { cpu: '12m', memory: '40Mi' } }],
    } as unknown as KubeObject);
  });
  afterAll(() => sim.close());

  it('prints a table of one namespace and exits 1 on a critical finding', async () => {
    const { out, io } = capture();
    const code = await analyzeMain(['--kubeconfig', kubeconfig, '-n', 'todo'], io);
    expect(code).toBe(1);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+RESOURCE\s+TITLE$/);
    expect(lines[1]).toMatch(
      /^critical\s+pod\/todo\/backend-1\s+app is crash-looping \(exit code 3, Error\)$/,
    );
    expect(out.stdout).not.toContain('debug');
    expect(lines.at(-1)).toMatch(/^\d+ findings: 1 critical, \d+ warning, \d+ info$/);
  });

  it('prints JSON for all namespaces, with the metrics sample as usage', async () => {
    const { out, io } = capture();
    const code = await analyzeMain(['--kubeconfig', kubeconfig, '-A', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout) as { context: string; namespace: null; findings: { id: string }[] };
    expect(report).toMatchObject({ context: 'aiops-sim', namespace: null });
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('pod-failures:Pod/todo/backend-1:crashloop:app');
    expect(ids).toContain('security:Pod/other/debug:image-tag');
    // One sample is too short a history: said, not guessed.
    expect(ids).toContain('right-sizing:Pod/todo/backend-1:history-too-short');
  });

  it('exits 0 when nothing is critical', async () => {
    const { io } = capture();
    expect(await analyzeMain(['--kubeconfig', kubeconfig, '-n', 'other'], io)).toBe(0);
  });

  it('names the context and server when the API is unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const file = kubeconfigFor(`http://127.0.0.1:${port}`, 'prod');
    const error = await analyzeMain(['--kubeconfig', file], capture().io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toMatch(
      new RegExp(`^cannot list pods from context "prod" at http://127.0.0.1:${port}: .*ECONNREFUSED`),
    );
    expect((error as CliError).message).not.toContain('\n');
  });

  it('rejects a bad kubeconfig, an unknown context and bad flags with exit code 2', async () => {
    const { io } = capture();
    const missing = analyzeMain(['--kubeconfig', '/nonexistent/kubeconfig'], io);
    await expect(missing).rejects.toThrow(
      'cannot load kubeconfig: kubeconfig /nonexistent/kubeconfig does not exist',
    );
    await expect(analyzeMain(['--kubeconfig', kubeconfig, '--context', 'nope'], io)).rejects.toThrow(
      /context "nope" not found/,
    );
    await expect(analyzeMain(['--frobnicate'], io)).rejects.toBeInstanceOf(CliError);
    await expect(analyzeMain(['-n', 'a', '-A'], io)).rejects.toThrow(/exclude each other/);
  });
});

describe('aiops-tui analyze on a cluster without metrics-server', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'empty', metrics: false, deny: [{ resource: 'pods/log' }] });
    const store = sim.ctx.store;
    store.create(K.namespaces, { metadata: { name: 'todo' } } as KubeObject);
    store.create(K.pods, crashLooping);
  });
  afterAll(() => sim.close());

  it('says in one line that the metrics API is not there, and usage is unknown rather than zero', async () => {
    const { out, io } = capture();
    const code = await analyzeMain(['--kubeconfig', sim.kubeconfigPath, '-n', 'todo', '--json'], io);
    expect(code).toBe(1); // the crash loop; a missing metrics API is not an error
    expect(out.stderr).toBe(
      'aiops-tui analyze: metrics API not available (metrics.k8s.io: 404); usage unknown\n',
    );
    const report = JSON.parse(out.stdout) as { findings: { id: string; detail: string[] }[] };
    const ids = report.findings.map((f) => f.id);
    expect(ids).toContain('right-sizing:Cluster/metrics:no-metrics');
    expect(ids).not.toContain('right-sizing:Pod/todo/backend-1:history-too-short');
    const crash = report.findings.find((f) => f.id === 'pod-failures:Pod/todo/backend-1:crashloop:app')!;
    expect(crash.detail.filter((l) => l.startsWith('previous log unavailable: '))).toEqual([
      expect.stringMatching(/^previous log unavailable: pods "backend-1" is forbidden: .* \(HTTP 403\)$/),
    ]);
  });
});
