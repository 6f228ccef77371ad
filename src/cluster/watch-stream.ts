// One watch stream over node:http(s), as client-node's Watch opens it but without undici: its
// fetch is ~1.4 MB of modules to compile and evaluate before the first pods, where node:http is
// already loaded (the lists use it, src/cluster/http.ts). The same contract as Watch.watch:
// resolves with the stream's controller once the server answered (or failed); `done` is called
// once, with null when the server ended the stream, an error naming a non-200 status
// (`statusCode`), a broken connection, or a TimeoutError after `inactivityMs` without a byte.
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { authorizedOptions } from './http.js';

export type WatchEventHandler = (type: string, object: unknown) => void;

export interface WatchStreamOptions {
  /** The stream is given up after this long without a byte (a dead connection). */
  inactivityMs: number;
}

/** An error of the stream ending without a byte for `inactivityMs` (client-node's name for it). */
export class WatchTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean>,
  onEvent: WatchEventHandler,
  done: (error: Error | null) => void,
  { inactivityMs }: WatchStreamOptions,
): Promise<AbortController> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No currently active cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  url.searchParams.set('watch', 'true');
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  const controller = new AbortController();
  // The lists' credentials and keep-alive agent (a rotated client certificate is a new agent).
  const options = await authorizedOptions(kc, 'application/json');

  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (error: Error | null): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    controller.abort();
    done(error);
  };
  const idle = (): void => {
    clearTimeout(timer);
    timer = setTimeout(
      () => finish(new WatchTimeoutError('The operation was aborted due to timeout')),
      inactivityMs,
    );
    timer.unref();
  };

  const answered = new Promise<void>((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { ...options, signal: controller.signal }, (res: IncomingMessage) => {
      resolve();
      if (res.statusCode !== 200) {
        res.resume();
        const code = res.statusCode ?? 500;
        finish(Object.assign(new Error(STATUS_CODES[code] ?? 'Internal Server Error'), { statusCode: code }));
        return;
      }
      idle();
      // The pieces of a line not yet ended: joined once it ends, so a large object that arrives
      // in many chunks is scanned once, not once per chunk.
      let pieces: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        idle();
        let from = 0;
        for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', from)) {
          pieces.push(chunk.slice(from, end));
          deliver(pieces.join(''));
          pieces = [];
          from = end + 1;
        }
        if (from < chunk.length) pieces.push(chunk.slice(from));
      });
      res.on('end', () => {
        deliver(pieces.join(''));
        finish(null);
      });
      res.on('error', (error) => finish(controller.signal.aborted ? null : error));
      res.on('close', () => finish(null));
    });
    req.on('error', (error) => {
      resolve();
      // Our own abort (stopped, or the time-out above) has already said why.
      finish(controller.signal.aborted ? null : error);
    });
    idle();
    req.end();
  });

  function deliver(line: string): void {
    if (finished || !line.trim()) return;
    let event: { type?: string; object?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return; // as client-node: a line that is not JSON is skipped
    }
    if (typeof event.type === 'string') onEvent(event.type, event.object);
  }

  await answered;
  return controller;
}
