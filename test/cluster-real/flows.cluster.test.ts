// The end-to-end flows, the same against the embedded simulator and the real control plane, so
// each difference shows as a failing pair: the cockpit's pods pane live in tmux, analyze, the
// offline chat's proposal, approve → execute → validate → rollback for every kind of operation
// (through the CLI, signed, two people for critical), RBAC 403 and 401, an apiserver restart
// mid-watch and a 410 Gone relist. Then the fidelity probes behind docs/simulator.md's list.
//
// A pair that fails because the simulator differs from the real server is `it.fails` on the
// simulator's side, and docs/simulator.md lists it: when the simulator learns it, the `it.fails`
// turns red, and the list loses a line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCockpitData, type DataTuning } from '../../src/cluster/cockpit-service.js';
import { loadConnection } from '../../src/cluster/connect.js';
import type { CockpitState } from '../../src/state/types.js';
import { makeTeam, type Team } from '../audit/identities.js';
import {
  TARGETS,
  builtCli,
  ensureBuiltCli,
  startStallProxy,
  startTarget,
  targetMissing,
  type Target,
  type TargetName,
  type TargetUser,
} from './targets.js';

const root = join(import.meta.dirname, '..', '..');
const cli = builtCli;
const chartDir = join(root, 'helm', 'todo-chart');
const hasTmux = await execa('tmux', ['-V']).then(
  () => true,
  () => false,
);
// Neither cluster here has a volume provisioner, so the chart's postgres (a PVC on the default
// class) is left out; the flows are about the app's Deployments.
const CHART_SET = [
  '--set',
  'backend.secret.databaseUrl=postgresql://todo:test-only@postgres:5432/todo',
  '--set',
  'postgres.enabled=false',
];

// Where the simulator differs from the real server (docs/simulator.md): real behaviour is asserted.
const simDiffers = (target: TargetName) => (target === 'simulator' ? it.fails : it);

