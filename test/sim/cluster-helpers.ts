// Helpers the storage, scheduler and node-lifecycle tests share: a simulator with client-node
// clients, a polling wait with a deadline, a node added through the API, events as users read them.
import { CoreV1Api, KubeConfig, StorageV1Api, type V1Pod, type V1Taint } from '@kubernetes/client-node';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

export interface SimClients {
  sim: RunningSim;
  core: CoreV1Api;
  storage: StorageV1Api;
}

export async function startWithClients(speed = 50): Promise<SimClients> {
  const sim = await startSimulator({ scenario: 'empty', speed });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  return { sim, core: kc.makeApiClient(CoreV1Api), storage: kc.makeApiClient(StorageV1Api) };
}

/** `reason: message` of the events about one object, as `kubectl events --for` lists them. */
export async function eventsFor(core: CoreV1Api, namespace: string, name: string): Promise<string[]> {
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e.reason}: ${e.message}`);
}

/** A Ready node registered through the API (status written as a kubelet writes it). */
export async function addNode(
  core: CoreV1Api,
  name: string,
  options: { cpu?: string; labels?: Record<string, string>; taints?: V1Taint[] } = {},
): Promise<void> {
  const created = await core.createNode({
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
      spec: options.taints ? { taints: options.taints } : {},
    },
  });
  const capacity = { cpu: options.cpu ?? '4', memory: '8Gi', pods: '110' };
  await core.replaceNodeStatus({
    name,
    body: {
      ...created,
      status: {
        capacity,
        allocatable: capacity,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
      },
    },
  });
}

export const podScheduledMessage = (p: V1Pod): string | undefined =>
  p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message;
