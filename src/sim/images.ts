// The simulated registries: a documented, deterministic catalog of the images the simulator
// knows (docs/simulator.md, "Images and registries"), what each one's default process serves and
// logs, and the containerd messages for a reference no registry has.

/** What an image holds and does, as far as the kubelet can see. */
export interface ImageProfile {
  /** Drives the log lines its process writes. */
  flavour: Flavour;
  /** Executables on the image's PATH; undefined: not known, so every command is found. */
  executables?: readonly string[];
  /** The program `sh` is, which words its "not found" message. */
  shell?: 'ash' | 'dash' | 'bash';
  /** Ports the default process listens on; undefined: the ports the container declares. */
  ports?: readonly number[];
  /** Paths that answer HTTP 200 (`/x/*` a prefix); `[]` no HTTP at all; undefined every path. */
  httpPaths?: readonly string[];
  /** The default process exits 0 at once (a shell with no terminal attached). */
  exitsAtOnce?: boolean;
  /** The image's ENTRYPOINT script, which `args` alone are handed to (it execs them). */
  entrypoint?: Entrypoint;
}

interface Entrypoint {
  /** First arguments the script runs as the server itself. */
  serves: readonly string[];
  /** Whether an argument starting with `-` becomes a flag of the server (postgres, redis). */
  flagsRunServer: boolean;
  /** What the script prints when it cannot exec the command (exit 127). */
  notFound: (command: string) => string;
}

/** postgres' and redis' docker-entrypoint.sh (bash): the line number is not modelled. */
const serverEntrypoint = (server: string): Entrypoint => ({
  serves: [server],
  flagsRunServer: true,
  notFound: (command) => `/usr/local/bin/docker-entrypoint.sh: exec: ${command}: not found`,
});

export type Flavour = 'next' | 'fastapi' | 'nginx' | 'postgres' | 'redis' | 'shell' | 'generic';

interface CatalogEntry {
  /** Canonical repository: `docker.io/library/nginx`. */
  repository: string;
  /** Tags the registry has; `any`: a private registry's own builds (every tag but the markers). */
  tags: readonly string[] | 'any';
  profile: ImageProfile;
}

/** `1.27` → 1.27, 1.27.0 … 1.27.n, each also with the suffixes. */
function versions(minors: Record<string, number>, suffixes: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [minor, patches] of Object.entries(minors)) {
    const all = [minor, ...Array.from({ length: patches + 1 }, (_, i) => `${minor}.${i}`)];
    for (const v of all) out.push(v, ...suffixes.map((s) => `${v}-${s}`));
  }
  return out;
}

const COREUTILS = [
  'cat',
  'cp',
  'date',
  'echo',
  'env',
  'grep',
  'head',
  'hostname',
  'id',
  'ls',
  'mkdir',
  'mv',
  'printenv',
  'rm',
  'sed',
  'sleep',
  'tail',
  'touch',
  'true',
  'false',
  'uname',
  'chmod',
  'test',
  '[',
];
const DEBIAN = ['sh', 'dash', 'bash', ...COREUTILS];
const BUSYBOX = [
  'busybox',
  'sh',
  'ash',
  'awk',
  'nc',
  'nslookup',
  'ping',
  'ps',
  'kill',
  'top',
  'wget',
  'vi',
  'httpd',
  'seq',
  'yes',
  'xargs',
  'find',
  'du',
  'df',
  'free',
  'netstat',
  ...COREUTILS,
];

const nginx: ImageProfile = {
  flavour: 'nginx',
  executables: ['nginx', 'nginx-debug', 'curl', 'docker-entrypoint.sh', ...DEBIAN],
  shell: 'dash',
  ports: [80],
  httpPaths: ['/', '/index.html', '/50x.html'],
  // Debian's dash running the image's /docker-entrypoint.sh, whose last line execs "$@".
  entrypoint: {
    serves: ['nginx', 'nginx-debug'],
    flagsRunServer: false,
    notFound: (command) => `/docker-entrypoint.sh: 47: exec: ${command}: not found`,
  },
};
const shellImage = (executables: readonly string[], shell: ImageProfile['shell']): ImageProfile => ({
  flavour: 'shell',
  executables,
  shell,
  ports: [],
  exitsAtOnce: true,
});

