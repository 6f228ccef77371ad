// Objects of the other kinds as the API serves them, and store content (findings,
// recommendations) for the views' tests; and actions that record what the keys asked for.
import type { V1Deployment, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { vi } from 'vitest';
import type { Finding } from '../../src/model/analysis.js';
import { scaleOp } from '../../src/workflow/proposed-operations.js';
import type { CockpitStore } from '../../src/state/store.js';
import type { Recommendation, WatchedKind } from '../../src/state/types.js';
import type { UiActions } from '../../src/ui/input.js';
import { makePod, uiActions } from './harness.js';

const created = () => new Date(Date.now() - 3_600_000);

export function makeDeployment(namespace: string, name: string, replicas = 2): V1Deployment {
  return {
    metadata: { namespace, name, uid: `uid-${name}`, creationTimestamp: created() },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
    },
    status: {
      replicas,
      readyReplicas: replicas - 1,
      updatedReplicas: replicas,
      availableReplicas: replicas - 1,
    },
  };
}

export function makeReplicaSet(deployment: V1Deployment, hash: string): V1ReplicaSet {
  const { namespace, name } = deployment.metadata!;
  return {
    metadata: {
      namespace,
      name: `${name}-${hash}`,
      uid: `uid-${name}-${hash}`,
      creationTimestamp: created(),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: name!,
          uid: deployment.metadata!.uid!,
          controller: true,
        },
      ],
    },
    spec: { replicas: 2, selector: { matchLabels: { app: name! } } },
    status: { replicas: 2, readyReplicas: 1 },
  };
}

/** A pod owned by a ReplicaSet, labelled `app=<label>`. */
export function ownedPod(
  rs: V1ReplicaSet,
  suffix: string,
  label: string,
  options: Parameters<typeof makePod>[2] = {},
): V1Pod {
  const pod = makePod(rs.metadata!.namespace!, `${rs.metadata!.name}-${suffix}`, options);
  pod.metadata!.labels = { app: label };
  pod.metadata!.ownerReferences = [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: rs.metadata!.name!,
      uid: rs.metadata!.uid!,
      controller: true,
    },
  ];
  return pod;
}

export function makeService(namespace: string, name: string, selector: Record<string, string>): V1Service {
  return {
    metadata: { namespace, name, creationTimestamp: created() },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.12', selector, ports: [{ port: 80, protocol: 'TCP' }] },
  };
}

/** Puts objects of a kind into the store (keyed namespace/name, or name when cluster-scoped). */
export function put(
  store: CockpitStore,
  kind: WatchedKind,
  objects: { metadata?: { namespace?: string; name?: string } }[],
) {
  store.getState().applyChanges(
    [
      {
        kind,
        type: 'replace',
        objects: new Map(
          objects.map((o) => [
            o.metadata!.namespace ? `${o.metadata!.namespace}/${o.metadata!.name}` : o.metadata!.name!,
            o,
          ]),
        ),
      },
    ],
    Date.now(),
  );
}

export function makeFinding(id: string, title: string, severity: Finding['severity'] = 'critical'): Finding {
  const resource = { kind: 'Pod', namespace: 'todo', name: `${id}-pod` };
  return {
    id,
    severity,
    analyzer: 'pod-failures',
    source: 'built-in',
    resource,
    title,
    detail: ['the container exited 1', 'last log: boom'],
    affected: [],
    recommendation: scaleOp({ kind: 'Deployment', namespace: 'todo', name: 'backend' }, 2),
    firstSeen: Date.now() - 60_000,
    lastSeen: Date.now(),
    count: 1,
  } as Finding;
}

export function makeRecommendation(id: string, tier: Recommendation['tier'] = 'low'): Recommendation {
  const operation = scaleOp({ kind: 'Deployment', namespace: 'todo', name: 'frontend' }, 3);
  return {
    id,
    title: `scale frontend (${id})`,
    tier,
    source: 'built-in',
    target: 'deployment/todo/frontend',
    status: 'awaiting-approval',
    operation: operation as unknown as Recommendation['operation'],
    approvers: [],
    requiredApprovers: 1,
    created: Date.now() - 285_000,
    expires: Date.now() + 300_000,
  };
}

export type Calls = [string, unknown[]][];

/** Every action as a recorder: `calls` lists what was asked, in order. */
export function recordingActions(given: Partial<UiActions> = {}): { actions: UiActions; calls: Calls } {
  const calls: Calls = [];
  const base = uiActions(given);
  const actions = Object.fromEntries(
    Object.entries(base).map(([name, fn]) => [
      name,
      vi.fn((...args: unknown[]) => {
        calls.push([name, args]);
        return (fn as (...a: unknown[]) => unknown)(...args);
      }),
    ]),
  ) as unknown as UiActions;
  return { actions, calls };
}
