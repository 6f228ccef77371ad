// Helpers for the kubelet's fault tests: a namespace on a running simulator, pods created in it
// through client-node, and what kubectl would show of them (status column, events, logs).
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { summarizePod } from '../../src/kube/format.js';
import type { RunningSim } from '../../src/sim/index.js';

/** kubectl get pods' STATUS column. */
export const status = (p: V1Pod): string => summarizePod(p).status;

export async function podsIn(sim: RunningSim, namespace: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  return {
    core,
    /** A one-container pod named `name`, container `app`, image `ghcr.io/example/app:1.0` unless given. */
    create: (
      name: string,
      container: Record<string, unknown>,
      options: { annotations?: Record<string, string>; spec?: Record<string, unknown> } = {},
    ): Promise<V1Pod> =>
      core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, annotations: options.annotations },
          spec: {
            containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0', ...container }],
            ...options.spec,
          },
        },
      }),
    read: (name: string) => () => core.readNamespacedPod({ namespace, name }),
    /** `reason: message` of the pod's events, as kubectl describe lists them. */
    events: async (name: string): Promise<string[]> =>
      (await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })).items.map(
        (e) => `${e.reason}: ${e.message}`,
      ),
    logs: (name: string, previous = false): Promise<string> =>
      core.readNamespacedPodLog({ namespace, name, previous }),
  };
}
