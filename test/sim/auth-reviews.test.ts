// Who am I and may I: the review APIs (authentication.k8s.io SelfSubjectReview, authorization.k8s.io
// SelfSubjectAccessReview and SelfSubjectRulesReview) judged by the real kubectl's `auth whoami`
// and `auth can-i`, and by client-node, against the simulator and its deny rules.
import { join } from 'node:path';
import { AuthorizationV1Api, KubeConfig, type ApiException } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const kubectlPath = join(import.meta.dirname, '..', '..', '.tools', 'bin', 'kubectl');
let sim: RunningSim;
let kc: KubeConfig;
const kubectl = (...args: string[]) =>
  execa(kubectlPath, ['--kubeconfig', sim.kubeconfigPath, ...args], { reject: false });

beforeAll(async () => {
  sim = await startSimulator({
    scenario: 'todo',
    users: [{ token: 'jane-token', username: 'jane', uid: 'jane-uid', groups: ['developers'] }],
  });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.close());
afterEach(() => sim.setDenyRules([]));

describe('kubectl auth whoami', () => {
  it('-o json prints the SelfSubjectReview of the kubeconfig admin', async () => {
    const result = await kubectl('auth', 'whoami', '-o', 'json');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const review = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(review).toMatchObject({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      status: { userInfo: { username: 'aiops', groups: ['system:masters', 'system:authenticated'] } },
    });
    expect((review.metadata as { creationTimestamp: string }).creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('prints the attribute table, and --as / --as-group impersonate', async () => {
    const plain = await kubectl('auth', 'whoami');
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout.split('\n')).toEqual([
      'ATTRIBUTE   VALUE',
      'Username    aiops',
      'Groups      [system:masters system:authenticated]',
    ]);
    const as = await kubectl('auth', 'whoami', '--as', 'bob', '--as-group', 'ops', '-o', 'json');
    expect(as.exitCode).toBe(0);
    expect(JSON.parse(as.stdout)).toMatchObject({
      status: { userInfo: { username: 'bob', groups: ['ops', 'system:authenticated'] } },
    });
    const sa = await kubectl('auth', 'whoami', '--as', 'system:serviceaccount:todo:todo', '-o', 'json');
    expect(JSON.parse(sa.stdout)).toMatchObject({
      status: {
        userInfo: {
          username: 'system:serviceaccount:todo:todo',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:todo', 'system:authenticated'],
        },
      },
    });
  });

  it('a deny rule on impersonate is a 403 naming the impersonator', async () => {
    sim.setDenyRules([{ verb: 'impersonate', resource: 'users' }]);
    // (`get --raw`: kubectl's discovery client prints a 403 on /api as "unknown")
    const result = await kubectl('get', '--raw', '/api/v1/namespaces/todo/pods', '--as', 'bob');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'users "bob" is forbidden: User "aiops" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('a 403 on selfsubjectreviews is what kubectl reports as not permitted', async () => {
    sim.setDenyRules([{ verb: 'create', resource: 'selfsubjectreviews' }]);
    const result = await kubectl('auth', 'whoami');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it',
    );
  });
});

describe('kubectl auth can-i', () => {
  it('answers yes (exit 0) for the admin', async () => {
    const result = await kubectl('auth', 'can-i', 'get', 'pods', '-n', 'todo');
    expect(result).toMatchObject({ stdout: 'yes', exitCode: 0 });
    const scale = await kubectl('auth', 'can-i', 'patch', 'deployments.apps/frontend', '-n', 'todo');
    expect(scale).toMatchObject({ stdout: 'yes', exitCode: 0 });
  });

  it('answers no (exit 1) with the reason under a deny rule, only where the rule applies', async () => {
    sim.setDenyRules([{ verb: 'list', resource: 'secrets', namespace: 'todo' }]);
    const denied = await kubectl('auth', 'can-i', 'list', 'secrets', '-n', 'todo');
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout).toBe(
      `no - denied by the simulator's deny rule (verb "list", resource "secrets", namespace "todo")`,
    );
    // The same rule is what the API enforces.
    const list = await kubectl('get', 'secrets', '-n', 'todo');
    expect(list.exitCode).toBe(1);
    expect(list.stderr).toContain('User "aiops" cannot list resource "secrets" in API group ""');
    expect(await kubectl('auth', 'can-i', 'get', 'secrets', '-n', 'todo')).toMatchObject({
      stdout: 'yes',
      exitCode: 0,
    });
    expect(await kubectl('auth', 'can-i', 'list', 'secrets', '-n', 'default')).toMatchObject({
      stdout: 'yes',
      exitCode: 0,
    });
  });

  it('a rule for one user denies that user only (impersonated with --as)', async () => {
    sim.setDenyRules([{ verb: 'delete', resource: 'pods', user: 'developers' }]);
    const dev = await kubectl(
      'auth',
      'can-i',
      'delete',
      'pods',
      '-n',
      'todo',
      '--as',
      'jo',
      '--as-group',
      'developers',
    );
    expect(dev.exitCode).toBe(1);
    expect(dev.stdout).toMatch(/^no - /);
    expect(await kubectl('auth', 'can-i', 'delete', 'pods', '-n', 'todo')).toMatchObject({ exitCode: 0 });
  });

  it('--list shows everything for the admin, and the verbs a deny rule leaves otherwise', async () => {
    const all = await kubectl('auth', 'can-i', '--list', '-n', 'todo');
    expect(all.exitCode).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(all.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(all.stdout).toMatch(
      /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m,
    );

    sim.setDenyRules([{ verb: 'list', resource: 'secrets', namespace: 'todo' }]);
    const some = await kubectl('auth', 'can-i', '--list', '-n', 'todo');
    expect(some.exitCode).toBe(0);
    expect(some.stdout).not.toMatch(/^\*\.\*/m);
    expect(some.stdout).toMatch(
      /^secrets\s+\[\]\s+\[\]\s+\[create delete deletecollection get patch update watch\]$/m,
    );
    expect(some.stdout).toMatch(
      /^pods\s+\[\]\s+\[\]\s+\[create delete deletecollection get list patch update watch\]$/m,
    );
  });
});

describe('discovery', () => {
  it('lists the review resources, create-only, as a real server does', async () => {
    const groups = await kubectl('get', '--raw', '/apis');
    const names = (JSON.parse(groups.stdout) as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['authentication.k8s.io', 'authorization.k8s.io']));
    expect(names.indexOf('apps')).toBeLessThan(names.indexOf('authentication.k8s.io'));
    expect(names.indexOf('authorization.k8s.io')).toBeLessThan(names.indexOf('autoscaling'));

    const authn = JSON.parse((await kubectl('get', '--raw', '/apis/authentication.k8s.io/v1')).stdout);
    expect(authn).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'authentication.k8s.io/v1',
      resources: [
        {
          name: 'selfsubjectreviews',
          singularName: 'selfsubjectreview',
          namespaced: false,
          kind: 'SelfSubjectReview',
          verbs: ['create'],
        },
      ],
    });
    const authz = JSON.parse((await kubectl('get', '--raw', '/apis/authorization.k8s.io/v1')).stdout) as {
      resources: { name: string; kind: string; verbs: string[]; namespaced: boolean }[];
    };
    expect(authz.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'selfsubjectaccessreviews',
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
          namespaced: false,
        }),
        expect.objectContaining({
          name: 'selfsubjectrulesreviews',
          kind: 'SelfSubjectRulesReview',
          verbs: ['create'],
          namespaced: false,
        }),
      ]),
    );

    const resources = await kubectl('api-resources', '--api-group', 'authorization.k8s.io', '--no-headers');
    expect(resources.exitCode).toBe(0);
    expect(resources.stdout).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m,
    );

    const index = JSON.parse((await kubectl('get', '--raw', '/openapi/v3')).stdout) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining(['apis/authentication.k8s.io/v1', 'apis/authorization.k8s.io/v1']),
    );
  });
});

