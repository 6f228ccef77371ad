// The last lines a crashed container wrote (`kubectl logs --previous`): the crash-loop diagnosis
// quotes them, so "why is it failing" names the cause, not only the exit code. A log that cannot
// be read (RBAC on pods/log, a kubelet the API server cannot reach: kwok's fake nodes answer "no
// preferred addresses found") is kept as its one-line reason, which the finding shows instead.
import type { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node';
import { ApiException } from './client-core.js';
import { describeError } from '../cli/errors.js';
import type { CockpitStore } from '../state/store.js';

/** Lines kept per crashed container. */
export const CRASH_LOG_LINES = 5;
/** Fetches in flight at once: a cluster-wide crash storm must not flood the API server. */
const CONCURRENCY = 4;

export interface CrashedContainer {
  /** `namespace/pod/container`, as ClusterSnapshot.logs keys it. */
  key: string;
  namespace: string;
  pod: string;
  container: string;
  /** Which crash the lines belong to: fetched again after the next restart. */
  restarts: number;
}

/** Containers that have terminated at least once and are waiting or crash-looping now. */
export function crashedContainers(pods: Iterable<V1Pod>): CrashedContainer[] {
  const out: CrashedContainer[] = [];
  for (const pod of pods) {
    const { namespace = '', name = '' } = pod.metadata ?? {};
    for (const c of pod.status?.containerStatuses ?? []) {
      if (c.restartCount > 0 && c.lastState?.terminated && c.lastState.terminated.reason !== 'Completed')
        out.push({
          key: `${namespace}/${name}/${c.name}`,
          namespace,
          pod: name,
          container: c.name,
          restarts: c.restartCount,
        });
    }
  }
  return out;
}

export async function previousLog(
  core: CoreV1Api,
  c: CrashedContainer,
  lines = CRASH_LOG_LINES,
): Promise<string[]> {
  const text = await core.readNamespacedPodLog({
    name: c.pod,
    namespace: c.namespace,
    container: c.container,
    previous: true,
    tailLines: lines,
  });
  return String(text).split('\n').filter(Boolean);
}

/** Why a log read failed, in one line: the API's Status message (or the HTTP code), else the error. */
export function logFailure(error: unknown): string {
  let text: string;
  if (error instanceof ApiException) {
    let message: string | undefined;
    try {
      message = (JSON.parse(String(error.body)) as { message?: string }).message;
    } catch {
      message = typeof error.body === 'string' && error.body.trim() ? error.body : undefined;
    }
    text = message ? `${message} (HTTP ${error.code})` : `HTTP ${error.code}`;
  } else {
    text = describeError(error);
  }
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

export type PreviousLog = { lines: string[] } | { error: string };

/** The previous run's last lines, or why they could not be read. */
export async function readPreviousLog(
  core: CoreV1Api,
  c: CrashedContainer,
  lines = CRASH_LOG_LINES,
): Promise<PreviousLog> {
  try {
    return { lines: await previousLog(core, c, lines) };
  } catch (error) {
    return { error: logFailure(error) };
  }
}

/** Runs `work` over `items`, at most `limit` at a time; failures are dropped. */
export async function eachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await work(item).catch(() => {});
    }),
  );
}

/** Keeps the store's crash logs current: each crash of each container is read once. */
export function startCrashLogs(store: CockpitStore, kubeConfig: KubeConfig): { stop(): void } {
  // The generated API is most of client-node: loaded at the first crash, not at start-up.
  let core: Promise<CoreV1Api> | undefined;
  const coreApi = (): Promise<CoreV1Api> =>
    (core ??= import('../model/generated-api.js').then(({ CoreV1Api }) =>
      kubeConfig.makeApiClient(CoreV1Api),
    ));
  const fetched = new Map<string, number>();
  let running = false;
  let again = false;
  const sync = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const crashed = crashedContainers(store.getState().pods.values());
    const due = crashed.filter((c) => fetched.get(c.key) !== c.restarts);
    for (const c of due) fetched.set(c.key, c.restarts);
    const lines: Record<string, string[]> = {};
    const errors: Record<string, string> = {};
    await eachLimited(due, CONCURRENCY, async (c) => {
      const log = await readPreviousLog(await coreApi(), c);
      if ('lines' in log) lines[c.key] = log.lines;
      else errors[c.key] = log.error;
    });
    const live = new Set(crashed.map((c) => c.key));
    const { logs, logErrors } = store.getState();
    const fetchedNow = new Set([...Object.keys(lines), ...Object.keys(errors)]);
    const stale = [...Object.keys(logs), ...Object.keys(logErrors)].some((k) => !live.has(k));
    if (fetchedNow.size > 0 || stale) {
      // A container's newest read wins: its lines or its failure, never both.
      const keep = <T>(current: Readonly<Record<string, T>>, fresh: Record<string, T>): Record<string, T> =>
        Object.fromEntries(
          Object.entries({ ...current, ...fresh }).filter(
            ([k]) => live.has(k) && (k in fresh || !fetchedNow.has(k)),
          ),
        );
      store.setState({ logs: keep(logs, lines), logErrors: keep(logErrors, errors) });
    }
    running = false;
    if (again) {
      again = false;
      void sync();
    }
  };
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.pods !== previous.pods) void sync();
  });
  return { stop: unsubscribe };
}
