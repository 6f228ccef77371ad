// The pure rules behind a child process: its whole environment, where added flags go, and when
// a drain is refused as kubectl refuses it.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { childEnvironment, withFlagsBeforeDashDash } from '../../src/workflow/child-process.js';
import { drainRefusal } from '../../src/workflow/executor.js';

describe('a child’s environment names only the cockpit’s cluster', () => {
  const parent = {
    PATH: '/bin',
    HOME: '/home/a',
    KUBECONFIG: '/elsewhere',
    HELM_KUBECONTEXT: 'prod',
    HELM_KUBEAPISERVER: 'https://evil',
    HELM_KUBETOKEN: 't',
    HELM_NAMESPACE: 'kube-system',
    HELM_DRIVER: 'sql',
    KUBERC: '/tmp/aliases',
    KUBECTL_KUBERC: 'true',
    HTTPS_PROXY: 'http://proxy:3128',
    SECRET_TOKEN: 'x',
  };
  it.each([
    [
      'kubectl',
      {
        PATH: '/bin',
        HOME: '/home/a',
        HTTPS_PROXY: 'http://proxy:3128',
        KUBECONFIG: '/private/kubeconfig',
        KUBERC: 'off',
      },
    ],
    [
      'helm',
      {
        PATH: '/bin',
        HOME: '/home/a',
        HTTPS_PROXY: 'http://proxy:3128',
        KUBECONFIG: '/private/kubeconfig',
        HELM_KUBECONTEXT: 'cockpit',
      },
    ],
  ] as const)('%s', (program, expected) => {
    expect(
      childEnvironment(parent, { program, kubeconfig: '/private/kubeconfig', context: 'cockpit' }),
    ).toEqual(expected);
  });
});

describe('flags a dry run adds go before `--`', () => {
  it.each([
    [
      ['apply', '-f', 'x.yaml'],
      ['apply', '-f', 'x.yaml', '--dry-run=server'],
    ],
    [
      ['create', 'deployment', 'x', '--image=nginx', '--', 'sleep', '1'],
      ['create', 'deployment', 'x', '--image=nginx', '--dry-run=server', '--', 'sleep', '1'],
    ],
  ])('%j', (args, expected) => {
    expect(withFlagsBeforeDashDash(args, ['--dry-run=server'])).toEqual(expected);
  });
});

describe('a drain is refused as kubectl refuses it without the flag that allows it', () => {
  const pod = (name: string, extra: Partial<V1Pod> & { owner?: string } = {}): V1Pod => ({
    metadata: {
      name,
      namespace: 'todo',
      ...(extra.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'u', controller: true },
            ],
          }
        : {}),
      ...(extra.metadata ?? {}),
    },
    ...(extra.spec ? { spec: extra.spec } : {}),
    ...(extra.status ? { status: extra.status } : {}),
  });
  const none = { ignoreDaemonSets: false, deleteEmptyDirData: false, force: false };
  const all = { ignoreDaemonSets: true, deleteEmptyDirData: true, force: true };
  const managed = pod('web', { owner: 'ReplicaSet' });
  const daemon = pod('agent', { owner: 'DaemonSet' });
  const scratch = pod('cache', {
    owner: 'ReplicaSet',
    spec: { containers: [], volumes: [{ name: 'tmp', emptyDir: {} }] },
  });
  const bare = pod('bare');
  const mirror = pod('static', {
    metadata: { name: 'static', annotations: { 'kubernetes.io/config.mirror': 'x' } },
  });
  const done = pod('job-done', { status: { phase: 'Succeeded' } });
  it.each<[string, V1Pod[], typeof none, string | undefined]>([
    ['controller-managed pods only', [managed], none, undefined],
    [
      'a DaemonSet pod',
      [managed, daemon],
      none,
      'cannot delete DaemonSet-managed pods (use --ignore-daemonsets): todo/agent',
    ],
    ['a DaemonSet pod, --ignore-daemonsets', [daemon], { ...none, ignoreDaemonSets: true }, undefined],
    [
      'an emptyDir pod',
      [scratch],
      none,
      'cannot delete pods with local storage (use --delete-emptydir-data): todo/cache',
    ],
    ['an emptyDir pod, --delete-emptydir-data', [scratch], { ...none, deleteEmptyDirData: true }, undefined],
    ['a bare pod', [bare], none, 'cannot delete pods that declare no controller (use --force): todo/bare'],
    ['a bare pod, --force', [bare], { ...none, force: true }, undefined],
    ['a mirror pod and a finished bare pod', [mirror, done], none, undefined],
    ['everything, all three flags', [managed, daemon, scratch, bare], all, undefined],
  ])('%s', (_, pods, flags, expected) => {
    expect(drainRefusal(pods, flags)).toBe(expected);
  });
});
