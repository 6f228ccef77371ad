// A real Kubernetes control plane on loopback, for the real-cluster test tier
// (test/cluster-real, `npm run test:cluster`): etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok as the kubelet of two fake Nodes, all built into .tools/bin by
// scripts/build-control-plane.sh. Everything listens on 127.0.0.1 only, on free non-default
// ports, with its data, certificates, kubeconfigs and logs in one temporary directory.
//
// Users (static tokens, --token-auth-file): `admin` (group system:masters), `viewer` (bound to
// the `view` ClusterRole once the server is up) and `nobody` (authenticated, no rights). The
// components have users of their own: system:kube-controller-manager, system:kube-scheduler
// (both bound by RBAC's bootstrap policy) and kwok (system:masters: it acts for every fake node).
//
//   if (!controlPlaneAvailable()) it.skip(controlPlaneMissing())
//   const cp = await startControlPlane();   // ~10 s: nodes Ready, `default` ServiceAccount made
//   await cp.kubectl(['get', 'pods', '-A']);
//   await cp.stop();
import { spawnSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';

const repoRoot = resolve(import.meta.dirname, '..', '..');
/** Where the binaries are: .tools/bin, or $AIOPS_CONTROL_PLANE_BIN. */
export const controlPlaneBinDir = process.env.AIOPS_CONTROL_PLANE_BIN ?? join(repoRoot, '.tools', 'bin');
/** kwok's Stage documents, copied from its module by the build script. */
export const kwokStagesDir = process.env.AIOPS_KWOK_STAGES ?? join(repoRoot, '.tools', 'kwok-stages');
const STAGES = ['node-fast.yaml', 'node-heartbeat-with-lease.yaml', 'pod-fast.yaml'];
const BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'kubectl',
  'helm',
];

