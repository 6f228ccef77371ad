// Watch streams: newline-delimited JSON events, as the API server writes them.
// - no resourceVersion (or "0"): synthetic ADDED events for what exists, then changes;
// - a resourceVersion: the changes after it, replayed from the store's history, or an in-stream
//   ERROR event carrying a 410 Expired Status when it is older than that history;
// - sendInitialEvents=true (client-go's WatchList): ADDED for what exists whatever the
//   resourceVersion, then a bookmark annotated `k8s.io/initial-events-end`;
// - allowWatchBookmarks=true: a BOOKMARK with the current resourceVersion about once a minute and
//   when the stream ends on timeoutSeconds, so a client resumes from a recent version; none ever
//   when not asked. As kube-apiserver 1.34 does, a watch without a resourceVersion (or "0") that
//   allows bookmarks gets the `k8s.io/initial-events-end` bookmark after its ADDED events too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import type { KubeObject } from './objects.js';
import type { Matcher } from './selectors.js';
import { fail, statusOf } from './status.js';
import { toTable, type IncludeObject } from './tables.js';

/** How often a watch that allows bookmarks gets one: a real server's cacher, once a minute (measured). */
export const BOOKMARK_INTERVAL_MS = 60_000;

export interface WatchRequest {
  typeKey: string;
  kind: string;
  apiVersion: string;
  namespace: string | undefined;
  matches: Matcher;
  /** The matching objects now, for the initial ADDED events. */
  current: () => readonly KubeObject[];
  query: URLSearchParams;
  /** Events carry meta.k8s.io Tables (kubectl get -w) rather than objects. */
  table: boolean;
  includeObject: IncludeObject;
}

export function serveWatch(
  ctx: SimContext,
  streams: Set<ServerResponse>,
  w: WatchRequest,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { store, clock } = ctx;
  const rvParam = w.query.get('resourceVersion');
  const since = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
  if (since !== undefined && !(Number.isInteger(since) && since >= 0))
    fail(400, 'BadRequest', `invalid resource version: ${rvParam}`);
  const initialEvents = w.query.get('sendInitialEvents') === 'true';
  // Bookmarks are objects of the watched kind holding only a resourceVersion: meaningless as
  // Table rows, so Table watches (kubectl get -w, which never asks for them) get none.
  const bookmarks = w.query.get('allowWatchBookmarks') === 'true' && !w.table;

  let first = true;
  const encode = (type: string, object: KubeObject): string => {
    const payload = w.table
      ? toTable(w.kind, [object], {
          includeObject: w.includeObject,
          resourceVersion: object.metadata.resourceVersion ?? '',
          withColumns: first,
          now: clock.now(),
        })
      : object;
    first = false;
    return JSON.stringify({ type, object: payload }) + '\n';
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const object = {
      kind: w.kind,
      apiVersion: w.apiVersion,
      metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
    };
    res.write(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
  };

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  streams.add(res);
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  const end = (): void => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  try {
    const replay = initialEvents || since === undefined;
    if (replay) for (const obj of w.current()) res.write(encode('ADDED', obj));
    if (replay && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    unsubscribe = store.watch(
      w.typeKey,
      { namespace: w.namespace, sinceResourceVersion: replay ? undefined : since },
      (event) => {
        if (w.matches(event.object)) res.write(encode(event.type, event.object));
      },
    );
  } catch (error) {
    res.write(JSON.stringify({ type: 'ERROR', object: statusOf(error) }) + '\n');
    end();
    return;
  }
  if (bookmarks) timers.push(setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS).unref());
  const timeout = Number(w.query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) {
    const onTimeout = (): void => {
      if (bookmarks && !res.writableEnded) bookmark();
      end();
    };
    timers.push(setTimeout(onTimeout, timeout * 1000).unref());
  }
  req.on('close', end);
  res.on('close', end);
}
