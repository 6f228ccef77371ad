// core/v1 Events as the kubelet and controllers write them. A repeated event (same object,
// reason and message) bumps its count and lastTimestamp instead of adding another.
import type { SimContext } from './context.js';
import type { KubeObject } from './objects.js';
import { K } from './resources.js';
import { randomSuffix } from './store.js';

export type EventType = 'Normal' | 'Warning';

export function recordEvent(
  ctx: SimContext,
  involved: KubeObject,
  type: EventType,
  reason: string,
  message: string,
  component: string,
  fieldPath?: string,
): void {
  const { store, clock } = ctx;
  const namespace = involved.metadata.namespace ?? 'default';
  if (!store.get(K.namespaces, undefined, namespace)) return;
  const now = clock.nowISO();
  const existing = store
    .list(K.events, namespace)
    .find(
      (e) =>
        e.involvedObject?.uid === involved.metadata.uid &&
        e.reason === reason &&
        e.message === message &&
        e.involvedObject?.fieldPath === fieldPath,
    );
  if (existing) {
    existing.count = (existing.count ?? 1) + 1;
    existing.lastTimestamp = now;
    store.update(K.events, existing);
    return;
  }
  store.create(K.events, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${randomSuffix(10)}`, namespace },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason,
    message,
    type,
    source: {
      component,
      ...(component === 'kubelet' && involved.spec?.nodeName ? { host: involved.spec.nodeName } : {}),
    },
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: '',
  });
}
