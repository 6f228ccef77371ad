// In the real-cluster tier (npm run test:cluster): it starts a control plane of its own.
// kagent without a port-forward: the controller's Service is found in a real cluster (the
// control plane of test/cluster/control-plane.ts) and reached through the API server's service
// proxy with the kubeconfig's own CA and token. The agent is the SDK's server side, listening on
// a non-loopback address of this machine (the API server refuses to proxy to loopback).
import { networkInterfaces } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskState } from '@a2a-js/sdk';
import { findKagent } from '../../src/analysis/kagent/cluster.js';
import { createKagentProvider } from '../../src/analysis/kagent/provider.js';
import { controlPlaneMissing, startControlPlane, type ControlPlane } from '../cluster/control-plane.js';
import { AGENT_PATH, data, startAgent, type ScriptedAgent } from '../analysis/a2a-agents.js';

const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const missing =
  controlPlaneMissing() ?? (hostAddress ? undefined : 'no non-loopback IPv4 address to serve the agent on');

const ANSWER = {
  findings: [
    {
      severity: 'critical',
      resource: { kind: 'Pod', namespace: 'todo', name: 'backend-1' },
      problem: 'crashloop',
      title: 'backend-1 is crash-looping',
    },
  ],
};

describe.skipIf(missing !== undefined)('kagent through the API server service proxy', () => {
  let cp: ControlPlane;
  let agent: ScriptedAgent;
  const kubeConfig = (user: 'admin' | 'viewer') => {
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfig(user));
    return kc;
  };

  beforeAll(async () => {
    [cp, agent] = await Promise.all([
      startControlPlane({ nodes: 0 }),
      startAgent({
        version: '0.3',
        streaming: true,
        host: hostAddress!,
        // kagent's card names the controller as the cluster knows it.
        interfaceUrl: () => `http://kagent-controller.kagent:8083${AGENT_PATH}`,
        script: async (_turn, reply) => {
          reply.task(TaskState.TASK_STATE_WORKING);
          reply.status(TaskState.TASK_STATE_WORKING, [
            data({ name: 'k8s_get_resources' }, { kagent_type: 'function_call' }),
          ]);
          reply.artifact('```json\n' + JSON.stringify(ANSWER).slice(0, 40));
          reply.artifact(JSON.stringify(ANSWER).slice(40) + '\n```', { append: true });
          reply.status(TaskState.TASK_STATE_COMPLETED);
        },
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([cp?.stop(), agent?.close()]);
  });

  it('is not assumed when the Service is not there', async () => {
    expect(await findKagent(kubeConfig('admin'))).toBeUndefined();
  });

  it('finds the Service and asks the agent through the proxy with the kubeconfig credentials', async () => {
    const port = new URL(agent.url).port;
    const manifest = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kagent' } },
        // The API server proxies only to an endpoint that is a Pod's IP: a Pod stands for this
        // process, on a node no kubelet runs (its IP is set below, as a kubelet would).
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'kagent-controller-0', namespace: 'kagent' },
          spec: { nodeName: 'outside', containers: [{ name: 'controller', image: 'kagent/controller:0.9' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'kagent-controller', namespace: 'kagent' },
          spec: { ports: [{ name: 'http', port: 8083, targetPort: Number(port) }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'kagent-controller', namespace: 'kagent' },
          subsets: [
            {
              addresses: [
                {
                  ip: hostAddress,
                  targetRef: { kind: 'Pod', namespace: 'kagent', name: 'kagent-controller-0' },
                },
              ],
              ports: [{ name: 'http', port: Number(port) }],
            },
          ],
        },
      ],
    };
    const applied = await cp.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const status = { status: { podIP: hostAddress, podIPs: [{ ip: hostAddress }] } };
    const patched = await cp.kubectl([
      'patch',
      'pod',
      'kagent-controller-0',
      '-n',
      'kagent',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ]);
    expect(patched.exitCode, patched.stderr).toBe(0);

    const found = await findKagent(kubeConfig('admin'));
    expect(found?.url).toBe(`${cp.server}/api/v1/namespaces/kagent/services/kagent-controller:8083/proxy`);
    const findings = await createKagentProvider({ ...found!, timeoutMs: 20_000 }).analyze('health');
    expect(findings.map((f) => f.title)).toEqual(['backend-1 is crash-looping']);
    expect(agent.methods).toEqual(['message/stream']);

    // A user the cluster does not let through the proxy is told so, as a finding.
    const viewer = await findKagent(kubeConfig('viewer'));
    const denied = await createKagentProvider({ ...viewer!, timeoutMs: 20_000 }).analyze('health');
    expect(denied).toMatchObject([
      { id: 'kagent-health:Agent/kagent/k8s-agent:unavailable', title: /403|forbidden/i },
    ]);
  }, 60_000);
});
