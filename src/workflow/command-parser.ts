// kubectl and helm commands, as an assistant proposes them, read into structured operations.
// Read-only commands are never recommendations; a mutating command we cannot map becomes a
// `generic` operation (critical); anything unclear is never read-only. Stricter than
// kubectl-ai's own filter: `config use-context` and `auth reconcile` mutate.
import type { ResourceRef } from '../model/analysis.js';
import type { Operation } from '../model/operation.js';
import { connectionFlag } from './credential-flags.js';
import { splitWords } from './shell-words.js';

export type ParsedCommand =
  | { kind: 'read-only'; words: string[] }
  | { kind: 'mutating'; operation: Operation; words: string[] }
  /** Never queued: the command would choose its own cluster or credentials (one line why). */
  | { kind: 'refused'; reason: string; words: string[] }
  | { kind: 'not-kubectl'; words: string[] }
  | { kind: 'unparseable'; reason: string };

/** Flags that take a value when written `--flag value` or `-f value`. */
const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '--context',
  '--kubeconfig',
  '--cluster',
  '--user',
  '-s',
  '--server',
  '--token',
  '--as',
  '--as-group',
  '--request-timeout',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-f',
  '--filename',
  '-c',
  '--container',
  '-p',
  '--patch',
  '--type',
  '--replicas',
  '--requests',
  '--limits',
  '--min',
  '--max',
  '--cpu-percent',
  '--cpu',
  '--to-revision',
  '--grace-period',
  '--timeout',
  '-L',
  '--label-columns',
  '--field-selector',
  '--sort-by',
  '--field-manager',
  '--revision',
  '--version',
  '--values',
  '--set',
  '--set-string',
  '--set-file',
  '--set-json',
  '--set-literal',
  '--description',
  '--post-renderer',
  '--post-renderer-args',
  '--repo',
  '--username',
  '--password',
  '--ca-file',
  '--cert-file',
  '--key-file',
  '--history-max',
  '--labels',
  '--containers',
  '--cascade',
  '--pod-selector',
  '--skip-wait-for-delete-timeout',
  '-k',
  '--kustomize',
  '--patch-file',
  '--prune-allowlist',
  '--name',
  '--image',
  '--port',
  '--current-replicas',
  '--resource-version',
  '--template',
  '--tail',
  '--since',
  '--chunk-size',
  '--subresource',
]);

const READ_VERBS = new Set([
  'get',
  'describe',
  'explain',
  'top',
  'logs',
  'api-resources',
  'api-versions',
  'version',
  'cluster-info',
  'wait',
  'diff',
  'kustomize',
  'help',
  'options',
  'completion',
  'events',
  'port-forward',
  'proxy',
  'plugin',
]);

const KINDS: Record<string, string> = {};
for (const [kind, aliases] of Object.entries({
  Deployment: ['deploy', 'deployment', 'deployments', 'deployment.apps', 'deployments.apps'],
  Pod: ['po', 'pod', 'pods'],
  ReplicaSet: ['rs', 'replicaset', 'replicasets', 'replicaset.apps', 'replicasets.apps'],
  StatefulSet: ['sts', 'statefulset', 'statefulsets', 'statefulset.apps'],
  DaemonSet: ['ds', 'daemonset', 'daemonsets', 'daemonset.apps'],
  HorizontalPodAutoscaler: [
    'hpa',
    'horizontalpodautoscaler',
    'horizontalpodautoscalers',
    'horizontalpodautoscaler.autoscaling',
  ],
  Node: ['no', 'node', 'nodes'],
  Service: ['svc', 'service', 'services'],
  ConfigMap: ['cm', 'configmap', 'configmaps'],
  Secret: ['secret', 'secrets'],
  Namespace: ['ns', 'namespace', 'namespaces'],
  Job: ['job', 'jobs', 'job.batch'],
  CronJob: ['cj', 'cronjob', 'cronjobs', 'cronjob.batch'],
  Ingress: ['ing', 'ingress', 'ingresses', 'ingress.networking.k8s.io'],
})) {
  for (const alias of aliases) KINDS[alias] = kind;
}

interface Parsed {
  positionals: string[];
  flags: Map<string, string[]>;
}

