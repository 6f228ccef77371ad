// whoAmI: the identity of the credentials the cockpit runs changes with, from a SelfSubjectReview
// answered by the simulator (the admin without credentials, a token user with a bearer token),
// and a one-line error where the server cannot say.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whoAmI } from '../../src/cluster/whoami.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: 'empty',
    users: [{ token: 'jane-token', username: 'jane', uid: 'jane-uid', groups: ['developers'] }],
  });
});
afterAll(() => sim.close());

/** The simulator's kubeconfig, with the user's token replaced when one is given. */
function kubeConfig(server: string, token?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', ...(token ? { token } : {}) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('whoAmI', () => {
  it('is the admin with the kubeconfig the simulator writes', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    expect(await whoAmI(kc)).toEqual({
      username: 'aiops',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('is the token user with a bearer token', async () => {
    expect(await whoAmI(kubeConfig(sim.url, 'jane-token'))).toEqual({
      username: 'jane',
      uid: 'jane-uid',
      groups: ['developers', 'system:authenticated'],
    });
  });

  it('an unknown token is a one-line 401', async () => {
    expect(await whoAmI(kubeConfig(sim.url, 'nope'))).toEqual({ error: 'who am I: 401 Unauthorized' });
  });

  it('a deny rule on selfsubjectreviews is a one-line 403', async () => {
    sim.setDenyRules([{ verb: 'create', resource: 'selfsubjectreviews', user: 'jane' }]);
    try {
      expect(await whoAmI(kubeConfig(sim.url, 'jane-token'))).toEqual({
        error:
          'who am I: 403 selfsubjectreviews.authentication.k8s.io is forbidden: User "jane" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope',
      });
      expect(await whoAmI(kubeConfig(sim.url))).toMatchObject({ username: 'aiops' });
    } finally {
      sim.setDenyRules([]);
    }
  });

  it('a server without the API (before 1.28) is a one-line 404', async () => {
    // An HTTP server answering as an old kube-apiserver does for a path it does not serve.
    const old: Server = createServer((_req, res) => {
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        details: {},
        code: 404,
      });
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = old.address() as AddressInfo;
      expect(await whoAmI(kubeConfig(`http://127.0.0.1:${port}`))).toEqual({
        error:
          'who am I: the server does not serve SelfSubjectReview (authentication.k8s.io/v1, Kubernetes 1.28+)',
      });
    } finally {
      old.closeAllConnections();
      await new Promise<void>((resolve) => old.close(() => resolve()));
    }
  });

  it('an unreachable server is one line, not a throw', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await whoAmI(kubeConfig(`http://127.0.0.1:${port}`));
    expect(result).toHaveProperty('error');
    const { error } = result as { error: string };
    expect(error).toMatch(/^who am I: .*ECONNREFUSED/);
    expect(error).not.toContain('\n');
  });
});