const CATALOG: readonly CatalogEntry[] = [
  {
    repository: 'docker.io/library/nginx',
    tags: [
      'latest',
      'stable',
      'mainline',
      'alpine',
      'stable-alpine',
      'mainline-alpine',
      'perl',
      ...versions({ '1.24': 0, '1.25': 5, '1.26': 3, '1.27': 5, '1.28': 0, '1.29': 3 }, [
        'alpine',
        'perl',
        'bookworm',
      ]),
    ],
    profile: nginx,
  },
  {
    repository: 'docker.io/library/busybox',
    tags: [
      'latest',
      'stable',
      'musl',
      'glibc',
      'uclibc',
      ...versions({ '1.35': 0, '1.36': 1, '1.37': 0 }, ['musl', 'glibc', 'uclibc']),
    ],
    profile: shellImage(BUSYBOX, 'ash'),
  },
  {
    repository: 'docker.io/library/alpine',
    tags: ['latest', 'edge', ...versions({ '3.19': 8, '3.20': 7, '3.21': 4, '3.22': 2 })],
    profile: shellImage(BUSYBOX, 'ash'),
  },
  {
    repository: 'docker.io/library/ubuntu',
    tags: ['latest', 'jammy', 'noble', '22.04', '24.04', 'rolling'],
    profile: shellImage(DEBIAN, 'bash'),
  },
  {
    repository: 'docker.io/library/postgres',
    tags: ['latest', 'alpine', ...versions({ '15': 14, '16': 10, '17': 6, '18': 1 }, ['alpine', 'bookworm'])],
    profile: {
      flavour: 'postgres',
      executables: [
        'postgres',
        'psql',
        'pg_isready',
        'pg_ctl',
        'pg_dump',
        'initdb',
        'gosu',
        'docker-entrypoint.sh',
        ...DEBIAN,
      ],
      shell: 'dash',
      ports: [5432],
      httpPaths: [],
      entrypoint: serverEntrypoint('postgres'),
    },
  },
  {
    repository: 'docker.io/library/redis',
    tags: [
      'latest',
      'alpine',
      ...versions({ '7': 0, '7.2': 10, '7.4': 5, '8': 0, '8.0': 3, '8.2': 2 }, ['alpine', 'bookworm']),
    ],
    profile: {
      flavour: 'redis',
      executables: [
        'redis-server',
        'redis-cli',
        'redis-sentinel',
        'redis-benchmark',
        'docker-entrypoint.sh',
        'gosu',
        ...DEBIAN,
      ],
      shell: 'dash',
      ports: [6379],
      httpPaths: [],
      entrypoint: serverEntrypoint('redis-server'),
    },
  },
  {
    repository: 'docker.io/library/python',
    tags: [
      'latest',
      'slim',
      'alpine',
      ...versions({ '3.11': 13, '3.12': 11, '3.13': 7 }, ['slim', 'alpine', 'bookworm']),
    ],
    profile: {
      flavour: 'generic',
      executables: ['python', 'python3', 'pip', 'pip3', ...DEBIAN],
      shell: 'dash',
      ports: [],
    },
  },
  {
    repository: 'docker.io/library/node',
    tags: [
      'latest',
      'lts',
      'slim',
      'alpine',
      ...versions({ '18': 0, '20': 0, '22': 0, '24': 0 }, ['slim', 'alpine', 'bookworm']),
    ],
    profile: {
      flavour: 'generic',
      executables: ['node', 'npm', 'npx', 'yarn', 'corepack', ...DEBIAN],
      shell: 'dash',
      ports: [],
    },
  },
  {
    // Distroless: the one binary and no shell; its default config serves no HTTP (HTTP_Server Off).
    repository: 'docker.io/fluent/fluent-bit',
    tags: ['latest', ...versions({ '3.0': 7, '3.1': 10, '3.2': 10, '4.0': 3 }, ['debug'])],
    profile: { flavour: 'generic', executables: ['/fluent-bit/bin/fluent-bit'], ports: [] },
  },
  {
    repository: 'registry.k8s.io/pause',
    tags: ['3.9', '3.10', '3.10.1'],
    profile: { flavour: 'generic', executables: ['/pause'], ports: [] },
  },
  {
    // The todo chart's images (helm/todo-chart): Next.js on node:alpine, FastAPI on python:slim.
    repository: 'ghcr.io/example/todo-frontend',
    tags: 'any',
    profile: {
      flavour: 'next',
      executables: ['node', 'npm', 'npx', 'next', ...BUSYBOX],
      shell: 'ash',
      httpPaths: ['/', '/todos', '/todos/*', '/api/todos', '/api/todos/*', '/_next/*', '/favicon.ico'],
    },
  },
  {
    repository: 'ghcr.io/example/todo-backend',
    tags: 'any',
    profile: {
      flavour: 'fastapi',
      executables: ['python', 'python3', 'pip', 'uvicorn', 'alembic', ...DEBIAN],
      shell: 'dash',
      httpPaths: ['/healthz', '/readyz', '/api/todos', '/api/todos/*', '/docs', '/openapi.json'],
    },
  },
  {
    repository: 'ghcr.io/example/todo-worker',
    tags: 'any',
    profile: {
      flavour: 'fastapi',
      executables: ['python', 'python3', 'pip', 'celery', ...DEBIAN],
      shell: 'dash',
      ports: [],
    },
  },
];

