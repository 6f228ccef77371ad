// The approval keys of the cockpit, carried out: each action asks the queue and answers with a
// one-line notice in the store. Medium and critical approvals show the server's dry run first.
import { findingQuality } from '../analysis/confidence.js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { Finding } from '../model/analysis.js';
import { privateFile } from '../audit/private-dir.js';
import type { ObjectRef } from '../state/types.js';
import type { CockpitStore } from '../state/store.js';
import type { UiActions } from '../ui/input.js';
import type { Queue } from '../workflow/queue.js';
import type { RejectionReason } from '../model/rejection.js';
import {
  apiRef,
  deleteOperation,
  killOperation,
  notFound,
  restartOperation,
  scaleOperation,
  targetOf,
} from '../workflow/cockpit-operations.js';
import {
  editableYaml,
  editDiff,
  editOperation,
  editorCommand,
  readEdit,
  storeEdit,
} from '../workflow/edit.js';
import { apiMessage } from '../workflow/objects.js';
import type { Operation } from '../model/operation.js';

type WorkflowActions = Pick<
  UiActions,
  'approve' | 'confirm' | 'reject' | 'rollback' | 'open' | 'proposeFinding' | 'setRolloutPaused'
>;

const iso = (ms: number): string => new Date(ms).toISOString();

export const READ_ONLY_NOTICE = 'read-only cockpit: recommendations are shown, nothing is executed';

/**
 * An action that may lead to a change: refused in a read-only cockpit, else run, its answer (or
 * its error's first line) the notice.
 */
function guarded(store: CockpitStore, readOnly: boolean) {
  const notice = (text: string) => store.getState().setUi({ notice: text });
  return <A extends unknown[]>(work: (...args: A) => Promise<string | void>) =>
    (...args: A): void => {
      if (readOnly) return notice(READ_ONLY_NOTICE);
      work(...args).then(
        (text) => text && notice(text),
        (error: unknown) => notice(apiMessage(error)),
      );
    };
}

export function workflowActions(store: CockpitStore, queue: Queue, readOnly = false): WorkflowActions {
  const notice = (text: string) => store.getState().setUi({ notice: text });
  const guard = guarded(store, readOnly);
  const byId = (id: string) => store.getState().recommendations.find((r) => r.id === id);
  return {
    approve: guard(async (id: string) => {
      const rec = byId(id);
      if (!rec) return 'the recommendation is gone';
      if (rec.status !== 'awaiting-approval') return `cannot approve: it is ${rec.status}`;
      if (rec.tier === 'medium' || rec.tier === 'critical') {
        const lines = await queue.preview(id);
        store.getState().setUi({ confirm: { id, title: rec.title, lines }, overlay: 'confirm' });
        return;
      }
      return (await queue.approve(id)).message;
    }),
    confirm: guard(async (id: string) => (await queue.approve(id)).message),
    reject: guard(
      async (id: string, reason: RejectionReason, text: string) =>
        (await queue.reject(id, reason, text)).message,
    ),
    rollback: guard(async (id: string) => (await queue.rollback(id)).message),
    setRolloutPaused: guard(async (id: string, paused: boolean) => {
      const rec = byId(id);
      if (!rec || rec.operation.target.kind !== 'Deployment')
        return 'only a deployment rollout can be halted';
      return (await queue.setRolloutPaused(id, paused)).message;
    }),
    open(id) {
      try {
        const body = queue.body(id);
        store
          .getState()
          .setUi({ selectedRecommendationId: id, recommendationBody: body, overlay: 'recommendation' });
      } catch (error) {
        notice((error as Error).message);
      }
    },
    proposeFinding: guard(async (findingId: string) => {
      const finding: Finding | undefined = store.getState().findings.find((f) => f.id === findingId);
      if (!finding?.recommendation) return 'this finding proposes no change';
      const meta = await queue.propose({
        operation: finding.recommendation,
        source: finding.source,
        title: `${finding.title}: ${finding.recommendation.summary}`,
        evidence: finding.detail,
        ...(finding.runbook ? { runbook: finding.runbook } : {}),
        // The policy's emergency rules and the critical-finding escalation read it.
        severity: finding.severity,
        quality: findingQuality(finding),
        finding: finding.id,
        failureStarted: iso(finding.firstSeen),
        detected: iso(finding.detectedAt ?? finding.firstSeen),
      });
      store.getState().setUi({ focus: 'approvals', selectedRecommendationId: meta.id });
      return `${meta.duplicate ? 'already waiting' : 'queued'} ${meta.id} (${meta.tier}): ${finding.recommendation.summary}`;
    }),
  };
}

