// The recent lines of running containers, for the log-errors check: read on demand, never on
// every watch event. Each container's log is read once per pod uid, container and restart count,
// again only after a time to live (doubling while the log stays the same), and no run reads more
// than a few (the oldest first), so a cluster of 1,000 pods costs a trickle of requests rather
// than 1,000 at once, and an idle one less and less. Lines are stripped
// of terminal controls and redacted before anything keeps them: they reach the screen and the
// records.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { redactText } from '../audit/redact.js';
import { stripControls } from '../audit/sanitize.js';
import type { CockpitStore } from '../state/store.js';
import { eachLimited } from './crash-logs.js';
import { ApiError, getRaw } from './http.js';

/** Lines asked for (`tailLines`) and kept per container. */
export const RECENT_LOG_LINES = 100;
/** `limitBytes` of one read: a container that logs megabytes a line costs this much at most. */
export const RECENT_LOG_BYTES = 32 * 1024;
/** A line longer than this is cut: the check quotes lines, it does not need whole payloads. */
const MAX_LINE_CHARS = 400;
export const RECENT_LOG_TTL_MS = 120_000;
/** A log read again unchanged waits twice as long for its next read, up to this many TTLs. */
export const MAX_QUIET_TTL_FACTOR = 4;
export const MAX_READS_PER_RUN = 20;
/**
 * Characters of log kept over all containers: 10,000 chatty containers would otherwise hold
 * 100 lines each. Beyond it the logs read longest ago go first (they are the next to be read).
 */
export const MAX_CACHED_CHARS = 8 * 2 ** 20;
const CONCURRENCY = 4;
/** Between two runs in the cockpit, however often the pods change. */
const MIN_RUN_INTERVAL_MS = 2_000;
/**
 * Between two runs for logs due again (no pod change, no reads left over): an idle cluster's
 * re-reads come in runs this far apart, not every 2 s.
 */
const IDLE_RUN_INTERVAL_MS = 5_000;
/**
 * While a large cluster's logs are still being read (more due than one run reads), the store
 * hears of them at most this often: each change of the store's logs is an analysis run.
 */
const SWEEP_PUBLISH_INTERVAL_MS = 10_000;
const READ_TIMEOUT_MS = 10_000;

export interface RunningContainer {
  /** `namespace/pod/container`, as ClusterSnapshot.recentLogs keys it. */
  key: string;
  namespace: string;
  pod: string;
  /** The pod's uid: a pod deleted and made again under the same name is another log. */
  uid: string;
  container: string;
  /** A restart is a new log: read again at once. */
  restarts: number;
  /** A container that turned ready or unready may be saying why: read again at once. */
  ready: boolean;
}

/** Containers running now in pods that are Running (init and ephemeral containers aside). */
export function runningContainers(pods: Iterable<V1Pod>): RunningContainer[] {
  const out: RunningContainer[] = [];
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) continue;
    const { namespace = '', name = '', uid = `${namespace}/${name}` } = pod.metadata ?? {};
    for (const c of pod.status.containerStatuses ?? []) {
      if (c.state?.running)
        out.push({
          key: `${namespace}/${name}/${c.name}`,
          namespace,
          pod: name,
          uid,
          container: c.name,
          restarts: c.restartCount,
          ready: c.ready,
        });
    }
  }
  return out;
}

/** Reads one container's log: `tailLines` lines, at most `limitBytes` bytes. */
export type LogRequest = (c: RunningContainer, tailLines: number, limitBytes: number) => Promise<string>;