beforeAll(() => ensureBuiltCli('flows.cluster'), 180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(TARGETS)('against the %s', (name) => {
  const missing = targetMissing(name);
  if (missing) console.warn(`flows.cluster (${name}): skipped: ${missing}`);
  const run = missing ? describe.skip : describe;

  run(missing ? `(skipped: ${missing})` : 'end-to-end flows', () => {
    let t: Target;
    let team: Team;
    let history: string;
    let policy: string;

    beforeAll(async () => {
      const started = Date.now();
      t = await startTarget(name);
      team = makeTeam(['alice', 'bob', 'carol']);
      history = mkdtempSync(join(tmpdir(), 'aiops-flows-history-'));
      policy = join(mkdtempSync(join(tmpdir(), 'aiops-flows-policy-')), 'policy.yaml');
      // 10 s of stability (on the server's clock: 2.5 s on the simulator at speed 4); a rollout
      // that has not settled by twice that fails.
      // On the simulator a rolling update takes ~15 simulated seconds (readiness probes), which
      // count against the deadline; kwok's pods are ready at once.
      writeFileSync(policy, `validation_window_seconds: ${name === 'simulator' ? 30 : 10}\n`);
      const install = await t.helm(
        [
          'install',
          'todo',
          chartDir,
          '-n',
          'todo',
          '--create-namespace',
          ...CHART_SET,
          '--wait',
          '--timeout',
          '90s',
        ],
        { timeoutMs: 100_000 },
      );
      expect(install.exitCode, install.stderr).toBe(0);
      await settled();
      console.error(`flows.cluster (${name}): up with todo installed in ${Date.now() - started} ms`);
    }, 180_000);
    afterAll(async () => {
      await t?.stop();
    });

    // ---- helpers ------------------------------------------------------------------------

    const kubectl = async (args: string[], user: TargetUser = 'admin') => {
      const r = await t.kubectl(args, { user });
      expect(r.exitCode, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const jsonpath = async (ref: string, path: string, namespace = 'todo') =>
      (await kubectl(['get', ref, ...(namespace ? ['-n', namespace] : []), '-o', `jsonpath=${path}`])).trim();

    interface Pod {
      metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
      spec: { nodeName?: string };
      status: { phase?: string; conditions?: { type: string; status: string }[] };
    }
    const todoPods = async () =>
      (JSON.parse(await kubectl(['get', 'pods', '-n', 'todo', '-o', 'json'])) as { items: Pod[] }).items;
    const ready = (p: Pod) =>
      !p.metadata.deletionTimestamp &&
      p.status.phase === 'Running' &&
      p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

    /** Polls the server until every todo Deployment is rolled out and every pod ready. */
    async function settled(timeoutMs = 60_000): Promise<Pod[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const deployments = JSON.parse(await kubectl(['get', 'deployments', '-n', 'todo', '-o', 'json'])) as {
          items: { spec: { replicas: number }; status: { readyReplicas?: number; replicas?: number } }[];
        };
        const pods = await todoPods();
        const want = deployments.items.reduce((n, d) => n + d.spec.replicas, 0);
        if (
          deployments.items.every(
            (d) => d.status.readyReplicas === d.spec.replicas && d.status.replicas === d.spec.replicas,
          ) &&
          pods.length === want &&
          pods.every(ready)
        )
          return pods;
        if (Date.now() > deadline)
          throw new Error(`todo never settled: ${JSON.stringify(deployments.items.map((d) => d.status))}`);
        await sleep(250);
      }
    }

    /** aiops-tui (the built CLI) as a person, against this target. */
    const aiops = (
      args: string[],
      opts: { person?: string; user?: TargetUser; kubeconfig?: string; timeoutMs?: number } = {},
    ) =>
      execa(
        process.execPath,
        [
          cli,
          ...args,
          '--kubeconfig',
          opts.kubeconfig ?? t.kubeconfig(opts.user ?? 'admin'),
          ...(opts.person ? team.flags(opts.person) : []),
        ],
        { reject: false, stdin: 'ignore', env: { CI: 'true' }, timeout: opts.timeoutMs ?? 150_000 },
      );
    // An approval executes and validates (10 s stable, 20 s at most) before it returns: a minute
    // is plenty, and a validation that never ends fails here instead of at the test's timeout.
    const workflow = (args: string[], person: string, user: TargetUser = 'admin') =>
      aiops([...args, '--history-dir', history, '--policy', policy], { person, user, timeoutMs: 60_000 });
    const recordStatus = (id: string) =>
      /\nstatus: "([\w-]+)"\n/.exec(readFileSync(join(history, 'prompts', `${id}.md`), 'utf8'))?.[1];

    /**
     * alice proposes `command`; each approver approves (the last approval executes and
     * validates before the command returns); alice rolls it back. `state` is read from the
     * server before, after the change and after the rollback.
     */
    async function roundTrip(
      command: string,
      approvers: string[],
      state: () => Promise<string>,
      expected: { tier: string; after: string | ((s: string) => void) },
    ): Promise<string> {
      const before = await state();
      const proposed = await workflow(['propose', command], 'alice');
      expect(proposed.exitCode, proposed.stderr).toBe(0);
      const [id, tier, status] = proposed.stdout.trim().split(' ');
      expect({ tier, status }).toEqual({ tier: expected.tier, status: 'awaiting-approval' });
      for (const [i, person] of approvers.entries()) {
        const approved = await workflow(['approve', id!], person);
        expect(approved.exitCode, `approve by ${person}: ${approved.stderr}${approved.stdout}`).toBe(0);
        if (i < approvers.length - 1) expect(recordStatus(id!)).toBe('awaiting-approval');
      }
      expect(recordStatus(id!)).toBe('validated');
      const after = await state();
      if (typeof expected.after === 'function') expected.after(after);
      else expect(after).toBe(expected.after);
      const rolledBack = await workflow(['rollback', id!], 'alice');
      expect(rolledBack.exitCode, `rollback: ${rolledBack.stderr}${rolledBack.stdout}`).toBe(0);
      expect(recordStatus(id!)).toBe('rolled-back');
      expect(await state()).toBe(before);
      return id!;
    }

    // ---- the cockpit in tmux ------------------------------------------------------------

    let socket: string | undefined;
    let sessions = 0;
    const tmux = (...args: string[]) => execa('tmux', ['-L', socket!, ...args]);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'cockpit')).stdout;
    async function waitForScreen(predicate: (s: string) => boolean, what: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = await screen();
        if (predicate(last)) return last;
        await sleep(100);
      }
      throw new Error(`screen never showed ${what}; last screen:\n${last}`);
    }
    async function startCockpit(kubeconfig = t.kubeconfig('admin')) {
      await stopCockpit();
      socket = `aiops-flows-${process.pid}-${++sessions}`;
      await execa('tmux', [
        ...['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cockpit', '-x', '120', '-y', '40'],
        // Ink renders only the last frame when CI is set; the runner's CI must not reach it.
        ...['-e', 'CI=false'],
        process.execPath,
        cli,
        ...['--kubeconfig', kubeconfig, '-A', '--no-ai'],
        ...['--history-dir', mkdtempSync(join(tmpdir(), 'aiops-flows-cockpit-'))],
        ...team.flags('alice'),
      ]);
    }
    async function stopCockpit() {
      if (socket) await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
      socket = undefined;
    }
    const rows = (s: string, app: string) =>
      s.split('\n').filter((l) => new RegExp(`${app}-\\w+-\\w+ +1/1 +Running`).test(l)).length;
    const podNames = (s: string, app: string) =>
      [...s.matchAll(new RegExp(`(${app}-\\w+-\\w+) `, 'g'))].map((m) => m[1]!);

    afterAll(stopCockpit);

    const itTmux = hasTmux ? it : it.skip;

    itTmux(
      'the pods pane follows kubectl live: scale up shows the new pods, a deleted pod goes',
      async () => {
        await startCockpit();
        await waitForScreen((s) => rows(s, 'frontend') === 1 && rows(s, 'backend') === 2, 'the todo pods');
        await kubectl(['scale', 'deployment/frontend', '-n', 'todo', '--replicas=3']);
        const three = await waitForScreen((s) => rows(s, 'frontend') === 3, 'three ready frontend pods');
        const victim = podNames(three, 'frontend')[0]!;
        await kubectl(['delete', 'pod', victim, '-n', 'todo', '--wait=false']);
        await waitForScreen(
          (s) => !s.includes(victim) && rows(s, 'frontend') === 3,
          `${victim} gone and a replacement ready`,
        );
        await kubectl(['scale', 'deployment/frontend', '-n', 'todo', '--replicas=1']);
        await waitForScreen((s) => rows(s, 'frontend') === 1, 'one frontend pod again');
        await stopCockpit();
        await settled();
      },
      120_000,
    );

    itTmux(
      'the offline chat\'s "scale frontend to 2" lands in the approvals pane',
      async () => {
        await startCockpit();
        await waitForScreen((s) => rows(s, 'frontend') === 1, 'the frontend pod');
        await tmux('send-keys', '-t', 'cockpit', 'Tab', 'Tab');
        await waitForScreen((s) => s.includes('▸ chat'), 'the chat focused');
        await tmux('send-keys', '-t', 'cockpit', '-l', 'scale frontend to 2');
        await tmux('send-keys', '-t', 'cockpit', 'Enter');
        await waitForScreen((s) => /low · awaiting-approval/.test(s), 'the proposal in the chat');
        await tmux('send-keys', '-t', 'cockpit', 'Tab', 'Tab');
        const pane = await waitForScreen((s) => /▸ approvals \(1 waiting\)/.test(s), 'the approvals pane');
        expect(pane).toMatch(/scale/);
        // Proposed, not executed.
        expect(await jsonpath('deployment/frontend', '{.spec.replicas}')).toBe('1');
        await stopCockpit();
      },
      90_000,
    );

    // ---- analyze ------------------------------------------------------------------------

    it('aiops-tui analyze reads the cluster and prints its findings', async () => {
      const r = await aiops(['analyze', '-n', 'todo']);
      expect([0, 1], `exit ${r.exitCode}: ${r.stderr}`).toContain(r.exitCode);
      expect(r.stderr).not.toMatch(/HTTP-Code|500/);
      expect(r.stdout).not.toMatch(/HTTP-Code|500/);
      const json = await aiops(['analyze', '-n', 'todo', '--json']);
      expect([0, 1], json.stderr).toContain(json.exitCode);
      expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    });

    // ---- approve → execute → validate → rollback, one kind at a time ---------------------

    it('scale', async () => {
      await roundTrip(
        'kubectl scale deployment frontend --replicas=3 -n todo',
        ['bob'],
        () => jsonpath('deployment/frontend', '{.spec.replicas}'),
        { tier: 'low', after: '3' },
      );
      await settled();
    }, 150_000);

    it('set resources', async () => {
      await roundTrip(
        'kubectl set resources deployment backend -n todo -c backend --limits=memory=384Mi',
        ['bob'],
        () => jsonpath('deployment/backend', '{.spec.template.spec.containers[0].resources.limits.memory}'),
        { tier: 'medium', after: '384Mi' },
      );
      await settled();
    }, 150_000);

    it('set image', async () => {
      await roundTrip(
        'kubectl set image deployment/frontend frontend=ghcr.io/example/todo-frontend:1.4.3 -n todo',
        ['bob'],
        () => jsonpath('deployment/frontend', '{.spec.template.spec.containers[0].image}'),
        { tier: 'medium', after: 'ghcr.io/example/todo-frontend:1.4.3' },
      );
      await settled();
    }, 150_000);

    it('rollout undo', async () => {
      // A second revision made by helm, which owns the chart's fields: a `kubectl set image` here
      // would leave kubectl-set owning the image, and Helm 4's later upgrade would rightly conflict.
      const upgrade = await t.helm(
        [
          'upgrade',
          'todo',
          chartDir,
          '-n',
          'todo',
          '--reuse-values',
          '--set',
          'frontend.image.tag=1.4.4',
          '--wait',
        ],
        { timeoutMs: 100_000 },
      );
      expect(upgrade.exitCode, upgrade.stderr).toBe(0);
      await kubectl(['rollout', 'status', 'deployment/frontend', '-n', 'todo', '--timeout=60s']);
      await settled();
      await roundTrip(
        'kubectl rollout undo deployment/frontend -n todo',
        ['bob'],
        () => jsonpath('deployment/frontend', '{.spec.template.spec.containers[0].image}'),
        { tier: 'medium', after: (image) => expect(image).not.toBe('ghcr.io/example/todo-frontend:1.4.4') },
      );
      await settled();
    }, 150_000);

    it('HPA', async () => {
      await roundTrip(
        'kubectl autoscale deployment frontend -n todo --min=1 --max=3 --cpu-percent=80',
        ['bob'],
        async () => (await t.kubectl(['get', 'hpa', '-n', 'todo', '-o', 'name'])).stdout.trim(),
        { tier: 'medium', after: 'horizontalpodautoscaler.autoscaling/frontend' },
      );
    }, 150_000);

    it('cordon', async () => {
      const node = t.nodes[1]!;
      await roundTrip(
        `kubectl cordon ${node}`,
        ['bob'],
        () => jsonpath(`node/${node}`, '{.spec.unschedulable}', ''),
        {
          tier: 'medium',
          after: 'true',
        },
      );
    }, 150_000);

    it('drain (critical: two approvers); validated once the evicted pods run elsewhere', async () => {
      const node = t.nodes[1]!;
      await roundTrip(
        `kubectl drain ${node} --ignore-daemonsets --delete-emptydir-data`,
        ['bob', 'carol'],
        async () => {
          const unschedulable = await jsonpath(`node/${node}`, '{.spec.unschedulable}', '');
          if (unschedulable !== 'true') return unschedulable;
          // Drained and validated: no todo pod left there, every one ready elsewhere.
          const pods = await todoPods();
          const onNode = pods.filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name);
          const notReady = pods.filter((p) => !ready(p)).map((p) => p.metadata.name);
          return JSON.stringify({ unschedulable, onNode, notReady });
        },
        { tier: 'critical', after: JSON.stringify({ unschedulable: 'true', onNode: [], notReady: [] }) },
      );
      await settled();
    }, 150_000);

    it('rollout pause, then rollout resume', async () => {
      const paused = () => jsonpath('deployment/backend', '{.spec.paused}');
      await roundTrip('kubectl rollout pause deployment/backend -n todo', ['bob'], paused, {
        tier: 'medium',
        after: 'true',
      });
      await kubectl(['rollout', 'pause', 'deployment/backend', '-n', 'todo']);
      try {
        await roundTrip('kubectl rollout resume deployment/backend -n todo', ['bob'], paused, {
          tier: 'medium',
          after: (p) => expect(p).not.toBe('true'),
        });
      } finally {
        await t.kubectl(['rollout', 'resume', 'deployment/backend', '-n', 'todo']);
      }
      await settled();
    }, 200_000);

    it('ConfigMap patch', async () => {
      await roundTrip(
        `kubectl patch configmap todo-config -n todo --type merge -p '{"data":{"LOG_LEVEL":"debug"}}'`,
        ['bob', 'carol'],
        () => jsonpath('configmap/todo-config', '{.data.LOG_LEVEL}'),
        { tier: 'critical', after: 'debug' },
      );
    }, 150_000);

    // After `set resources` above: the executor's patch owns backend's memory limit now.
    it('helm rollback of the Todo release, after our own change to it', async () => {
      const upgrade = await t.helm(
        [
          'upgrade',
          'todo',
          chartDir,
          '-n',
          'todo',
          '--reuse-values',
          '--set',
          'config.LOG_LEVEL=warn',
          '--wait',
        ],
        { timeoutMs: 100_000 },
      );
      expect(upgrade.exitCode, upgrade.stderr).toBe(0);
      await settled();
      const revisions = JSON.parse(
        (await t.helm(['history', 'todo', '-n', 'todo', '-o', 'json'])).stdout,
      ) as {
        revision: number;
      }[];
      const previous = revisions.at(-2)!.revision;
      await roundTrip(
        `helm rollback todo ${previous} -n todo`,
        ['bob'],
        () => jsonpath('configmap/todo-config', '{.data.LOG_LEVEL}'),
        { tier: 'medium', after: 'info' },
      );
      await settled();
    }, 200_000);

    // ---- RBAC ---------------------------------------------------------------------------

    it("RBAC 403: the viewer's approval executes as the viewer and is recorded as failed with the server's message", async () => {
      const proposed = await workflow(
        ['propose', 'kubectl scale deployment frontend --replicas=2 -n todo'],
        'alice',
      );
      expect(proposed.exitCode, proposed.stderr).toBe(0);
      const id = proposed.stdout.split(' ')[0]!;
      const approved = await workflow(['approve', id], 'bob', 'viewer');
      expect(approved.exitCode).toBe(1);
      expect(recordStatus(id)).toBe('failed');
      const shown = await aiops(['phr', 'show', id, '--history-dir', history]);
      expect(shown.stdout).toMatch(/forbidden: User "viewer" cannot \w+ resource "deployments(\/scale)?"/);
      expect(approved.stderr.trim().split('\n')).toHaveLength(1);
      expect(await jsonpath('deployment/frontend', '{.spec.replicas}')).toBe('1');
    }, 120_000);

    it('RBAC 401: a bad token is one line, exit 2', async () => {
      const r = await aiops(['analyze', '-n', 'todo'], { kubeconfig: t.badTokenKubeconfig() });
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/401|Unauthorized/);
    });

    // ---- reconnects (last: on the control plane a restart may leave pods not ready) ------

    itTmux(
      'an apiserver restart mid-watch: the pods pane recovers and follows again',
      async () => {
        await settled();
        await startCockpit();
        await waitForScreen((s) => rows(s, 'frontend') === 1, 'the frontend pod');
        await t.restartApiserver();
        await kubectl(['scale', 'deployment/frontend', '-n', 'todo', '--replicas=2']);
        await waitForScreen(
          (s) => podNames(s, 'frontend').length === 2 && !s.includes('reconnecting…'),
          'two frontend pods after the restart, connected',
          60_000,
        );
        await kubectl(['scale', 'deployment/frontend', '-n', 'todo', '--replicas=1']);
        await waitForScreen((s) => podNames(s, 'frontend').length === 1, 'one frontend pod again', 60_000);
        await stopCockpit();
      },
      150_000,
    );

    // The cockpit's data layer in this process (what the pods pane renders), with short stream
    // timeouts: waiting out the default 5–10 min timeoutSeconds of a dead stream is not a test.
    it('a watch resumed from a compacted resourceVersion (410 Gone) relists: the store shows what changed', async () => {
      await settled();
      const proxy = await startStallProxy(t);
      const tuning = { watchTimeoutSeconds: 3, watchDeadStreamGraceMs: 1_000, watchIdleTimeoutMs: 3_000 };
      const data = startCockpitData(
        loadConnection({ kubeconfig: proxy.kubeconfig('admin'), allNamespaces: true }),
        60_000,
        tuning as DataTuning,
      );
      const statuses: string[] = [];
      data.store.subscribe((s) => {
        if (s.connection.status !== statuses.at(-1)) statuses.push(s.connection.status);
      });
      const until = (predicate: (s: CockpitState) => boolean, what: string, timeoutMs = 60_000) =>
        new Promise<void>((resolve, reject) => {
          if (predicate(data.store.getState())) return resolve();
          const timer = setTimeout(() => {
            unsubscribe();
            reject(new Error(`the store never showed ${what}`));
          }, timeoutMs);
          const unsubscribe = data.store.subscribe((s) => {
            if (!predicate(s)) return;
            clearTimeout(timer);
            unsubscribe();
            resolve();
          });
        });
      const frontendPods = (s: CockpitState) =>
        [...s.pods.keys()].filter((k) => k.startsWith('todo/frontend-'));
      try {
        await until((s) => s.synced.pods === true && frontendPods(s).length === 1, 'the frontend pod');
        // The streams go silent (a dead peer), their versions are compacted away, and a pod is
        // made meanwhile: only a relist after the resumed watch's 410 brings it to the store.
        proxy.stall();
        await t.expireResourceVersions();
        await kubectl(['run', 'relist-probe', '-n', 'todo', '--image=nginx:1.27', '--restart=Never']);
        await until((s) => s.pods.has('todo/relist-probe'), 'the pod made after the compaction');
        // The pod list the server has now, exactly.
        const server = (await todoPods()).map((p) => `todo/${p.metadata.name}`).sort();
        await until(
          (s) =>
            JSON.stringify([...s.pods.keys()].filter((k) => k.startsWith('todo/')).sort()) ===
            JSON.stringify(server),
          `exactly the server's pods ${server.join(', ')}`,
        );
      } finally {
        data.stop();
        await proxy.close();
        await t.kubectl(['delete', 'pod', 'relist-probe', '-n', 'todo', '--wait=false']);
      }
    }, 150_000);
  });

  // ---- fidelity: what the real server does, asserted against both ------------------------

  run(missing ? `fidelity (skipped: ${missing})` : 'fidelity', () => {
    let t: Target;
    beforeAll(async () => {
      t = await startTarget(name);
      const r = await t.kubectl(['create', 'configmap', 'probe', '-n', 'default', '--from-literal=a=1']);
      expect(r.exitCode, r.stderr).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
    });
    const kc = () => {
      const k = new KubeConfig();
      k.loadFromFile(t.kubeconfig('admin'));
      return k;
    };

    simDiffers(name)(
      'records managedFields, and server-side apply conflicts with another manager',
      async () => {
        const fields = await t.kubectl([
          'get',
          'configmap',
          'probe',
          '-o',
          'jsonpath={.metadata.managedFields[*].manager}',
        ]);
        expect(fields.stdout).toContain('kubectl');
        await t.kubectl([
          'patch',
          'configmap',
          'probe',
          '-p',
          '{"data":{"a":"2"}}',
          '--field-manager=aiops-tui',
        ]);
        const apply = await t.kubectl(['apply', '--server-side', '--field-manager=helm', '-f', '-'], {
          input: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'probe', namespace: 'default' },
            data: { a: '3' },
          }),
        });
        expect(apply.exitCode).not.toBe(0);
        expect(apply.stderr).toMatch(/conflict with "aiops-tui"/);
      },
    );

    simDiffers(name)('Nodes carry no metadata.generation', async () => {
      const r = await t.kubectl(['get', 'node', t.nodes[0]!, '-o', 'jsonpath={.metadata.generation}']);
      expect(r.stdout.trim()).toBe('');
    });

    simDiffers(name)(
      "a node's heartbeat: its Lease in kube-node-lease is renewed",
      async () => {
        const leases = kc().makeApiClient(CoordinationV1Api);
        const renewed = async () =>
          String(
            (await leases.readNamespacedLease({ namespace: 'kube-node-lease', name: t.nodes[0]! })).spec
              ?.renewTime,
          );
        const first = await renewed();
        const deadline = Date.now() + 30_000;
        while ((await renewed()) === first) {
          if (Date.now() > deadline) throw new Error('the lease was not renewed in 30 s');
          await sleep(500);
        }
      },
      40_000,
    );

    it('a watch that does not ask for bookmarks gets none', async () => {
      const types: string[] = [];
      const controller = await new Watch(kc()).watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: '0' },
        (type) => types.push(type),
        () => {},
      );
      await sleep(5_000); // the observation window: the event asserted is one that must not come
      controller.abort();
      expect(types).toContain('ADDED');
      expect(types).not.toContain('BOOKMARK');
    }, 20_000);

    simDiffers(name)("kubectl with the viewer's bearer token alone is the viewer", async () => {
      // Without the impersonation targets.ts adds for the simulator: a token and nothing else.
      const config = readFileSync(t.kubeconfig('viewer'), 'utf8').replace(/^\s+as: viewer\n/m, '');
      const file = join(mkdtempSync(join(tmpdir(), 'aiops-token-')), 'kubeconfig');
      writeFileSync(file, config, { mode: 0o600 });
      const r = await t.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
        env: { KUBECONFIG: file },
      });
      expect(r.stdout.trim()).toBe('viewer');
    });
  });
});
