// Loading the kubeconfig as kubectl does, and failing in one line before anything goes full screen.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { CliError } from '../../src/cli/errors.js';
import { loadConnection, preflight, type ConnectEnvironment } from '../../src/cluster/connect.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'connect-'));

/** A kubeconfig with one context per entry, each with its own cluster and user. */
function kubeconfig(
  path: string,
  contexts: { name: string; server: string; namespace?: string }[],
  current?: string,
): string {
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
      users: contexts.map((c) => ({ name: c.name, user: { token: `token-${c.name}` } })),
      contexts: contexts.map((c) => ({
        name: c.name,
        context: { cluster: c.name, user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) },
      })),
      ...(current ? { 'current-context': current } : {}),
    }),
  );
  return path;
}

const environment = (
  env: NodeJS.ProcessEnv,
  home = dir(),
  serviceAccountRoot = dir(),
): ConnectEnvironment => ({
  env,
  home,
  serviceAccountRoot,
});

function cliError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).not.toContain('\n');
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('KUBECONFIG with several files merges as kubectl does', () => {
  const d = dir();
  const first = kubeconfig(
    join(d, 'first'),
    [
      { name: 'shared', server: 'https://first.example:6443' },
      { name: 'dev', server: 'https://dev.example:6443', namespace: 'team' },
    ],
    'dev',
  );
  const second = kubeconfig(
    join(d, 'second'),
    [
      { name: 'shared', server: 'https://second.example:6443' },
      { name: 'prod', server: 'https://prod.example:6443' },
    ],
    'prod',
  );
  const empty = join(d, 'empty');
  writeFileSync(empty, '');
  const KUBECONFIG = [join(d, 'missing'), empty, first, second].join(':');

  it('the first current-context wins, missing and empty files are skipped', () => {
    const c = loadConnection({}, environment({ KUBECONFIG }));
    expect(c).toMatchObject({ context: 'dev', server: 'https://dev.example:6443', namespace: 'team' });
  });

  it('a name defined twice keeps the first definition, and later files add contexts', () => {
    expect(loadConnection({ context: 'shared' }, environment({ KUBECONFIG })).server).toBe(
      'https://first.example:6443',
    );
    expect(loadConnection({ context: 'prod' }, environment({ KUBECONFIG })).server).toBe(
      'https://prod.example:6443',
    );
  });

  it('an unknown --context is one line listing the known contexts', () => {
    const error = cliError(() => loadConnection({ context: 'nope' }, environment({ KUBECONFIG })));
    expect(error.message).toBe('context "nope" not found in kubeconfig (known: shared, dev, prod)');
    expect(error.exitCode).toBe(2);
  });
});

describe('which kubeconfig and namespace', () => {
  const d = dir();
  const file = kubeconfig(
    join(d, 'config'),
    [{ name: 'ctx', server: 'https://ctx.example', namespace: 'shop' }],
    'ctx',
  );

  it('--kubeconfig wins over KUBECONFIG', () => {
    const other = kubeconfig(join(d, 'other'), [{ name: 'other', server: 'https://other.example' }], 'other');
    expect(loadConnection({ kubeconfig: file }, environment({ KUBECONFIG: other })).context).toBe('ctx');
  });

  it('-n wins over the context namespace, -A means all, and "default" when neither is set', () => {
    const env = environment({ KUBECONFIG: file });
    expect(loadConnection({}, env).namespace).toBe('shop');
    expect(loadConnection({ namespace: 'web' }, env).namespace).toBe('web');
    expect(loadConnection({ allNamespaces: true, namespace: 'web' }, env).namespace).toBeUndefined();
    const bare = kubeconfig(join(d, 'bare'), [{ name: 'bare', server: 'https://bare.example' }], 'bare');
    expect(loadConnection({ kubeconfig: bare }, env).namespace).toBe('default');
  });

  it('~/.kube/config when KUBECONFIG is unset', () => {
    const home = dir();
    mkdirSync(join(home, '.kube'));
    kubeconfig(join(home, '.kube', 'config'), [{ name: 'home', server: 'https://home.example' }], 'home');
    expect(loadConnection({}, environment({}, home)).context).toBe('home');
  });

  it('the service account when running in a pod', () => {
    const root = dir();
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'namespace'), 'ops');
    // client-node's in-cluster loader reads these from the process environment.
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const c = loadConnection({}, environment(process.env, dir(), root));
    expect(c).toMatchObject({ server: 'https://10.96.0.1:443', namespace: 'ops' });
  });

  it('no kubeconfig anywhere and not in a pod is one line, not a localhost:8080 guess', () => {
    expect(cliError(() => loadConnection({}, environment({}))).message).toMatch(
      /^cannot load kubeconfig: no kubeconfig: KUBECONFIG is unset, .*\.kube\/config does not exist/,
    );
  });

  it('a missing --kubeconfig file or a context without a cluster is one line', () => {
    expect(cliError(() => loadConnection({ kubeconfig: join(d, 'nope') })).message).toBe(
      `cannot load kubeconfig: kubeconfig ${join(d, 'nope')} does not exist`,
    );
    const broken = join(d, 'broken');
    writeFileSync(
      broken,
      stringify({
        contexts: [{ name: 'x', context: { cluster: 'gone', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    expect(cliError(() => loadConnection({ kubeconfig: broken })).message).toBe(
      'context "x" names a cluster the kubeconfig does not define',
    );
  });
});

describe('preflight', () => {
  it('an unreachable server is one line naming the context and server', async () => {
    const file = kubeconfig(
      join(dir(), 'config'),
      [{ name: 'minikube', server: 'https://127.0.0.1:1' }],
      'minikube',
    );
    const error = await preflight(loadConnection({ kubeconfig: file }), 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      'cannot reach the API server https://127.0.0.1:1 (context minikube): connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
