// fetchSnapshot judges ages in the API server's time (its Date header), as the cockpit does: a
// simulator at speed runs ahead of this process's clock, and "Ready for 30 s" must be its 30 s.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 200 });
});
afterAll(() => sim.close());

it("takes the server's clock for the analysis time when none is given", async () => {
  // Wait until the simulated clock is well ahead of ours (200× from the start).
  while (sim.ctx.clock.now() - Date.now() < 20_000) await new Promise((r) => setTimeout(r, 50));
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const before = sim.ctx.clock.now();
  const { snapshot } = await fetchSnapshot(kc, 'default', { recentLogs: false });
  // Within the Date header's second of resolution, the server's time, not ours.
  expect(snapshot.now).toBeGreaterThan(before - 2_000);
  expect(snapshot.now - Date.now()).toBeGreaterThan(15_000);
});
