// The simulator's own pod churn (`aiops-tui sim --churn N`): its schedule as a table, and the rate a
// client-node watch actually receives from it over HTTP.
import { join } from 'node:path';
import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CHURN_LABEL, churnDue } from '../../src/sim/churn.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

describe('churnDue', () => {
  it.each([
    // elapsed ms, per second, made → now, skipped
    [0, 2000, 0, 0, 0],
    [10, 2000, 0, 20, 0],
    [10, 2000, 20, 0, 0],
    [15, 2000, 20, 10, 0],
    [1000, 2000, 1990, 10, 0],
    [1000, 3, 2, 1, 0],
    [999, 3, 2, 0, 0],
    [5, 100, 0, 0, 0],
    // made ahead of the schedule: nothing, never negative
    [10, 2000, 50, 0, 0],
    // a stall of 1 s owes 2,000: a quarter-second's worth now, the rest skipped
    [1000, 2000, 0, 500, 1500],
    // a slow rate still makes at least one at a time
    [10_000, 1, 0, 1, 9],
    [-5, 2000, 0, 0, 0],
  ])('%d ms at %d/s with %d made: %d now, %d skipped', (elapsed, perSecond, made, now, skipped) => {
    expect(churnDue(elapsed, perSecond, made)).toEqual({ now, skipped });
  });
});

describe('a simulator with churn', () => {
  let sim: RunningSim | undefined;
  afterAll(() => sim?.close());

  it('sends at least the asked 2,000 pod events a second to a watch', async () => {
    const asked = 2000;
    sim = await startSimulator({ scenario: 'large:1000', churn: asked });
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const windowMs = 2000;
    const received = await new Promise<{ events: number; labelled: number; ms: number }>(
      (resolve, reject) => {
        let events = 0;
        let labelled = 0;
        let first = 0;
        let controller: AbortController | undefined;
        let done = false;
        new Watch(kc)
          .watch(
            '/api/v1/pods',
            {},
            (type, pod: V1Pod) => {
              if (done || type !== 'MODIFIED') return;
              const now = performance.now();
              if (events === 0) first = now;
              else if (now - first >= windowMs) {
                done = true;
                controller?.abort();
                resolve({ events, labelled, ms: now - first });
                return;
              }
              events++;
              if (pod.metadata?.labels?.[CHURN_LABEL]) labelled++;
            },
            (error) => (done ? undefined : reject(error ?? new Error('the watch ended'))),
          )
          .then((c) => (controller = c), reject);
      },
    );
    // Events arrive in 10 ms ticks: the window may miss one tick's worth at its end.
    const rate = (received.events + asked / 100) / (received.ms / 1000);
    expect(rate).toBeGreaterThanOrEqual(asked);
    expect(received.labelled).toBe(received.events);
    expect(sim.churnMade()).toBeGreaterThanOrEqual(received.events);
  }, 60_000);
});

describe('aiops-tui sim --churn', () => {
  it('a churn that is not a number is one line, exit 2', async () => {
    const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
    const result = await execa(process.execPath, ['--import', 'tsx', cli, 'sim', '--churn', 'lots'], {
      reject: false,
      stdin: 'ignore',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'aiops-tui: --churn must be a number of pod events a second, 0 or more, got "lots"',
    );
  });
});
