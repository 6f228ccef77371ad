// Raw GETs against the API server with the kubeconfig's credentials. Lists are parsed once into
// plain JSON (timestamps stay strings), the same shape watch events arrive in, so the store
// holds one kind of object whether it came from a list or a watch.
import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type Agent } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
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

/** Per kubeconfig, the keep-alive agent last made and the key of the TLS options it was made with. */
const agents = new WeakMap<KubeConfig, { key: string; agent: Agent }>();

/** The TLS options client-node's applyToHTTPSOptions copies onto the agents it makes. */
const TLS_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'honorCipherOrder',
  'ecdhCurve',
  'clientCertEngine',
  'crl',
  'dhparam',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
] as const;

/** A digest of a request's TLS options: another certificate (an exec plugin's rotated one) is another key. */
export function tlsOptionsKey(options: RequestOptions): string {
  const hash = createHash('sha256');
  for (const name of TLS_OPTIONS) {
    const value = (options as Record<string, unknown>)[name];
    const parts = Array.isArray(value) ? value : [value];
    hash.update(`${name}:`);
    for (const part of parts) hash.update(Buffer.isBuffer(part) ? part : String(part ?? ''));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The request's credentials with a keep-alive agent. client-node caches one agent per cluster and
 * user, without keep-alive and with the TLS options of its first call: a new TCP (and TLS)
 * connection per request, and a rotated client certificate never presented. One keep-alive agent
 * per kubeconfig and TLS options instead; a proxy's agent is left as client-node made it.
 */
export async function authorizedOptions(kc: KubeConfig, accept: string): Promise<RequestOptions> {
  const options: RequestOptions = { method: 'GET', headers: { Accept: accept } };
  await kc.applyToHTTPSOptions(options);
  const made = options.agent as { constructor?: unknown } | undefined;
  const kind =
    made?.constructor === HttpsAgent ? HttpsAgent : made?.constructor === HttpAgent ? HttpAgent : undefined;
  if (!kind) return options;
  const key = `${kind.name}:${tlsOptionsKey(options)}`;
  const kept = agents.get(kc);
  if (kept?.key === key) return { ...options, agent: kept.agent };
  kept?.agent.destroy();
  const tls = Object.fromEntries(
    TLS_OPTIONS.map((name) => [name, (options as Record<string, unknown>)[name]]),
  );
  const agent = new kind({ ...tls, keepAlive: true });
  agents.set(kc, { key, agent });
  return { ...options, agent };
}

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
  const options = await authorizedOptions(kc, accept);
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