/** Tags that no registry has, whatever the repository (the simulator's marker tags). */
const MARKER_TAGS = /^(missing|doesnotexist|does-not-exist|0\.0\.0)$/;

export interface ImageRef {
  /** The registry host: `docker.io` when the reference names none. */
  host: string;
  /** The repository path on that host: `library/nginx`. */
  path: string;
  tag?: string;
  digest?: string;
  /** The reference containerd resolves: `docker.io/library/nginx:1.27`. */
  canonical: string;
}

/** Splits a reference as containerd normalises it (docker.io and library/ are implied). */
export function parseImageRef(image: string): ImageRef {
  const [name, digest] = image.split('@') as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  let path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const tag = colon >= 0 ? path.slice(colon + 1) : digest ? undefined : 'latest';
  if (colon >= 0) path = path.slice(0, colon);
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const canonical = `${host}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { host, path, tag, digest, canonical };
}

/**
 * What pulling an image gives: `pulled` from a registry, `present` (a local build already on the
 * node, as `minikube image load` leaves it), or `failed` with the runtime's error, which the
 * kubelet shows after `Failed to pull image "…": `.
 */
export type PullOutcome =
  { kind: 'pulled' | 'present'; profile?: ImageProfile } | { kind: 'failed'; error: string };

export function pullImage(image: string): PullOutcome {
  let outcome = outcomes.get(image);
  if (!outcome) {
    if (outcomes.size >= 4096) outcomes.clear();
    outcomes.set(image, (outcome = resolvePull(image)));
  }
  return outcome;
}

/** The catalog is fixed, so each reference resolves once (log lines ask on every write). */
const outcomes = new Map<string, PullOutcome>();

function resolvePull(image: string): PullOutcome {
  const ref = parseImageRef(image);
  const resolve = `failed to pull and unpack image "${ref.canonical}": failed to resolve reference "${ref.canonical}"`;
  const notFound: PullOutcome = {
    kind: 'failed',
    error: `rpc error: code = NotFound desc = ${resolve}: ${ref.canonical}: not found`,
  };
  const denied: PullOutcome = {
    kind: 'failed',
    error: `${resolve}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
  };
  if (ref.host.endsWith('.invalid')) {
    const reference = ref.digest ?? ref.tag;
    return {
      kind: 'failed',
      error: `${resolve}: failed to do request: Head "https://${ref.host}/v2/${ref.path}/manifests/${reference}": dial tcp: lookup ${ref.host.split(':')[0]}: no such host`,
    };
  }
  if (ref.path.split('/').pop() === 'does-not-exist') return denied;
  if (ref.tag && MARKER_TAGS.test(ref.tag)) return notFound;
  const entry = CATALOG.find((e) => e.repository === `${ref.host}/${ref.path}`);
  if (entry) {
    if (entry.tags === 'any' || !ref.tag || entry.tags.includes(ref.tag))
      return { kind: 'pulled', profile: entry.profile };
    return notFound;
  }
  if (ref.host !== 'docker.io') return { kind: 'pulled' };
  const library = /^library\/([^/]+)$/.exec(ref.path)?.[1];
  if (library === undefined || nearMissOfLibraryImage(library)) return denied;
  return { kind: 'present' };
}

/** The catalog's profile of an image, undefined for an image it does not describe. */
export function imageProfile(image: string): ImageProfile | undefined {
  const outcome = pullImage(image);
  return outcome.kind === 'failed' ? undefined : outcome.profile;
}

/** A one-edit misspelling of an official image (`ngnix`, `postgress`): a repository nobody has. */
function nearMissOfLibraryImage(name: string): boolean {
  if (name.length < 4) return false;
  return CATALOG.some((e) => {
    const official = /^docker\.io\/library\/(.+)$/.exec(e.repository)?.[1];
    return official !== undefined && official !== name && editDistance(official, name) <= 1;
  });
}

/** Optimal string alignment distance (a swap of two neighbours counts as one edit). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Whether a served path answers a request for `path` (`/x/*` serves everything under /x/). */
export function servesPath(profile: ImageProfile | undefined, path: string): boolean {
  const paths = profile?.httpPaths;
  if (paths === undefined) return true;
  const bare = path.split('?')[0] || '/';
  return paths.some((p) => (p.endsWith('/*') ? bare.startsWith(p.slice(0, -1)) : p === bare));
}

