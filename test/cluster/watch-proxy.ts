// An HTTP proxy in front of the simulator that can do what a network, a load balancer or a
// cluster without some API does: end watches cleanly or stall them, hold reconnecting watches and
// send them to another server, answer 404 for an API group. Tests use it to reach the resume and
// fallback paths deterministically; every other byte still comes from the simulator.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from '../../src/sim/kubeconfig.js';

export interface WatchProxy {
  kubeconfigPath: string;
  /** Paths and queries of every request seen, in order. */
  requests: string[];
  /** Ends every open watch as a server would (a clean end of the chunked body). */
  endWatches(): void;
  /** Stops passing anything on open watches without closing them, as a dead peer would. */
  stallWatches(): void;
  /** Resolves once `count` watches are open through the proxy. */
  watching(count: number): Promise<void>;
  /** New watch requests wait until `release`, optionally going to another server then. */
  holdWatches(): void;
  release(target?: string): void;
  /** Answers 404 Not Found, as a cluster without that API does, for paths under these prefixes. */
  missing: Set<string>;
  close(): Promise<void>;
}

export async function startWatchProxy(initialTarget: string): Promise<WatchProxy> {
  let target = initialTarget;
  const requests: string[] = [];
  let held: (() => void)[] | undefined;
  const open = new Set<{ res: ServerResponse; upstream: IncomingMessage }>();
  let waiters: { count: number; resolve: () => void }[] = [];
  const opened = (): void => {
    waiters = waiters.filter((w) => (open.size >= w.count ? (w.resolve(), false) : true));
  };
  const forward = (req: IncomingMessage, res: ServerResponse, watch: boolean): void => {
    const up = request(
      new URL(req.url!, target),
      { method: req.method, headers: req.headers },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        res.flushHeaders(); // as the server does: a quiet watch is answered before its first event
        upstream.pipe(res);
        if (!watch) return;
        const entry = { res, upstream };
        open.add(entry);
        res.on('close', () => {
          open.delete(entry);
          upstream.destroy();
        });
        opened();
      },
    );
    up.on('error', () => {
      if (!res.writableEnded) res.destroy();
    });
    req.pipe(up);
  };
  const missing = new Set<string>();
  const server = createServer((req, res) => {
    requests.push(req.url!);
    if ([...missing].some((prefix) => req.url!.startsWith(prefix))) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    const watch = new URL(req.url!, 'http://x').searchParams.get('watch') === 'true';
    if (watch && held) held.push(() => forward(req, res, watch));
    else forward(req, res, watch);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'watch-proxy-')), 'kubeconfig');
  writeKubeconfig(kubeconfigPath, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const cut = (end: boolean): void => {
    for (const { res, upstream } of open) {
      upstream.unpipe(res);
      if (end) {
        res.end();
        upstream.destroy();
      } else {
        upstream.pause();
        stalled.add(res);
      }
    }
    open.clear();
  };
  const stalled = new Set<ServerResponse>();
  return {
    kubeconfigPath,
    requests,
    missing,
    endWatches: () => cut(true),
    stallWatches: () => cut(false),
    watching: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        opened();
      }),
    holdWatches() {
      held = [];
    },
    release(next) {
      if (next) target = next;
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    async close() {
      cut(true);
      for (const res of stalled) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
