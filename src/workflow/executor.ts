// Executes an approved operation, and undoes it. Before executing it captures every object it
// will touch (and a helm release's revision); the rollback restores from that capture, never
// from a guess, and refuses when someone else changed the object since our change.
import type {
  KubeConfig,
  KubernetesObject,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import type { ResourceRef } from '../analysis/types.js';
import { splitWords } from '../assistants/shell-words.js';
import { childKubeconfig, childEnvironment, withFlagsBeforeDashDash } from './child-process.js';
import { apiMessage, httpCode, ObjectClient, objectRef, refLabel, type ObjectRef } from './objects.js';
import type { Operation } from './operations.js';

export interface ExternalTools {
  kubectl: string;
  helm: string;
  /** A kubeconfig file for the external tools: the cockpit's cluster and credentials. */
  kubeconfigPath: string;
  context?: string;
}

/** What the executor runs for an operation: the argv (program first) and the API server. */
export interface CommandLine {
  argv: string[];
  server: string;
}

/** A child process exactly as spawned: the program, its arguments, its whole environment. */
interface Child {
  program: string;
  args: string[];
  env: Record<string, string>;
}

/** The kinds that run an external program; their `argv` is the approved command. */
type External = Extract<Operation, { argv: string[] }>;
const isExternal = (op: Operation): op is External => 'argv' in op;

export interface CapturedObject {
  ref: ObjectRef;
  /** The full object, or null when it did not exist. */
  object: KubernetesObject | null;
}

export interface Snapshot {
  objects: CapturedObject[];
  helm?: { release: string; namespace: string; revision: number };
  /** Why this snapshot cannot be restored, when it cannot. */
  unrestorable?: string;
}

export class ExecutionError extends Error {}
export class RollbackConflict extends Error {}

const REVISION = 'deployment.kubernetes.io/revision';
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function must(target: ResourceRef): ObjectRef {
  const ref = objectRef(target);
  if (!ref) throw new ExecutionError(`cannot address ${target.kind} ${target.name}`);
  return ref;
}

interface TemplateSpec {
  spec?: { paused?: boolean; template?: { spec?: { containers?: { name: string }[] } } };
}

export class Executor {
  readonly objects: ObjectClient;
  private kubeconfigForChildren: string | undefined;
  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly tools: ExternalTools,
  ) {
    this.objects = new ObjectClient(kubeConfig);
  }

  /**
   * The exact argv (program first) the executor runs for an operation, and the API server it
   * goes to. For the kinds done through the API, the kubectl command that does the same.
   * execute() runs this very argv, so what is recorded cannot drift from what ran.
   */
  commandLine(op: Operation): CommandLine {
    const argv = isExternal(op) ? this.child(op.argv).argv : kubectlEquivalent(op);
    return { argv, server: this.server() };
  }

  /** The API server of the cockpit's context: where both the API calls and the tools go. */
  private server(): string {
    const kc = this.kubeConfig;
    const context = kc.getContextObject(this.tools.context ?? kc.getCurrentContext());
    const cluster = context ? kc.getCluster(context.cluster) : kc.getCurrentCluster();
    return cluster?.server ?? 'no server';
  }

  /**
   * The one place a child's argv and environment are built. The approved words go verbatim
   * (only the program is swapped for our copy of it); the cluster and credentials go through
   * the environment alone (KUBECONFIG, HELM_KUBECONTEXT), never as flags, so nothing can land
   * after a `--` and the parent's KUBECONFIG or HELM_* settings cannot leak in.
   */
  private child(approved: readonly string[]): Child & { argv: string[] } {
    const helm = approved[0]?.split('/').pop() === 'helm';
    const program = helm ? this.tools.helm : this.tools.kubectl;
    this.kubeconfigForChildren ??= childKubeconfig(this.tools.kubeconfigPath, this.tools.context);
    const env = childEnvironment(process.env, {
      program: helm ? 'helm' : 'kubectl',
      kubeconfig: this.kubeconfigForChildren,
      context: this.tools.context ?? this.kubeConfig.getCurrentContext(),
    });
    const args = approved.slice(1);
    return { program, args, env, argv: [program, ...args] };
  }

  /** The objects an operation writes: what is captured before and read back after. */
  touches(op: Operation): ObjectRef[] {
    switch (op.kind) {
      case 'create-hpa':
        return [{ ...must({ ...op.target, kind: 'HorizontalPodAutoscaler' }) }];
      case 'apply':
      case 'helm-rollback':
      case 'helm-upgrade':
        return [];
      default: {
        const ref = objectRef(op.target);
        return ref ? [ref] : [];
      }
    }
  }

  async capture(op: Operation): Promise<Snapshot> {
    const objects = await Promise.all(
      this.touches(op).map(async (ref) => ({ ref, object: await this.objects.read(ref) })),
    );
    if (op.kind === 'helm-rollback' || op.kind === 'helm-upgrade') {
      const namespace = op.target.namespace ?? 'default';
      const status = this.child(['helm', 'status', op.release, '-n', namespace, '-o', 'json']);
      // An upgrade --install of a release that does not exist yet: revision 0, undone by uninstall.
      if (op.kind === 'helm-upgrade' && op.install) {
        const result = await this.spawn(status);
        if (result.exitCode !== 0 && /not found/.test(result.stderr))
          return { objects, helm: { release: op.release, namespace, revision: 0 } };
      }
      const { stdout } = await this.run(status);
      const revision = (JSON.parse(stdout) as { version?: number }).version;
      if (!revision) throw new ExecutionError(`helm status ${op.release} gave no revision`);
      return { objects, helm: { release: op.release, namespace, revision } };
    }
    if (op.kind === 'apply')
      return { objects, unrestorable: 'the objects an apply changes are not known before it runs' };
    if (op.kind === 'generic' && objects.length === 0)
      return { objects, unrestorable: `nothing was captured for \`${op.kubectl}\`` };
    return { objects };
  }

  /** Runs the operation; with dryRun, the server computes the result and stores nothing. */
  async execute(op: Operation, dryRun = false): Promise<KubernetesObject[]> {
    const o = this.objects;
    switch (op.kind) {
      case 'scale':
        return [await o.patch(must(op.target), { spec: { replicas: op.replicas } }, 'merge', dryRun)];
      case 'set-resources':
      case 'set-image': {
        const ref = must(op.target);
        const names = await this.containerNames(ref);
        const containers =
          op.kind === 'set-resources'
            ? names
                .filter((n) => op.container === '*' || n === op.container)
                .map((name) => ({
                  name,
                  resources: {
                    ...(Object.keys(op.requests).length ? { requests: op.requests } : {}),
                    ...(Object.keys(op.limits).length ? { limits: op.limits } : {}),
                  },
                }))
            : names
                .filter((n) => op.images[n] ?? op.images['*'])
                .map((name) => ({ name, image: op.images[name] ?? op.images['*'] }));
        if (containers.length === 0) throw new ExecutionError(`${refLabel(ref)} has no such container`);
        return [await o.patch(ref, { spec: { template: { spec: { containers } } } }, 'strategic', dryRun)];
      }
      case 'create-hpa': {
        const ref = this.touches(op)[0]!;
        const hpa = {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: ref.name, namespace: ref.namespace },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: op.target.kind, name: op.target.name },
            minReplicas: op.minReplicas,
            maxReplicas: op.maxReplicas,
            metrics: [
              {
                type: 'Resource',
                resource: {
                  name: 'cpu',
                  target: { type: 'Utilization', averageUtilization: op.targetCpuUtilization },
                },
              },
            ],
          },
        };
        const current = await o.read(ref);
        if (!current) return [await o.create(hpa, dryRun)];
        return [
          await o.replace(
            { ...hpa, metadata: { ...hpa.metadata, resourceVersion: current.metadata?.resourceVersion } },
            dryRun,
          ),
        ];
      }
      case 'rollout-restart': {
        const ref = await this.unpaused(op.target, 'restart');
        const restartedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const patch = {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } },
          },
        };
        return [await o.patch(ref, patch, 'strategic', dryRun)];
      }
      case 'rollout-undo':
        return [await this.undo(op.target, op.toRevision, dryRun)];
      case 'rollout-pause':
      case 'rollout-resume':
        return [
          await o.patch(must(op.target), { spec: { paused: op.kind === 'rollout-pause' } }, 'merge', dryRun),
        ];
      case 'delete-pod':
      case 'delete':
        await o.delete(must(op.target), dryRun);
        return [];
      case 'patch':
        return [await o.patch(must(op.target), op.patch, op.patchType, dryRun)];
      case 'label':
      case 'annotate': {
        const field = op.kind === 'label' ? 'labels' : 'annotations';
        if (!op.overwrite) await this.refuseOverwrite(must(op.target), field, op.changes);
        return [await o.patch(must(op.target), { metadata: { [field]: op.changes } }, 'merge', dryRun)];
      }
      case 'cordon':
      case 'uncordon':
        return [
          await o.patch(must(op.target), { spec: { unschedulable: op.kind === 'cordon' } }, 'merge', dryRun),
        ];
      case 'drain':
        return this.drain(op, dryRun);
      case 'apply':
      case 'helm-rollback':
      case 'helm-upgrade':
      case 'generic': {
        // The approved argv, verbatim (commandLine); a dry run only adds the tool's own flag.
        if (dryRun && op.kind === 'generic') return [];
        const child = this.child(op.argv);
        const flag = op.kind === 'apply' ? '--dry-run=server' : '--dry-run';
        await this.run(dryRun ? { ...child, args: withFlagsBeforeDashDash(child.args, [flag]) } : child);
        return [];
      }
    }
  }

  /**
   * Restores the captured state. `after` is what our execution left (read right after it): an
   * object whose spec (generation) or, without one, whose resourceVersion moved since is refused.
   */
  async rollback(before: Snapshot, after: Snapshot): Promise<string> {
    if (before.unrestorable)
      throw new ExecutionError(`cannot roll back: ${before.unrestorable}; undo it by hand`);
    const done: string[] = [];
    if (before.helm) {
      const { release, namespace, revision } = before.helm;
      if (revision === 0) {
        await this.run(this.child(['helm', 'uninstall', release, '-n', namespace]));
        done.push(`helm release ${namespace}/${release} uninstalled (it did not exist before)`);
      } else {
        await this.run(this.child(['helm', 'rollback', release, String(revision), '-n', namespace]));
        done.push(`helm release ${namespace}/${release} rolled back to revision ${revision}`);
      }
    }
    for (const { ref, object: pre } of before.objects) {
      const post = after.objects.find((c) => refLabel(c.ref) === refLabel(ref))?.object ?? null;
      const current = await this.objects.read(ref);
      if (
        ref.kind === 'Pod' &&
        pre &&
        ownedByController(pre) &&
        (!current || current.metadata?.deletionTimestamp)
      ) {
        done.push(`${refLabel(ref)} was replaced by its controller; nothing to restore`);
        continue;
      }
      if (changedSince(post, current))
        throw new RollbackConflict(
          `${refLabel(ref)} was changed by someone else since the change (${versionOf(post)} → ${versionOf(current)}); not rolling back`,
        );
      try {
        if (!pre && current) {
          await this.objects.delete(ref);
          done.push(`deleted ${refLabel(ref)}`);
        } else if (pre && !current) {
          await this.objects.create(recreatable(pre));
          done.push(`recreated ${refLabel(ref)}`);
        } else if (pre && current) {
          await this.objects.replace(restored(pre, current));
          done.push(`restored ${refLabel(ref)}`);
        }
      } catch (error) {
        if (httpCode(error) === 409)
          throw new RollbackConflict(
            `${refLabel(ref)} changed while rolling back; not rolling back: ${apiMessage(error)}`,
          );
        throw error;
      }
    }
    return done.join('; ') || 'nothing to restore';
  }

  private async containerNames(ref: ObjectRef): Promise<string[]> {
    const current = (await this.objects.read(ref)) as (KubernetesObject & TemplateSpec) | null;
    if (!current) throw new ExecutionError(`${refLabel(ref)} does not exist`);
    return (current.spec?.template?.spec?.containers ?? []).map((c) => c.name);
  }

  private async unpaused(target: ResourceRef, verb: string): Promise<ObjectRef> {
    const ref = must(target);
    const current = (await this.objects.read(ref)) as (KubernetesObject & TemplateSpec) | null;
    if (!current) throw new ExecutionError(`${refLabel(ref)} does not exist`);
    if (current.spec?.paused)
      throw new ExecutionError(`${refLabel(ref)} is paused; resume it before a ${verb}`);
    return ref;
  }

  /** kubectl's rollout undo: the chosen revision's ReplicaSet template back into the Deployment. */
  private async undo(
    target: ResourceRef,
    toRevision: number | undefined,
    dryRun: boolean,
  ): Promise<KubernetesObject> {
    const ref = await this.unpaused(target, 'rollout undo');
    const deployment = (await this.objects.read(ref)) as V1Deployment;
    const sets = (
      await this.objects.apps.listNamespacedReplicaSet({ namespace: ref.namespace ?? 'default' })
    ).items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === deployment.metadata?.uid));
    const revision = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
    const sorted = sets.sort((a, b) => revision(b) - revision(a));
    const chosen = toRevision === undefined ? sorted[1] : sorted.find((rs) => revision(rs) === toRevision);
    if (!chosen)
      throw new ExecutionError(
        toRevision === undefined
          ? `${refLabel(ref)} has no previous revision`
          : `${refLabel(ref)} has no revision ${toRevision}`,
      );
    const template = clone(chosen.spec!.template!);
    delete template.metadata?.labels?.['pod-template-hash'];
    return this.objects.patch(
      ref,
      [{ op: 'replace', path: '/spec/template', value: template }],
      'json',
      dryRun,
    );
  }

  /** kubectl's refusal when --overwrite was not given and a key already has another value. */
  private async refuseOverwrite(
    ref: ObjectRef,
    field: 'labels' | 'annotations',
    changes: Record<string, string | null>,
  ): Promise<void> {
    const current = (await this.objects.read(ref))?.metadata?.[field] ?? {};
    for (const [key, value] of Object.entries(changes)) {
      if (value !== null && key in current && current[key] !== value)
        throw new ExecutionError(`'${key}' already has a value (${current[key]}), and --overwrite is false`);
    }
  }

  private async drain(
    op: Extract<Operation, { kind: 'drain' }>,
    dryRun: boolean,
  ): Promise<KubernetesObject[]> {
    const node = op.target.name;
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Node', name: node };
    const pods = (await this.objects.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }))
      .items;
    const refused = drainRefusal(pods, op);
    if (refused) throw new ExecutionError(`cannot drain node ${node}: ${refused}`);
    const cordoned = await this.objects.patch(ref, { spec: { unschedulable: true } }, 'merge', dryRun);
    for (const pod of pods.filter(evictable)) {
      const { name, namespace } = pod.metadata as { name: string; namespace: string };
      await this.objects.core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
        ...(dryRun ? { dryRun: 'All' } : {}),
      });
    }
    return [cordoned];
  }

  private async spawn(child: Child) {
    const { execa } = await import('execa');
    // extendEnv: false — the child sees only the environment child() built, nothing of ours.
    return execa(child.program, child.args, {
      env: child.env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
  }

  private async run(child: Child): Promise<{ stdout: string }> {
    const result = await this.spawn(child);
    if (result.exitCode !== 0 || result.failed) {
      const why = (result.stderr || result.stdout || result.shortMessage || '').trim().split('\n')[0];
      throw new ExecutionError(`${child.program.split('/').pop()} ${child.args[0]} failed: ${why}`);
    }
    return { stdout: result.stdout };
  }
}

/** The kubectl command that does what an API-driven operation does (its `kubectl` field). */
function kubectlEquivalent(op: Operation): string[] {
  const split = splitWords(op.kubectl);
  return 'error' in split ? [op.kubectl] : split.words;
}

/**
 * Why kubectl would refuse to drain these pods without the operation's flags, or undefined.
 * Finished pods are always deletable; mirror pods are skipped, as kubectl skips them.
 */
export function drainRefusal(
  pods: readonly V1Pod[],
  flags: { ignoreDaemonSets: boolean; deleteEmptyDirData: boolean; force: boolean },
): string | undefined {
  const name = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;
  const live = pods.filter(
    (p) =>
      !p.metadata?.annotations?.['kubernetes.io/config.mirror'] &&
      !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
  );
  const rules: [boolean, (p: V1Pod) => boolean, string][] = [
    [
      flags.ignoreDaemonSets,
      (p) => Boolean(p.metadata?.ownerReferences?.some((r) => r.kind === 'DaemonSet')),
      'DaemonSet-managed pods (use --ignore-daemonsets)',
    ],
    [
      flags.deleteEmptyDirData,
      (p) => Boolean(p.spec?.volumes?.some((v) => v.emptyDir)),
      'pods with local storage (use --delete-emptydir-data)',
    ],
    [flags.force, (p) => !ownedByController(p), 'pods that declare no controller (use --force)'],
  ];
  for (const [allowed, matches, what] of rules) {
    const found = allowed ? [] : live.filter(matches);
    if (found.length) return `cannot delete ${what}: ${found.map(name).join(', ')}`;
  }
  return undefined;
}

const ownedByController = (o: KubernetesObject): boolean =>
  Boolean(o.metadata?.ownerReferences?.some((r) => r.controller));

/** Pods a drain evicts: not DaemonSet-managed, not mirror pods. */
function evictable(pod: V1Pod): boolean {
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror']) return false;
  return !pod.metadata?.ownerReferences?.some((r) => r.kind === 'DaemonSet');
}

type Versioned = KubernetesObject | null;
const versionOf = (o: Versioned): string =>
  o
    ? `generation ${o.metadata?.generation ?? '-'}, resourceVersion ${o.metadata?.resourceVersion}`
    : 'absent';

/** Status writes (a controller's) move the resourceVersion but not the generation. */
function changedSince(post: Versioned, current: Versioned): boolean {
  if (!post || !current) return post !== current;
  if (post.metadata?.generation !== undefined)
    return current.metadata?.generation !== post.metadata.generation;
  return current.metadata?.resourceVersion !== post.metadata?.resourceVersion;
}

/** A deleted object as it can be created again: without server-set fields. */
function recreatable(pre: KubernetesObject): KubernetesObject {
  const copy = clone(pre) as KubernetesObject & { status?: unknown };
  const { name, namespace, labels, annotations } = copy.metadata ?? {};
  copy.metadata = { name, namespace, labels, annotations };
  delete copy.status;
  return copy;
}

/** The current object with the captured content: spec (or data), labels and annotations. */
function restored(pre: KubernetesObject, current: KubernetesObject): KubernetesObject {
  const before = clone(pre) as Record<string, unknown> & KubernetesObject;
  const next = clone(current) as Record<string, unknown> & KubernetesObject;
  for (const field of ['spec', 'data', 'binaryData', 'stringData']) {
    if (field in before) next[field] = before[field];
    else delete next[field];
  }
  // The controller owns the revision annotation; everything else goes back as it was.
  const annotations = { ...before.metadata?.annotations };
  const revision = current.metadata?.annotations?.[REVISION];
  if (revision) annotations[REVISION] = revision;
  else delete annotations[REVISION];
  next.metadata = { ...next.metadata, labels: before.metadata?.labels, annotations };
  return next;
}