type ObjectActions = Pick<
  UiActions,
  'proposeDelete' | 'proposeKill' | 'proposeScale' | 'proposeRestart' | 'edit'
>;

export interface ObjectActionOptions {
  readOnly?: boolean;
  /** Hands the terminal to `run` (the editor) and takes it back: launch.tsx's suspendScreen. */
  suspend?: <T>(run: () => Promise<T>) => Promise<T>;
  /** Where $VISUAL / $EDITOR are read (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
}

const refLine = (ref: ObjectRef) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/**
 * The mutating keys on a row of a view. Each reads the object fresh (a row may be gone), builds
 * the operation and proposes it: the queue tiers it by the policy and its floors, and nothing
 * runs but what the queue runs. A key press is the person's proposal (trust.md, Proposers): they
 * sign it as its proposer and cannot approve it themselves.
 */
export function objectActions(
  store: CockpitStore,
  queue: Queue,
  options: ObjectActionOptions = {},
): ObjectActions {
  const guard = guarded(store, options.readOnly ?? false);
  const objects = queue.objects;
  const propose = async (
    operation: Operation | { error: string },
    key: string,
    ref: ObjectRef,
    evidence: string[] = [],
  ): Promise<string> => {
    if ('error' in operation) return operation.error;
    const { context } = store.getState().connection;
    const meta = await queue.propose({
      operation,
      source: 'cockpit',
      title: operation.summary,
      evidence: [`${key} on ${refLine(ref)} in the cockpit (context ${context})`, ...evidence],
      byPerson: true,
    });
    store.getState().setUi({ focus: 'approvals', selectedRecommendationId: meta.id });
    return `${meta.duplicate ? 'already waiting' : 'queued'} ${meta.id} (${meta.tier}): ${operation.summary}`;
  };
  /** The object as the server has it now, or kubectl's not-found line. */
  const fresh = async (ref: ObjectRef): Promise<KubernetesObject | string> =>
    (await objects.read(apiRef(ref))) ?? notFound(ref);
  const existing =
    (
      key: string,
      build: (ref: ObjectRef, current: KubernetesObject | null) => Operation | { error: string },
    ) =>
    async (ref: ObjectRef): Promise<string> => {
      // What the key cannot do to this kind is said before the cluster is asked.
      const refused = build(ref, null);
      if ('error' in refused) return refused.error;
      const current = await fresh(ref);
      if (typeof current === 'string') return current;
      return propose(build(ref, current), key, ref);
    };
  return {
    proposeDelete: guard(existing('ctrl-d', deleteOperation)),
    proposeKill: guard(existing('ctrl-k', killOperation)),
    proposeRestart: guard(existing('R', restartOperation)),
    proposeScale: guard(async (ref: ObjectRef, replicas: number) => {
      // Refused before any read: a bad count is the typist's, not the cluster's.
      const checked = scaleOperation(ref, replicas);
      if ('error' in checked) return checked.error;
      return existing('s', () => checked)(ref);
    }),
    edit: guard(async (ref: ObjectRef) => {
      if (ref.kind === 'secrets')
        return `secrets are not edited in the cockpit: the edited file, values and all, would be kept in the history directory`;
      const editor = editorCommand(options.env ?? process.env);
      if ('error' in editor) return editor.error;
      const current = await fresh(ref);
      if (typeof current === 'string') return current;
      const file = privateFile(`${ref.kind}-${ref.name}.yaml`, editableYaml(current));
      const [program, ...args] = editor.argv as [string, ...string[]];
      const run = () => execa(program, [...args, file], { stdio: 'inherit', reject: false });
      const ran = await (options.suspend ? options.suspend(run) : run());
      if (ran.code === 'ENOENT') return `edit cancelled: the editor "${program}" was not found`;
      if (ran.failed)
        return `error: there was a problem with the editor "${program}" (${(ran.shortMessage ?? `exit code ${ran.exitCode}`).split('\n')[0]}); edit cancelled`;
      const outcome = readEdit(current, readFileSync(file, 'utf8'));
      if (outcome.kind === 'invalid')
        return `edit not proposed: invalid YAML at line ${outcome.line}: ${outcome.message} (your edit is kept in ${file})`;
      rmSync(file, { force: true });
      if (outcome.kind === 'cancelled') return 'edit cancelled, no changes';
      if (outcome.kind === 'refused') return `edit refused: ${outcome.why}`;
      const diff = editDiff(current, outcome.object, refLine(ref));
      const changed = diff.filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      const stored = storeEdit(join(queue.history.dir, '..', 'edits'), outcome.json);
      return propose(editOperation(targetOf(ref), stored.path, stored.sha256, changed), 'e', ref, diff);
    }),
  };
}
