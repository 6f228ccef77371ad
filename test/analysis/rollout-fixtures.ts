// Builders for a Deployment's revisions: its ReplicaSets with the revision annotation and their
// own templates, and the pods of one of them, for the fixes-at-the-cause cases.
import type {
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { container, deployment, MINUTE, NOW, pod } from './fixtures.js';

export interface RevisionSpec {
  revision: number;
  container?: Partial<V1Container>;
  /** Its pods available now (status.availableReplicas). */
  available?: number;
}

const NAME = 'web';

export function rsName(revision: number): string {
  return `${NAME}-r${revision}hash`;
}

export function revisionSet(spec: RevisionSpec): V1ReplicaSet {
  return {
    metadata: {
      name: rsName(spec.revision),
      namespace: 'todo',
      annotations: { 'deployment.kubernetes.io/revision': String(spec.revision) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, uid: 'd', controller: true },
      ],
    },
    spec: {
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME, 'pod-template-hash': `r${spec.revision}hash` } },
        spec: { containers: [container('app', spec.container)] },
      },
    },
    status: { replicas: spec.available ?? 0, availableReplicas: spec.available ?? 0 },
  };
}

/** The Deployment at the newest of `revisions`, its template that revision's. */
export function rolledOut(revisions: RevisionSpec[]): {
  deployment: V1Deployment;
  replicaSets: V1ReplicaSet[];
} {
  const current = revisions.reduce((a, b) => (b.revision > a.revision ? b : a));
  const d = deployment(NAME, {
    revision: current.revision,
    spec: { containers: [container('app', current.container)] },
  });
  d.metadata!.uid = 'd';
  return { deployment: d, replicaSets: revisions.map(revisionSet) };
}

/** A pod of revision `revision` with the given container status. */
export function revisionPod(
  revision: number,
  index: number,
  status: V1ContainerStatus,
  spec?: Partial<V1Container>,
): V1Pod {
  return pod(`${rsName(revision)}-p${index}`, {
    replicaSet: rsName(revision),
    spec: { containers: [container('app', spec)] },
    statuses: [status],
    conditions: [
      {
        type: 'Ready',
        status: status.ready ? 'True' : 'False',
        lastTransitionTime: new Date(NOW - 30 * MINUTE),
      },
    ],
  });
}
