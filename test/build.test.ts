// What `npm run build` (scripts/build.mjs) must give: a bundle whose cockpit start-up path holds
// none of client-node's generated API, whose analysis worker is found where the bundled findings
// service looks for it and answers it, and whose paths to the package (version) still resolve.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFindingsService } from '../src/analysis/findings-service.js';
import { createCockpitStore, initialState } from '../src/state/store.js';
import { startSimulator } from '../src/sim/index.js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli.js');
/** How esbuild writes the generated API's largest class: the marker of its chunk. */
const GENERATED_API = 'var ObservableCoreV1Api = class';
/** esbuild's path comment of undici's entry: the marker of its chunk. */
const UNDICI = '// node_modules/undici/index.js';

beforeAll(async () => {
  // Build when dist is missing or older than the sources (as the e2e tests do).
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const { stdout } = await execa('find', [
    join(root, 'src'),
    join(root, 'scripts', 'build.mjs'),
    '-newermt',
    `@${Math.floor(built / 1000)}`,
    '-type',
    'f',
  ]);
  if (!built || stdout.trim()) await execa('npm', ['run', 'build', '--silent'], { cwd: root });
}, 120_000);

let stop: (() => void) | undefined;
afterEach(() => stop?.());

/** The files a module loads before its first await: its static imports, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/^import\s[^;]*?from\s*"(\.\/[^"]+)";?$/gm))
    staticClosure(join(dirname(file), spec!), seen);
  for (const [, spec] of text.matchAll(/^import\s*"(\.\/[^"]+)";?$/gm))
    staticClosure(join(dirname(file), spec!), seen);
  return seen;
}

describe('the bundle', () => {
  it("starts the cockpit without client-node's generated API, which stays in a lazy chunk", () => {
    const launch = /import\("\.\/(launch-[\w-]+\.js)"\)/.exec(readFileSync(cli, 'utf8'))?.[1];
    expect(launch).toBeDefined();
    const startUp = [...staticClosure(join(dist, launch!)), ...staticClosure(cli)];
    const bytes = startUp.reduce((sum, file) => sum + statSync(file).size, 0);
    const withApi = startUp.filter((file) => readFileSync(file, 'utf8').includes(GENERATED_API));
    expect(withApi).toEqual([]);
    // undici (client-node's fetch) is off it too: the lists and watches use node:http.
    const withUndici = startUp.filter((file) => readFileSync(file, 'utf8').includes(UNDICI));
    expect(withUndici).toEqual([]);
    // ~1.9 MB today (zod, yaml, client-node's KubeConfig); the generated API alone is ~15 MB.
    expect(bytes).toBeLessThan(2_500_000);
    const all = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(all.some((f) => readFileSync(join(dist, f), 'utf8').includes(GENERATED_API))).toBe(true);
  });

  it('has the analysis worker where the bundled findings service resolves it, beside its chunk', () => {
    const services = readdirSync(dist).filter(
      (f) =>
        f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes('new URL("./analysis-worker.js"'),
    );
    expect(services.length).toBeGreaterThan(0);
    for (const file of services)
      expect(existsSync(join(dist, dirname(file), 'analysis-worker.js'))).toBe(true);
  });

  it("answers the findings service from the bundle's worker thread", async () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    const service = startFindingsService(store, Date.now, {
      startWorker: () => new Worker(join(dist, 'analysis-worker.js')),
    });
    stop = () => service.stop();
    expect(await service.workerReady()).toBe(true);
    const crashing = {
      metadata: {
        namespace: 'todo',
        name: 'backend-abc12-x1',
        creationTimestamp: new Date(Date.now() - 600_000).toISOString(),
      },
      spec: { containers: [{ name: 'backend', image: 'backend:1' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'backend',
            ready: false,
            restartCount: 5,
            image: 'backend:1',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    };
    store
      .getState()
      .applyChanges(
        [{ kind: 'pods', type: 'upsert', key: 'todo/backend-abc12-x1', object: crashing }],
        Date.now(),
      );
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (store.getState().findings.some((f) => f.id.includes('backend-abc12-x1:crashloop'))) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = store.subscribe(check);
      check();
    });
    expect(service.lastRunIn).toBe('worker');
  });

  it("reaches the cluster through client-node's API classes, whose undici and configuration load with them", async () => {
    // config.js starts without them (scripts/build.mjs): analyze lists through CoreV1Api.
    const sim = await startSimulator({ scenario: 'todo' });
    try {
      const { stdout, exitCode } = await execa(
        process.execPath,
        [cli, 'analyze', '--kubeconfig', sim.kubeconfigPath, '-n', 'todo', '--json'],
        { reject: false },
      );
      expect(stdout).toContain('"findings"');
      // Findings about the namespace's objects: they were read from the server.
      const findings = (JSON.parse(stdout) as { findings: { resource: { namespace?: string } }[] }).findings;
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.some((f) => f.resource.namespace === 'todo')).toBe(true);
      expect([0, 1]).toContain(exitCode);
    } finally {
      await sim.close();
    }
  });

  it('starts node with its heap flags through sh, also through a symlink as npm links bins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiops-bin-'));
    const link = join(dir, 'aiops-tui');
    symlinkSync(cli, link);
    expect((await execa(link, ['--version'], { cwd: dir })).stdout).toMatch(/^aiops-tui \d/);
    // A long-running subcommand: its process is node itself (sh and env exec'd), with the flags.
    const sim = execa(link, ['sim', '--scenario', 'empty', '--kubeconfig-out', join(dir, 'kc')], {
      reject: false,
      buffer: false,
    });
    try {
      await new Promise<void>((resolve) => {
        let out = '';
        sim.stdout!.on(
          'data',
          (chunk: Buffer) => (out += chunk.toString()).includes('listening') && resolve(),
        );
      });
      const argv = readFileSync(`/proc/${sim.pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--max-semi-space-size=2');
      expect(readFileSync(`/proc/${sim.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
    } finally {
      sim.kill();
      await sim;
    }
  });

  it('prints the version from the package.json above dist', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await execa(process.execPath, [cli, '--version'], { cwd: '/' });
    expect(stdout).toBe(`aiops-tui ${pkg.version}`);
  });
});
