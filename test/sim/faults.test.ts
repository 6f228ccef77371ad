// The fault model through the API: a pod given each fault shows exactly what kubectl would show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizePod } from '../../src/kube/format.js';
import { podPhase } from '../../src/sim/controllers/kubelet.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { podsIn, status } from './sim-pods.js';
import { until } from './until.js';

let sim: RunningSim;
let pods: Awaited<ReturnType<typeof podsIn>>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  pods = await podsIn(sim, 'faults');
});
afterAll(() => sim.close());

const create = (name: string, container: Record<string, unknown>, annotations?: Record<string, string>) =>
  pods.create(name, container, { annotations });
const read = (name: string) => pods.read(name);
const events = (name: string) => pods.events(name);

describe('the fault model', () => {
  it('a healthy pod runs and becomes Ready', async () => {
    await create('healthy', {});
    await until(read('healthy'), (p) => status(p) === 'Running' && summarizePod(p).readyContainers === 1);
  });

  it('a missing image gives ErrImagePull, then ImagePullBackOff', async () => {
    await create('no-image', { image: 'ghcr.io/example/app:missing' });
    await until(read('no-image'), (p) => status(p) === 'ErrImagePull');
    await until(read('no-image'), (p) => status(p) === 'ImagePullBackOff');
    expect(
      (await events('no-image')).some((e) =>
        e.startsWith('Failed: Failed to pull image "ghcr.io/example/app:missing"'),
      ),
    ).toBe(true);
  });

  it('a command that exits 3 crash-loops with exit code 3 and growing restarts', async () => {
    await create('crash', { command: ['sh', '-c', 'exit 3'] });
    const p = await until(read('crash'), (x) => status(x) === 'CrashLoopBackOff');
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      reason: 'Error',
      exitCode: 3,
    });
    await until(read('crash'), (x) => summarizePod(x).restarts >= 2, 20_000);
  });

  it('memory above the limit is OOMKilled with exit code 137', async () => {
    await create('oom', { resources: { limits: { memory: '64Mi' } } }, { 'sim.aiops.dev/memory': '80Mi' });
    const p = await until(
      read('oom'),
      (x) =>
        x.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled' ||
        status(x) === 'OOMKilled',
    );
    const terminated =
      p.status!.containerStatuses![0]!.state!.terminated ??
      p.status!.containerStatuses![0]!.lastState!.terminated;
    expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('requests that fit no node stay Pending with the scheduler message', async () => {
    await create('too-big', { resources: { requests: { cpu: '64' } } });
    const p = await until(
      read('too-big'),
      (x) => x.status?.conditions?.some((c) => c.reason === 'Unschedulable') ?? false,
    );
    expect(status(p)).toBe('Pending');
    expect(
      (await events('too-big')).some((e) =>
        /^FailedScheduling: 0\/1 nodes are available: 1 Insufficient cpu\./.test(e),
      ),
    ).toBe(true);
  });

  it('a readiness probe on an unserved port runs but is never Ready, with Unhealthy events', async () => {
    await create('unready', {
      ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/ready', port: 9999 }, periodSeconds: 1 },
    });
    await until(
      () => events('unready'),
      (e) => e.some((x) => x.startsWith('Unhealthy: Readiness probe failed')),
    );
    const p = await read('unready')();
    expect(status(p)).toBe('Running');
    expect(summarizePod(p).readyContainers).toBe(0);
  });

  it("a tag the registry does not have fails with containerd's NotFound, naming the full reference", async () => {
    await create('bad-tag', { image: 'nginx:invalid-tag' });
    const p = await until(read('bad-tag'), (x) => status(x) === 'ErrImagePull');
    const ref = 'docker.io/library/nginx:invalid-tag';
    const error = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    expect(p.status!.containerStatuses![0]!.state!.waiting!.message).toBe(error);
    expect(await events('bad-tag')).toContain(`Failed: Failed to pull image "nginx:invalid-tag": ${error}`);
  });

  it('a repository nobody has is pull access denied', async () => {
    await create('typo', { image: 'ngnix:1.27' });
    const p = await until(read('typo'), (x) => status(x) === 'ErrImagePull');
    expect(p.status!.containerStatuses![0]!.state!.waiting!.message).toBe(
      'failed to pull and unpack image "docker.io/library/ngnix:1.27": failed to resolve reference "docker.io/library/ngnix:1.27": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
  });

  it('a command the image does not have is a StartError (exit 128), RunContainerError, then CrashLoopBackOff', async () => {
    await create('no-binary', { image: 'nginx:1.27', command: ['foo', '--serve'] });
    const message =
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "foo": executable file not found in $PATH: unknown';
    const failed = await until(read('no-binary'), (x) => status(x) === 'RunContainerError');
    expect(failed.status!.containerStatuses![0]!.state!.waiting).toEqual({
      reason: 'RunContainerError',
      message,
    });
    const p = await until(read('no-binary'), (x) => status(x) === 'CrashLoopBackOff');
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      reason: 'StartError',
      exitCode: 128,
      message,
    });
    expect(p.status!.containerStatuses![0]!.lastState!.terminated!.startedAt).toEqual(new Date(0));
    expect(await events('no-binary')).toContain(`Failed: Error: ${message}`);
  });

  it('a command the image lacks, run through its shell, exits 127 with "not found" in the log', async () => {
    await create('sh-no-binary', { image: 'busybox:1.36', command: ['sh', '-c', 'foo --serve'] });
    const p = await until(read('sh-no-binary'), (x) => status(x) === 'CrashLoopBackOff');
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      reason: 'Error',
      exitCode: 127,
    });
    expect(await pods.logs('sh-no-binary', true)).toBe('sh: foo: not found\n');
  });

  it('kubectl logs of a crash-looping container shows its last instance; of one that never started, why', async () => {
    await create('logs-crash', { image: 'busybox:1.36', command: ['sh', '-c', 'bar'] });
    await create('logs-pull', { image: 'redis:0.1' });
    await until(read('logs-crash'), (x) => status(x) === 'CrashLoopBackOff');
    expect(await pods.logs('logs-crash')).toBe('sh: bar: not found\n');
    await until(read('logs-pull'), (x) => status(x) === 'ImagePullBackOff');
    await expect(pods.logs('logs-pull')).rejects.toThrow(
      /logs-pull.{0,8} is waiting to start: trying and failing to pull image/,
    );
  });

  it('a readiness probe on a served port but an unserved path fails with 404 and the pod is never Ready', async () => {
    const backend = {
      image: 'ghcr.io/example/todo-backend:2.3.0',
      ports: [{ name: 'http', containerPort: 8000 }],
    };
    await create('path-404', {
      ...backend,
      readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1 },
    });
    await create('path-ok', {
      ...backend,
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
    });
    await until(
      () => events('path-404'),
      (e) => e.includes('Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404'),
    );
    await until(read('path-ok'), (p) => summarizePod(p).readyContainers === 1);
    const p = await read('path-404')();
    expect(status(p)).toBe('Running');
    expect(summarizePod(p).readyContainers).toBe(0);
  });

  it("a liveness probe on an unserved path restarts the container with the kubelet's Killing event", async () => {
    await create('live-404', {
      image: 'nginx:1.27',
      ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
    });
    await until(read('live-404'), (p) => summarizePod(p).restarts >= 1, 20_000);
    const e = await events('live-404');
    expect(e).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404');
    expect(e).toContain('Killing: Container app failed liveness probe, will be restarted');
  });

  it('an HTTP probe on a port that speaks no HTTP (postgres) fails', async () => {
    await create('pg-http', {
      image: 'postgres:16',
      env: [{ name: 'POSTGRES_PASSWORD', value: 'test-only' }],
      readinessProbe: { httpGet: { path: '/', port: 5432 }, periodSeconds: 1 },
    });
    const p = await until(
      () => events('pg-http'),
      (e) => e.some((x) => x.startsWith('Unhealthy: Readiness probe failed: Get "http://')),
    );
    expect(p.find((x) => x.startsWith('Unhealthy'))).toMatch(/:5432\/": EOF$/);
  });

  it('a running, Ready pod with an error rate logs error lines and keeps running', async () => {
    await create(
      'errors',
      { image: 'ghcr.io/example/todo-backend:2.3.0', ports: [{ containerPort: 8000 }] },
      { 'sim.aiops.dev/error-rate': '50%' },
    );
    await until(read('errors'), (p) => summarizePod(p).readyContainers === 1);
    await until(
      () => pods.logs('errors'),
      (log) => log.split('\n').filter((l) => l.startsWith('ERROR:')).length >= 4,
    );
    const p = await read('errors')();
    expect(status(p)).toBe('Running');
    expect(summarizePod(p).readyContainers).toBe(1);
    expect(summarizePod(p).restarts).toBe(0);
    const log = await pods.logs('errors');
    expect(log).toContain('"GET /api/todos HTTP/1.1" 500 Internal Server Error');
    expect(log).toMatch(/"GET \/api\/todos HTTP\/1.1" 200 OK/);
  });

  it.each([
    ['Never', ['true'], 'Succeeded', 'Completed', 0],
    ['Never', ['sh', '-c', 'exit 2'], 'Failed', 'Error', 2],
    ['OnFailure', ['true'], 'Succeeded', 'Completed', 0],
  ])(
    'restartPolicy %s: %j ends the pod %s (%s, exit %i)',
    async (policy, command, phase, reason, exitCode) => {
      const name = `once-${policy.toLowerCase()}-${exitCode}`;
      await pods.create(name, { image: 'busybox:1.36', command }, { spec: { restartPolicy: policy } });
      const p = await until(read(name), (x) => x.status?.phase === phase);
      expect(p.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ reason, exitCode });
      expect(p.status!.containerStatuses![0]!.restartCount).toBe(0);
    },
  );

  it('busybox without a command exits 0 at once, so under restartPolicy Always it crash-loops as Completed', async () => {
    await create('bare-busybox', { image: 'busybox:1.36' });
    const p = await until(read('bare-busybox'), (x) => status(x) === 'CrashLoopBackOff');
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      reason: 'Completed',
      exitCode: 0,
    });
  });

  it('a terminal phase written through the API stays: the kubelet stops the containers and never moves the pod back', async () => {
    await create('ended', {});
    const running = await until(
      read('ended'),
      (p) => status(p) === 'Running' && summarizePod(p).readyContainers === 1,
    );
    running.status = { ...running.status, phase: 'Succeeded' };
    await pods.core.replaceNamespacedPodStatus({ namespace: 'faults', name: 'ended', body: running });
    const stopped = await until(read('ended'), (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated);
    expect(stopped.status!.phase).toBe('Succeeded');
    expect(stopped.status!.containerStatuses![0]!).toMatchObject({
      ready: false,
      state: { terminated: { exitCode: 137, reason: 'Error' } },
    });
    expect(await events('ended')).toContain('Killing: Stopping container app');
  });

  it('a deleted pod is Terminating, then gone', async () => {
    await pods.core.deleteNamespacedPod({ namespace: 'faults', name: 'healthy' });
    await until(
      () => pods.core.listNamespacedPod({ namespace: 'faults', fieldSelector: 'metadata.name=healthy' }),
      (l) => l.items.length === 0,
    );
  });
});

describe('the pod phase from its containers (getPhase)', () => {
  it.each([
    ['Always', [], 'Pending'],
    ['Always', ['waiting'], 'Pending'],
    ['Always', ['running', 'waiting'], 'Pending'],
    ['Always', ['running', 'restarting'], 'Running'],
    ['Always', ['restarting'], 'Running'],
    ['Always', ['succeeded'], 'Running'],
    ['OnFailure', ['succeeded'], 'Succeeded'],
    ['OnFailure', ['restarting'], 'Running'],
    ['Never', ['succeeded', 'running'], 'Running'],
    ['Never', ['succeeded', 'succeeded'], 'Succeeded'],
    ['Never', ['succeeded', 'failed'], 'Failed'],
  ] as const)('restartPolicy %s, containers %j: %s', (policy, containers, phase) => {
    expect(podPhase(policy, containers)).toBe(phase);
  });
});
