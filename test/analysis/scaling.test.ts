import { describe, expect, it } from 'vitest';
import { scaling } from '../../src/analysis/analyzers/scaling.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import type { UsageSample } from '../../src/model/analysis.js';
import { hpa, history, MI, snapshot, workload } from './fixtures.js';

/** Deployment `web` (500m CPU request) with `replicas` pods sharing one history. */
function web(replicas: number, samples: UsageSample[], extra: Parameters<typeof snapshot>[0] = {}) {
  const w = workload('web', replicas);
  const usage = new Map(w.pods.map((p) => [`todo/${p.metadata!.name}/app`, samples]));
  return snapshot({
    deployments: [w.deployment],
    replicaSets: [w.replicaSet],
    pods: w.pods,
    usage,
    ...extra,
  });
}

const cpu = (millis: (i: number) => number, count = 60) =>
  history(count, (i) => ({ cpu: millis(i), memory: 100 * MI }));
const run = (s: ReturnType<typeof snapshot>, options = {}) => scaling(s, { ...DEFAULT_OPTIONS, ...options });

describe('scaling', () => {
  it('proposes more replicas for sustained high utilization', () => {
    const [finding, ...rest] = run(
      web(
        3,
        cpu(() => 450),
      ),
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'scaling:Deployment/todo/web:scale',
      severity: 'warning',
      title: 'Sustained CPU at 90 % of requests: scale to 5 replicas',
      recommendation: {
        kind: 'scale',
        replicas: 5,
        kubectl: 'kubectl scale deployment/web -n todo --replicas=5',
      },
    });
    expect(finding!.detail[0]).toBe('app: CPU median 90 %, p95 90 % of its 500m request');
  });

  it('proposes an HPA for bursty load', () => {
    const [finding] = run(
      web(
        3,
        cpu((i) => (i % 10 === 0 ? 800 : 400)),
      ),
    );
    expect(finding!.recommendation).toMatchObject({
      kind: 'create-hpa',
      minReplicas: 3,
      maxReplicas: 8,
      targetCpuUtilization: 60,
      kubectl: 'kubectl autoscale deployment/web -n todo --min=3 --max=8 --cpu-percent=60',
    });
  });

  it("caps replica counts at the policy's maximum", () => {
    expect(
      run(
        web(
          8,
          cpu(() => 500),
        ),
      )[0],
    ).toMatchObject({
      title: 'Sustained CPU at 100 % of requests: scale to 10 replicas (policy cap)',
      recommendation: { replicas: 10 },
    });
    const atCap = run(
      web(
        4,
        cpu(() => 500),
      ),
      { maxReplicas: 4 },
    )[0];
    expect(atCap!.title).toMatch(/already at the policy's 4-replica cap/);
    expect(atCap!.recommendation).toBeUndefined();
  });

  it('proposes fewer replicas when even the peaks are low', () => {
    expect(
      run(
        web(
          4,
          cpu(() => 50),
        ),
      )[0],
    ).toMatchObject({ severity: 'info', recommendation: { replicas: 1 } });
    expect(
      run(
        web(
          1,
          cpu(() => 50),
        ),
      ),
    ).toEqual([]);
  });

  it('leaves moderate load, HPA-scaled workloads and short histories alone', () => {
    expect(
      run(
        web(
          3,
          cpu(() => 250),
        ),
      ),
    ).toEqual([]);
    expect(
      run(
        web(
          3,
          cpu(() => 450),
          { hpas: [hpa('web', 'web', { max: 10, current: 3 })] },
        ),
      ),
    ).toEqual([]);
    expect(
      run(
        web(
          3,
          cpu(() => 450, 5),
        ),
      ),
    ).toEqual([]);
  });
});
