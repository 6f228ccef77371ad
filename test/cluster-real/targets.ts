// One interface over the two clusters the end-to-end flows run against: the embedded simulator
// (src/sim) and the real control plane (test/cluster/control-plane.ts). The flows in
// flows.cluster.test.ts run unchanged against both, so every difference shows as a failing pair.
//
// Both have the same three users: `admin` (everything), `viewer` (read, no writes, no secrets)
// and `nobody` (authenticated, no rights). On the control plane they are static tokens and RBAC;
// on the simulator token users (startSimulator's `users`) and deny rules naming them.
//
//   const t = await startTarget('simulator');   // or 'control plane' (~12 s)
//   await t.kubectl(['get', 'pods', '-A'], { user: 'viewer' });
//   await t.stop();
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { SimClock } from '../../src/sim/clock.js';
import type { SimContext } from '../../src/sim/context.js';
import { startControllers } from '../../src/sim/controllers/index.js';
import { kubeconfigYaml } from '../../src/sim/kubeconfig.js';
import { LogBook } from '../../src/sim/logs.js';
import { RESOURCE_TYPES } from '../../src/sim/resources.js';
import { loadScenario } from '../../src/sim/scenarios.js';
import { createApiServer, type ApiServer, type DenyRule, type SimUser } from '../../src/sim/server.js';
import { ObjectStore } from '../../src/sim/store.js';
import {
  controlPlaneBinDir,
  controlPlaneMissing,
  startControlPlane,
  type CommandResult,
  type RunOptions,
} from '../cluster/control-plane.js';

export type TargetName = 'simulator' | 'control plane';
export type TargetUser = 'admin' | 'viewer' | 'nobody';
export const TARGETS: readonly TargetName[] = ['simulator', 'control plane'];

export interface Target {
  readonly name: TargetName;
  /** The API server's URL (http:// for the simulator, https:// for the control plane). */
  readonly server: string;
  /** Nodes pods can be scheduled on (two on both). */
  readonly nodes: readonly string[];
  /** A kubeconfig file for that user. */
  kubeconfig(user: TargetUser): string;
  /** A kubeconfig whose bearer token the server does not know: every request is a 401. */
  badTokenKubeconfig(): string;
  /** The real kubectl from .tools/bin as that user (default admin); never rejects. */
  kubectl(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** The real helm from .tools/bin as that user (default admin), with private helm home dirs. */
  helm(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Stops the API server and starts it again on the same port; the data stays (etcd / the store). */
  restartApiserver(): Promise<void>;
  /**
   * Makes every resourceVersion handed out so far too old to resume a watch from (410 Gone): the
   * control plane compacts etcd and restarts the apiserver (whose watch cache starts afresh); the
   * simulator drops the change history it keeps for resumption.
   */
  expireResourceVersions(): Promise<void>;
  stop(): Promise<void>;
}

/** Why a target cannot run here (a sentence for a skip), or undefined. */
export function targetMissing(name: TargetName): string | undefined {
  if (name === 'control plane') return controlPlaneMissing();
  for (const tool of ['kubectl', 'helm']) {
    try {
      readFileSync(join(controlPlaneBinDir, tool));
    } catch {
      return `.tools/bin/${tool} is missing: run npm install`;
    }
  }
  return undefined;
}

export function startTarget(name: TargetName, log?: (line: string) => void): Promise<Target> {
  return name === 'simulator' ? startSimTarget() : startControlPlaneTarget(log);
}

/**
 * A copy of a kubeconfig (one user) with its token set to `token`, and optionally impersonating
 * `as` (kubectl sends no bearer token over plain http, but it does send Impersonate-User).
 */
function withToken(yamlText: string, token: string, as?: string): string {
  const config = parse(yamlText) as { users: { user: Record<string, unknown> }[] };
  for (const u of config.users) u.user = { ...u.user, token, ...(as ? { as } : {}) };
  return stringify(config);
}

/** A copy of a kubeconfig with its cluster's server replaced. */
export function withServer(kubeconfigPath: string, server: string, out: string): string {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: Record<string, unknown> }[];
  };
  for (const c of config.clusters) c.cluster = { ...c.cluster, server };
  writeFileSync(out, stringify(config), { mode: 0o600 });
  return out;
}

async function runTool(
  tool: 'kubectl' | 'helm',
  args: readonly string[],
  kubeconfig: string,
  homes: string,
  opts: RunOptions = {},
): Promise<CommandResult> {
  const r = await execa(join(controlPlaneBinDir, tool), [...args], {
    env: {
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(homes, 'kube-cache'),
      HELM_CACHE_HOME: join(homes, 'helm/cache'),
      HELM_CONFIG_HOME: join(homes, 'helm/config'),
      HELM_DATA_HOME: join(homes, 'helm/data'),
      ...opts.env,
    },
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    stripFinalNewline: false,
  });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1 };
}

// ---- the simulator ------------------------------------------------------------------------

export const SIM_SPEED = 4;

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_VERBS = ['get', 'list', 'watch'];

