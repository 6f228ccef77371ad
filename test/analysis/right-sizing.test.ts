import { describe, expect, it } from 'vitest';
import { rightSizing } from '../../src/analysis/analyzers/right-sizing.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import type { UsageSample } from '../../src/model/analysis.js';
import { container, hpa, history, MI, snapshot, workload } from './fixtures.js';

/** Deployment `api` with 3 pods; every pod's `app` container gets the same history. */
function api(
  samples: UsageSample[],
  resources = container().resources,
  extra: Parameters<typeof snapshot>[0] = {},
) {
  const w = workload('api', 3, { spec: { containers: [container('app', { resources })] } });
  const usage = new Map(w.pods.map((p) => [`todo/${p.metadata!.name}/app`, samples]));
  return snapshot({
    deployments: [w.deployment],
    replicaSets: [w.replicaSet],
    pods: w.pods,
    usage,
    ...extra,
  });
}

const steady = (cpu: number, memoryMi: number) => history(60, () => ({ cpu, memory: memoryMi * MI }));
const run = (s: ReturnType<typeof snapshot>, options = {}) =>
  rightSizing(s, { ...DEFAULT_OPTIONS, ...options });

describe('right-sizing', () => {
  it('recommends p95 + 30 % for an over-provisioned container, with the cost delta', () => {
    const [finding, ...rest] = run(api(steady(100, 200)));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'right-sizing:Deployment/todo/api:resources:app',
      severity: 'info',
      recommendation: {
        kind: 'set-resources',
        container: 'app',
        requests: { cpu: '130m', memory: '260Mi' },
        limits: { memory: '260Mi' },
        kubectl:
          'kubectl set resources deployment/api -n todo -c app --requests=cpu=130m,memory=260Mi --limits=memory=260Mi',
      },
    });
    expect(finding!.detail).toContain(
      'requests per replica: -0.37 cores, -0.25 GiB; over 3 replicas: -1.11 cores, -0.74 GiB',
    );
    expect(finding!.detail).toContain('history: 180 samples over 14m, 3 pods now');
  });

  it('never puts the memory limit below the observed peak plus headroom', () => {
    // One spike to 900Mi: invisible to the p95, fatal under a p95-based limit.
    const spiky = history(60, (i) => ({ cpu: 100, memory: (i === 30 ? 900 : 200) * MI }));
    const [finding] = run(api(spiky));
    expect(finding).toMatchObject({
      severity: 'warning',
      recommendation: { requests: { memory: '260Mi' }, limits: { memory: '1170Mi' } },
    });
    expect(finding!.title).toMatch(/^app is under-provisioned/);
  });

  it('keeps a CPU limit, with headroom, only where one exists', () => {
    const [finding] = run(
      api(steady(100, 200), {
        requests: { cpu: '500m', memory: '512Mi' },
        limits: { cpu: '1', memory: '1Gi' },
      }),
    );
    expect(finding!.recommendation).toMatchObject({ limits: { cpu: '260m', memory: '260Mi' } });
  });

  it('says the history is too short rather than guessing', () => {
    const findings = run(api(history(10, () => ({ cpu: 100, memory: 200 * MI }))));
    expect(findings).toMatchObject([
      {
        id: 'right-sizing:Deployment/todo/api:history-too-short',
        severity: 'info',
        detail: ['app: 30 samples over 2m (need 20 over 10m)'],
      },
    ]);
  });

  it('stays quiet when the change is not material', () => {
    const resources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '600Mi' } };
    expect(run(api(steady(400, 400), resources))).toEqual([]);
    // 20 % of a 100m request is only 20m: under the 50m floor.
    const small = { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '600Mi' } };
    expect(run(api(steady(60, 400), small))).toEqual([]);
  });

  it('skips workloads an HPA scales unless asked, then adds a caveat', () => {
    const s = api(steady(100, 200), undefined, { hpas: [hpa('api', 'api', { max: 5, current: 3 })] });
    expect(run(s)).toEqual([]);
    const [finding] = run(s, { includeHpaScaled: true });
    expect(finding!.detail.at(-1)).toMatch(/^caveat: an HPA scales this workload/);
  });

  it("pools the history of pods that are gone into their deployment's", () => {
    const s = api(steady(100, 200));
    const usage = new Map(s.usage);
    usage.set('todo/api-5d8f7-gone1/app', steady(100, 200));
    const [finding] = run({ ...s, usage });
    expect(finding!.detail).toContain('history: 240 samples over 14m, 3 pods now');
  });

  it('says once that there are no metrics at all', () => {
    const s = api([]);
    expect(run({ ...s, usage: new Map() })).toMatchObject([
      { id: 'right-sizing:Cluster/metrics:no-metrics' },
    ]);
    expect(run(snapshot())).toEqual([]);
  });
});
