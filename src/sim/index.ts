// startSimulator: the embedded Kubernetes API the demo and every test run against.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChurn } from './churn.js';
import { SimClock } from './clock.js';
import type { SimContext } from './context.js';
import { startControllers } from './controllers/index.js';
import { writeKubeconfig } from './kubeconfig.js';
import { LogBook } from './logs.js';
import { loadScenario } from './scenarios.js';
import { createApiServer, type DenyRule, type SimUser } from './server.js';
import { ObjectStore } from './store.js';

export type { DenyRule, SimUser, UserInfo } from './server.js';
export { ADMIN_USER } from './auth.js';

export interface SimOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** `todo` (default), `empty` or `large:N`. */
  scenario?: string;
  /** Simulated seconds per wall-clock second. */
  speed?: number;
  /** Where to write the kubeconfig; a private temp file otherwise. */
  kubeconfigOut?: string;
  deny?: DenyRule[];
  /**
   * Users bearer tokens authenticate as. Without any, every request is the admin (`ADMIN_USER`);
   * with some, a request without a token is still the admin and an unknown token is a 401.
   */
  users?: SimUser[];
  /** Serve metrics.k8s.io (default true); false answers as a cluster without metrics-server (404 text). */
  metrics?: boolean;
  /** Changes kept for watch resumption (older resourceVersions get 410 Gone); default 100,000. */
  watchHistory?: number;
  /** Pod changes a second the simulator makes itself (a label rewrite, see churn.ts); none by default. */
  churn?: number;
}

export interface RunningSim {
  url: string;
  port: number;
  kubeconfigPath: string;
  ctx: SimContext;
  setDenyRules(rules: DenyRule[]): void;
  /** A hung etcd behind a live API server: /readyz says 500, storage requests wait (see ApiServer). */
  pauseBackend(): void;
  resumeBackend(): void;
  /** Pod changes the churn has made (0 without `churn`). */
  churnMade(): number;
  close(): Promise<void>;
}

export async function startSimulator(options: SimOptions = {}): Promise<RunningSim> {
  const clock = new SimClock(options.speed ?? 1);
  const ctx: SimContext = { store: new ObjectStore(clock, options.watchHistory), clock, logs: new LogBook() };
  loadScenario(ctx, options.scenario ?? 'todo');
  const controllers = startControllers(ctx);
  const churn = options.churn ? startChurn(ctx, options.churn) : undefined;
  const api = createApiServer(ctx, options.deny, options.users, { metrics: options.metrics });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    api.server.once('error', reject);
    api.server.listen(options.port ?? 0, host, () => {
      api.server.off('error', reject);
      resolve();
    });
  });
  const port = (api.server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const tempDir = options.kubeconfigOut ? undefined : mkdtempSync(join(tmpdir(), 'aiops-sim-'));
  const kubeconfigPath = options.kubeconfigOut ?? join(tempDir!, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url);
  let closed = false;
  return {
    url,
    port,
    kubeconfigPath,
    ctx,
    setDenyRules: api.setDenyRules,
    pauseBackend: api.pauseBackend,
    resumeBackend: api.resumeBackend,
    churnMade: () => churn?.made() ?? 0,
    async close() {
      if (closed) return;
      closed = true;
      churn?.stop();
      api.resumeBackend();
      controllers.stop();
      clock.stop();
      api.closeStreams();
      api.server.closeAllConnections();
      await new Promise<void>((resolve) => api.server.close(() => resolve()));
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
