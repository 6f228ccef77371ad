// kagent without a port-forward: when its controller's Service is in the cluster, the cockpit
// reaches it through the API server's service proxy
// (/api/v1/namespaces/kagent/services/kagent-controller:8083/proxy/…) with its own kubeconfig
// credentials. fetch cannot carry a client certificate or a custom CA, so requests go through
// node:https with the options the kubeconfig applies, as getRaw does (src/cluster/http.ts).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import * as z from 'zod';
import { getRaw } from '../../cluster/http.js';

/** Where kagent's Helm chart puts its controller. */
export const KAGENT_SERVICE = { namespace: 'kagent', name: 'kagent-controller', port: 8083 } as const;

/** A fetch that sends to the kubeconfig's current cluster with its TLS settings and credentials. */
export function kubeconfigFetch(kc: KubeConfig): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const options: RequestOptions = {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      signal: request.signal,
    };
    await kc.applyToHTTPSOptions(options);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(url, options, (res: IncomingMessage) => {
        const headers = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        }
        const status = res.statusCode ?? 502;
        const empty = status === 204 || status === 304 || request.method === 'HEAD';
        resolve(
          new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status,
            statusText: res.statusMessage ?? '',
            headers,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

const Service = z.object({
  spec: z.object({ ports: z.array(z.object({ port: z.number(), name: z.string().optional() })).default([]) }),
});

export interface InClusterKagent {
  /** The controller's base URL through the API server's service proxy. */
  url: string;
  fetch: typeof fetch;
  /** The names the agent card may give the controller, which only the cluster resolves. */
  inClusterHosts: string[];
}

/** kagent's controller through the service proxy when its Service exists; undefined otherwise. */
export async function findKagent(
  kc: KubeConfig,
  service: { namespace: string; name: string; port: number } = KAGENT_SERVICE,
): Promise<InClusterKagent | undefined> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return undefined;
  const path = `/api/v1/namespaces/${service.namespace}/services/${service.name}`;
  let answer;
  try {
    answer = await getRaw(kc, path, 10_000);
  } catch {
    return undefined; // the cluster is not reachable: the cockpit says so elsewhere
  }
  if (answer.code !== 200) return undefined;
  let parsed;
  try {
    parsed = Service.safeParse(JSON.parse(answer.text));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const ports = parsed.data.spec.ports;
  const port = ports.find((p) => p.port === service.port) ?? ports[0];
  if (!port) return undefined;
  return {
    url: `${cluster.server.replace(/\/+$/, '')}${path}:${port.port}/proxy`,
    fetch: kubeconfigFetch(kc),
    inClusterHosts: [service.name, `${service.name}.${service.namespace}`],
  };
}
