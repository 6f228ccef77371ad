// Raw GETs against the API server with the kubeconfig's credentials. Lists are parsed once into
// plain JSON (timestamps stay strings), the same shape watch events arrive in, so the store
// holds one kind of object whether it came from a list or a watch.
import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CockpitStore } from '../state/store.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called with the server's clock (its Date header) at each answer. */
export type ServerTimeListener = (serverMs: number, localMs: number) => void;

/** Keeps the store's clock skew in step with the server's Date header. */
export function trackClockSkew(store: CockpitStore): ServerTimeListener {
  return (server, local) => {
    // The Date header has a one-second resolution; only a larger change is worth a store update.
    const skew = server - local;
    if (Math.abs(skew - (store.getState().connection.clockSkewMs ?? 0)) > 1500)
      store.getState().setConnection({ clockSkewMs: skew });
  };
}

export interface RawAnswer {
  code: number;
  text: string;
}

/** A request did not get its answer in time (distinct from a refused or broken connection). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Per kubeconfig, the keep-alive agent last made and the TLS options it was made with. */
const agents = new WeakMap<KubeConfig, { key: string; agent: Agent }>();

/**
 * client-node's applyToHTTPSOptions makes a new agent without keep-alive on every call: a new TCP
 * (and TLS) connection per request, which an idle cockpit reading recent logs ten times a second
 * paid for most of its CPU. One keep-alive agent per kubeconfig and TLS options instead.
 */
function keepAlive(kc: KubeConfig, made: unknown): Agent | undefined {
  if (!made || typeof made !== 'object' || !('options' in made)) return made as Agent | undefined;
  const agent = made as Agent & { options: Record<string, unknown> };
  const key = JSON.stringify([
    agent.constructor.name,
    ...TLS_OPTIONS.map((o) => String(agent.options[o] ?? '')),
  ]);
  const kept = agents.get(kc);
  if (kept?.key === key) return kept.agent;
  kept?.agent.destroy();
  const fresh = new (agent.constructor as new (options: object) => Agent)({
    ...agent.options,
    keepAlive: true,
  });
  agents.set(kc, { key, agent: fresh });
  return fresh;
}
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'];

/** One GET with the kubeconfig's credentials: status and body text, whatever the status. */
export async function getRaw(
  kc: KubeConfig,
  path: string,
  timeoutMs = 30_000,
  onServerTime?: ServerTimeListener,
  accept = 'application/json',
): Promise<RawAnswer> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ApiError(0, 'NoCluster', 'the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const options: RequestOptions = { method: 'GET', headers: { Accept: accept } };
  await kc.applyToHTTPSOptions(options);
  options.agent = keepAlive(kc, options.agent);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = send(url, options, (res) => {
      const date = Date.parse(String(res.headers.date ?? ''));
      if (onServerTime && Number.isFinite(date)) onServerTime(date, Date.now());
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(`timed out after ${timeoutMs} ms`)));
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    req.on('error', (error: Error & { code?: string }) =>
      reject(error.message ? error : new Error(`connect ${error.code ?? 'failed'} ${url.host}`)),
    );
    req.end();
  });
}

/**
 * A GET whose answer is JSON. A 4xx/5xx is an ApiError with the Status's reason and message; a
 * body that is not JSON (a real server's `404 page not found` for an API it does not serve) is
 * an ApiError with the HTTP status and reason BadResponse.
 */
export async function getJson<T>(
  kc: KubeConfig,
  path: string,
  timeoutMs = 30_000,
  onServerTime?: ServerTimeListener,
): Promise<T> {
  const { code, text } = await getRaw(kc, path, timeoutMs, onServerTime);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(
      code,
      'BadResponse',
      `${code} from ${path.split('?')[0]}: ${text.trim().slice(0, 120)}`,
    );
  }
  if (code >= 400) {
    const status = body as { reason?: string; message?: string };
    throw new ApiError(code, status.reason ?? 'Unknown', status.message ?? `HTTP ${code}`);
  }
  return body as T;
}
