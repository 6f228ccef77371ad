// `l` logs: one container's log followed over the pod `log` subresource (`kubectl logs -f`),
// into the store's bounded log view. Chunks are split into lines across their boundaries (a
// UTF-8 character or a line cut in two waits for its rest), each line is stripped of terminal
// controls and redacted before anything keeps it, an endless line is cut, and lines reach the
// store in batches (one update per BATCH_MS, however fast the container writes), never more
// than LOG_VIEW_MAX_LINES of them. Closing aborts the request: its socket goes with it.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { describeError } from '../cli/errors.js';
import { redactText } from '../audit/redact.js';
import { stripControls } from '../audit/sanitize.js';
import type { CockpitStore } from '../state/store.js';
import { LOG_VIEW_MAX_LINES, type LogView, type ObjectRef } from '../state/types.js';
import { inspectionError, objectPath } from './inspect.js';
import { ApiError, getJson } from './http.js';

/** One store update per this many ms while lines arrive. */
export const BATCH_MS = 50;
/** A line longer than this is cut (a container that logs a megabyte a line costs this much). */
export const MAX_LINE_CHARS = 8 * 1024;
const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

/** The container `kubectl logs` picks: the default-container annotation when it names one, else the first. */
export function defaultContainer(pod: V1Pod): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER];
  return annotated && names.includes(annotated) ? annotated : names[0];
}

/** A line as the view keeps it: no controls, no secrets, at most MAX_LINE_CHARS (plus a note). */
export function cleanLine(raw: string, cut = 0): string[] {
  return stripControls(raw)
    .split('\n')
    .map((line, i, all) => {
      const note = cut > 0 && i === all.length - 1 ? ` … (${cut} more characters)` : '';
      return redactText(line) + note;
    });
}

/**
 * Splits a byte stream into clean lines: bytes → text (a character split across chunks waits),
 * text → lines (a line without its newline waits, up to MAX_LINE_CHARS; beyond that only its
 * length is counted until the newline comes).
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private cut = 0;

  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.take(text.slice(from, nl));
      out.push(...cleanLine(this.pending, this.cut));
      this.pending = '';
      this.cut = 0;
      from = nl + 1;
    }
    this.take(text.slice(from));
    return out;
  }

  /** What is left when the stream ends (a last line without a newline). */
  end(): string[] {
    this.take(this.decoder.end());
    const rest = this.pending || this.cut ? cleanLine(this.pending, this.cut) : [];
    this.pending = '';
    this.cut = 0;
    return rest;
  }

  private take(part: string): void {
    const room = MAX_LINE_CHARS - this.pending.length;
    if (part.length <= room) {
      this.pending += part;
    } else {
      this.pending += part.slice(0, Math.max(0, room));
      this.cut += part.length - Math.max(0, room);
    }
  }
}

export interface LogFollower {
  open(ref: ObjectRef, options: { container?: string; previous: boolean }): void;
  close(): void;
}

export interface LogFollowOptions {
  /** `tailLines` of the request (default: the view's bound). */
  tailLines?: number;
  batchMs?: number;
}

/** The one-line reason a log request answered with an error status (kubectl's words). */
function failureOf(code: number, body: string): string {
  try {
    const status = JSON.parse(body) as { reason?: string; message?: string };
    if (status.message)
      return inspectionError(new ApiError(code, status.reason ?? 'Unknown', status.message));
  } catch {
    // not a Status: the text is the reason
  }
  return stripControls(`Error from server: ${body.trim() || `HTTP ${code}`}`).replace(/\s*\n\s*/g, ' ');
}

