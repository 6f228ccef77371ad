// The cluster-side fixes of issue 12, judged by a real control plane: `aiops-tui analyze` on a
// cluster without metrics-server (a plain-text 404) says so in one line and leaves usage unknown;
// a crash-looping pod whose previous log cannot be read (kwok's fake nodes have no kubelet to ask:
// the apiserver's dial to 127.0.0.1:10250 is refused)
// shows why in its finding; a quiet watch stays open past the old 30 s threshold; a paused etcd
// behind a live apiserver turns the connection status away from `connected`, and back. The
// simulator's halves of these pairs are in test/cluster/cockpit-data.test.ts,
// test/cluster/crash-logs.test.ts and test/app/analyze-cli.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMain } from '../../src/app/analyze-cli.js';
import { analyze } from '../../src/analysis/analyze.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import { startCockpitData, type CockpitData } from '../../src/cluster/cockpit-service.js';
import { loadConnection } from '../../src/cluster/connect.js';
import { startCrashLogs } from '../../src/cluster/crash-logs.js';
import type { CockpitState } from '../../src/state/types.js';
import { controlPlaneMissing, startControlPlane, type ControlPlane } from '../cluster/control-plane.js';
import { connectionDetail, untilStore } from '../cluster/store-until.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`cluster.cluster: skipped: ${missing}`);

/** The old code re-opened a quiet watch after 30 s of silence (and so did client-node 2.0.1). */
const OLD_IDLE_THRESHOLD_MS = 30_000;

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

const until = (d: CockpitData, predicate: (s: CockpitState) => boolean, timeoutMs: number) =>
  untilStore(d, predicate, timeoutMs, connectionDetail);

const pod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    automountServiceAccountToken: false,
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1.0',
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 8080 } },
        livenessProbe: { httpGet: { path: '/', port: 8080 } },
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        },
      },
    ],
  },
});

