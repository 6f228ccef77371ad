// An installed aiops-tui has no bundled kubectl or helm and takes the ones on PATH; when there is
// neither, an executed change fails with one line that says so (not a spawn ENOENT trace), and
// the cluster is left as it was.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { Executor } from '../../src/workflow/executor.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo' });
});
afterAll(() => sim.close());

describe('a change when kubectl is nowhere', () => {
  it('fails in one line naming the missing tool, and nothing is created', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const nowhere = mkdtempSync(join(tmpdir(), 'no-tools-'));
    const executor = new Executor(kc, {
      kubectl: join(nowhere, 'kubectl'),
      helm: join(nowhere, 'helm'),
      kubeconfigPath: sim.kubeconfigPath,
    });
    const parsed = parseCommand('kubectl create deployment sleeper --image=nginx -n todo -- sleep 3600');
    if (parsed.kind !== 'mutating') throw new Error(`parsed as ${parsed.kind}`);
    const error = await executor.execute(parsed.operation).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'kubectl not found: this aiops-tui has no bundled kubectl and there is none on PATH (install kubectl, or put it on PATH)',
    );
    const created = await executor.objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'sleeper',
    });
    expect(created).toBeNull();
  });
});