export function startLogFollower(
  store: CockpitStore,
  kc: KubeConfig,
  options: LogFollowOptions = {},
): LogFollower {
  const tailLines = options.tailLines ?? LOG_VIEW_MAX_LINES;
  const batchMs = options.batchMs ?? BATCH_MS;
  /** The open stream's teardown; each open gets a new one. */
  let current: { stop(): void } | undefined;

  const open = (ref: ObjectRef, { container, previous }: { container?: string; previous: boolean }): void => {
    current?.stop();
    let stopped = false;
    let req: ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    let batch: string[] = [];
    let overflow = 0;
    const session = {
      stop() {
        stopped = true;
        clearTimeout(timer);
        req?.destroy();
      },
    };
    current = session;
    const view = (): LogView | undefined =>
      current === session && !stopped ? store.getState().logView : undefined;
    const update = (patch: Partial<LogView>): void => {
      const v = view();
      if (v) store.getState().setLogView({ ...v, ...patch });
    };
    const flush = (): void => {
      timer = undefined;
      if (!view() || batch.length === 0) return;
      const lines = batch;
      const skipped = overflow;
      batch = [];
      overflow = 0;
      store.getState().appendLogLines(lines);
      if (skipped) update({ dropped: view()!.dropped + skipped });
    };
    const add = (lines: string[]): void => {
      if (lines.length === 0) return;
      batch.push(...lines);
      // The view keeps the newest LOG_VIEW_MAX_LINES only: a starved batch need not keep more.
      if (batch.length > LOG_VIEW_MAX_LINES) {
        overflow += batch.length - LOG_VIEW_MAX_LINES;
        batch = batch.slice(-LOG_VIEW_MAX_LINES);
      }
      timer ??= setTimeout(flush, batchMs);
    };
    const finish = (status: 'ended' | 'failed', message: string): void => {
      clearTimeout(timer);
      flush();
      update({ status, message });
      stopped = true;
    };

    const placeholder: LogView = {
      ref,
      container: container ?? '',
      containers: container ? [container] : [],
      previous,
      lines: [],
      dropped: 0,
      status: 'connecting',
    };
    store.getState().setLogView(placeholder);

    void (async () => {
      // The pod read fresh: its containers for the pick, the default one as kubectl chooses it.
      let pod: V1Pod;
      try {
        pod = await getJson<V1Pod>(kc, objectPath({ ...ref, kind: 'pods' }));
      } catch (error) {
        return finish('failed', inspectionError(error));
      }
      if (stopped) return;
      const containers = (pod.spec?.containers ?? []).map((c) => stripControls(c.name));
      const chosen = container ?? defaultContainer(pod) ?? '';
      update({ container: chosen, containers });
      const params = new URLSearchParams({ container: chosen, follow: 'true', tailLines: String(tailLines) });
      if (previous) params.set('previous', 'true');
      const path = `${listPath(ref)}/${encodeURIComponent(ref.name)}/log?${params}`;
      try {
        req = await streamRequest(kc, path);
      } catch (error) {
        return finish('failed', describeError(error));
      }
      if (stopped) {
        req.on('error', () => {});
        req.destroy();
        return;
      }
      req.on('response', (res: IncomingMessage) => {
        if ((res.statusCode ?? 0) >= 400) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish('failed', failureOf(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))),
          );
          return;
        }
        update({ status: 'streaming' });
        const splitter = new LineSplitter();
        res.on('data', (chunk: Buffer) => !stopped && add(splitter.push(chunk)));
        res.on('end', () => {
          if (stopped) return;
          add(splitter.end());
          finish(
            'ended',
            previous
              ? "the previous run's log, to its end"
              : 'the log stream ended (the container stopped or the pod went away)',
          );
        });
        res.on('error', (error) => !stopped && finish('failed', describeError(error)));
      });
      req.on('error', (error) => !stopped && finish('failed', describeError(error)));
      req.end();
    })();
  };

  return {
    open,
    close() {
      current?.stop();
      current = undefined;
      store.getState().setLogView(undefined);
    },
  };
}

const listPath = (ref: ObjectRef): string =>
  `/api/v1/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}/pods`;

/** A streaming GET with the kubeconfig's credentials (no time-out: a followed log is quiet for long). */
async function streamRequest(kc: KubeConfig, path: string): Promise<ClientRequest> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const options: RequestOptions = { method: 'GET', headers: { Accept: '*/*' } };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return send(url, options);
}