describe.skipIf(missing !== undefined)(
  missing
    ? `real control plane: cluster-side fixes (skipped: ${missing})`
    : 'real control plane: cluster-side fixes',
  () => {
    let cp: ControlPlane;
    /** A cockpit on a namespace where nothing happens, started first so its quiet time overlaps the rest. */
    let quiet: CockpitData | undefined;
    let quietSince = 0;
    let watchesAtStart = 0;
    const cleanups: (() => void)[] = [];

    const kubectl = async (args: string[], input?: string): Promise<string> => {
      const r = await cp.kubectl(args, { input });
      expect(r.exitCode, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const runningPod = async (name: string, namespace: string): Promise<void> => {
      await kubectl(['apply', '-f', '-'], JSON.stringify(pod(name, namespace)));
      // Polled, not `kubectl wait`: its watch would count as one of the quiet cockpit's.
      const deadline = Date.now() + 60_000;
      let phase = '';
      while (phase !== 'Running' && Date.now() < deadline) {
        phase = await kubectl(['get', 'pod', name, '-n', namespace, '-o', 'jsonpath={.status.phase}']);
        if (phase !== 'Running') await new Promise((r) => setTimeout(r, 250));
      }
      expect(phase, `pod ${namespace}/${name}`).toBe('Running');
    };
    /**
     * apiserver_request_total (ended) and apiserver_longrunning_requests (open) of namespaced
     * WATCHes of the kinds the cockpit watches in a namespace: only the quiet cockpit makes those
     * (the components watch at the cluster scope; the other cockpit here watches all namespaces).
     */
    const namespacedWatches = async (): Promise<{ completed: number; open: number }> => {
      const r = await cp.request('/metrics');
      expect(r.status).toBe(200);
      let completed = 0;
      let open = 0;
      for (const line of r.body.split('\n')) {
        if (!/resource="(pods|deployments|replicasets|events)"/.test(line)) continue;
        if (!/scope="namespace"/.test(line) || !/verb="WATCH"/.test(line)) continue;
        if (!/subresource=""/.test(line)) continue;
        const value = Number(line.split(' ').at(-1));
        if (line.startsWith('apiserver_request_total{')) completed += value;
        else if (line.startsWith('apiserver_longrunning_requests{')) open += value;
      }
      return { completed, open };
    };

    beforeAll(async () => {
      cp = await startControlPlane({ log: (line) => console.error(line) });
      for (const ns of ['quiet', 'crash', 'ok']) await kubectl(['create', 'namespace', ns]);
      // Namespace-scoped, so the apiserver's metrics for namespaced pod watches count this cockpit only.
      quiet = startCockpitData(
        loadConnection({ kubeconfig: cp.kubeconfig('admin'), namespace: 'quiet' }),
        60_000,
        {
          readyzIntervalMs: 1_000,
        },
      );
      await until(quiet, (s) => s.connection.status === 'connected' && s.synced.pods === true, 30_000);
      const deadline = Date.now() + 10_000;
      while ((await namespacedWatches()).open < 4 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      quietSince = Date.now();
      watchesAtStart = (await namespacedWatches()).completed;
    });
    afterAll(async () => {
      for (const c of cleanups) c();
      quiet?.stop();
      await cp?.stop();
    });

    it('analyze on a cluster without metrics-server: one line, usage unknown, exit 0', async () => {
      const probe = await cp.request('/apis/metrics.k8s.io/v1beta1/namespaces/ok/pods');
      expect([probe.status, probe.body]).toEqual([404, '404 page not found\n']);
      const unknownGroup = await cp.request('/apis/nope.example/v1/things'); // the simulator's pair: test/sim/api.test.ts
      expect([unknownGroup.status, unknownGroup.body]).toEqual([404, '404 page not found\n']);
      await runningPod('web', 'ok');
      const { out, io } = capture();
      const code = await analyzeMain(['--kubeconfig', cp.kubeconfig('admin'), '-n', 'ok', '--json'], io);
      expect(out.stderr).toBe(
        'aiops-tui analyze: metrics API not available (metrics.k8s.io: 404); usage unknown\n',
      );
      expect(out.stderr).not.toMatch(/HTTP-Code|500/);
      const report = JSON.parse(out.stdout) as { findings: { id: string; severity: string }[] };
      expect(report.findings.filter((f) => f.severity === 'critical')).toEqual([]);
      expect(code).toBe(0);
      const ids = report.findings.map((f) => f.id);
      expect(ids).toContain('right-sizing:Cluster/metrics:no-metrics');
      expect(ids.filter((id) => id.includes('history-too-short'))).toEqual([]);
    });

    it('a crash-looping pod whose previous log cannot be read says why, in analyze and in the cockpit', async () => {
      await runningPod('crasher', 'crash');
      // kwok runs no containers; the status a kubelet writes for a crash loop, written as kwok would.
      const now = new Date().toISOString();
      const status = {
        status: {
          containerStatuses: [
            {
              name: 'app',
              image: 'registry.example/app:1.0',
              imageID: '',
              ready: false,
              started: false,
              restartCount: 4,
              state: {
                waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
              },
              lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
            },
          ],
        },
      };
      await kubectl([
        'patch',
        'pod',
        'crasher',
        '-n',
        'crash',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(status),
      ]);
      // The reason the quote is missing, as kubectl says it: kwok's nodes have no kubelet to ask.
      const logs = await cp.kubectl(['logs', 'crasher', '-n', 'crash', '--previous']);
      expect(logs.exitCode).not.toBe(0);

      const { out, io } = capture();
      const code = await analyzeMain(['--kubeconfig', cp.kubeconfig('admin'), '-n', 'crash', '--json'], io);
      expect(code).toBe(1);
      const report = JSON.parse(out.stdout) as { findings: { id: string; detail: string[] }[] };
      const crash = report.findings.find((f) => f.id === 'pod-failures:Pod/crash/crasher:crashloop:app');
      const unavailable = crash?.detail.filter((l) => l.startsWith('previous log unavailable: ')) ?? [];
      console.error(`cluster.cluster: ${unavailable[0]}`);
      expect(unavailable).toHaveLength(1);
      const reason = /^previous log unavailable: (.*) \(HTTP (\d+)\)$/.exec(unavailable[0]!);
      expect(reason, unavailable[0]).not.toBeNull();
      expect(reason![1]).toMatch(
        /^Get "https:\/\/127\.0\.0\.1:\d+\/containerLogs\/crash\/crasher\/app\?previous=true/,
      );
      expect(logs.stderr).toContain(reason![1]!.split('": ').at(-1)); // the cause kubectl prints too

      // The cockpit: all namespaces (cluster scope, so the quiet cockpit's watch count stays its own).
      const connection = loadConnection({ kubeconfig: cp.kubeconfig('admin'), allNamespaces: true });
      const data = startCockpitData(connection, 60_000);
      const crashLogs = startCrashLogs(data.store, connection.kubeConfig);
      cleanups.push(() => {
        crashLogs.stop();
        data.stop();
      });
      await until(data, (s) => s.logErrors['crash/crasher/app'] !== undefined, 30_000);
      const state = data.store.getState();
      expect(state.logErrors['crash/crasher/app']).toBe(
        unavailable[0]!.replace('previous log unavailable: ', ''),
      );
      const finding = analyze(snapshotFromState(state, Date.now())).find(
        (f) => f.id === 'pod-failures:Pod/crash/crasher:crashloop:app',
      );
      expect(finding?.detail).toContain(`previous log unavailable: ${state.logErrors['crash/crasher/app']}`);
      crashLogs.stop();
      data.stop();
    });

    it(
      'a quiet watch stays open past the old 30 s threshold: no re-open, no relist',
      async () => {
        const wait = quietSince + OLD_IDLE_THRESHOLD_MS + 5_000 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const after = await namespacedWatches();
        console.error(`cluster.cluster: quiet for ${Date.now() - quietSince} ms: ${JSON.stringify(after)}`);
        expect(after.completed).toBe(watchesAtStart); // no watch of the quiet cockpit ended
        expect(after.open).toBe(4);
        expect(quiet!.store.getState().connection.status).toBe('connected');
      },
      OLD_IDLE_THRESHOLD_MS + 30_000,
    );

    it('a watch the server ends on its timeoutSeconds is resumed from its version, not relisted', async () => {
      const count = async (verb: 'LIST' | 'WATCH'): Promise<number> => {
        const r = await cp.request('/metrics');
        let n = 0;
        for (const line of r.body.split('\n'))
          if (
            line.startsWith('apiserver_request_total{') &&
            /resource="(pods|deployments|replicasets|events)"/.test(line) &&
            /scope="namespace"/.test(line) &&
            line.includes(`verb="${verb}"`)
          )
            n += Number(line.split(' ').at(-1));
        return n;
      };
      const data = startCockpitData(
        loadConnection({ kubeconfig: cp.kubeconfig('admin'), namespace: 'ok' }),
        60_000,
        {
          watchTimeoutSeconds: 2,
        },
      );
      cleanups.push(() => data.stop());
      // Every counted kind's first list is in (the pods' first is not the last: the others list
      // beside it, and the cockpit starts its later kinds once the pods are in).
      const counted = ['pods', 'deployments', 'replicasets', 'events'] as const;
      await until(
        data,
        (s) => s.connection.status === 'connected' && counted.every((k) => s.synced[k] === true),
        30_000,
      );
      const lists = await count('LIST');
      const watches = await count('WATCH');
      await new Promise((r) => setTimeout(r, 7_000));
      // Four namespaced kinds, each ended by the server every 2 s and opened again from its version.
      expect((await count('WATCH')) - watches).toBeGreaterThanOrEqual(8);
      expect(await count('LIST')).toBe(lists);
      expect(data.store.getState().connection.status).toBe('connected');
      expect([...data.store.getState().pods.keys()]).toEqual(['ok/web']);
      data.stop();
    });

    it('a paused etcd behind a live apiserver leaves `connected` (from /readyz), and comes back', async () => {
      const data = quiet!;
      expect(data.store.getState().connection.status).toBe('connected');
      cp.pauseEtcd();
      const paused = Date.now();
      try {
        await until(data, (s) => s.connection.status !== 'connected', 25_000);
        const took = Date.now() - paused;
        console.error(
          `cluster.cluster: not connected ${took} ms after pauseEtcd: ${data.store.getState().connection.message}`,
        );
        expect(data.store.getState().connection.status).toBe('reconnecting');
        expect(data.store.getState().connection.message).toMatch(
          /^API server not ready \(\/readyz (500: etcd.* failed|: no answer within 10 s)\)$/,
        );
      } finally {
        cp.resumeEtcd();
      }
      const resumed = Date.now();
      await until(
        data,
        (s) => s.connection.status === 'connected' && s.connection.message === undefined,
        20_000,
      );
      console.error(`cluster.cluster: connected again ${Date.now() - resumed} ms after resumeEtcd`);
    }, 60_000);
  },
);
