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
import { apiMessage, httpCode, ObjectClient, objectRef, refLabel, type ObjectRef } from './objects.js';
import type { Operation } from './operations.js';

export interface ExternalTools {
  kubectl: string;
  helm: string;
  /** A kubeconfig file for the external tools: the cockpit's cluster and credentials. */
  kubeconfigPath: string;
  context?: string;
}

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
  constructor(
    kubeConfig: KubeConfig,
    private readonly tools: ExternalTools,
  ) {
    this.objects = new ObjectClient(kubeConfig);
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
      const { stdout } = await this.run(this.tools.helm, [
        'status',
        op.release,
        '-n',
        namespace,
        '-o',
        'json',
        ...this.helmFlags(),
      ]);
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
        return [await o.patch(must(op.target), { metadata: { [field]: op.changes } }, 'merge', dryRun)];
      }
      case 'cordon':
      case 'uncordon':
        return [
          await o.patch(must(op.target), { spec: { unschedulable: op.kind === 'cordon' } }, 'merge', dryRun),
        ];
      case 'drain':
        return this.drain(op.target.name, dryRun);
      case 'apply':
        await this.run(this.tools.kubectl, [
          'apply',
          ...op.files.flatMap((f) => ['-f', f]),
          ...this.kubectlFlags(),
          ...(dryRun ? ['--dry-run=server'] : []),
        ]);
        return [];
      case 'helm-rollback':
      case 'helm-upgrade': {
        const namespace = op.target.namespace ?? 'default';
        const args =
          op.kind === 'helm-rollback'
            ? ['rollback', op.release, ...(op.revision ? [String(op.revision)] : [])]
            : ['upgrade', op.release, op.chart];
        await this.run(this.tools.helm, [
          ...args,
          '-n',
          namespace,
          ...this.helmFlags(),
          ...(dryRun ? ['--dry-run'] : []),
        ]);
        return [];
      }
      case 'generic': {
        const [program, ...rest] = op.argv;
        const helm = program?.endsWith('helm');
        if (dryRun) return [];
        await this.run(helm ? this.tools.helm : this.tools.kubectl, [
          ...rest,
          ...(helm ? this.helmFlags() : this.kubectlFlags()),
        ]);
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
      await this.run(this.tools.helm, [
        'rollback',
        release,
        String(revision),
        '-n',
        namespace,
        ...this.helmFlags(),
      ]);
      done.push(`helm release ${namespace}/${release} rolled back to revision ${revision}`);
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

  private async drain(node: string, dryRun: boolean): Promise<KubernetesObject[]> {
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Node', name: node };
    const cordoned = await this.objects.patch(ref, { spec: { unschedulable: true } }, 'merge', dryRun);
    const pods = (await this.objects.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }))
      .items;
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

  private kubectlFlags(): string[] {
    return [
      '--kubeconfig',
      this.tools.kubeconfigPath,
      ...(this.tools.context ? ['--context', this.tools.context] : []),
    ];
  }

  private helmFlags(): string[] {
    return [
      '--kubeconfig',
      this.tools.kubeconfigPath,
      ...(this.tools.context ? ['--kube-context', this.tools.context] : []),
    ];
  }

  private async run(program: string, args: string[]): Promise<{ stdout: string }> {
    const { execa } = await import('execa');
    const result = await execa(program, args, { reject: false, stdin: 'ignore', timeout: 120_000 });
    if (result.exitCode !== 0 || result.failed) {
      const why = (result.stderr || result.stdout || result.shortMessage || '').trim().split('\n')[0];
      throw new ExecutionError(`${program.split('/').pop()} ${args[0]} failed: ${why}`);
    }
    return { stdout: result.stdout };
  }
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