function flavourOf(image: string): Flavour {
  const known = imageProfile(image)?.flavour;
  if (known) return known;
  // An image the catalog does not describe: guessed from its name, as a person would.
  if (/front|next|web/.test(image)) return 'next';
  if (/back|api|fastapi|uvicorn/.test(image)) return 'fastapi';
  return 'generic';
}

export function startupLines(image: string, port: number | undefined): string[] {
  switch (flavourOf(image)) {
    case 'next':
      return [
        '  ▲ Next.js 14.2.5',
        `  - Local:        http://localhost:${port ?? 3000}`,
        '',
        ' ✓ Starting...',
        ' ✓ Ready in 812ms',
      ];
    case 'fastapi':
      return [
        'INFO:     Started server process [1]',
        'INFO:     Waiting for application startup.',
        'INFO:     Application startup complete.',
        `INFO:     Uvicorn running on http://0.0.0.0:${port ?? 8000} (Press CTRL+C to quit)`,
      ];
    case 'nginx':
      return [
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        '2026/01/01 00:00:00 [notice] 1#1: using the "epoll" event method',
        '2026/01/01 00:00:00 [notice] 1#1: nginx/1.27.5',
        '2026/01/01 00:00:00 [notice] 1#1: start worker processes',
      ];
    case 'postgres':
      return [
        'PostgreSQL Database directory appears to contain a database; Skipping initialization',
        'LOG:  starting PostgreSQL 16.10 on x86_64-pc-linux-gnu',
        'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
        'LOG:  database system is ready to accept connections',
      ];
    case 'redis':
      return [
        '1:C * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
        '1:M * Running mode=standalone, port=6379.',
        '1:M * Server initialized',
        '1:M * Ready to accept connections tcp',
      ];
    case 'shell':
      return [];
    default:
      return [`starting ${image}`];
  }
}

export function accessLine(image: string, n: number): string {
  switch (flavourOf(image)) {
    case 'next':
      return ` GET /${n % 3 === 0 ? 'api/todos' : ''} 200 in ${20 + (n % 40)}ms`;
    case 'fastapi':
      return `INFO:     10.244.0.1:${40000 + (n % 2000)} - "GET /${n % 4 === 0 ? 'healthz' : 'api/todos'} HTTP/1.1" 200 OK`;
    case 'nginx':
      return `10.244.0.1 - - [01/Jan/2026:00:00:${String(n % 60).padStart(2, '0')} +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.34" "-"`;
    case 'postgres':
      return `LOG:  checkpoint complete: wrote ${n % 50} buffers (0.${n % 10}%)`;
    case 'redis':
      return `1:M * ${n % 100} changes in 300 seconds. Saving...`;
    default:
      return `request ${n} served`;
  }
}

/** The lines a running app logs for a failed request (the error-rate annotation). */
export function errorLines(image: string, n: number): string[] {
  switch (flavourOf(image)) {
    case 'fastapi':
      return [
        `ERROR:    Exception in ASGI application`,
        `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "postgres" (10.96.0.20), port 5432 failed: timeout expired`,
        `INFO:     10.244.0.1:${40000 + (n % 2000)} - "GET /api/todos HTTP/1.1" 500 Internal Server Error`,
      ];
    case 'next':
      return [
        ` ⨯ Error: fetch failed: connect ECONNREFUSED 10.96.0.21:8000`,
        ` GET /api/todos 500 in ${100 + (n % 50)}ms`,
      ];
    case 'nginx':
      return [
        `2026/01/01 00:00:00 [error] 29#29: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 10.244.0.1, server: localhost, request: "GET /api/todos HTTP/1.1", upstream: "http://10.96.0.21:8000/api/todos"`,
      ];
    case 'postgres':
      return [`ERROR:  relation "todos" does not exist at character ${15 + (n % 20)}`];
    case 'redis':
      return [`1:M # Error accepting a client connection: (null) (conn: fd=${10 + (n % 20)})`];
    default:
      return [`ERROR request ${n} failed: upstream connect error`];
  }
}

export function crashLines(image: string, exitCode: number): string[] {
  if (flavourOf(image) === 'fastapi') {
    return [
      'ERROR:    Traceback (most recent call last):',
      '  File "/app/main.py", line 42, in startup',
      '    await database.connect()',
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "postgres" (10.96.0.20), port 5432 failed: Connection refused',
      'ERROR:    Application startup failed. Exiting.',
    ];
  }
  if (flavourOf(image) === 'shell') return [];
  return [`fatal: process exited with status ${exitCode}`];
}