function parseFlags(words: readonly string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value]);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      if (eq > 0) add(w.slice(0, eq), w.slice(eq + 1));
      else if (VALUE_FLAGS.has(w) && i + 1 < words.length) add(w, words[++i]!);
      else add(w, 'true');
    } else if (w.startsWith('-') && w.length > 1 && !/^-\d/.test(w)) {
      const short = w.slice(0, 2);
      if (w.length > 2) add(short, w.slice(2).replace(/^=/, ''));
      else if (VALUE_FLAGS.has(short) && i + 1 < words.length) add(short, words[++i]!);
      else add(short, 'true');
    } else positionals.push(w);
  }
  return { positionals, flags };
}

const flag = (p: Parsed, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = p.flags.get(n);
    if (v?.length) return v[v.length - 1];
  }
  return undefined;
};

/** Quotes words for display so the command can be pasted back into a shell. */
export function quoteCommand(words: readonly string[]): string {
  return words
    .map((w) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** `type/name` or `type name` targets after the verb's own positionals. */
function targets(args: readonly string[], namespace: string): { refs: ResourceRef[]; rest: string[] } {
  const refs: ResourceRef[] = [];
  const rest: string[] = [];
  // A Kubernetes name never holds '=' nor ends with '-': such words are changes (k=v, k-).
  const isName = (w: string) => !w.includes('=') && !w.endsWith('-');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const slash = a.indexOf('/');
    if (!isName(a)) {
      rest.push(a);
    } else if (slash > 0) {
      refs.push({
        kind: KINDS[a.slice(0, slash).toLowerCase()] ?? a.slice(0, slash),
        namespace,
        name: a.slice(slash + 1),
      });
    } else if (refs.length === 0 && KINDS[a.toLowerCase()] && i + 1 < args.length && isName(args[i + 1]!)) {
      const kind = KINDS[a.toLowerCase()]!;
      while (i + 1 < args.length && isName(args[i + 1]!) && !args[i + 1]!.includes('/'))
        refs.push({ kind, namespace, name: args[++i]! });
    } else rest.push(a);
  }
  return { refs, rest };
}

const label = (t: ResourceRef): string =>
  `${t.kind.toLowerCase()} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

/** `cpu=…,memory=…` of set resources; undefined for anything else (other resources are not modelled). */
function parseResources(text: string | undefined): { cpu?: string; memory?: string } | undefined {
  const out: { cpu?: string; memory?: string } = {};
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const [k, v] = [part.slice(0, eq), part.slice(eq + 1)];
    if (eq < 0 || (k !== 'cpu' && k !== 'memory') || !v) return undefined;
    out[k] = v;
  }
  return out;
}

/** `key=value` (split at the first `=`: an annotation's value may hold more) or `key-`. */
function keyValue(word: string): [string, string | null] {
  if (word.endsWith('-') && !word.includes('=')) return [word.slice(0, -1), null];
  const eq = word.indexOf('=');
  return [word.slice(0, eq), word.slice(eq + 1)];
}

/**
 * The first flag of a command that a structured operation does not model, else undefined. The
 * namespace is every kind's; `booleans` are modelled only when true (`--force=false` is not).
 * A flag outside this list would be dropped by the executor, so such a command stays generic.
 */
export function unmodelledFlag(
  flags: ReadonlyMap<string, readonly string[]>,
  modelled: readonly string[],
  booleans: readonly string[] = [],
): string | undefined {
  for (const [name, values] of flags) {
    if (name === '-n' || name === '--namespace') continue;
    if (booleans.includes(name)) {
      const other = values.find((v) => v !== 'true');
      if (other !== undefined) return `${name}=${other}`;
    } else if (!modelled.includes(name)) return name;
  }
  return undefined;
}

/** What each structured kubectl kind models beyond its positionals (see unmodelledFlag). */
const MODELLED_FLAGS: Record<string, { values?: string[]; booleans?: string[] }> = {
  scale: { values: ['--replicas'] },
  autoscale: { values: ['--min', '--max', '--cpu-percent', '--cpu'] },
  'rollout restart': {},
  'rollout pause': {},
  'rollout resume': {},
  'rollout undo': { values: ['--to-revision'] },
  'set resources': { values: ['-c', '--containers', '--requests', '--limits'] },
  'set image': {},
  delete: {},
  patch: { values: ['-p', '--patch', '--type'] },
  label: { booleans: ['--overwrite'] },
  annotate: { booleans: ['--overwrite'] },
  cordon: {},
  uncordon: {},
  drain: { booleans: ['--ignore-daemonsets', '--delete-emptydir-data', '--force'] },
};

function kubectlOperation(words: string[]): ParsedCommand {
  const p = parseFlags(words.slice(1));
  const dryRun = flag(p, '--dry-run');
  const [verb = '', sub = '', ...args] = p.positionals;
  const namespace = flag(p, '-n', '--namespace') ?? 'default';
  const kubectl = quoteCommand(words);
  const generic = (why: string): ParsedCommand => ({
    kind: 'mutating',
    words,
    operation: {
      kind: 'generic',
      argv: words,
      target: { kind: 'Command', namespace, name: verb || 'kubectl' },
      summary: `run \`${kubectl}\` (${why})`,
      kubectl,
    },
  });
  // A dry run changes nothing, whatever the verb.
  if (dryRun && dryRun !== 'none' && dryRun !== 'false') return { kind: 'read-only', words };
  if (READ_VERBS.has(verb)) return { kind: 'read-only', words };
  if (verb === 'rollout' && (sub === 'status' || sub === 'history')) return { kind: 'read-only', words };
  if (verb === 'auth' && (sub === 'can-i' || sub === 'whoami')) return { kind: 'read-only', words };
  if (
    verb === 'config' &&
    ['view', 'get-contexts', 'current-context', 'get-clusters', 'get-users'].includes(sub)
  )
    return { kind: 'read-only', words };
  if (!verb) return { kind: 'read-only', words }; // plain `kubectl` prints help

  // A flag the structured kind would drop keeps the command generic (run verbatim, critical).
  const kindName = Object.hasOwn(MODELLED_FLAGS, verb) ? verb : `${verb} ${sub}`;
  const modelled = Object.hasOwn(MODELLED_FLAGS, kindName) ? MODELLED_FLAGS[kindName] : undefined;
  if (modelled) {
    const extra = unmodelledFlag(p.flags, modelled.values ?? [], modelled.booleans ?? []);
    if (extra) return generic(`${kindName} with ${extra}, which the structured operation does not model`);
  }
  const on = (name: string) => flag(p, name) === 'true';

  const withSub = [sub, ...args].filter(Boolean);
  /** Exactly one target and no other positional (a second object would be dropped). */
  const one = (list: string[]): ResourceRef | undefined => {
    const { refs, rest } = targets(list, namespace);
    return refs.length === 1 && rest.length === 0 ? refs[0] : undefined;
  };
  const op = (operation: Operation): ParsedCommand => ({ kind: 'mutating', words, operation });
  switch (verb) {
    case 'scale': {
      const target = one(withSub);
      const replicas = Number(flag(p, '--replicas'));
      if (!target || !Number.isInteger(replicas) || replicas < 0)
        return generic('scale without one target and --replicas');
      return op({
        kind: 'scale',
        target,
        replicas,
        summary: `scale ${label(target)} to ${replicas} replicas`,
        kubectl,
      });
    }
    case 'autoscale': {
      const target = one(withSub);
      const max = Number(flag(p, '--max'));
      const min = Number(flag(p, '--min') ?? 1);
      const cpu = Number((flag(p, '--cpu-percent') ?? flag(p, '--cpu') ?? '80').replace('%', ''));
      if (!target || !Number.isInteger(max) || !Number.isInteger(min) || !Number.isInteger(cpu))
        return generic('autoscale without one target and --max');
      return op({
        kind: 'create-hpa',
        target,
        minReplicas: min,
        maxReplicas: max,
        targetCpuUtilization: cpu,
        summary: `autoscale ${label(target)} between ${min} and ${max} replicas at ${cpu}% CPU`,
        kubectl,
      });
    }
    case 'rollout': {
      const target = one(args);
      if (!target) return generic(`rollout ${sub} without one target`);
      if (sub === 'restart')
        return op({ kind: 'rollout-restart', target, summary: `restart ${label(target)}`, kubectl });
      if (sub === 'undo') {
        const to = flag(p, '--to-revision');
        const toRevision = to === undefined ? undefined : Number(to);
        if (toRevision !== undefined && !(Number.isInteger(toRevision) && toRevision >= 0))
          return generic(`rollout undo to revision ${to}`);
        return op({
          kind: 'rollout-undo',
          target,
          // --to-revision=0 is kubectl's "the previous one", as is its absence.
          ...(toRevision ? { toRevision } : {}),
          summary: `roll back ${label(target)}${toRevision ? ` to revision ${to}` : ''}`,
          kubectl,
        });
      }
      if (sub === 'pause')
        return op({
          kind: 'rollout-pause',
          target,
          summary: `pause the rollout of ${label(target)}`,
          kubectl,
        });
      if (sub === 'resume')
        return op({
          kind: 'rollout-resume',
          target,
          summary: `resume the rollout of ${label(target)}`,
          kubectl,
        });
      return generic(`rollout ${sub}`);
    }
    case 'set': {
      if (sub === 'resources') {
        const target = one(args);
        const requests = parseResources(flag(p, '--requests'));
        const limits = parseResources(flag(p, '--limits'));
        if (!target || !requests || !limits || Object.keys({ ...requests, ...limits }).length === 0)
          return generic('set resources other than cpu and memory of one target');
        const container = flag(p, '-c', '--containers') ?? '*';
        return op({
          kind: 'set-resources',
          target,
          container,
          requests,
          limits,
          summary: `set resources of ${label(target)}${container === '*' ? '' : ` container ${container}`}`,
          kubectl,
        });
      }
      if (sub === 'image') {
        const { refs, rest } = targets(args, namespace);
        const images = Object.fromEntries(rest.map(keyValue)) as Record<string, string | null>;
        const valid = rest.length > 0 && rest.every((a) => /^[^=]+=[^=]/.test(a));
        if (refs.length === 1 && valid) {
          return op({
            kind: 'set-image',
            target: refs[0]!,
            images: images as Record<string, string>,
            summary: `set image of ${label(refs[0]!)}: ${Object.entries(images)
              .map(([c, i]) => `${c}=${i}`)
              .join(', ')}`,
            kubectl,
          });
        }
      }
      return generic(`set ${sub}`);
    }
    case 'delete': {
      const target = one(withSub);
      if (target?.kind === 'Pod')
        return op({
          kind: 'delete-pod',
          target,
          summary: `delete pod ${namespace}/${target.name} (its controller recreates it)`,
          kubectl,
        });
      if (target) return op({ kind: 'delete', target, summary: `delete ${label(target)}`, kubectl });
      return generic('delete of several or unnamed objects');
    }
    case 'patch': {
      const target = one(withSub);
      const text = flag(p, '-p', '--patch');
      const type = (flag(p, '--type') ?? 'strategic') as 'strategic' | 'merge' | 'json';
      if (!target || !text || !['strategic', 'merge', 'json'].includes(type))
        return generic('patch without one target and a patch');
      try {
        return op({
          kind: 'patch',
          target,
          patchType: type,
          patch: JSON.parse(text),
          summary: `${type} patch of ${label(target)}`,
          kubectl,
        });
      } catch {
        return generic('patch that is not JSON');
      }
    }
    case 'label':
    case 'annotate': {
      const { refs, rest } = targets(withSub, namespace);
      // Every other positional must be a change: a stray word would be dropped.
      const changes = Object.fromEntries(rest.map(keyValue));
      const valid = rest.length > 0 && rest.every((a) => /=|-$/.test(a) && !/^[=-]/.test(a));
      if (refs.length !== 1 || !valid) return generic(`${verb} without one target and its changes`);
      const overwrite = on('--overwrite');
      return op({
        kind: verb,
        target: refs[0]!,
        changes,
        overwrite,
        summary: `${verb} ${label(refs[0]!)}: ${Object.keys(changes).join(', ')}${overwrite ? ' (overwrite)' : ''}`,
        kubectl,
      });
    }
    case 'cordon':
    case 'uncordon':
    case 'drain': {
      // One node, by name or node/NAME; several nodes or a selector stay generic.
      const nodes = withSub;
      const node = nodes[0];
      if (nodes.length !== 1 || !node || (node.includes('/') && !/^(no|nodes?)\//.test(node)))
        return generic(`${verb} of other than one node`);
      const name = node.includes('/') ? node.split('/')[1]! : node;
      const target = { kind: 'Node', name };
      if (verb !== 'drain') return op({ kind: verb, target, summary: `${verb} node ${name}`, kubectl });
      return op({
        kind: 'drain',
        target,
        ignoreDaemonSets: on('--ignore-daemonsets'),
        deleteEmptyDirData: on('--delete-emptydir-data'),
        force: on('--force'),
        summary: `drain node ${name}`,
        kubectl,
      });
    }
    case 'apply': {
      // Run verbatim by the real kubectl: every flag the approver saw goes with it.
      const files = p.flags.get('-f') ?? p.flags.get('--filename') ?? [];
      if (files.length === 0) return generic('apply without -f');
      return op({
        kind: 'apply',
        files,
        argv: words,
        target: { kind: 'Manifest', namespace, name: files.join(',') },
        summary: `apply ${files.join(', ')}`,
        kubectl,
      });
    }
    default:
      return generic(`kubectl ${verb}`);
  }
}

const HELM_READ_VERBS = [
  'list',
  'ls',
  'status',
  'history',
  'get',
  'template',
  'show',
  'search',
  'version',
  'env',
  'lint',
  'help',
  'verify',
  '',
];

function helmOperation(words: string[]): ParsedCommand {
  const p = parseFlags(words.slice(1));
  const [verb = '', release = '', third, ...more] = p.positionals;
  const namespace = flag(p, '-n', '--namespace') ?? 'default';
  const kubectl = quoteCommand(words);
  if (HELM_READ_VERBS.includes(verb) || flag(p, '--dry-run')) return { kind: 'read-only', words };
  const target = { kind: 'HelmRelease', namespace, name: release || 'helm' };
  const op = (operation: Operation): ParsedCommand => ({ kind: 'mutating', words, operation });
  // helm rollback and upgrade run verbatim (argv); release, revision and chart say what the
  // snapshot captures, so an extra positional (a misread flag value) keeps the command generic.
  if (verb === 'rollback' && release && more.length === 0) {
    const revision = third === undefined ? undefined : Number(third);
    if (revision === undefined || Number.isInteger(revision))
      return op({
        kind: 'helm-rollback',
        release,
        ...(revision ? { revision } : {}),
        argv: words,
        target,
        summary: `helm rollback ${namespace}/${release}${revision ? ` to revision ${third}` : ''}`,
        kubectl,
      });
  }
  if (verb === 'upgrade' && release && third && more.length === 0) {
    const install = flag(p, '-i', '--install') === 'true';
    return op({
      kind: 'helm-upgrade',
      release,
      chart: third,
      install,
      argv: words,
      target,
      summary: `helm upgrade${install ? ' --install' : ''} ${namespace}/${release} with ${third}`,
      kubectl,
    });
  }
  return op({
    kind: 'generic',
    argv: words,
    target,
    summary: `run \`${kubectl}\` (helm ${verb})`,
    kubectl,
  });
}

/**
 * Why a command is refused outright, or undefined: it names its own cluster, context or
 * credentials, which would send an approved change somewhere the cockpit did not choose.
 */
export function refusal(program: 'kubectl' | 'helm', words: readonly string[]): string | undefined {
  const found = connectionFlag(program, words);
  return found
    ? `${found} picks its own cluster or credentials; approved changes run against the cockpit's own context`
    : undefined;
}

/** Reads one command line. Never throws. */
export function parseCommand(text: string): ParsedCommand {
  try {
    const split = splitWords(text.trim().replace(/^\$\s+/, ''));
    if ('error' in split) return { kind: 'unparseable', reason: split.error };
    const { words, compound } = split;
    if (words.length === 0) return { kind: 'not-kubectl', words };
    const program = words[0]!.split('/').pop()!;
    if (program !== 'kubectl' && program !== 'helm') return { kind: 'not-kubectl', words };
    // More than one command cannot be approved as one operation, nor trusted as read-only.
    if (compound)
      return { kind: 'unparseable', reason: 'more than one command (pipe, list or substitution)' };
    const refused = refusal(program, words);
    if (refused) return { kind: 'refused', reason: refused, words };
    return program === 'kubectl' ? kubectlOperation(words) : helmOperation(words);
  } catch (error) {
    return { kind: 'unparseable', reason: `parser error: ${(error as Error).message}` };
  }
}

/**
 * kubectl and helm commands in an assistant's answer: fenced code blocks (with line
 * continuations), `$ ` prompt lines, kubectl-ai's `* <command>` proposal lines, inline code.
 */
export function extractCommands(answer: string): string[] {
  const found: string[] = [];
  const add = (command: string) => {
    const c = command.trim().replace(/^\$\s+/, '');
    if (/^(kubectl|helm)\s/.test(c) && !found.includes(c)) found.push(c);
  };
  const lines = answer.split('\n');
  let inFence = false;
  let pending = '';
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (line.endsWith('\\')) {
        pending += line.slice(0, -1) + ' ';
        continue;
      }
      add(pending + line);
      pending = '';
      continue;
    }
    const bullet = /^\s*[*-]\s+(.*)$/.exec(line);
    if (bullet && /^`?(kubectl|helm)\s/.test(bullet[1]!)) add(bullet[1]!.replace(/^`|`$/g, ''));
    else if (/^\s*\$\s+(kubectl|helm)\s/.test(line)) add(line);
    for (const m of line.matchAll(/`((?:kubectl|helm)\s[^`]+)`/g)) add(m[1]!);
  }
  return found;
}