describe('client-node createSelfSubjectAccessReview', () => {
  const review = (verb: string, resource: string, namespace?: string) => ({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, ...(namespace ? { namespace } : {}) } },
    },
  });

  it('answers allowed, and allowed:false with a reason under a deny rule', async () => {
    const api = kc.makeApiClient(AuthorizationV1Api);
    const yes = await api.createSelfSubjectAccessReview(review('list', 'pods', 'todo'));
    expect(yes).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'todo' } },
      status: { allowed: true },
    });
    sim.setDenyRules([{ verb: 'list', resource: 'pods', namespace: 'todo' }]);
    const no = await api.createSelfSubjectAccessReview(review('list', 'pods', 'todo'));
    expect(no.status).toEqual({
      allowed: false,
      denied: true,
      reason: `denied by the simulator's deny rule (verb "list", resource "pods", namespace "todo")`,
    });
    // A cluster-wide list is another question: the rule names a namespace.
    expect((await api.createSelfSubjectAccessReview(review('list', 'pods'))).status?.allowed).toBe(true);
  });

  it('a review without attributes is a 422, as validation answers', async () => {
    const api = kc.makeApiClient(AuthorizationV1Api);
    const error = (await api.createSelfSubjectAccessReview({ body: { spec: {} } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as ApiException<string>;
    expect(error.code).toBe(422);
    expect(JSON.parse(error.body)).toMatchObject({
      reason: 'Invalid',
      message:
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  });

  it('GET on a review resource is 405', async () => {
    const result = await kubectl('get', '--raw', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('MethodNotAllowed');
  });
});
