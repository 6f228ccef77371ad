// Issue 13's "done when", judged by both clusters: each fault class is made with the real kubectl
// in a namespace of its own, the cluster's own controllers react (the PV controller's
// ProvisioningFailed, the HPA controller's conditions, the disruption controller's status, the
// EndpointSlice controller's slices, the scheduler's FailedScheduling), `aiops-tui analyze`'s two
// steps (fetchSnapshot, analyze) find it with its evidence, and where the cockpit proposes a fix,
// that fix goes through the signed CLI (propose → approve → execute) and the finding is gone when
// the cluster is read again.
//
// The same test runs against the simulator and the real control plane (kube-apiserver,
// controller-manager and scheduler 1.34, etcd, kwok's fake nodes); where they disagree the real
// one is right and the simulator's side is `it.fails` (simDiffers). kwok runs no containers: a
// pod "runs" whatever its spec says, so what only a kubelet produces (a container's config error,
// a failed container) is asserted on the simulator only, or written as the kubelet writes it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { askOffline } from '../../src/assistants/offline.js';
import { getJson } from '../../src/cluster/http.js';
import { makeTeam, type Team } from '../audit/identities.js';
import {
  TARGETS,
  builtCli,
  ensureBuiltCli,
  startTarget,
  targetMissing,
  type Target,
  type TargetName,
} from './targets.js';

const cli = builtCli;

// Where the simulator differs from the real server: real behaviour is asserted.
const simDiffers = (target: TargetName) => (target === 'simulator' ? it.concurrent.fails : it.concurrent);
/** What only a kubelet that runs containers produces: kwok's fake nodes do not. */
const kubeletOnly = (target: TargetName) => (target === 'simulator' ? it.concurrent : it.skip);