const SHELLS = new Set(['sh', 'ash', 'dash', 'bash']);
/** Words a shell runs itself: they are never looked up on PATH. */
const SHELL_WORDS = new Set(
  'exit echo printf cd export set unset true false test [ read : . source eval exec wait trap shift return local if then else elif fi for while until do done case esac in break continue ! { } ( ) umask ulimit kill'.split(
    ' ',
  ),
);

/**
 * What the container's process does when started: `runs` (a server, or what the catalog cannot
 * tell), `exits` with a code (and the lines it printed), or `start-error` (runc found no such
 * executable, before anything ran).
 */
export type ProcessOutcome =
  | { kind: 'runs' }
  | { kind: 'exits'; exitCode: number; lines: string[] }
  | { kind: 'start-error'; message: string };

const basename = (p: string): string => p.split('/').pop() ?? p;

export function processOutcome(
  profile: ImageProfile | undefined,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): ProcessOutcome {
  if (command?.length) return runArgv(profile, [...command, ...(args ?? [])].map(String));
  if (!args?.length)
    return profile?.exitsAtOnce ? { kind: 'exits', exitCode: 0, lines: [] } : { kind: 'runs' };
  // Args alone replace the image's CMD: with no ENTRYPOINT they are the command itself.
  const entrypoint = profile?.entrypoint;
  const first = String(args[0]);
  if (!entrypoint) return runArgv(profile, args.map(String));
  if (entrypoint.serves.includes(first) || (first.startsWith('-') && entrypoint.flagsRunServer))
    return { kind: 'runs' };
  if (!onPathOf(profile)(first)) return { kind: 'exits', exitCode: 127, lines: [entrypoint.notFound(first)] };
  return runArgv(profile, args.map(String));
}

const onPathOf =
  (profile: ImageProfile | undefined) =>
  (name: string): boolean =>
    profile?.executables === undefined ||
    profile.executables.includes(name) ||
    profile.executables.includes(basename(name));

/** runc executing argv[0] in the image, and what that program then does. */
function runArgv(profile: ImageProfile | undefined, words: string[]): ProcessOutcome {
  const program = words[0]!;
  const onPath = onPathOf(profile);
  if (!onPath(program)) {
    const cause = program.includes('/')
      ? `exec: "${program}": stat ${program}: no such file or directory`
      : `exec: "${program}": executable file not found in $PATH`;
    return {
      kind: 'start-error',
      message: `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${cause}: unknown`,
    };
  }
  const name = basename(program);
  if (name === 'false') return { kind: 'exits', exitCode: 1, lines: [] };
  if (name === 'true') return { kind: 'exits', exitCode: 0, lines: [] };
  if (SHELLS.has(name) && words[1] === '-c' && words[2] !== undefined) {
    const missing = firstMissingCommand(words[2], onPath);
    if (missing !== undefined)
      return { kind: 'exits', exitCode: 127, lines: [shellNotFound(name, profile, missing)] };
  }
  const exit = /(?:^|[\s;&|])exit\s+(\d+)/.exec(words.join(' '));
  if (exit && Number(exit[1]) !== 0) return { kind: 'exits', exitCode: Number(exit[1]), lines: [] };
  return { kind: 'runs' };
}

/** Each shell's words for a command it cannot find (busybox ash, Debian's dash, bash). */
function shellNotFound(invoked: string, profile: ImageProfile | undefined, missing: string): string {
  const shell = invoked === 'sh' ? (profile?.shell ?? 'dash') : invoked;
  if (shell === 'bash') return `${invoked}: line 1: ${missing}: command not found`;
  if (shell === 'dash') return `${invoked}: 1: ${missing}: not found`;
  return `${invoked}: ${missing}: not found`;
}

/** The first command word of a `sh -c` script that is neither the shell's own nor on PATH. */
function firstMissingCommand(script: string, onPath: (name: string) => boolean): string | undefined {
  for (const part of script.split(/&&|\|\||[;|&\n()]/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    let i = 0;
    // Skip assignments and the keywords that lead into a command (`then foo`, `exec foo`).
    while (
      i < words.length &&
      (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || /^(then|else|do|exec|!|\{)$/.test(words[i]!))
    )
      i++;
    const word = words[i];
    if (word === undefined || SHELL_WORDS.has(word) || /^[$"'`<>0-9-]/.test(word)) continue;
    if (!onPath(word)) return word;
  }
  return undefined;
}
