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
import type { ResourceRef } from '../model/analysis.js';
import { splitWords } from './shell-words.js';
import { childKubeconfig, childEnvironment, withFlagsBeforeDashDash } from './child-process.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  apiMessage,
  FIELD_MANAGER,
  httpCode,
  ObjectClient,
  objectRef,
  refLabel,
  type ObjectRef,
} from './objects.js';
import type { Operation } from '../model/operation.js';

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

/** How long an ownership write is retried while others (a rollout's status writes) move the object. */
const CONFLICT_RETRY_MS = 10_000;

/**
 * Runs `write` (which reads what it needs) until it succeeds, again after each 409 Conflict
 * with a short back-off, for up to CONFLICT_RETRY_MS: a rollout writes the object's status
 * several times a second, and a fixed handful of attempts loses that race on a loaded machine.
 * Returns the error that ended it, or undefined.
 */
async function onFreshConflict(write: (attempt: number) => Promise<void>): Promise<unknown> {
  const deadline = Date.now() + CONFLICT_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await write(attempt);
      return undefined;
    } catch (error) {
      if (httpCode(error) !== 409 || Date.now() > deadline) return error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(25 * attempt, 250)));
    }
  }
}
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
      case 'apply': {
        // An edit's file holds its target alone (checkedEdit): that object is what it changes.
        const ref = op.sha256 === undefined ? undefined : objectRef(op.target);
        return ref ? [ref] : [];
      }
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
    if (op.kind === 'apply') checkedEdit(op);
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
    if (op.kind === 'apply' && objects.length === 0)
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
      case 'kill-pod':
        await o.delete(must(op.target), dryRun, 0);
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
      case 'kagent-approval':
        // Approving it answers the agent's paused task (the queue does that); nothing runs here.
        throw new ExecutionError('a kagent approval is answered to the agent; aiops-tui runs nothing for it');
      case 'apply':
      case 'helm-rollback':
      case 'helm-upgrade':
      case 'generic': {
        // The approved argv, verbatim (commandLine); a dry run only adds the tool's own flag.
        if (dryRun && op.kind === 'generic') return [];
        if (op.kind === 'apply') checkedEdit(op);
        if (!dryRun && (op.kind === 'helm-rollback' || op.kind === 'helm-upgrade'))
          await this.releaseFieldsOf(op.release, op.target.namespace ?? 'default');
        const child = this.child(op.argv);
        // An apply's dry run prints what the server would store, for the approval's diff.
        const flags = op.kind === 'apply' ? ['--dry-run=server', '-o', 'json'] : ['--dry-run'];
        const { stdout } = await this.run(
          dryRun ? { ...child, args: withFlagsBeforeDashDash(child.args, flags) } : child,
        );
        return dryRun && op.kind === 'apply' ? printedObjects(stdout) : [];
      }
    }
  }

  /**
   * Restores the captured state. `after` is what our execution left (read right after it): an
   * object of which someone else changed what the change wrote (its spec, labels, annotations;
   * see changedSince) is refused; status writes (a heartbeat, a controller) are not changes.
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
        await this.releaseFieldsOf(release, namespace);
        await this.run(this.child(['helm', 'rollback', release, String(revision), '-n', namespace]));
        done.push(`helm release ${namespace}/${release} rolled back to revision ${revision}`);
      }
    }
    for (const { ref, object: pre } of before.objects) {
      const post = after.objects.find((c) => refLabel(c.ref) === refLabel(ref))?.object ?? null;
      for (let attempt = 1; ; attempt++) {
        const current = await this.objects.read(ref);
        if (
          ref.kind === 'Pod' &&
          pre &&
          ownedByController(pre) &&
          (!current || current.metadata?.deletionTimestamp)
        ) {
          done.push(`${refLabel(ref)} was replaced by its controller; nothing to restore`);
          break;
        }
        const changed = changedSince(post, current);
        if (changed)
          throw new RollbackConflict(
            `${refLabel(ref)} was changed by someone else since the change (${changed}); not rolling back`,
          );
        try {
          if (!pre && current) {
            await this.objects.delete(ref);
            done.push(`deleted ${refLabel(ref)}`);
          } else if (pre && !current) {
            const created = await this.objects.create(recreatable(pre));
            done.push(`recreated ${refLabel(ref)}${await this.handBack(ref, pre, created)}`);
          } else if (pre && current) {
            const stored = await this.objects.replace(restored(pre, current));
            done.push(`restored ${refLabel(ref)}${await this.handBack(ref, pre, stored)}`);
          }
          break;
        } catch (error) {
          // A write between our read and ours (a heartbeat, a controller's status): read again,
          // and judge again whether what we changed was changed.
          if (httpCode(error) === 409 && attempt < 5) continue;
          if (httpCode(error) === 409)
            throw new RollbackConflict(
              `${refLabel(ref)} changed while rolling back; not rolling back: ${apiMessage(error)}`,
            );
          throw error;
        }
      }
    }
    return done.join('; ') || 'nothing to restore';
  }

  /**
   * Server-side apply and the cockpit (issue 12). Helm 4 applies server-side: every field of a
   * release's objects is owned by the field manager `helm`. Our writes (strategic merge, merge
   * and JSON patches, PUTs) are Update operations under the field manager `aiops-tui`; a field we
   * change moves to us, and helm's next apply of a different value for it is refused: `conflict
   * with "aiops-tui" using apps/v1: …`.
   *
   * We chose to give ownership back, not to force it: `--force-conflicts` on an approved helm
   * command would override every manager's conflict (a person's `kubectl edit`, another
   * controller), not just ours, and it would change the approved argv, which runs verbatim. So:
   * - before an approved `helm rollback` or `helm upgrade` (and before our own helm rollback)
   *   the executor drops the `aiops-tui` entries from the managedFields of the release's
   *   objects: what we changed is then owned by nobody, and helm takes it without a conflict,
   *   while a conflict with anyone else still stops helm, as it should;
   * - our own rollback restores the object's content and then its pre-change managedFields (see
   *   handBack), so the chart owns its fields again, exactly as before our change.
   * An out-of-band `helm upgrade` by a person while our change stands is refused by the server,
   * naming `aiops-tui` and the field: the cockpit's change is visible drift. They can roll our
   * change back in the cockpit (which hands the field back) or run helm with --force-conflicts.
   */
  private async releaseFieldsOf(release: string, namespace: string): Promise<void> {
    const manifest = await this.spawn(this.child(['helm', 'get', 'manifest', release, '-n', namespace]));
    // A release that does not exist yet (upgrade --install) has nothing of ours.
    if (manifest.exitCode !== 0) return;
    for (const doc of parseAllDocuments(manifest.stdout)) {
      const o = doc.toJS() as KubernetesObject | null;
      if (!o?.kind || !o.metadata?.name) continue;
      const ref = objectRef({
        kind: o.kind,
        namespace: o.metadata.namespace ?? namespace,
        name: o.metadata.name,
      });
      if (!ref || !this.objects.canPatch(ref)) continue;
      const failed = await onFreshConflict(async () => {
        const current = await this.objects.read(ref);
        const entries = current?.metadata?.managedFields ?? [];
        if (!current || !entries.some((e) => e.manager === FIELD_MANAGER)) return;
        const rest = entries.filter((e) => e.manager !== FIELD_MANAGER);
        await this.objects.setManagedFields(ref, current.metadata!.resourceVersion!, rest);
      });
      if (failed)
        throw new ExecutionError(
          `could not release the cockpit's fields of ${refLabel(ref)} before helm: ${apiMessage(failed)}`,
        );
    }
  }

  /**
   * After a restore, the ownership record as it was before our change: the pre-state's entries
   * of the object itself, the current entries of its subresources (status writers). Our PUT made
   * us the owner of every field it changed back; without this, helm's next apply of one of them
   * would conflict with us although our change is gone. Returns a note for the rollback detail
   * when it could not be done (the content is restored either way).
   */
  private async handBack(ref: ObjectRef, pre: KubernetesObject, stored: KubernetesObject): Promise<string> {
    const before = pre.metadata?.managedFields;
    // The simulator keeps no managedFields: nothing to hand back.
    if (!before?.length) return '';
    let now: KubernetesObject | null = stored;
    let handedBack = false;
    const failed = await onFreshConflict(async (attempt) => {
      if (attempt > 1) now = await this.objects.read(ref);
      if (!now) return;
      // The status writers' entries as they are now: a rollout moves them while we retry.
      const target = [
        ...before.filter((e) => !e.subresource),
        ...(now.metadata?.managedFields ?? []).filter((e) => e.subresource),
      ];
      if (JSON.stringify(now.metadata?.managedFields ?? []) === JSON.stringify(target)) return;
      await this.objects.setManagedFields(ref, now.metadata!.resourceVersion!, target);
      handedBack = true;
    });
    if (failed) return ` (field ownership not handed back: ${apiMessage(failed)})`;
    return handedBack ? ' (field ownership as before the change)' : '';
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
    const evicted: KubernetesObject[] = [];
    for (const pod of pods.filter(evictable)) {
      const { name, namespace } = pod.metadata as { name: string; namespace: string };
      await this.objects.core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
        ...(dryRun ? { dryRun: 'All' } : {}),
      });
      evicted.push({ ...pod, apiVersion: 'v1', kind: 'Pod' } as KubernetesObject);
    }
    // The node first (what touches() names), then the pods evicted: validation waits for them.
    return [cordoned, ...evicted];
  }

  private async spawn(child: Child) {
    const { execa } = await import('execa');
    // extendEnv: false — the child sees only the environment child() built, nothing of ours.
    const result = await execa(child.program, child.args, {
      env: child.env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
    if (result.code === 'ENOENT') throw new ExecutionError(missingTool(child.program));
    return result;
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

/**
 * An edit's apply runs only as approved: the file still has the digest the approvals signed, and
 * holds one object, the target. Anything else is refused before kubectl sees the file.
 */
function checkedEdit(op: Extract<Operation, { kind: 'apply' }>): void {
  if (op.sha256 === undefined) return;
  const file = op.files[0];
  let text: string;
  try {
    if (op.files.length !== 1 || !file) throw new Error('an edit applies exactly one file');
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExecutionError(`the edited file cannot be read: ${(error as Error).message}`);
  }
  if (createHash('sha256').update(text).digest('hex') !== op.sha256)
    throw new ExecutionError(`${file} changed since it was proposed (its sha256 differs); not applying it`);
  const docs = parseAllDocuments(text);
  const object = docs.length === 1 ? (docs[0]!.toJS() as KubernetesObject | null) : null;
  const { kind, namespace, name } = op.target;
  if (
    object?.kind !== kind ||
    object.metadata?.name !== name ||
    (object.metadata?.namespace ?? undefined) !== (namespace ?? undefined)
  )
    throw new ExecutionError(
      `${file} does not hold ${kind} ${namespace ? `${namespace}/` : ''}${name} alone`,
    );
}

/** What `kubectl … -o json` printed: one object, or a List's items. */
function printedObjects(stdout: string): KubernetesObject[] {
  try {
    const printed = JSON.parse(stdout) as KubernetesObject & { items?: KubernetesObject[] };
    return printed.kind === 'List' ? (printed.items ?? []) : [printed];
  } catch {
    return [];
  }
}

/** Neither the package's copy of the tool nor one on PATH: what to do about it, in one line. */
export function missingTool(program: string): string {
  const name = program.split('/').pop() ?? program;
  return `${name} not found: this aiops-tui has no bundled ${name} and there is none on PATH (install ${name}, or put it on PATH)`;
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

/**
 * The taints the node controller derives from a node's spec and status (cordon's
 * `node.kubernetes.io/unschedulable`, and not-ready, unreachable, pressure …): nobody's decision,
 * so not a change by someone else.
 */
const DERIVED_TAINT = /^node\.kubernetes\.io\//;

/**
 * What an operation writes of an object, and so what "changed by someone else" compares: the
 * spec (data, for ConfigMaps and Secrets), labels and annotations. Not the status, not the
 * resourceVersion: a Node has no metadata.generation and every heartbeat (a status write) moves
 * its resourceVersion. Fields the control plane derives are left out: the Deployment controller's
 * revision annotation and the node controller's taints.
 */
export function touchedContent(o: KubernetesObject): Record<string, unknown> {
  const copy = clone(o) as KubernetesObject & Record<string, unknown>;
  const annotations = { ...copy.metadata?.annotations };
  delete annotations[REVISION];
  const content: Record<string, unknown> = {
    labels: copy.metadata?.labels ?? {},
    annotations,
  };
  for (const field of ['spec', 'data', 'binaryData', 'stringData']) {
    if (field in copy) content[field] = copy[field];
  }
  const spec = content.spec as { taints?: { key: string }[] } | undefined;
  if (o.kind === 'Node' && spec?.taints) {
    spec.taints = spec.taints.filter((t) => !DERIVED_TAINT.test(t.key));
    if (spec.taints.length === 0) delete spec.taints;
  }
  return content;
}

/** The first path where two JSON values differ (`spec.unschedulable`, `annotations["a/b"]`), or undefined. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b) return undefined;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) return path || '(the object)';
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return `${path} (length)`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const step = Array.isArray(a)
      ? `${path}[${key}]`
      : /^[A-Za-z_][\w-]*$/.test(key)
        ? `${path ? `${path}.` : ''}${key}`
        : `${path}[${JSON.stringify(key)}]`;
    const found = firstDifference(a[key], b[key], step);
    if (found) return found;
  }
  return undefined;
}

/**
 * What someone else changed of what our change wrote, between what it left (`post`) and the
 * object now: a path (`spec.replicas`), `created` or `deleted`, or undefined when nothing did.
 */
export function changedSince(post: Versioned, current: Versioned): string | undefined {
  if (!post || !current) return post === current ? undefined : post ? 'deleted' : 'created';
  return firstDifference(touchedContent(post), touchedContent(current));
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
