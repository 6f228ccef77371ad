// The pod `log` subresource: text/plain from the LogBook, with the query parameters kubectl
// logs sends (container, previous, tailLines, sinceSeconds, timestamps, limitBytes, follow).
// A followed log ends, as the kubelet ends it, when the pod is deleted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import type { LogLine } from './logs.js';
import type { KubeObject } from './objects.js';
import { K } from './resources.js';
import { fail } from './status.js';

/** RFC 3339 with nanoseconds, as the kubelet stamps log lines. */
function stamp(time: number): string {
  return new Date(time).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string } };
  lastState?: { terminated?: unknown };
}
const statusOf = (pod: KubeObject, container: string): ContainerStatus | undefined =>
  (pod.status?.containerStatuses as ContainerStatus[] | undefined)?.find((c) => c.name === container);

const waitingToRestart = (pod: KubeObject, container: string): boolean => {
  const status = statusOf(pod, container);
  return status?.state?.waiting !== undefined && status.lastState?.terminated !== undefined;
};

/** Why a container has no log yet, in the kubelet's words (validateContainerLogStatus). */
function waitingFor(pod: KubeObject, container: string): string {
  const reason = statusOf(pod, container)?.state?.waiting?.reason;
  if (reason === 'ErrImagePull') return "image can't be pulled";
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  return reason ?? 'ContainerCreating';
}

export function serveLog(
  ctx: SimContext,
  streams: Set<ServerResponse>,
  namespace: string | undefined,
  name: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { store, clock, logs } = ctx;
  const pod = store.mustGet(K.pods, namespace, name);
  const names: string[] = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
  let container = query.get('container') ?? undefined;
  if (!container) {
    if (names.length !== 1) {
      fail(
        400,
        'BadRequest',
        `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      );
    }
    container = names[0]!;
  }
  if (!names.includes(container))
    fail(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const previous = query.get('previous') === 'true';
  // A container waiting to restart shows its last instance's log, as the kubelet serves it.
  const restarting = !previous && waitingToRestart(pod, container);
  const lines = logs.read(namespace!, name, container, previous || restarting);
  if (!lines) {
    if (previous)
      fail(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
    fail(
      400,
      'BadRequest',
      `container "${container}" in pod "${name}" is waiting to start: ${waitingFor(pod, container)}`,
    );
  }
  const timestamps = query.get('timestamps') === 'true';
  const format = (l: LogLine): string => `${timestamps ? stamp(l.time) + ' ' : ''}${l.text}\n`;
  const sinceSeconds = Number(query.get('sinceSeconds') ?? 0);
  let shown = sinceSeconds > 0 ? lines.filter((l) => l.time >= clock.now() - sinceSeconds * 1000) : lines;
  const tail = query.get('tailLines');
  if (tail !== null && Number(tail) >= 0) shown = Number(tail) === 0 ? [] : shown.slice(-Number(tail));
  const limitParam = Number(query.get('limitBytes') ?? 0);
  let budget = limitParam > 0 ? limitParam : Infinity;

  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.flushHeaders();
  /** Writes within limitBytes; false once the limit is reached. */
  const write = (text: string): boolean => {
    const bytes = Buffer.from(text);
    res.write(bytes.subarray(0, Math.min(bytes.length, budget)));
    budget -= bytes.length;
    return budget > 0;
  };
  for (const line of shown) {
    if (!write(format(line))) {
      res.end();
      return;
    }
  }
  if (query.get('follow') !== 'true' || previous || restarting) {
    res.end();
    return;
  }
  streams.add(res);
  const stopLog = logs.onAppend((ns, podName, c, line) => {
    if (ns === namespace && podName === name && c === container && !write(format(line))) end();
  });
  const stopWatch = store.watch(K.pods, { namespace }, (event) => {
    if (event.type === 'DELETED' && event.object.metadata.name === name) end();
  });
  function end(): void {
    stopLog();
    stopWatch();
    streams.delete(res);
    if (!res.writableEnded) res.end();
  }
  req.on('close', end);
  res.on('close', end);
}
