// Deployment controller: one ReplicaSet per pod template, revisions kubectl's rollout commands
// read, rolling updates within maxSurge/maxUnavailable, Recreate, pause and a progress deadline.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { isOwnedBy, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { templateHash, withoutHashLabel } from './hash.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);

/** maxSurge / maxUnavailable: an int or a percentage of desired (surge rounds up, unavailable down). */
function resolve(value: unknown, desired: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? '25%'));
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * desired) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
  previous?: Record<string, string>,
) {
  const changed = !previous || previous.status !== status || previous.reason !== reason;
  return {
    type,
    status,
    reason,
    message,
    lastUpdateTime: changed || previous?.message !== message ? now : previous.lastUpdateTime,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : now,
  };
}

export function startDeploymentController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: deployment ${key}: ${String(error)}`),
  );
  const deadlineTimers = new Map<string, NodeJS.Timeout>();

  function scaleRs(deploy: KubeObject, rs: KubeObject, replicas: number): void {
    const from = rs.spec?.replicas ?? 0;
    if (from === replicas) return;
    store.modify(K.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
      o.spec.replicas = replicas;
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'deployment.kubernetes.io/desired-replicas': String(deploy.spec.replicas),
      };
    });
    rs.spec.replicas = replicas;
    const verb = replicas > from ? 'up' : 'down';
    recordEvent(
      ctx,
      deploy,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      'deployment-controller',
    );
  }

  function newReplicaSet(deploy: KubeObject, owned: KubeObject[]): KubeObject {
    const hash = templateHash(withoutHashLabel(deploy.spec.template));
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const existing = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const cause = deploy.metadata.annotations?.[CHANGE_CAUSE];
    if (existing) {
      if (revisionOf(existing) < maxRevision) {
        // The template came back (rollout undo): the old ReplicaSet becomes the newest revision.
        return store.modify(K.replicasets, existing.metadata.namespace, existing.metadata.name, (o) => {
          o.metadata.annotations = {
            ...o.metadata.annotations,
            [REVISION]: String(maxRevision + 1),
            ...(cause ? { [CHANGE_CAUSE]: cause } : {}),
          };
        });
      }
      return existing;
    }
    const template = structuredClone(deploy.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
    };
    return store.create(K.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deploy.metadata.name}-${hash}`,
        namespace: deploy.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          [REVISION]: String(maxRevision + 1),
          'deployment.kubernetes.io/desired-replicas': String(deploy.spec.replicas),
          ...(cause ? { [CHANGE_CAUSE]: cause } : {}),
        },
        ownerReferences: [ownerRef(deploy)],
      },
      spec: {
        replicas: 0,
        selector: {
          ...deploy.spec.selector,
          matchLabels: { ...deploy.spec.selector?.matchLabels, 'pod-template-hash': hash },
        },
        template,
      },
    });
  }

  function rollOut(deploy: KubeObject, newRs: KubeObject, old: KubeObject[]): void {
    const desired = deploy.spec.replicas ?? 1;
    if (deploy.spec.strategy?.type === 'Recreate') {
      for (const rs of old) scaleRs(deploy, rs, 0);
      if (old.every((rs) => (rs.status?.replicas ?? 0) === 0)) scaleRs(deploy, newRs, desired);
      return;
    }
    const oldActive = old.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    if (oldActive.length === 0) {
      scaleRs(deploy, newRs, desired);
      return;
    }
    const rolling = deploy.spec.strategy?.rollingUpdate ?? {};
    const maxSurge = resolve(rolling.maxSurge, desired, true);
    let maxUnavailable = resolve(rolling.maxUnavailable, desired, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const total = (): number => [newRs, ...old].reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    // Scale the new ReplicaSet up as far as the surge allows.
    const room = desired + maxSurge - total();
    if (room > 0) scaleRs(deploy, newRs, Math.min(desired, (newRs.spec.replicas ?? 0) + room));
    // Scale old ones down as far as availability allows; unready old pods can go at once.
    const available = [newRs, ...old].reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    let removable = available - (desired - maxUnavailable);
    for (const rs of oldActive) {
      const replicas = rs.spec.replicas ?? 0;
      const unready = replicas - (rs.status?.availableReplicas ?? 0);
      const cut = Math.min(replicas, Math.max(0, unready) + Math.max(0, removable));
      if (cut <= 0) continue;
      removable -= Math.max(0, cut - Math.max(0, unready));
      scaleRs(deploy, rs, replicas - cut);
    }
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const deploy = store.get(K.deployments, namespace, name);
    if (!deploy) return;
    const owned = store.list(K.replicasets, namespace).filter((rs) => isOwnedBy(rs, deploy.metadata.uid));
    const newRs = newReplicaSet(deploy, owned);
    const old = owned.filter((rs) => rs.metadata.name !== newRs.metadata.name);
    if (!deploy.spec.paused) rollOut(deploy, newRs, old);
    pruneHistory(deploy, old);
    updateStatus(key, deploy, newRs, old);
  }

  function pruneHistory(deploy: KubeObject, old: KubeObject[]): void {
    const limit = deploy.spec.revisionHistoryLimit ?? 10;
    const idle = old
      .filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      store.delete(K.replicasets, rs.metadata.namespace, rs.metadata.name);
  }

  function updateStatus(key: string, deploy: KubeObject, newRs: KubeObject, old: KubeObject[]): void {
    const all = [newRs, ...old];
    const sum = (f: (rs: KubeObject) => number): number => all.reduce((n, rs) => n + f(rs), 0);
    const desired = deploy.spec.replicas ?? 1;
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRs.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const maxUnavailable =
      deploy.spec.strategy?.type === 'Recreate'
        ? desired
        : resolve(deploy.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false);
    const now = clock.nowISO();
    const prev = (type: string) =>
      (deploy.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
    const complete =
      updated === desired && replicas === desired && (newRs.status?.availableReplicas ?? 0) === desired;
    const prevProgress = prev('Progressing');
    let progressing;
    if (deploy.spec.paused) {
      progressing = condition(
        'Progressing',
        'Unknown',
        'DeploymentPaused',
        'Deployment is paused',
        now,
        prevProgress,
      );
    } else if (complete) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`,
        now,
        prevProgress,
      );
    } else {
      const deadlineMs = (deploy.spec.progressDeadlineSeconds ?? 600) * 1000;
      const statusChanged =
        deploy.status?.readyReplicas !== ready ||
        deploy.status?.updatedReplicas !== updated ||
        deploy.status?.observedGeneration !== deploy.metadata.generation;
      const since =
        statusChanged || !prevProgress || prevProgress.reason === 'NewReplicaSetAvailable'
          ? clock.now()
          : Date.parse(prevProgress.lastUpdateTime);
      if (prevProgress?.reason === 'ProgressDeadlineExceeded' && !statusChanged) {
        progressing = prevProgress;
      } else if (clock.now() - since >= deadlineMs) {
        progressing = condition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${newRs.metadata.name}" has timed out progressing.`,
          now,
          prevProgress,
        );
      } else {
        progressing = condition(
          'Progressing',
          'True',
          'ReplicaSetUpdated',
          `ReplicaSet "${newRs.metadata.name}" is progressing.`,
          now,
          prevProgress,
        );
        progressing.lastUpdateTime = new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const existing = deadlineTimers.get(key);
        if (existing) clock.clear(existing);
        deadlineTimers.set(
          key,
          clock.setTimeout(() => queue.add(key), deadlineMs - (clock.now() - since) + 1000),
        );
      }
    }
    const availableOk = available >= desired - maxUnavailable;
    const conditions = [
      condition(
        'Available',
        availableOk ? 'True' : 'False',
        availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        availableOk
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
        now,
        prev('Available'),
      ),
      progressing,
    ];
    const status = {
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
      conditions,
    };
    const revision = newRs.metadata.annotations?.[REVISION];
    const sameStatus =
      isDeepStrictEqual({ ...deploy.status, conditions: undefined }, { ...status, conditions: undefined }) &&
      isDeepStrictEqual(
        (deploy.status?.conditions ?? []).map((c: Record<string, string>) => [
          c.type,
          c.status,
          c.reason,
          c.message,
        ]),
        conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      );
    if (sameStatus && deploy.metadata.annotations?.[REVISION] === revision) return;
    store.modify(K.deployments, deploy.metadata.namespace, deploy.metadata.name, (o) => {
      o.status = status;
      if (revision) o.metadata.annotations = { ...o.metadata.annotations, [REVISION]: revision };
    });
  }

  for (const d of store.list(K.deployments)) queue.add(objectKey(d.metadata.namespace, d.metadata.name));
  const stops = [
    store.watch(K.deployments, {}, (e) => {
      if (e.type !== 'DELETED') queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    }),
    store.watch(K.replicasets, {}, (e) => {
      for (const ref of e.object.metadata.ownerReferences ?? []) {
        if (ref.kind === 'Deployment') queue.add(objectKey(e.object.metadata.namespace, ref.name));
      }
    }),
  ];
  return () => {
    stops.forEach((stop) => stop());
    for (const timer of deadlineTimers.values()) clock.clear(timer);
    queue.stop();
  };
}
