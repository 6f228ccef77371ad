// Usage the metrics API does not give is unknown (null) in a change's pre/post metrics, never 0
// (issue 12). On a fresh simulator at real speed its metrics-server has not scraped yet: the
// pods have no PodMetrics, as on a cluster whose metrics-server just started. (The real control
// plane, which has no metrics API at all, is in test/cluster-real/workflow.cluster.test.ts.)
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import { WorkloadProbe } from '../../src/workflow/validate.js';

let sim: RunningSim;
let probe: WorkloadProbe;
let objects: ObjectClient;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 1 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  objects = new ObjectClient(kc);
  probe = new WorkloadProbe(kc, objects);
});
afterAll(() => sim.close());

describe('workload metrics', () => {
  it('are null, with the reason, for pods the metrics API does not cover', async () => {
    const metrics = await objects.api.list('metrics.k8s.io/v1beta1', 'PodMetrics', 'todo');
    expect(metrics.items).toEqual([]);
    const h = await probe.health({ namespace: 'todo', name: 'frontend' });
    expect(h.metrics).toMatchObject({ replicas: 1, cpu_millis: null, memory_bytes: null });
    expect(h.usageUnknown).toMatch(/^no metrics yet for frontend-/);
  });
});
