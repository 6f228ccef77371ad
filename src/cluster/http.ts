// Raw GETs against the API server with the kubeconfig's credentials. Lists are parsed once into
// plain JSON (timestamps stay strings), the same shape watch events arrive in, so the store
// holds one kind of object whether it came from a list or a watch.
import { request as httpRequest } from 'node:http';
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

export async function getJson<T>(
  kc: KubeConfig,
  path: string,
  timeoutMs = 30_000,
  onServerTime?: ServerTimeListener,
): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ApiError(0, 'NoCluster', 'the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const options: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<T>((resolve, reject) => {
    const req = send(url, options, (res) => {
      const date = Date.parse(String(res.headers.date ?? ''));
      if (onServerTime && Number.isFinite(date)) onServerTime(date, Date.now());
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          reject(
            new ApiError(
              res.statusCode ?? 0,
              'BadResponse',
              `${res.statusCode} from ${url.pathname}: ${text.slice(0, 120)}`,
            ),
          );
          return;
        }
        const code = res.statusCode ?? 0;
        if (code >= 400) {
          const status = body as { reason?: string; message?: string };
          reject(new ApiError(code, status.reason ?? 'Unknown', status.message ?? `HTTP ${code}`));
          return;
        }
        resolve(body as T);
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    req.on('error', (error: Error & { code?: string }) =>
      reject(error.message ? error : new Error(`connect ${error.code ?? 'failed'} ${url.host}`)),
    );
    req.end();
  });
}