export type ClusterUser = 'admin' | 'viewer' | 'nobody';
export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** Why the control plane cannot start here (a sentence for a test's skip), or undefined. */
export function controlPlaneMissing(): string | undefined {
  const missing = [
    ...BINARIES.filter((b) => !isExecutable(join(controlPlaneBinDir, b))).map((b) => `.tools/bin/${b}`),
    ...STAGES.filter((s) => !existsSync(join(kwokStagesDir, s))).map((s) => `.tools/kwok-stages/${s}`),
  ];
  if (missing.length > 0)
    return `the real control plane is not built (missing ${missing.join(', ')}): run scripts/build-control-plane.sh`;
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0)
    return 'openssl is not on PATH: the control plane needs it for its certificates';
  return undefined;
}
/** True when the binaries (and openssl) are there, so tests can run rather than skip. */
export function controlPlaneAvailable(): boolean {
  return controlPlaneMissing() === undefined;
}

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
export interface ApiResponse {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON (e.g. a plain-text 404). */
  json: unknown;
}
export interface StartOptions {
  /** Fake Nodes registered for kwok (default 2): kwok-node-0 … */
  nodes?: number;
  /** Capacity of each node (default cpu 8, memory 32Gi, pods 110). */
  capacity?: { cpu?: string; memory?: string; pods?: string };
  /** Deadline for the whole start-up (default 90 s). */
  timeoutMs?: number;
  /** Keep the temporary directory (logs, data) after stop(); also when AIOPS_KEEP_CONTROL_PLANE=1. */
  keepDir?: boolean;
  /** A line per step of start-up and stop, e.g. console.error. */
  log?: (line: string) => void;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** The temporary directory: certificates, kubeconfigs, etcd data and `<component>.log`. */
  readonly dir: string;
  /** The CA that signed the serving certificate (PEM file). */
  readonly caFile: string;
  /** The names of the fake Nodes. */
  readonly nodes: readonly string[];
  /** ms from the start of startControlPlane to each step: etcd, apiserver, nodesReady, serviceAccount, total. */
  readonly timings: Readonly<Record<string, number>>;
  /** The path of a kubeconfig file for that user (one context, token auth, the CA). */
  kubeconfig(user: ClusterUser): string;
  /** The user's bearer token. */
  token(user: ClusterUser): string;
  /** The path of a component's log file. */
  logFile(component: Component): string;
  /** The real kubectl from .tools/bin as that user (default admin); never rejects. */
  kubectl(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** The real helm from .tools/bin as that user (default admin), with private helm home dirs. */
  helm(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** One HTTPS request to the apiserver as that user (default admin). */
  request(path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Kills the apiserver (SIGTERM, SIGKILL after the grace) and starts it again on the same port. */
  restartApiserver(): Promise<void>;
  /** SIGSTOP / SIGCONT to etcd: a hung backend behind a live apiserver. */
  pauseEtcd(): void;
  resumeEtcd(): void;
  /** Stops everything by pid (apiserver: SIGTERM, then SIGKILL after a short grace) and removes the directory. */
  stop(): Promise<void>;
}
export interface RunOptions {
  user?: ClusterUser;
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}
export interface RequestOptions {
  user?: ClusterUser | 'anonymous';
  method?: string;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

interface Proc {
  name: Component;
  child: ResultPromise;
  pid: number;
  exited: boolean;
  /** Resolves when the process has exited. */
  done: Promise<void>;
}

const SERVICE_CIDR = '10.96.0.0/16';
const SERVICE_IP = '10.96.0.1';
const NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const APISERVER_GRACE_MS = 2_000;
const GRACE_MS = 5_000;

/** A port the kernel says is free on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the control plane; resolves when /readyz answers ok, every fake Node is Ready and the
 * controller-manager has made the `default` ServiceAccount. On failure everything started so far
 * is stopped and the error names the step and quotes the last lines of the logs.
 */
export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const missing = controlPlaneMissing();
  if (missing) throw new Error(missing);
  const t0 = Date.now();
  const deadline = t0 + (options.timeoutMs ?? 90_000);
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  const mark = (step: string) => {
    timings[step] = Date.now() - t0;
    log(`control-plane: ${step} after ${timings[step]} ms`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'aiops-cp-'));
  const keepDir = options.keepDir ?? process.env.AIOPS_KEEP_CONTROL_PLANE === '1';
  const bin = (name: string) => join(controlPlaneBinDir, name);
  const file = (name: string) => join(dir, name);
  const procs = new Map<Component, Proc>();
  let stopped = false;

  const tokens: Record<string, string> = {};
  for (const user of ['admin', 'viewer', 'nobody', 'controller-manager', 'scheduler', 'kwok'])
    tokens[user] = randomBytes(24).toString('hex');

  const [etcdPort, etcdPeerPort, apiPort, cmPort, schedPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const server = `https://127.0.0.1:${apiPort}`;
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;

  function spawnComponent(name: Component, args: string[], env: Record<string, string> = {}): Proc {
    // The log file's descriptor itself, so no output passes through this process. (execa's types
    // accept a literal descriptor number but refuse a computed `number`.)
    const fd = openSync(file(`${name}.log`), 'a') as 3;
    const child = execa(bin(name), args, {
      stdin: 'ignore',
      stdout: fd,
      stderr: fd,
      reject: false,
      cleanup: true,
      cwd: dir,
      // No ~/.kube/config, ~/.kwok/kwok.yaml or other user state reaches a component.
      env: { HOME: dir, ...env },
      extendEnv: true,
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    const proc: Proc = { name, child, pid: child.pid, exited: false, done: Promise.resolve() };
    proc.done = child.then(() => {
      proc.exited = true;
    });
    procs.set(name, proc);
    return proc;
  }

  /** The last lines of a component's log, for an error message. */
  const tail = (name: Component, lines = 8) => {
    try {
      return readFileSync(file(`${name}.log`), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  };

  /** Polls check until it returns true; fails at the deadline or when a component has exited. */
  async function waitFor(what: string, check: () => Promise<boolean>, watch: Component[], until = deadline) {
    let lastError: unknown;
    for (let delay = 50; ; delay = Math.min(delay * 1.5, 500)) {
      for (const name of watch) {
        const p = procs.get(name);
        if (p?.exited)
          throw new Error(
            `${name} exited while waiting for ${what}; ${file(`${name}.log`)} ends:\n${tail(name)}`,
          );
      }
      try {
        if (await check()) return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > until) {
        const logs = watch.map((n) => `--- ${n}:\n${tail(n)}`).join('\n');
        throw new Error(
          `timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}\n${logs}`,
        );
      }
      await sleep(delay);
    }
  }

  async function kill(name: Component, graceMs: number) {
    const p = procs.get(name);
    if (!p || p.exited) return;
    if (name === 'etcd') signal(p, 'SIGCONT');
    signal(p, 'SIGTERM');
    const timer = sleep(graceMs).then(() => 'late' as const);
    if ((await Promise.race([p.done.then(() => 'done' as const), timer])) === 'late') {
      signal(p, 'SIGKILL');
      await p.done;
    }
  }
  function signal(p: Proc, sig: NodeJS.Signals) {
    try {
      process.kill(p.pid, sig);
    } catch {
      // already gone
    }
  }

  async function stop() {
    if (stopped) return;
    stopped = true;
    log('control-plane: stopping');
    await Promise.all(
      (['kwok', 'kube-scheduler', 'kube-controller-manager'] as const).map((n) => kill(n, GRACE_MS)),
    );
    await kill('kube-apiserver', APISERVER_GRACE_MS);
    await kill('etcd', GRACE_MS);
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
    else log(`control-plane: kept ${dir}`);
  }

  const ca = { key: file('ca.key'), crt: file('ca.crt') };
  /** The CA's PEM, read once the certificates are made. */
  let caPem = '';
  const kubeconfigFor = (user: string) => file(`kubeconfig-${user}.yaml`);

  async function request(path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const user = opts.user ?? 'admin';
    const body =
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (user !== 'anonymous') headers.Authorization = `Bearer ${tokens[user]}`;
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolveResponse, reject) => {
      const req = httpsRequest(
        `${server}${path}`,
        { method: opts.method ?? 'GET', headers, ca: caPem, timeout: opts.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolveResponse({ status: res.statusCode ?? 0, body: text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${path}: no answer in ${opts.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  const tools = (user: ClusterUser, env: Record<string, string> = {}) => ({
    KUBECONFIG: kubeconfigFor(user),
    KUBECACHEDIR: file('kube-cache'),
    HELM_CACHE_HOME: file('helm/cache'),
    HELM_CONFIG_HOME: file('helm/config'),
    HELM_DATA_HOME: file('helm/data'),
    ...env,
  });
  async function runTool(
    tool: string,
    args: readonly string[],
    opts: RunOptions = {},
  ): Promise<CommandResult> {
    const r = await execa(join(controlPlaneBinDir, tool), [...args], {
      env: tools(opts.user ?? 'admin', opts.env),
      input: opts.input,
      reject: false,
      timeout: opts.timeoutMs ?? 60_000,
      stripFinalNewline: false,
    });
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1 };
  }

  // --- certificates and keys (in parallel with etcd) -----------------------------------------
  async function makeCertificates() {
    const ossl = (args: string[]) => execa('openssl', args, { cwd: dir, stdin: 'ignore' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await ossl([
      'req', '-x509', ...ec, '-keyout', ca.key, '-out', ca.crt, '-days', '2', '-subj', '/CN=aiops-tui test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]); // prettier-ignore
    const sans = [
      'IP:127.0.0.1',
      `IP:${SERVICE_IP}`,
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
    ];
    writeFileSync(
      file('apiserver.ext'),
      `subjectAltName=${sans.join(',')}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n`,
    );
    await ossl([
      'req',
      ...ec,
      '-keyout',
      file('apiserver.key'),
      '-out',
      file('apiserver.csr'),
      '-subj',
      '/CN=kube-apiserver',
    ]);
    await ossl([
      'x509', '-req', '-in', file('apiserver.csr'), '-CA', ca.crt, '-CAkey', ca.key, '-CAcreateserial',
      '-out', file('apiserver.crt'), '-days', '2', '-extfile', file('apiserver.ext'),
    ]); // prettier-ignore
    const sa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(file('sa.key'), sa.privateKey, { mode: 0o600 });
    writeFileSync(file('sa.pub'), sa.publicKey);
    // Sanity: the serving certificate carries the SANs clients check.
    const cert = new X509Certificate(readFileSync(file('apiserver.crt')));
    if (!cert.checkIP('127.0.0.1') || !cert.checkIP(SERVICE_IP))
      throw new Error('serving certificate lacks its SANs');

    // token,user,uid[,"group,…"]: no groups column when there are none (an empty one is a group "")
    const users: [string, string, string[]][] = [
      ['admin', 'admin', ['system:masters']],
      ['viewer', 'viewer', []],
      ['nobody', 'nobody', []],
      ['controller-manager', 'system:kube-controller-manager', []],
      ['scheduler', 'system:kube-scheduler', []],
      ['kwok', 'kwok', ['system:masters']],
    ];
    writeFileSync(
      file('tokens.csv'),
      users
        .map(([key, name, groups]) => [
          tokens[key],
          name,
          name,
          ...(groups.length ? [`"${groups.join(',')}"`] : []),
        ])
        .map((fields) => fields.join(',') + '\n')
        .join(''),
      { mode: 0o600 },
    );
    for (const [key, name] of users) {
      const kubeconfig = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'aiops-test', cluster: { server, 'certificate-authority': ca.crt } }],
        users: [{ name, user: { token: tokens[key] } }],
        contexts: [{ name: `${name}@aiops-test`, context: { cluster: 'aiops-test', user: name } }],
        'current-context': `${name}@aiops-test`,
      };
      writeFileSync(kubeconfigFor(key), stringify(kubeconfig), { mode: 0o600 });
    }
  }

  const apiserverArgs = () => [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    '--advertise-address=127.0.0.1',
    `--cert-dir=${file('apiserver-certs')}`,
    `--tls-cert-file=${file('apiserver.crt')}`,
    `--tls-private-key-file=${file('apiserver.key')}`,
    `--client-ca-file=${ca.crt}`,
    `--token-auth-file=${file('tokens.csv')}`,
    `--service-account-key-file=${file('sa.pub')}`,
    `--service-account-signing-key-file=${file('sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    // Endpoints refuse a loopback address, so the `kubernetes` Service has none.
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
  async function startApiserver(until: number) {
    spawnComponent('kube-apiserver', apiserverArgs());
    await waitFor(
      'the apiserver /readyz',
      async () => (await request('/readyz', { timeoutMs: 2_000 })).status === 200,
      ['etcd', 'kube-apiserver'],
      until,
    );
  }

  try {
    // --- etcd --------------------------------------------------------------------------------
    log(`control-plane: starting in ${dir}`);
    spawnComponent('etcd', [
      '--name=aiops-test',
      `--data-dir=${file('etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=aiops-test=http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await Promise.all([
      makeCertificates().then(() => {
        caPem = readFileSync(ca.crt, 'utf8');
        mark('certificates');
      }),
      waitFor('etcd /health', async () => (await httpGet(`${etcdUrl}/health`)).includes('"true"'), [
        'etcd',
      ]).then(() => mark('etcd')),
    ]);

    // --- kube-apiserver ----------------------------------------------------------------------
    await startApiserver(deadline);
    mark('apiserver');

    // --- controller-manager, scheduler, kwok --------------------------------------------------
    spawnComponent('kube-controller-manager', [
      `--kubeconfig=${kubeconfigFor('controller-manager')}`,
      '--leader-elect=false',
      '--use-service-account-credentials',
      `--service-account-private-key-file=${file('sa.key')}`,
      `--root-ca-file=${ca.crt}`,
      `--cluster-signing-cert-file=${ca.crt}`,
      `--cluster-signing-key-file=${ca.key}`,
      // Its default is under /usr/libexec, which it would create.
      `--flex-volume-plugin-dir=${file('flexvolume')}`,
      '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller',
      '--bind-address=127.0.0.1',
      `--secure-port=${cmPort}`,
      '--profiling=false',
      '--v=1',
    ]);
    spawnComponent('kube-scheduler', [
      `--kubeconfig=${kubeconfigFor('scheduler')}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
      '--profiling=false',
      '--v=1',
    ]);
    spawnComponent('kwok', [
      `--kubeconfig=${kubeconfigFor('kwok')}`,
      ...STAGES.map((s) => `--config=${join(kwokStagesDir, s)}`),
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${NODE_ANNOTATION}=fake`,
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
    ]);

    // The viewer's binding and the fake Nodes.
    const created = async (path: string, body: object) => {
      const r = await request(path, { method: 'POST', body });
      if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${r.body}`);
    };
    await created('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'aiops-test-viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    });
    const nodes = Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i}`);
    const capacity = { cpu: '8', memory: '32Gi', pods: '110', ...options.capacity };
    for (const name of nodes) await created('/api/v1/nodes', fakeNode(name, capacity));

    // --- readiness -----------------------------------------------------------------------------
    const all: Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
    await Promise.all([
      waitFor(
        `${nodes.length} Ready nodes`,
        async () => {
          const r = await request('/api/v1/nodes');
          const items = (r.json as NodeList | undefined)?.items ?? [];
          const ready = items.filter((n) =>
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          return nodes.every((name) => ready.some((n) => n.metadata.name === name));
        },
        all,
      ).then(() => mark('nodesReady')),
      waitFor(
        'the default ServiceAccount',
        async () => (await request('/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
        all,
      ).then(() => mark('serviceAccount')),
      waitFor(
        'the scheduler /readyz',
        async () => (await httpsGetInsecure(`https://127.0.0.1:${schedPort}/readyz`)) === 200,
        all,
      ).then(() => mark('scheduler')),
    ]);
    mark('total');

    return {
      server,
      dir,
      caFile: ca.crt,
      nodes,
      timings,
      kubeconfig: (user) => kubeconfigFor(user),
      token: (user) => tokens[user]!,
      logFile: (component) => file(`${component}.log`),
      kubectl: (args, opts) => runTool('kubectl', args, opts),
      helm: (args, opts) => runTool('helm', args, opts),
      request,
      async restartApiserver() {
        const start = Date.now();
        await kill('kube-apiserver', APISERVER_GRACE_MS);
        await startApiserver(Date.now() + 60_000);
        log(`control-plane: apiserver restarted in ${Date.now() - start} ms`);
      },
      pauseEtcd() {
        const p = procs.get('etcd');
        if (p) signal(p, 'SIGSTOP');
      },
      resumeEtcd() {
        const p = procs.get('etcd');
        if (p) signal(p, 'SIGCONT');
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

interface NodeList {
  items?: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** A Node kwok manages (the annotation its selector matches), with capacity and no taints. */
function fakeNode(name: string, capacity: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    status: {
      allocatable: capacity,
      capacity,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        containerRuntimeVersion: 'fake',
        kernelVersion: '',
        osImage: '',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
    },
  };
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = httpRequest(url, { timeout: 2_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A component's own /readyz (self-signed certificate, always-allowed path): its status code. */
function httpsGetInsecure(url: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = httpsRequest(url, { timeout: 2_000, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