/** The pod `log` subresource over a raw GET (no generated API class on the cockpit's start-up path). */
export function podLogRequest(kc: KubeConfig): LogRequest {
  return async (c, tailLines, limitBytes) => {
    const query = new URLSearchParams({
      container: c.container,
      tailLines: String(tailLines),
      limitBytes: String(limitBytes),
    });
    const path = `/api/v1/namespaces/${encodeURIComponent(c.namespace)}/pods/${encodeURIComponent(c.pod)}/log?${query}`;
    const { code, text } = await getRaw(kc, path, READ_TIMEOUT_MS, undefined, '*/*');
    if (code >= 200 && code < 300) return text;
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // a plain-text answer is its own message
    }
    throw new ApiError(code, 'LogReadFailed', message || `HTTP ${code}`);
  };
}

/** A log's text as lines fit to keep: no terminal controls, no secrets, the last `max`, each cut short. */
export function cleanLogLines(text: string, max = RECENT_LOG_LINES): string[] {
  return stripControls(text)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-max)
    .map((line) => redactText(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line));
}

export interface RecentLogOptions {
  ttlMs?: number;
  maxReadsPerRun?: number;
  maxCachedChars?: number;
  now?: () => number;
}

export interface RecentLogReader {
  /** The recent lines of the running containers among `pods` that have been read, reading those due. */
  collect(pods: Iterable<V1Pod>): Promise<Record<string, readonly string[]>>;
  /** Containers left due after the last collect (beyond its cap): worth another run soon. */
  readonly backlog: number;
  /** Ms until the first cached log is due again (Infinity with none). */
  nextExpiryIn(): number;
}

interface CacheEntry {
  restarts: number;
  ready: boolean;
  readAt: number;
  /** Until the next read: the TTL, doubled by each read that found the same lines. */
  ttlMs: number;
  /** Undefined when the read failed: nothing to say, and not retried before the TTL. */
  lines: readonly string[] | undefined;
  chars: number;
}

export function createRecentLogReader(request: LogRequest, options: RecentLogOptions = {}): RecentLogReader {
  const {
    ttlMs = RECENT_LOG_TTL_MS,
    maxReadsPerRun = MAX_READS_PER_RUN,
    maxCachedChars = MAX_CACHED_CHARS,
    now = Date.now,
  } = options;
  /** By `uid/container`. */
  const cache = new Map<string, CacheEntry>();
  const cacheKey = (c: RunningContainer): string => `${c.uid}/${c.container}`;
  let backlog = 0;
  let cachedChars = 0;
  const put = (key: string, entry: CacheEntry | undefined): void => {
    cachedChars += (entry?.chars ?? 0) - (cache.get(key)?.chars ?? 0);
    if (entry) cache.set(key, entry);
    else cache.delete(key);
  };
  return {
    get backlog() {
      return backlog;
    },
    async collect(pods) {
      const running = runningContainers(pods);
      const live = new Set(running.map(cacheKey));
      for (const key of [...cache.keys()]) if (!live.has(key)) put(key, undefined);
      const at = now();
      // Never read (or restarted) first, then the oldest read.
      const ageOf = (c: RunningContainer): number => {
        const entry = cache.get(cacheKey(c));
        return entry && entry.restarts === c.restarts && entry.ready === c.ready ? entry.readAt : -Infinity;
      };
      const isDue = (c: RunningContainer): boolean =>
        at - ageOf(c) >= (cache.get(cacheKey(c))?.ttlMs ?? ttlMs);
      const due = running.filter(isDue).sort((a, b) => ageOf(a) - ageOf(b));
      const reads = due.slice(0, maxReadsPerRun);
      backlog = due.length - reads.length;
      await eachLimited(reads, CONCURRENCY, async (c) => {
        // A log that cannot be read has nothing to show: the check says nothing without lines.
        const read = await request(c, RECENT_LOG_LINES, RECENT_LOG_BYTES).then(
          cleanLogLines,
          () => undefined,
        );
        // A log read again with the same lines keeps its array: the store's recent logs are then
        // unchanged and no analysis runs for them (most containers of an idle cluster are quiet).
        const previous = cache.get(cacheKey(c));
        const before = previous?.restarts === c.restarts ? previous.lines : undefined;
        const quiet = before !== undefined && read !== undefined && sameLines(before, read);
        const lines = quiet ? before : read;
        const chars = lines?.reduce((sum, line) => sum + line.length, 0) ?? 0;
        const next = quiet ? Math.min(previous!.ttlMs * 2, ttlMs * MAX_QUIET_TTL_FACTOR) : ttlMs;
        put(cacheKey(c), { restarts: c.restarts, ready: c.ready, readAt: at, ttlMs: next, lines, chars });
      });
      if (cachedChars > maxCachedChars) {
        const oldestFirst = [...cache.entries()].sort(([, a], [, b]) => a.readAt - b.readAt);
        for (const [key] of oldestFirst) {
          if (cachedChars <= maxCachedChars) break;
          put(key, undefined);
        }
      }
      const out: Record<string, readonly string[]> = {};
      for (const c of running) {
        const entry = cache.get(cacheKey(c));
        if (entry?.lines && entry.restarts === c.restarts) out[c.key] = entry.lines;
      }
      return out;
    },
    nextExpiryIn() {
      let soonest = Infinity;
      for (const entry of cache.values()) soonest = Math.min(soonest, entry.readAt + entry.ttlMs);
      return Math.max(0, soonest - now());
    },
  };
}

