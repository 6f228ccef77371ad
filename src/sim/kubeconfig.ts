// The kubeconfig the simulator writes, so kubectl and the cockpit reach it exactly as they
// would reach a real cluster.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export const SIM_CONTEXT = 'aiops-sim';

export function kubeconfigYaml(server: string, namespace?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses an http:// server unless TLS verification is explicitly off.
    clusters: [{ name: SIM_CONTEXT, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: SIM_CONTEXT, user: {} }],
    contexts: [
      {
        name: SIM_CONTEXT,
        context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, ...(namespace ? { namespace } : {}) },
      },
    ],
    'current-context': SIM_CONTEXT,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, server: string, namespace?: string): void {
  writeFileSync(path, kubeconfigYaml(server, namespace), { mode: 0o600 });
}