/**
 * The simulator's version of the control plane's RBAC: the viewer may read everything but
 * Secrets and write nothing (the `view` ClusterRole); nobody may touch any resource. Rules name
 * each served resource, so the review APIs (whoami, can-i) stay open to both, as on a real server.
 */
function simDenyRules(): DenyRule[] {
  const rules: DenyRule[] = [];
  for (const t of RESOURCE_TYPES) {
    for (const verb of WRITE_VERBS) rules.push({ verb, resource: t.plural, user: 'viewer' });
    for (const verb of [...READ_VERBS, ...WRITE_VERBS])
      rules.push({ verb, resource: t.plural, user: 'nobody' });
  }
  for (const verb of READ_VERBS) rules.push({ verb, resource: 'secrets', user: 'viewer' });
  return rules;
}

/**
 * The simulator, built from its parts (as startSimulator does) so that its API server can be
 * stopped and started again on the same port while the store and the controllers go on, as a
 * real kube-apiserver restarts while etcd keeps the data.
 */
async function startSimTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'aiops-target-sim-'));
  // Four simulated seconds a second: pods start and validation windows pass in a quarter of the time.
  const clock = new SimClock(SIM_SPEED);
  const ctx: SimContext = { store: new ObjectStore(clock), clock, logs: new LogBook() };
  loadScenario(ctx, 'empty');
  const controllers = startControllers(ctx);
  const tokens = { viewer: `viewer-${process.pid}-token`, nobody: `nobody-${process.pid}-token` };
  const users: SimUser[] = [
    { token: tokens.viewer, username: 'viewer' },
    { token: tokens.nobody, username: 'nobody' },
  ];
  const deny = simDenyRules();
  let api: ApiServer = createApiServer(ctx, deny, users);
  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(api.server, 0);
  const port = (api.server.address() as AddressInfo).port;
  const server = `http://127.0.0.1:${port}`;
  const base = kubeconfigYaml(server);
  const kubeconfigs: Record<TargetUser | 'bad', string> = {
    admin: join(dir, 'kubeconfig-admin.yaml'),
    viewer: join(dir, 'kubeconfig-viewer.yaml'),
    nobody: join(dir, 'kubeconfig-nobody.yaml'),
    bad: join(dir, 'kubeconfig-bad.yaml'),
  };
  writeFileSync(kubeconfigs.admin, base, { mode: 0o600 });
  // The token makes client-node (aiops-tui) the user; kubectl over http sends no token, so the
  // user is impersonated as well, which the simulator's admin (no token) may do.
  writeFileSync(kubeconfigs.viewer, withToken(base, tokens.viewer, 'viewer'), { mode: 0o600 });
  writeFileSync(kubeconfigs.nobody, withToken(base, tokens.nobody, 'nobody'), { mode: 0o600 });
  writeFileSync(kubeconfigs.bad, withToken(base, 'not-a-token'), { mode: 0o600 });

  const closeApi = async () => {
    api.closeStreams();
    api.server.closeAllConnections();
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  };

  // A second node, as the control plane has two: drains have somewhere to move pods to.
  const target: Target = {
    name: 'simulator',
    server,
    nodes: ['minikube', 'minikube-m02'],
    kubeconfig: (user) => kubeconfigs[user],
    badTokenKubeconfig: () => kubeconfigs.bad,
    kubectl: (args, opts) => runTool('kubectl', args, kubeconfigs[opts?.user ?? 'admin'], dir, opts),
    helm: (args, opts) => runTool('helm', args, kubeconfigs[opts?.user ?? 'admin'], dir, opts),
    async restartApiserver() {
      await closeApi();
      api = createApiServer(ctx, deny, users);
      await listen(api.server, port);
    },
    async expireResourceVersions() {
      // The store keeps its changes for watch resumption in `history`; dropping them is what a
      // compaction does to etcd: every version before the current one is now too old.
      (ctx.store as unknown as { history: unknown[] }).history.length = 0;
    },
    async stop() {
      controllers.stop();
      clock.stop();
      await closeApi();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await addSimNode(target, 'minikube-m02');
  return target;
}

/** A Ready node like the scenario's `minikube`, created and its status set through the API. */
async function addSimNode(target: Target, name: string): Promise<void> {
  const existing = JSON.parse((await target.kubectl(['get', 'node', 'minikube', '-o', 'json'])).stdout) as {
    metadata: { labels: Record<string, string> };
    spec: Record<string, unknown>;
    status: Record<string, unknown>;
  };
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { ...existing.metadata.labels, 'kubernetes.io/hostname': name } },
    spec: { ...existing.spec, podCIDR: '10.244.1.0/24' },
  };
  const created = await target.kubectl(['create', '-f', '-'], { input: JSON.stringify(node) });
  if (created.exitCode !== 0) throw new Error(`simulator: cannot add node ${name}: ${created.stderr}`);
  const status = await target.kubectl([
    'patch',
    'node',
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: existing.status }),
  ]);
  if (status.exitCode !== 0) throw new Error(`simulator: cannot set node ${name}'s status: ${status.stderr}`);
}

