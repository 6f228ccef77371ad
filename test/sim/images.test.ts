// The simulated registries' catalog as pure tables: which references pull and with which
// containerd error they fail, what a container's command does in its image, which HTTP paths its
// process serves, and how the kubelet words a failing probe.
import { describe, expect, it } from 'vitest';
import { probeFailure, restartsAfterExit } from '../../src/sim/controllers/kubelet.js';
import { imageProfile, parseImageRef, processOutcome, pullImage, servesPath } from '../../src/sim/images.js';
import { isErrorLine, parseRate } from '../../src/sim/usage.js';

const resolve = (ref: string) =>
  `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}"`;
const notFound = (ref: string) => `rpc error: code = NotFound desc = ${resolve(ref)}: ${ref}: not found`;
const denied = (ref: string) =>
  `${resolve(ref)}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;

describe('parseImageRef normalises as containerd does', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis:7.2', 'docker.io/bitnami/redis:7.2'],
    ['ghcr.io/example/todo-frontend:1.4.2', 'ghcr.io/example/todo-frontend:1.4.2'],
    ['localhost:5000/team/app', 'localhost:5000/team/app:latest'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
  ])('%s → %s', (image, canonical) => {
    expect(parseImageRef(image).canonical).toBe(canonical);
  });
});

describe('pullImage', () => {
  it.each([
    ['nginx:invalid-tag', notFound('docker.io/library/nginx:invalid-tag')],
    ['postgres:99', notFound('docker.io/library/postgres:99')],
    ['registry.k8s.io/pause:9.9', notFound('registry.k8s.io/pause:9.9')],
    ['ghcr.io/example/app:missing', notFound('ghcr.io/example/app:missing')],
    ['ghcr.io/example/todo-frontend:doesnotexist', notFound('ghcr.io/example/todo-frontend:doesnotexist')],
    ['registry.example/app:0.0.0', notFound('registry.example/app:0.0.0')],
    ['ngnix:latest', denied('docker.io/library/ngnix:latest')],
    ['postgress:16', denied('docker.io/library/postgress:16')],
    ['someone/nothing:1', denied('docker.io/someone/nothing:1')],
    ['registry.example/does-not-exist:0.0.0', denied('registry.example/does-not-exist:0.0.0')],
    [
      'registry.invalid/app:1',
      `${resolve('registry.invalid/app:1')}: failed to do request: Head "https://registry.invalid/v2/app/manifests/1": dial tcp: lookup registry.invalid: no such host`,
    ],
  ])('%s fails: %s', (image, error) => {
    expect(pullImage(image)).toEqual({ kind: 'failed', error });
  });

  // Every image the repository runs on the simulator (src/sim/scenarios.ts, helm/todo-chart,
  // test/, bench/): a change to the catalog that breaks one of them fails here first.
  it.each([
    ['ghcr.io/example/todo-frontend:1.4.2', 'pulled'],
    ['ghcr.io/example/todo-frontend:1.5.0', 'pulled'],
    ['ghcr.io/example/todo-backend:2.3.0', 'pulled'],
    ['ghcr.io/example/todo-backend:2.4.0', 'pulled'],
    ['ghcr.io/example/todo-worker:0.3.1', 'pulled'],
    ['ghcr.io/example/app:1.0', 'pulled'],
    ['registry.example/app:1.2.3', 'pulled'],
    ['registry.example/backend:1.0', 'pulled'],
    ['localhost:5000/team/app', 'pulled'],
    ['registry.k8s.io/pause:3.10', 'pulled'],
    ['nginx', 'pulled'],
    ['nginx:1.27', 'pulled'],
    ['nginx:1.27.5-alpine', 'pulled'],
    ['busybox', 'pulled'],
    ['busybox:1.36', 'pulled'],
    ['postgres:16', 'pulled'],
    ['postgres:16-alpine', 'pulled'],
    ['redis:7', 'pulled'],
    ['fluent/fluent-bit:3.1', 'pulled'],
    ['fluent/fluent-bit:3.2', 'pulled'],
    ['nginx@sha256:abc', 'pulled'],
    // Local builds the tests use, on the node already (as `minikube image load` leaves them).
    ['app:1', 'present'],
    ['busy:1', 'present'],
    ['idle:1', 'present'],
    ['proxy:1', 'present'],
    ['a:1', 'present'],
    ['backend:latest', 'present'],
  ])('%s is %s', (image, kind) => {
    expect(pullImage(image).kind).toBe(kind);
  });

  it('gives known images their profile: postgres listens on 5432 and speaks no HTTP', () => {
    expect(imageProfile('postgres:16')).toMatchObject({ ports: [5432], httpPaths: [] });
    expect(imageProfile('nginx:1.27')).toMatchObject({ ports: [80] });
    expect(imageProfile('app:1')).toBeUndefined();
  });
});

const startError = (cause: string) => ({
  kind: 'start-error',
  message: `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${cause}: unknown`,
});

describe('processOutcome', () => {
  it.each([
    ['nginx:1.27', undefined, undefined, { kind: 'runs' }],
    ['nginx:1.27', ['foo'], ['--serve'], startError('exec: "foo": executable file not found in $PATH')],
    [
      'nginx:1.27',
      ['/app/server'],
      undefined,
      startError('exec: "/app/server": stat /app/server: no such file or directory'),
    ],
    ['nginx:1.27', ['nginx', '-g', 'daemon off;'], undefined, { kind: 'runs' }],
    [
      'busybox:1.36',
      ['sh', '-c', 'foo --serve'],
      undefined,
      { kind: 'exits', exitCode: 127, lines: ['sh: foo: not found'] },
    ],
    [
      'nginx:1.27',
      ['sh', '-c', 'FOO=1 exec gunicorn app'],
      undefined,
      { kind: 'exits', exitCode: 127, lines: ['sh: 1: gunicorn: not found'] },
    ],
    [
      'ubuntu:24.04',
      ['bash', '-c', 'foo'],
      undefined,
      { kind: 'exits', exitCode: 127, lines: ['bash: line 1: foo: command not found'] },
    ],
    ['busybox:1.36', ['sh', '-c', 'while true; do echo hi; sleep 5; done'], undefined, { kind: 'runs' }],
    [
      'busybox:1.36',
      ['sh', '-c', 'if [ -f /x ]; then cat /x; fi; exit 3'],
      undefined,
      { kind: 'exits', exitCode: 3, lines: [] },
    ],
    ['busybox:1.36', undefined, undefined, { kind: 'exits', exitCode: 0, lines: [] }],
    ['busybox:1.36', ['true'], undefined, { kind: 'exits', exitCode: 0, lines: [] }],
    ['busybox:1.36', ['false'], undefined, { kind: 'exits', exitCode: 1, lines: [] }],
    ['ghcr.io/example/todo-backend:2.3.0', ['uvicorn', 'main:app'], undefined, { kind: 'runs' }],
    ['postgres:16', ['psql', '-c', 'select 1'], undefined, { kind: 'runs' }],
    [
      'nginx:1.27',
      ['sh', '-c', 'foo'],
      undefined,
      { kind: 'exits', exitCode: 127, lines: ['sh: 1: foo: not found'] },
    ],
    // Args alone: handed to the ENTRYPOINT script, or the command itself where there is none.
    ['busybox:1.36', undefined, ['true'], { kind: 'exits', exitCode: 0, lines: [] }],
    ['busybox:1.36', undefined, ['foo'], startError('exec: "foo": executable file not found in $PATH')],
    [
      'nginx:1.27',
      undefined,
      ['foo'],
      { kind: 'exits', exitCode: 127, lines: ['/docker-entrypoint.sh: 47: exec: foo: not found'] },
    ],
    ['nginx:1.27', undefined, ['nginx', '-g', 'daemon off;'], { kind: 'runs' }],
    ['postgres:16', undefined, ['-c', 'max_connections=200'], { kind: 'runs' }],
    ['redis:7', undefined, ['--appendonly', 'yes'], { kind: 'runs' }],
    ['redis:7', undefined, ['sh', '-c', 'exit 4'], { kind: 'exits', exitCode: 4, lines: [] }],
    // An image the catalog does not describe has every executable.
    ['ghcr.io/example/app:1.0', ['foo'], undefined, { kind: 'runs' }],
    ['ghcr.io/example/app:1.0', ['sh', '-c', 'exit 3'], undefined, { kind: 'exits', exitCode: 3, lines: [] }],
  ])('%s %j %j → %j', (image, command, args, outcome) => {
    expect(processOutcome(imageProfile(image), command, args)).toEqual(outcome);
  });
});

describe('servesPath', () => {
  it.each([
    ['ghcr.io/example/todo-backend:2.3.0', '/healthz', true],
    ['ghcr.io/example/todo-backend:2.3.0', '/health', false],
    ['ghcr.io/example/todo-backend:2.3.0', '/', false],
    ['ghcr.io/example/todo-backend:2.3.0', '/api/todos/42?full=1', true],
    ['ghcr.io/example/todo-frontend:1.4.2', '/', true],
    ['ghcr.io/example/todo-frontend:1.4.2', '/_next/static/chunk.js', true],
    ['nginx:1.27', '/healthz', false],
    ['ghcr.io/example/app:1.0', '/anything', true],
  ])('%s serves %s: %s', (image, path, served) => {
    expect(servesPath(imageProfile(image), path)).toBe(served);
  });
});

describe('probeFailure', () => {
  const ip = '10.244.0.12';
  const backend = { ports: [{ name: 'http', containerPort: 8000 }] };
  const profile = imageProfile('ghcr.io/example/todo-backend:2.3.0');
  it.each([
    ['a served path', { httpGet: { path: '/healthz', port: 'http' } }, backend, profile, undefined],
    [
      'an unserved path',
      { httpGet: { path: '/health', port: 8000 } },
      backend,
      profile,
      'HTTP probe failed with statuscode: 404',
    ],
    [
      'an unserved port',
      { httpGet: { path: '/healthz', port: 9999 } },
      backend,
      profile,
      `Get "http://${ip}:9999/healthz": dial tcp ${ip}:9999: connect: connection refused`,
    ],
    [
      'a tcpSocket on an unserved port',
      { tcpSocket: { port: 81 } },
      {},
      imageProfile('nginx:1.27'),
      `dial tcp ${ip}:81: connect: connection refused`,
    ],
    [
      'a tcpSocket on the port the image listens on',
      { tcpSocket: { port: 80 } },
      {},
      imageProfile('nginx:1.27'),
      undefined,
    ],
    [
      'HTTP on a port that speaks none',
      { httpGet: { path: '/', port: 6379 } },
      {},
      imageProfile('redis:7'),
      `Get "http://${ip}:6379/": EOF`,
    ],
    ['an exec probe', { exec: { command: ['pg_isready'] } }, {}, imageProfile('postgres:16'), undefined],
  ])('%s', (_case, probe, spec, image, failure) => {
    expect(probeFailure(probe, spec, image, undefined, ip)).toBe(failure);
  });
});

describe('restartsAfterExit', () => {
  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 127, true],
    ['Never', 1, false],
  ] as const)('%s, exit %i: %s', (policy, exitCode, restarts) => {
    expect(restartsAfterExit(policy, exitCode)).toBe(restarts);
  });
});

describe('the error-rate annotation', () => {
  it.each([
    ['0.5', 0.5],
    ['25%', 0.25],
    ['200%', 1],
    ['lots', 0],
    [undefined, 0],
  ])('parseRate(%s) = %s', (text, rate) => {
    expect(parseRate(text)).toBe(rate);
  });

  it.each([
    [0.25, 8, 2],
    [0.5, 10, 5],
    [1, 5, 5],
    [0, 5, 0],
  ])('a rate of %s makes %i lines hold %i errors', (rate, lines, errors) => {
    const count = Array.from({ length: lines }, (_, i) => isErrorLine(i + 1, rate)).filter(Boolean).length;
    expect(count).toBe(errors);
  });
});