const sameLines = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((line, i) => line === b[i]);

const sameLogs = (
  a: Readonly<Record<string, readonly string[]>>,
  b: Record<string, readonly string[]>,
): boolean => {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
};

/**
 * Keeps the store's recent logs current in the cockpit: a run after pods change once they are
 * synced (at most one each MIN_RUN_INTERVAL_MS), another soon while reads are left over from the
 * cap, and one when the first cached log is due again (at most one each IDLE_RUN_INTERVAL_MS).
 */
export function startRecentLogs(
  store: CockpitStore,
  kubeConfig: KubeConfig,
  options: RecentLogOptions & {
    request?: LogRequest;
    intervalMs?: number;
    idleIntervalMs?: number;
    sweepPublishMs?: number;
  } = {},
): { stop(): void } {
  const reader = createRecentLogReader(options.request ?? podLogRequest(kubeConfig), options);
  const intervalMs = options.intervalMs ?? MIN_RUN_INTERVAL_MS;
  const idleIntervalMs = options.idleIntervalMs ?? IDLE_RUN_INTERVAL_MS;
  const sweepPublishMs = options.sweepPublishMs ?? SWEEP_PUBLISH_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running = false;
  let podsChanged = false;
  let stopped = false;
  let lastRun = -Infinity;
  let lastPublished = -Infinity;
  const schedule = (delayMs: number, gapMs = intervalMs): void => {
    if (stopped || !Number.isFinite(delayMs)) return;
    const at = Math.max(Date.now() + delayMs, lastRun + gapMs);
    if (timer && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => void run(), at - Date.now());
    timer.unref();
  };
  const run = async (): Promise<void> => {
    timer = undefined;
    timerAt = Infinity;
    running = true;
    podsChanged = false;
    lastRun = Date.now();
    const recentLogs = await reader.collect(store.getState().pods.values());
    running = false;
    if (stopped) return;
    // Mid-sweep (reads left over), the store hears of the logs read so far now and then; at the
    // end of a sweep at once.
    const publish = reader.backlog === 0 || Date.now() - lastPublished >= sweepPublishMs;
    if (publish && !sameLogs(store.getState().recentLogs, recentLogs)) {
      store.setState({ recentLogs });
      lastPublished = Date.now();
    }
    if (podsChanged || reader.backlog > 0) schedule(0);
    else schedule(reader.nextExpiryIn(), idleIntervalMs);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    // Not while the pods' first list still loads: its pages come first.
    if (state.pods === previous.pods || !state.synced.pods) return;
    if (running) podsChanged = true;
    else schedule(0);
  });
  if (store.getState().synced.pods) schedule(0);
  return {
    stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
    },
  };
}