// ---- the control plane --------------------------------------------------------------------

async function startControlPlaneTarget(log?: (line: string) => void): Promise<Target> {
  const cp = await startControlPlane(log ? { log } : {});
  const bad = join(cp.dir, 'kubeconfig-bad.yaml');
  writeFileSync(bad, withToken(readFileSync(cp.kubeconfig('viewer'), 'utf8'), 'not-a-token'), {
    mode: 0o600,
  });
  /** etcd's client URL, from its command line (the harness does not export it; it logs at warn). */
  const etcdEndpoint = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let args: string[];
      try {
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (!args.includes(`--data-dir=${join(cp.dir, 'etcd-data')}`)) continue;
      const url = args.find((a) => a.startsWith('--listen-client-urls='));
      if (url) return url.slice('--listen-client-urls='.length);
    }
    throw new Error(`no etcd process with its data in ${cp.dir}`);
  };
  return {
    name: 'control plane',
    server: cp.server,
    nodes: cp.nodes,
    kubeconfig: (user) => cp.kubeconfig(user),
    badTokenKubeconfig: () => bad,
    kubectl: (args, opts) => cp.kubectl(args, opts),
    helm: (args, opts) => cp.helm(args, opts),
    restartApiserver: () => cp.restartApiserver(),
    async expireResourceVersions() {
      const etcdctl = join(controlPlaneBinDir, 'etcdctl');
      const endpoints = `--endpoints=${etcdEndpoint()}`;
      const status = await execa(etcdctl, [endpoints, 'endpoint', 'status', '-w', 'json'], { reject: false });
      const revision = (
        JSON.parse(status.stdout || '[]') as { Status?: { header?: { revision?: number } } }[]
      )[0]?.Status?.header?.revision;
      if (!revision) throw new Error(`etcdctl endpoint status: ${status.stderr || status.stdout}`);
      const compacted = await execa(etcdctl, [endpoints, 'compact', String(revision), '--physical'], {
        reject: false,
      });
      if (compacted.exitCode !== 0) throw new Error(`etcdctl compact ${revision}: ${compacted.stderr}`);
      // The watch cache would still serve recent versions; a restarted apiserver's starts afresh.
      await cp.restartApiserver();
    },
    stop: () => cp.stop(),
  };
}

// ---- a TCP proxy that can stall connections -----------------------------------------------

export interface StallProxy {
  /** A copy of the user's kubeconfig that reaches the server through the proxy. */
  kubeconfig(user: TargetUser): string;
  /**
   * Every connection open now stops passing bytes either way and stays open even when the
   * server closes its side, as a dead peer on the network would; new connections pass.
   */
  stall(): void;
  close(): Promise<void>;
}

/**
 * A byte-level proxy in front of a target's API server (TLS passes through untouched: the
 * control plane's certificate names 127.0.0.1, whatever the port), so a client's watches can be
 * made silent without the server knowing.
 */
export async function startStallProxy(target: Target): Promise<StallProxy> {
  const upstream = new URL(target.server);
  const pairs = new Set<{ client: Socket; server: Socket; stalled: boolean }>();
  const proxy = createTcpServer((client) => {
    const server = connect(Number(upstream.port), upstream.hostname);
    const pair = { client, server, stalled: false };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (!pair.stalled) server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (!pair.stalled) client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    // The client going away always ends the pair; the server going away only when not stalled.
    client.on('close', end);
    client.on('error', end);
    server.on('close', () => {
      if (!pair.stalled) end();
    });
    server.on('error', () => {
      if (!pair.stalled) end();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'aiops-stall-proxy-'));
  const url = `${upstream.protocol}//127.0.0.1:${port}`;
  return {
    kubeconfig: (user) => withServer(target.kubeconfig(user), url, join(dir, `kubeconfig-${user}.yaml`)),
    stall() {
      for (const p of pairs) p.stalled = true;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.server.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const repoRoot = join(import.meta.dirname, '..', '..');
/** The built CLI the tier's flows run, as a user would. */
export const builtCli = join(repoRoot, 'dist', 'cli.js');

/**
 * Builds dist when it is missing or older than the sources. the bundler emits even when a file elsewhere
 * in the tree does not typecheck: go on with what it built (the typecheck has its own step), and
 * say so under `label`.
 */
export async function ensureBuiltCli(label: string): Promise<void> {
  const built = existsSync(builtCli) ? statSync(builtCli).mtimeMs : 0;
  const { stdout } = await execa('find', [
    join(repoRoot, 'src'),
    '-newermt',
    `@${Math.floor(built / 1000)}`,
    '-type',
    'f',
  ]);
  if (built && !stdout.trim()) return;
  const build = await execa('npm', ['run', 'build', '--silent'], { cwd: repoRoot, reject: false });
  if (build.exitCode !== 0)
    console.warn(`${label}: npm run build reported errors:\n${build.stdout}${build.stderr}`);
  if (!existsSync(builtCli)) throw new Error(`npm run build made no ${builtCli}`);
}
