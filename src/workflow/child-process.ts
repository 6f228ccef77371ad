// How kubectl and helm are told where to go: through the environment only. Flags appended to an
// approved argv would change it (after a `--` they become a container's command), and the
// parent's own KUBECONFIG or HELM_* settings must not decide where an approved change goes.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { TOOL_ENV } from '../cluster/tool-env.js';

/**
 * What a child inherits from the cockpit's environment: what the tools need to find themselves,
 * their caches and a proxy. Nothing that names a cluster, a context, a namespace or credentials
 * (KUBECONFIG, HELM_KUBE*, HELM_NAMESPACE, HELM_DRIVER*, KUBECTL_*, KUBERC).
 */
const INHERITED = [
  ...TOOL_ENV,
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'HELM_CACHE_HOME',
  'HELM_CONFIG_HOME',
  'HELM_DATA_HOME',
  'HELM_PLUGINS',
  'HELM_REGISTRY_CONFIG',
  'HELM_REPOSITORY_CACHE',
  'HELM_REPOSITORY_CONFIG',
];

/** The whole environment of a kubectl or helm child (to be used with execa's extendEnv: false). */
export function childEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  target: { program: 'kubectl' | 'helm'; kubeconfig: string; context: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.KUBECONFIG = target.kubeconfig;
  // kubectl's kuberc (~/.kube/kuberc) can alias commands and add default flags: not here.
  if (target.program === 'kubectl') env.KUBERC = 'off';
  if (target.program === 'helm') env.HELM_KUBECONTEXT = target.context;
  return env;
}

/**
 * A kubeconfig whose current context is the cockpit's, with no default namespace: a command
 * without -n then goes to `default`, the namespace the parser showed the approver. The given
 * file when it already is one; else a private copy written beside it (in the cockpit's private
 * directory, so it goes when that does), named by its content.
 */
export function childKubeconfig(path: string, context: string | undefined): string {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const name = context ?? kc.getCurrentContext();
  const chosen = kc.getContextObject(name);
  if (!chosen) throw new Error(`kubeconfig ${path} has no context "${name}"`);
  if (kc.getCurrentContext() === name && !chosen.namespace) return path;
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers(),
    contexts: kc.getContexts().map((c) => {
      if (c.name !== name) return c;
      const { namespace: _dropped, ...rest } = c;
      return rest;
    }),
    currentContext: name,
  });
  const text = copy.exportConfig();
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const out = join(dirname(path), `kubeconfig-exec-${digest}`);
  writeFileSync(out, text, { mode: 0o600 });
  return out;
}

/** Flags added to an argv go before its first `--`, where they are still the tool's own. */
export function withFlagsBeforeDashDash(args: readonly string[], flags: readonly string[]): string[] {
  const end = args.indexOf('--');
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
}