beforeAll(() => ensureBuiltCli('analysis.cluster'), 180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Splits a command line as a shell would for the quoting our fixes use ('…' around JSON). */
const words = (command: string) => [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Obj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown> & { nodeName?: string };
  status?: Record<string, unknown> & { conditions?: Condition[]; phase?: string };
}
interface EventObj {
  reason?: string;
  message?: string;
  involvedObject: { kind?: string; name?: string };
}

describe.each(TARGETS)('against the %s', (name) => {
  const missing = targetMissing(name);
  if (missing) console.warn(`analysis.cluster (${name}): skipped: ${missing}`);
  const run = missing ? describe.skip : describe;

  run(missing ? `(skipped: ${missing})` : 'each fault class found, and its fix makes it go away', () => {
    let t: Target;
    let kc: KubeConfig;
    let team: Team;
    let history: string;
    let policy: string;
    const started = Date.now();

    beforeAll(async () => {
      t = await startTarget(name);
      kc = new KubeConfig();
      kc.loadFromFile(t.kubeconfig('admin'));
      team = makeTeam(['alice', 'bob', 'carol']);
      history = mkdtempSync(join(tmpdir(), 'aiops-analysis-history-'));
      policy = join(mkdtempSync(join(tmpdir(), 'aiops-analysis-policy-')), 'policy.yaml');
      // Service and Ingress patches have no workload to watch: the window is short either way.
      writeFileSync(policy, `validation_window_seconds: ${name === 'simulator' ? 8 : 2}\n`);
      console.error(`analysis.cluster (${name}): up in ${Date.now() - started} ms`);
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
      console.error(`analysis.cluster (${name}): done in ${Date.now() - started} ms`);
    });

    // ---- helpers --------------------------------------------------------------------------

    const kubectl = async (args: string[], input?: string) => {
      const r = await t.kubectl(args, input === undefined ? {} : { input });
      expect(r.exitCode, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    /** A namespace of its own and the class's objects in it, applied by the real kubectl. */
    const setUp = async (namespace: string, objects: object[]) => {
      await kubectl(['create', 'namespace', namespace]);
      // One YAML stream, as a manifest file is (a `kind: List` is a fidelity probe of its own).
      await kubectl(
        ['apply', '-f', '-'],
        objects.map((o) => stringify(withNamespace(o, namespace))).join('---\n'),
      );
    };
    const withNamespace = (o: object, namespace: string) => ({
      ...o,
      metadata: { ...(o as { metadata: Record<string, unknown> }).metadata, namespace },
    });
    /** Reads until `ok` holds (polled, cheap in-process GETs), or fails at the deadline with the last value. */
    async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000) {
      const deadline = Date.now() + ms;
      let value = await read();
      while (!ok(value)) {
        if (Date.now() > deadline)
          throw new Error(`${name}: timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 2000)}`);
        await sleep(250);
        value = await read();
      }
      return value;
    }
    const get = <T = Obj>(path: string) => getJson<T>(kc, path);
    const list = async <T = Obj>(path: string) => (await getJson<{ items: T[] }>(kc, path)).items;
    const events = (namespace: string) => list<EventObj>(`/api/v1/namespaces/${namespace}/events`);
    const eventOf = (all: EventObj[], kind: string, objectName: string, reason: string) =>
      all.find(
        (e) => e.involvedObject.kind === kind && e.involvedObject.name === objectName && e.reason === reason,
      );
    const runningPods = (namespace: string, app: string, n: number) =>
      until(
        `${n} running pods app=${app} in ${namespace}`,
        () => list(`/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`),
        (pods) =>
          pods.length === n &&
          pods.every(
            (p) =>
              p.status?.phase === 'Running' &&
              p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          ),
      );

    /** The first container's waiting state, as the kubelet writes it. */
    const waitingOf = (p: Obj) =>
      (
        p.status?.containerStatuses as
          { state?: { waiting?: { reason?: string; message?: string } } }[] | undefined
      )?.[0]?.state?.waiting;

    /** `aiops-tui analyze -n NAMESPACE`'s two steps, in this process. */
    const analyse = async (
      namespace: string,
    ): Promise<{ snapshot: ClusterSnapshot; findings: Finding[] }> => {
      const { snapshot } = await fetchSnapshot(kc, namespace, { recentLogs: false });
      return { snapshot, findings: analyze(snapshot) };
    };
    const ids = (findings: Finding[]) => findings.map((f) => f.id);
    const found = (findings: Finding[], id: string): Finding => {
      const finding = findings.find((f) => f.id === id);
      expect(finding, `${id} among ${ids(findings).join(', ')}`).toBeDefined();
      return finding!;
    };

    /** aiops-tui (the built CLI) as a person, with the test's history and policy. */
    const workflow = (args: string[], person: string) =>
      execa(
        process.execPath,
        [
          cli,
          ...args,
          ...['--kubeconfig', t.kubeconfig('admin'), '--history-dir', history, '--policy', policy],
          ...team.flags(person),
        ],
        { reject: false, stdin: 'ignore', env: { CI: 'true' }, timeout: 90_000 },
      );
    const recordStatus = (id: string) =>
      /\nstatus: "([\w-]+)"\n/.exec(readFileSync(join(history, 'prompts', `${id}.md`), 'utf8'))?.[1];

    /** The finding's proposed fix, as the cockpit would queue it: alice proposes, bob (and carol) approve. */
    async function applyFix(finding: Finding): Promise<void> {
      const command = finding.recommendation?.kubectl;
      expect(command, `${finding.id} proposes a fix`).toBeDefined();
      const proposed = await workflow(['propose', command!], 'alice');
      expect(proposed.exitCode, `propose ${command}: ${proposed.stderr}`).toBe(0);
      const [id, , status] = proposed.stdout.trim().split(' ');
      expect(status).toBe('awaiting-approval');
      for (const person of ['bob', 'carol']) {
        const approved = await workflow(['approve', id!], person);
        expect(approved.exitCode, `approve by ${person}: ${approved.stderr}${approved.stdout}`).toBe(0);
        if (recordStatus(id!) !== 'awaiting-approval') break;
      }
      expect(recordStatus(id!)).toBe('validated');
    }

    // ---- the objects ----------------------------------------------------------------------

    const container = (extra: Record<string, unknown> = {}) => ({
      name: 'app',
      image: 'nginx:1.27',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      ...extra,
    });
    const deployment = (app: string, replicas: number, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app },
      spec: {
        replicas,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { automountServiceAccountToken: false, containers: [container(extra)] },
        },
      },
    });
    const service = (svc: string, selector: Record<string, string>, port: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc },
      spec: { selector, ports: [port] },
    });
    const HTTP = { ports: [{ name: 'http', containerPort: 8080 }] };

    // ---- 1. a Service selector with a typo -------------------------------------------------

    it.concurrent(
      'a Service selector with a typo: no-matching-pods with the selector patch; approved, the EndpointSlice lists the pods',
      async () => {
        const ns = 'an-selector';
        await setUp(ns, [
          deployment('web', 2, HTTP),
          service('web', { app: 'wbe' }, { port: 80, targetPort: 8080 }),
        ]);
        await runningPods(ns, 'web', 2);
        // The EndpointSlice controller has written the Service's slice, with no endpoint.
        await until(
          'the empty EndpointSlice of web',
          () =>
            list<Obj & { endpoints?: unknown[] }>(
              `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
            ),
          (slices) => slices.some((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web'),
        );
        const { findings } = await analyse(ns);
        const f = found(findings, `services:Service/${ns}/web:no-matching-pods`);
        expect(f.severity).toBe('critical');
        expect(f.detail).toContain('selector: app=wbe');
        expect(f.detail).toContain(
          `nearest: Deployment ${ns}/web: 2 pods labelled app=web (selector wants app=wbe)`,
        );
        expect(f.recommendation?.kubectl).toBe(
          `kubectl patch service/web -n ${ns} --type=merge -p '{"spec":{"selector":{"app":"web"}}}'`,
        );

        await applyFix(f);
        expect(await kubectl(['get', 'service', 'web', '-n', ns, '-o', 'jsonpath={.spec.selector}'])).toBe(
          '{"app":"web"}',
        );
        const pods = (await list(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`)).map(
          (p) => p.metadata.name,
        );
        // Read back with kubectl: the slice now routes to both pods, on the target port.
        const sliceTargets = async () =>
          (await kubectl([
              'get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=web',
              '-o', 'jsonpath={.items[*].endpoints[*].targetRef.name}',
            ])) // prettier-ignore
            .split(/\s+/)
            .filter(Boolean)
            .sort();
        await until(
          'the EndpointSlice to list the pods',
          sliceTargets,
          (names) => names.join() === pods.sort().join(),
        );
        const after = await analyse(ns);
        expect(ids(after.findings).filter((id) => id.startsWith(`services:Service/${ns}/web:`))).toEqual([]);
      },
      180_000,
    );

    // ---- 2. a targetPort no container declares ---------------------------------------------

    it.concurrent(
      'a targetPort no container declares: target-port with the port patch; approved, the slice serves the declared port',
      async () => {
        const ns = 'an-target-port';
        await setUp(ns, [
          deployment('api', 1, HTTP),
          service('api', { app: 'api' }, { port: 80, targetPort: 9090 }),
        ]);
        await runningPods(ns, 'api', 1);
        const slicePorts = () =>
          kubectl([
            'get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=api',
            '-o', 'jsonpath={.items[*].ports[*].port}',
          ]); // prettier-ignore
        await until('the EndpointSlice of api on port 9090', slicePorts, (p) => p.trim() === '9090');
        const { findings } = await analyse(ns);
        const f = found(findings, `services:Service/${ns}/api:target-port:80`);
        expect(f.title).toBe('Service port 80 targets port 9090, which no container declares');
        expect(f.detail).toEqual([
          'port 80/TCP → targetPort 9090',
          'containerPorts of the 1 matching pod: app:8080 (http)/TCP',
        ]);

        await applyFix(f);
        expect(
          await kubectl(['get', 'service', 'api', '-n', ns, '-o', 'jsonpath={.spec.ports[0].targetPort}']),
        ).toBe('8080');
        await until('the EndpointSlice of api on port 8080', slicePorts, (p) => p.trim() === '8080');
        const after = await analyse(ns);
        expect(ids(after.findings).filter((id) => id.startsWith(`services:Service/${ns}/api:`))).toEqual([]);
      },
      180_000,
    );

    // ---- 3. a missing ConfigMap key and a missing Secret -----------------------------------

    const configObjects = () => [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { OTHER: 'x' } },
      deployment('cfg', 1, {
        env: [
          // First: the kubelet reports the first reference it cannot resolve.
          { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password' } } },
        ],
      }),
    ];

    it.concurrent(
      'a missing ConfigMap key and a missing Secret: found from the spec; made as the findings say, they are gone',
      async () => {
        const ns = 'an-config';
        await setUp(ns, configObjects());
        await until(
          'the pod of cfg',
          () => list(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dcfg`),
          (pods) => pods.length === 1,
        );
        const { findings } = await analyse(ns);
        const key = found(
          findings,
          `config-references:Deployment/${ns}/cfg:missing-key:ConfigMap/app-config`,
        );
        expect(key.title).toBe('ConfigMap app-config lacks key LOG_LEVEL');
        expect(key.detail).toContain(
          `container app env LOG_LEVEL needs key LOG_LEVEL of ConfigMap ${ns}/app-config: the key does not exist`,
        );
        expect(key.detail).toContain(`ConfigMap ${ns}/app-config has keys: OTHER`);
        const secret = found(
          findings,
          `config-references:Deployment/${ns}/cfg:missing-object:Secret/db-secret`,
        );
        expect(secret.detail).toContain(
          `container app env DB_PASSWORD needs Secret ${ns}/db-secret key password: the Secret does not exist`,
        );
        // The fix names exactly what to make; only the values are the user's.
        for (const f of [key, secret]) {
          const command = /: (kubectl [^;]+);/.exec(f.suggestedFix ?? '')?.[1];
          expect(command, f.suggestedFix).toBeDefined();
          await kubectl(words(command!.replaceAll('<value>', 'filled-in')).slice(1));
        }
        expect(
          await kubectl(['get', 'configmap', 'app-config', '-n', ns, '-o', 'jsonpath={.data.LOG_LEVEL}']),
        ).toBe('filled-in');
        expect(
          await kubectl(['get', 'secret', 'db-secret', '-n', ns, '-o', 'jsonpath={.data.password}']),
        ).toBe(Buffer.from('filled-in').toString('base64'));
        const after = await analyse(ns);
        expect(ids(after.findings).filter((id) => id.startsWith('config-references:'))).toEqual([]);
      },
    );

    kubeletOnly(name)(
      'a missing ConfigMap key: the kubelet holds the pod in CreateContainerConfigError, and the finding quotes it',
      async () => {
        const ns = 'an-config-kubelet';
        await setUp(ns, configObjects());
        const [pod] = await until(
          'the pod of cfg in CreateContainerConfigError',
          () => list(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dcfg`),
          (pods) => pods.length === 1 && waitingOf(pods[0]!)?.reason === 'CreateContainerConfigError',
        );
        expect(waitingOf(pod!)?.message).toBe(`couldn't find key LOG_LEVEL in ConfigMap ${ns}/app-config`);
        const { findings } = await analyse(ns);
        const f = found(findings, `config-references:Deployment/${ns}/cfg:missing-key:ConfigMap/app-config`);
        expect(f.detail).toContain(
          `pod ${pod!.metadata.name} container app: CreateContainerConfigError: couldn't find key LOG_LEVEL in ConfigMap ${ns}/app-config`,
        );
        expect(f.affected).toContainEqual({ kind: 'Pod', namespace: ns, name: pod!.metadata.name });
      },
    );

    // The kubelet's words for a whole missing object name no namespace: `secret "db-secret" not found`.
    kubeletOnly(name)(
      'a missing Secret: the pod the kubelet holds in CreateContainerConfigError is named in the finding',
      async () => {
        const ns = 'an-secret';
        await setUp(ns, [
          deployment('needs-secret', 1, {
            env: [
              { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password' } } },
            ],
          }),
        ]);
        const [pod] = await until(
          'the pod of needs-secret in CreateContainerConfigError',
          () => list(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dneeds-secret`),
          (pods) => pods.length === 1 && waitingOf(pods[0]!)?.reason === 'CreateContainerConfigError',
        );
        expect(waitingOf(pod!)?.message).toBe('secret "db-secret" not found');
        const { findings } = await analyse(ns);
        const f = found(
          findings,
          `config-references:Deployment/${ns}/needs-secret:missing-object:Secret/db-secret`,
        );
        expect(f.affected).toContainEqual({ kind: 'Pod', namespace: ns, name: pod!.metadata.name });
        expect(f.detail).toContain(
          `pod ${pod!.metadata.name} container app: CreateContainerConfigError: secret "db-secret" not found`,
        );
      },
    );

    // ---- 4. a PVC of a StorageClass that does not exist ------------------------------------

    it.concurrent(
      "a PVC of a StorageClass that does not exist: pending, with the PV controller's and the scheduler's messages",
      async () => {
        const ns = 'an-storage';
        await setUp(ns, [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: {
              storageClassName: 'fast-ssd',
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '1Gi' } },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'db', labels: { app: 'db' } },
            spec: {
              automountServiceAccountToken: false,
              containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
              volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
            },
          },
        ]);
        const all = await until(
          "the PV controller's ProvisioningFailed and the scheduler's FailedScheduling",
          () => events(ns),
          (es) =>
            !!eventOf(es, 'PersistentVolumeClaim', 'data', 'ProvisioningFailed') &&
            !!eventOf(es, 'Pod', 'db', 'FailedScheduling'),
        );
        const provisioning = eventOf(all, 'PersistentVolumeClaim', 'data', 'ProvisioningFailed')!;
        const scheduling = eventOf(all, 'Pod', 'db', 'FailedScheduling')!;
        console.error(`analysis.cluster (${name}): ProvisioningFailed: ${provisioning.message}`);
        console.error(`analysis.cluster (${name}): FailedScheduling: ${scheduling.message}`);
        expect(provisioning.message).toBe('storageclass.storage.k8s.io "fast-ssd" not found');
        expect(scheduling.message).toMatch(
          // (The count includes the node class 5 adds meanwhile; "not found" is the real 1.34 text.)
          /^0\/\d+ nodes are available: pod has unbound immediate PersistentVolumeClaims\. not found$/,
        );
        const { findings } = await analyse(ns);
        const f = found(findings, `storage:PersistentVolumeClaim/${ns}/data:pending`);
        expect(f.severity).toBe('critical');
        expect(f.title).toBe('PersistentVolumeClaim is Pending: class fast-ssd, which does not exist');
        expect(f.detail).toContain('storageClassName: fast-ssd, which does not exist');
        expect(f.detail).toContainEqual(
          expect.stringMatching(
            /^event ProvisioningFailed( \(×\d+\))?: storageclass\.storage\.k8s\.io "fast-ssd" not found$/,
          ),
        );
        expect(f.detail).toContainEqual(
          expect.stringMatching(
            /^pod db waits on it: event FailedScheduling( \(×\d+\))?: 0\/\d+ nodes are available: pod has unbound immediate PersistentVolumeClaims\./,
          ),
        );
        expect(f.affected).toEqual([{ kind: 'Pod', namespace: ns, name: 'db' }]);
      },
    );

    // ---- 5. a node NotReady ------------------------------------------------------------------

    it.concurrent(
      'a node NotReady: not-ready with its condition and taints, and the offline health answer is not healthy',
      async () => {
        const ns = 'an-node';
        const node = 'analysis-down';
        // No kwok annotation: no fake kubelet heartbeats it back to Ready. No capacity: nothing is
        // scheduled there in the moment before its status says NotReady.
        await kubectl(['create', 'namespace', ns]);
        const created = JSON.parse(
          await kubectl(
            ['create', '-f', '-', '-o', 'json'],
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'Node',
              metadata: { name: node, labels: { 'kubernetes.io/hostname': node } },
            }),
          ),
        ) as Obj;
        try {
          const now = new Date().toISOString();
          const message =
            'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
          // The status a kubelet writes when its runtime's network is down.
          await kubectl([
            'patch', 'node', node, '--subresource=status', '--type=merge',
            '-p', JSON.stringify({
              status: {
                conditions: [
                  { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message, lastHeartbeatTime: now, lastTransitionTime: now },
                ],
              },
            }),
          ]); // prettier-ignore
          expect(created.metadata.name).toBe(node);
          // The node lifecycle controller taints it.
          await until(
            'the not-ready taints',
            () => get(`/api/v1/nodes/${node}`),
            (n) =>
              ((n.spec?.taints as { key: string; effect: string }[] | undefined) ?? []).filter(
                (x) => x.key === 'node.kubernetes.io/not-ready',
              ).length === 2,
          );
          const { snapshot, findings } = await analyse(ns);
          const f = found(findings, `nodes:Node/${node}:not-ready`);
          expect(f.severity).toBe('critical');
          expect(f.title).toBe('Node is NotReady: KubeletNotReady');
          expect(f.detail[0]).toMatch(
            new RegExp(`^Ready=False \\(KubeletNotReady: container runtime network not ready`),
          );
          expect(f.detail).toContain('0 pods run on it');
          expect(f.detail).toContainEqual(
            expect.stringMatching(
              /^taints: node\.kubernetes\.io\/not-ready:(NoSchedule, node\.kubernetes\.io\/not-ready:NoExecute|NoExecute, node\.kubernetes\.io\/not-ready:NoSchedule)$/,
            ),
          );
          const health = askOffline('analyze cluster health', snapshot).answer;
          // (The Job class may add a node of its own meanwhile: the counts are read, not assumed.)
          expect(health).toMatch(/^\*\*Cluster health:\*\* (.*, )?\d+ nodes? not ready/m);
          expect(health).not.toMatch(/^\*\*Cluster health:\*\* healthy/m);
          const [, ready, total] = /^- nodes ready: (\d+)\/(\d+)$/m.exec(health) ?? [];
          expect(Number(ready)).toBeLessThan(Number(total));
        } finally {
          await t.kubectl(['delete', 'node', node, '--wait=false']);
        }
      },
    );

    // ---- 6. HPAs that cannot scale -----------------------------------------------------------

    /** An HPA on a Deployment that does not exist, and the HPA controller's AbleToScale=False. */
    async function ghostScale(ns: string): Promise<Condition> {
      await setUp(ns, [hpa('ghost')]);
      const h = await until(
        "the HPA controller's AbleToScale=False",
        () => get(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/ghost`),
        (x) => !!x.status?.conditions?.some((c) => c.type === 'AbleToScale' && c.status === 'False'),
      );
      return h.status!.conditions!.find((c) => c.type === 'AbleToScale')!;
    }

    it.concurrent('an HPA whose target does not exist: target-missing with FailedGetScale', async () => {
      const ns = 'an-hpa-ghost';
      const able = await ghostScale(ns);
      console.error(`analysis.cluster (${name}): AbleToScale: ${JSON.stringify(able)}`);
      expect(able.reason).toBe('FailedGetScale');
      expect(able.message).toMatch(/^the HPA controller was unable to get the target's current scale: /);
      const { findings } = await analyse(ns);
      const f = found(findings, `autoscalers:HorizontalPodAutoscaler/${ns}/ghost:target-missing`);
      expect(f.severity).toBe('critical');
      expect(f.detail).toEqual([
        'scaleTargetRef: apps/v1 Deployment/ghost',
        `no Deployment ${ns}/ghost in the cluster`,
        `AbleToScale=False (FailedGetScale): ${able.message}`,
      ]);
    });

    // The scale client's error is the Deployment GET's NotFound (the apiserver's ScaleREST), not
    // one naming the scale subresource.
    it.concurrent("the HPA controller's FailedGetScale message names deployments.apps", async () => {
      const able = await ghostScale('an-hpa-ghost-text');
      expect(able.message).toBe(
        `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found`,
      );
    });

    function hpa(target: string) {
      return {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: target },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
            },
          ],
        },
      };
    }

    it.concurrent(
      'an HPA on a Deployment without cpu requests: missing-request with FailedGetResourceMetric',
      async () => {
        const ns = 'an-hpa-requests';
        const noRequests = deployment('nocpu', 1);
        noRequests.spec.template.spec.containers[0]!.resources = { limits: { memory: '128Mi' } } as never;
        await setUp(ns, [noRequests, hpa('nocpu')]);
        await runningPods(ns, 'nocpu', 1);
        const h = await until(
          "the HPA controller's ScalingActive=False",
          () => get(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/nocpu`),
          (x) => !!x.status?.conditions?.some((c) => c.type === 'ScalingActive' && c.status === 'False'),
        );
        const active = h.status!.conditions!.find((c) => c.type === 'ScalingActive')!;
        // The real controller asks the metrics API first (none here: metrics-server is not
        // installed), the simulator serves metrics and then finds no request; same reason.
        console.error(`analysis.cluster (${name}): ScalingActive: ${JSON.stringify(active)}`);
        expect(active.reason).toBe('FailedGetResourceMetric');
        const { findings } = await analyse(ns);
        const f = found(findings, `autoscalers:HorizontalPodAutoscaler/${ns}/nocpu:missing-request:app`);
        expect(f.detail).toContain('container app of Deployment/nocpu has no cpu request');
        expect(f.detail).toContain(`ScalingActive=False (FailedGetResourceMetric): ${active.message}`);
      },
    );

    // ---- 7. Ingresses to a missing Service and to a missing port ----------------------------

    it.concurrent(
      'Ingresses to a missing Service and to a port the Service lacks: found; the port fix approved, gone',
      async () => {
        const ns = 'an-ingress';
        const ingress = (ingressName: string, backend: string, port: number) => ({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: ingressName },
          spec: {
            rules: [
              {
                host: `${ingressName}.example.test`,
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: backend, port: { number: port } } },
                    },
                  ],
                },
              },
            ],
          },
        });
        await setUp(ns, [
          deployment('shop', 1, HTTP),
          service('shop', { app: 'shop' }, { name: 'http', port: 80, targetPort: 'http' }),
          ingress('to-missing', 'shopp', 80),
          ingress('wrong-port', 'shop', 8080),
        ]);
        await runningPods(ns, 'shop', 1);
        const { findings } = await analyse(ns);
        const gone = found(findings, `ingress:Ingress/${ns}/to-missing:backend-service:shopp`);
        expect(gone.detail).toEqual([
          'to-missing.example.test/ → service shopp:80',
          `services in ${ns}: shop`,
        ]);
        expect(gone.suggestedFix).toBe(
          'Point the backend at service shop (the name differs by a typo), or create service shopp.',
        );
        const port = found(findings, `ingress:Ingress/${ns}/wrong-port:backend-port:shop:8080`);
        expect(port.detail).toEqual([
          'wrong-port.example.test/ → service shop:8080',
          'service shop ports: http=80/TCP',
        ]);

        await applyFix(port);
        expect(
          await kubectl([
            'get', 'ingress', 'wrong-port', '-n', ns,
            '-o', 'jsonpath={.spec.rules[0].http.paths[0].backend.service.port.number}',
          ]), // prettier-ignore
        ).toBe('80');
        const after = await analyse(ns);
        expect(
          ids(after.findings).filter((id) => id.startsWith(`ingress:Ingress/${ns}/wrong-port:backend-`)),
        ).toEqual([]);
        expect(ids(after.findings)).toContain(`ingress:Ingress/${ns}/to-missing:backend-service:shopp`);
      },
      180_000,
    );

    // ---- 8. PodDisruptionBudgets -------------------------------------------------------------

    it.concurrent(
      'a PDB that matches nothing and one that blocks every eviction: found; a real drain is refused with the 429',
      async () => {
        const ns = 'an-pdb';
        const pdb = (pdbName: string, app: string, minAvailable: number) => ({
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: pdbName },
          spec: { minAvailable, selector: { matchLabels: { app } } },
        });
        await setUp(ns, [
          deployment('guarded', 2),
          pdb('guarded', 'guarded', 2),
          pdb('orphan', 'nothing', 1),
        ]);
        const pods = await runningPods(ns, 'guarded', 2);
        // The disruption controller's numbers, once it has counted the pods.
        const status = await until(
          "the disruption controller's status of guarded",
          () => get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/guarded`),
          (p) => p.status?.observedGeneration !== undefined && p.status.currentHealthy === 2,
        );
        expect(status.status).toMatchObject({
          currentHealthy: 2,
          desiredHealthy: 2,
          expectedPods: 2,
          disruptionsAllowed: 0,
        });
        expect(status.status!.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
          ['DisruptionAllowed', 'False', 'InsufficientPods'],
        ]);
        const all = await until(
          "the disruption controller's NoPods event of orphan",
          () => events(ns),
          (es) => !!eventOf(es, 'PodDisruptionBudget', 'orphan', 'NoPods'),
        );
        expect(eventOf(all, 'PodDisruptionBudget', 'orphan', 'NoPods')!.message).toBe(
          'No matching pods found',
        );

        const { findings } = await analyse(ns);
        const orphan = found(findings, `disruption-budgets:PodDisruptionBudget/${ns}/orphan:no-pods`);
        expect(orphan.detail).toEqual([
          'selector: app=nothing',
          `no running pod in ${ns} matches`,
          expect.stringMatching(/^event NoPods( \(×\d+\))?: No matching pods found$/),
        ]);
        const blocks = found(
          findings,
          `disruption-budgets:PodDisruptionBudget/${ns}/guarded:blocks-eviction`,
        );
        expect(blocks.detail).toContain(
          'pods: 2 expected, 2 healthy, 2 must stay healthy, 0 disruptions allowed',
        );

        // A real drain of the node of one of the pods: the eviction API answers 429.
        const node = pods[0]!.spec!.nodeName!;
        try {
          const drain = await t.kubectl(
            [
              'drain',
              node,
              '--pod-selector=app=guarded',
              '--ignore-daemonsets',
              '--delete-emptydir-data',
              '--timeout=5s',
            ],
            { timeoutMs: 60_000 },
          );
          console.error(
            `analysis.cluster (${name}): drain: ${drain.stderr.split('\n').slice(0, 3).join(' | ')}`,
          );
          expect(drain.exitCode).not.toBe(0);
          expect(drain.stderr).toContain(
            `error when evicting pods/"${pods.find((p) => p.spec?.nodeName === node)!.metadata.name}" -n "${ns}" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
          );
          expect(drain.stderr).toMatch(/global timeout reached: 5s/);
        } finally {
          await t.kubectl(['uncordon', node]);
        }
        expect((await runningPods(ns, 'guarded', 2)).map((p) => p.metadata.name).sort()).toEqual(
          pods.map((p) => p.metadata.name).sort(),
        );
      },
      120_000,
    );

    // ---- 9. a failing Job --------------------------------------------------------------------

    it.concurrent('a Job whose command fails (backoffLimit 0): job-failed with the exit code', async () => {
      const ns = 'an-job';
      const job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              containers: [{ name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }],
            },
          },
        },
      };
      // kwok completes every Job's pod (its pod-complete stage) and runs no command: on the control
      // plane the pod goes to a node no fake kubelet manages, its failure is written there as the
      // kubelet writes it, and the real Job controller judges it.
      const node = 'analysis-kubelet';
      if (name === 'control plane') {
        (job.spec.template.spec as Record<string, unknown>).nodeName = node;
        await kubectl(
          ['create', '-f', '-'],
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: node, labels: { 'kubernetes.io/hostname': node } },
          }),
        );
      }
      try {
        await setUp(ns, [job]);
        if (name === 'control plane') {
          const [pod] = await until(
            'the pod of migrate',
            () => list(`/api/v1/namespaces/${ns}/pods?labelSelector=job-name%3Dmigrate`),
            (ps) => ps.length === 1,
          );
          const now = new Date().toISOString();
          await kubectl([
            'patch', 'pod', pod!.metadata.name, '-n', ns, '--subresource=status', '--type=merge',
            '-p', JSON.stringify({
              status: {
                phase: 'Failed',
                startTime: now,
                containerStatuses: [
                  {
                    name: 'migrate', image: 'busybox:1.36', imageID: '', ready: false, started: false, restartCount: 0,
                    state: { terminated: { exitCode: 3, reason: 'Error', startedAt: now, finishedAt: now } },
                  },
                ],
              },
            }),
          ]); // prettier-ignore
        }
        await jobFails(ns);
      } finally {
        if (name === 'control plane') await t.kubectl(['delete', 'node', node, '--wait=false']);
      }
    });

    async function jobFails(ns: string) {
      const j = await until(
        "the Job controller's Failed condition",
        () => get(`/apis/batch/v1/namespaces/${ns}/jobs/migrate`),
        (x) => !!x.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'),
      );
      const failed = j.status!.conditions!.find((c) => c.type === 'Failed')!;
      expect([failed.reason, failed.message]).toEqual([
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      ]);
      const { findings } = await analyse(ns);
      const f = found(findings, `controllers:Job/${ns}/migrate:job-failed`);
      expect(f.title).toBe('Job migrate failed: BackoffLimitExceeded (migrate exit code 3)');
      expect(f.detail).toContain(
        'condition Failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
      );
      expect(f.detail).toContain('pods: 1 failed (backoffLimit 0), 0 active, 0 succeeded');
      expect(f.detail).toContain('container migrate: Error, exit code 3');
    }

    // ---- 10. a StatefulSet without its governing Service -------------------------------------

    it.concurrent(
      'a StatefulSet whose serviceName Service does not exist: missing-service; the Service made, gone',
      async () => {
        const ns = 'an-statefulset';
        await setUp(ns, [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: { name: 'db' },
            spec: {
              serviceName: 'db-headless',
              replicas: 1,
              selector: { matchLabels: { app: 'db' } },
              template: {
                metadata: { labels: { app: 'db' } },
                spec: {
                  automountServiceAccountToken: false,
                  containers: [container({ ports: [{ containerPort: 5432 }] })],
                },
              },
            },
          },
        ]);
        await runningPods(ns, 'db', 1);
        const { findings } = await analyse(ns);
        const f = found(findings, `controllers:StatefulSet/${ns}/db:missing-service:db-headless`);
        expect(f.detail).toEqual([
          'spec.serviceName: db-headless',
          `no Service ${ns}/db-headless: the pods get no stable DNS names (<pod>.db-headless)`,
        ]);
        const command = /: (kubectl create service [^,]+),/.exec(f.suggestedFix ?? '')?.[1];
        expect(command, f.suggestedFix).toBeDefined();
        await kubectl(words(command!.replaceAll('<port>', '5432')).slice(1));
        expect(
          await kubectl(['get', 'service', 'db-headless', '-n', ns, '-o', 'jsonpath={.spec.clusterIP}']),
        ).toBe('None');
        const after = await analyse(ns);
        expect(ids(after.findings).filter((id) => id.includes(':missing-service:'))).toEqual([]);
      },
    );

    // ---- fidelity ----------------------------------------------------------------------------

    // kubectl validates a `kind: List` against the OpenAPI v2 document (/openapi/v2), which the
    // real server serves.
    simDiffers(name)('kubectl apply of a kind: List validates and creates its items', async () => {
      const ns = 'an-list';
      await kubectl(['create', 'namespace', ns]);
      const r = await t.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'listed', namespace: ns },
              data: { a: '1' },
            },
          ],
        }),
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('configmap/listed created\n');
    });
  });
});
