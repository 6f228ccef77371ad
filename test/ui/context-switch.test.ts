// `:ctx` in the cockpit: two simulators as two contexts of one kubeconfig. A switch reconnects
// the watches, findings, workflow and chat to the new cluster on the same store (the chat and the
// history stay), the status bar's connection names it, and an unknown name is kubectl's line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../src/cluster/connect.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import type { CockpitState } from '../../src/state/types.js';
import { startSessions } from '../../src/app/session.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam } from '../audit/identities.js';
import { until } from '../sim/until.js';

let red: RunningSim;
let blue: RunningSim;
let kubeconfig: string;

beforeAll(async () => {
  [red, blue] = await Promise.all([
    startSimulator({ scenario: 'todo', speed: 20 }),
    startSimulator({ scenario: 'empty', speed: 20 }),
  ]);
  const cluster = (name: string, server: string) => ({
    name,
    cluster: { server, 'insecure-skip-tls-verify': true },
  });
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'ctx-')), 'config');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster('red', red.url), cluster('blue', blue.url)],
      users: [{ name: 'me', user: {} }],
      contexts: [
        { name: 'red', context: { cluster: 'red', user: 'me', namespace: 'todo' } },
        { name: 'blue', context: { cluster: 'blue', user: 'me' } },
      ],
      'current-context': 'red',
    }),
  );
  // Only the blue cluster has this deployment: a change that reaches it went to blue.
  const kc = new KubeConfig();
  kc.loadFromFile(blue.kubeconfigPath);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'only-blue' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'only-blue' } },
        template: {
          metadata: { labels: { app: 'only-blue' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        },
      },
    } as V1Deployment,
  });
});
afterAll(() => Promise.all([red.close(), blue.close()]));

const waitFor = (store: CockpitStore, predicate: (s: CockpitState) => boolean, what: string) =>
  until(async () => store.getState(), predicate, 20_000).catch((error: unknown) => {
    throw new Error(
      `${what}: ${(error as Error).message.slice(0, 200)} (notice ${store.getState().ui.notice})`,
    );
  });

async function noticeOf(store: CockpitStore, act: () => void, matching: RegExp): Promise<string> {
  store.getState().setUi({ notice: undefined });
  act();
  await waitFor(store, (s) => matching.test(s.ui.notice ?? ''), `a notice matching ${matching}`);
  return store.getState().ui.notice!;
}

describe(':ctx', () => {
  it('switches every cluster-bound service to the new context and keeps the chat and the history', async () => {
    const team = makeTeam();
    const policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
    writeFileSync(policyPath, 'validation_window_seconds: 10\n');
    const trust = await loadTrust({
      policyPath,
      signingKey: team.keyPath('alice'),
      allowedSignersPath: team.allowedSignersPath,
    });
    const connection = loadConnection({ kubeconfig });
    const store = createCockpitStore(initialState(connection));
    const historyDir = mkdtempSync(join(tmpdir(), 'ctx-history-'));
    const sessions = await startSessions(connection, store, {
      metricsIntervalMs: 60_000,
      historyDir,
      notify: () => {},
      kagentUrl: undefined,
      kagentAgent: 'kagent/k8s-agent',
      trust,
      gitCommit: false,
      readOnly: false,
      ai: undefined,
      suspend: (run) => run(),
    });
    try {
      const { actions } = sessions;
      await waitFor(store, (s) => s.pods.size > 0 && !!s.synced.pods, 'red pods');
      expect(store.getState().connection).toMatchObject({ context: 'red', namespace: 'todo' });
      store.getState().setChat({ messages: [{ role: 'user', text: 'asked on red' }] });
      expect(actions.listContexts()).toEqual(['red', 'blue']);
      expect(await actions.listNamespaces()).toEqual(['default', 'kube-system', 'todo']);

      expect(await noticeOf(store, () => actions.switchContext('green'), /context/)).toBe(
        'error: no context exists with the name: "green"',
      );
      expect(store.getState().connection.context).toBe('red');

      await noticeOf(store, () => actions.switchContext('blue'), /^context: blue/);
      expect(store.getState().connection).toMatchObject({
        context: 'blue',
        server: blue.url,
        namespace: 'default',
      });
      await waitFor(
        store,
        (s) => !!s.synced.deployments && s.deployments.has('default/only-blue'),
        'blue deployments',
      );
      // Nothing of red is left: no todo pods, no red findings.
      expect([...store.getState().pods.keys()].some((k) => k.startsWith('todo/'))).toBe(false);
      expect(store.getState().findings.some((f) => f.resource.namespace === 'todo')).toBe(false);
      expect(store.getState().chat.messages[0]?.text).toBe('asked on red');

      // The workflow follows: a rollout restart (trivial, runs at once) reaches blue's deployment.
      const notice = await noticeOf(
        store,
        () => actions.proposeRestart({ kind: 'deployments', namespace: 'default', name: 'only-blue' }),
        /^queued|Error/,
      );
      expect(notice).toMatch(/^queued \S+ \(trivial\): restart the pods of deployment default\/only-blue$/);
      const kc = new KubeConfig();
      kc.loadFromFile(blue.kubeconfigPath);
      await until(
        () =>
          kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'default', name: 'only-blue' }),
        (d) => Boolean(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']),
      );
      await sessions.current().queue.idle();
      expect(store.getState().recommendations.map((r) => r.target)).toContain('deployment/default/only-blue');

      // And back: red's pods again.
      await noticeOf(store, () => actions.switchContext('red'), /^context: red/);
      await waitFor(store, (s) => [...s.pods.keys()].some((k) => k.startsWith('todo/')), 'red pods again');
      expect(store.getState().recommendations.map((r) => r.target)).toContain('deployment/default/only-blue');
    } finally {
      sessions.stop();
    }
  });
});
