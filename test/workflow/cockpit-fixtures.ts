// What the cockpit-key tests share: a simulator, a team whose queues share one history
// directory, a store for the notices, and a wait for the notice an action answers with.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import type { ObjectRef } from '../../src/state/types.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam } from '../audit/identities.js';
import { until } from '../sim/until.js';

export interface Cockpit {
  sim: RunningSim;
  kc: KubeConfig;
  queueAs(person: string, historyDir: string, kubeConfig?: KubeConfig): Promise<Queue>;
  store(): CockpitStore;
  close(): Promise<void>;
}

export async function startCockpitFixture(): Promise<Cockpit> {
  const sim = await startSimulator({ scenario: 'todo', speed: 20 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const team = makeTeam();
  // The built-in tiers and floors; only the validation window is short: 30 s is 1.5 s at speed 20,
  // and a rollout of three replicas must settle within twice that, on a loaded machine too.
  const policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(policyPath, 'validation_window_seconds: 30\n');
  return {
    sim,
    kc,
    async queueAs(person, historyDir, kubeConfig = kc) {
      const trust = await loadTrust({
        policyPath,
        signingKey: team.keyPath(person),
        allowedSignersPath: team.allowedSignersPath,
      });
      return createWorkflow({
        kubeConfig,
        historyDir,
        policy: trust.policy,
        signer: trust.signer,
        allowedSigners: trust.allowed,
        gitCommit: false,
      });
    },
    store: () => createCockpitStore(initialState({ context: 'sim', server: sim.url, namespace: 'todo' })),
    close: () => sim.close(),
  };
}

/** Runs a key's action and waits for the notice it answers with. */
export async function noticeOf(store: CockpitStore, act: () => void): Promise<string> {
  store.getState().setUi({ notice: undefined });
  act();
  await until(
    async () => store.getState().ui.notice,
    (n) => n !== undefined,
    20_000,
  );
  return store.getState().ui.notice!;
}

export const historyDir = (): string => mkdtempSync(join(tmpdir(), 'keys-'));
export const rowOf = (kind: ObjectRef['kind'], name: string): ObjectRef => ({
  kind,
  namespace: 'todo',
  name,
});
/** The record id in a `queued ID (tier): …` notice. */
export const idOf = (notice: string): string =>
  /^(?:queued|already waiting) (\S+) /.exec(notice)?.[1] ?? notice;
