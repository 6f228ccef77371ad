// k9s, a real client, against the simulator: it opens its pods view (it needs
// authorization.k8s.io/v1 SelfSubjectAccessReview, which the simulator did not serve; without it
// k9s falls back to its contexts view). Skipped with the reason when k9s (scripts/build-k9s.sh)
// or tmux is missing.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const k9s = join(import.meta.dirname, '..', '..', '.tools', 'bin', 'k9s');
const hasTmux = await execa('tmux', ['-V']).then(
  () => true,
  () => false,
);
const missing = !existsSync(k9s)
  ? 'k9s is not built (bash scripts/build-k9s.sh)'
  : !hasTmux
    ? 'tmux is not installed'
    : undefined;

describe.skipIf(missing !== undefined)(
  missing ? `k9s (skipped: ${missing})` : 'k9s against the simulator',
  () => {
    let sim: RunningSim;
    const socket = `aiops-k9s-${process.pid}`;
    const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args]);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'k9s')).stdout;

    beforeAll(async () => {
      sim = await startSimulator({ scenario: 'todo' });
    });
    afterAll(async () => {
      await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
      await sim?.close();
    });

    it('opens its pods view across all namespaces, with the simulator’s pods in it', async () => {
      // A private k9s home: no release check (no network here), no splash, no image scans.
      const home = mkdtempSync(join(tmpdir(), 'aiops-k9s-'));
      mkdirSync(join(home, 'k9s'));
      writeFileSync(
        join(home, 'k9s', 'config.yaml'),
        'k9s:\n  skipLatestRevCheck: true\n  ui:\n    splashless: true\n  imageScans:\n    enable: false\n',
      );
      const env = [
        `K9S_CONFIG_DIR=${join(home, 'k9s')}`,
        ...['CONFIG', 'DATA', 'STATE', 'CACHE'].map((d) => `XDG_${d}_HOME=${home}`),
      ];
      await tmux(
        'new-session',
        '-d',
        '-s',
        'k9s',
        '-x',
        '160',
        '-y',
        '40',
        'env',
        ...env,
        k9s,
        '--kubeconfig',
        sim.kubeconfigPath,
        '-A',
        '--command',
        'pods',
        '--splashless',
        '--readonly',
      );
      const deadline = Date.now() + 60_000;
      let text = '';
      // The todo scenario's four pods: frontend, two backends and postgres-0.
      while (!/pods\(all\)\[4\]/.test(text) || !/frontend-\S+\s+●?\s*1\/1\s+Running/.test(text)) {
        if (Date.now() > deadline) throw new Error(`k9s never showed the pods view:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        text = await screen();
      }
      expect(text).toMatch(/backend-\S+/);
      expect(text).toMatch(/postgres-0/);
      expect(text).not.toMatch(/contexts\(/);
    }, 90_000);
  },
);
