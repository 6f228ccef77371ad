// The recommendation lifecycle. The PHR trail is the queue: a recommendation is a record, an
// approval is an event appended under the history lock with its rules checked against the record
// as stored, so two cockpits on one history directory agree on who approved, who executes, and
// when a window has closed. The cockpit's pane is a view of the records.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeDurably } from '../audit/durable.js';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { failureTimestamps, type ClusterClock } from '../audit/clock.js';
import type { History } from '../audit/history.js';
import { principalKey } from '../audit/names.js';
import type { RecordMeta, RecordType, Tier, ValidationStart } from '../audit/types.js';
import type { Recommendation } from '../state/types.js';
import type { Executor } from './executor.js';
import { type Snapshot } from './executor.js';
import { whoAmI } from '../cluster/whoami.js';
import { apiMessage, objectRef, type ObjectClient, type ObjectRef } from './objects.js';
import { sameOperation } from './operations.js';
import type { KagentToolCall, Operation } from '../model/operation.js';
import { isWaiting } from './waiting.js';
import type { Quality } from '../model/quality.js';
import { REJECTION_REASON_LABEL, type RejectionReason } from '../model/rejection.js';
import { templateRequests } from './requests.js';
import { floorOf, TIER_RANK, toolsOf } from './floors.js';
import { approvalRule, effectiveTier, validationWindow, type Policy } from './policy.js';
import { approvalWindowMs, emergencyOf } from './emergency.js';
import { dueEscalations } from './escalation.js';
import type { Notifier } from './notify.js';
import type { WorkloadProbe } from './validate.js';
import {
  validateDrain,
  validateWorkload,
  type EvictedPod,
  type WorkloadMetrics,
  type WorkloadRef,
} from './validate.js';

/** What kagent did with an answer: its task state, and the reply in one line for the record. */
export interface KagentAnswer {
  state: string | undefined;
  line: string;
}

/**
 * Answers the paused kagent task `taskId` when it waits on exactly `tools` (what the record holds);
 * throws, sending nothing, otherwise.
 */
export type AnswerKagent = (
  taskId: string,
  tools: readonly KagentToolCall[],
  decision: 'approve' | 'reject',
  reason?: string,
) => Promise<KagentAnswer>;

export interface Proposal {
  operation: Operation;
  /** kubectl-ai, offline assistant, built-in, kagent. */
  source: string;
  evidence: string[];
  title?: string;
  runbook?: string;
  /**
   * Wait for a decision even when the tier needs none: what an assistant proposes in answer to a
   * question is never run just because it was asked.
   */
  hold?: boolean;
  /** A person proposed it (the CLI, a key): they sign it as its proposer and cannot approve it. */
  byPerson?: boolean;
  /** ISO times of the failure this addresses, on the cluster's clock (the finding's), for MTTD and MTTR. */
  failureStarted?: string;
  detected?: string;
  /** The proposer's reason for an emergency (its window is the policy's emergency window). */
  emergency?: string;
  /** The severity of the finding it fixes: the policy's emergency rules and escalation read it. */
  severity?: string;
  /** Its confidence and rationale (src/analysis/confidence.ts), and the finding it addresses. */
  quality?: Quality;
  finding?: string;
}

export interface QueueOptions {
  history: History;
  policy: Policy;
  /** The principal whose key signs this process's events (the History's signer). */
  approver: string;
  executor: Executor;
  probe: WorkloadProbe;
  /** Called with the recommendations whenever the trail changes (the store's setter). */
  publish?(recommendations: Recommendation[]): void;
  /** Progress lines of this process's executions (validation countdown, rollback). */
  onProgress?(id: string, text: string | undefined): void;
  /** The wall clock: record times and approval windows. */
  now?: () => number;
  /** The cluster's clock, which a proposal's failure times are read on (default: the wall clock). */
  cluster?: ClusterClock;
  /** Real ms between looks during validation. */
  validationPollMs?: number;
  /** The cluster checkpoint: written after appends, awaited by idle(). */
  anchor?: { settled(): Promise<void> };
  /** Answers a kagent task this cockpit holds paused (a `kagent-approval` runs nothing else). */
  answerKagent?: AnswerKagent;
  /** Where escalations go (terminal, webhooks); without one, this process escalates nothing. */
  notifier?: Notifier;
  /** Which process this is, as records name their owner (default: this host and pid). */
  process?: { host: string; pid: number };
}

export type Outcome = { ok: boolean; message: string };

/** What propose() returns: the new record, or (`duplicate`) the open one that already carries the change. */
export type Proposed = RecordMeta & { duplicate: boolean };

const RECORD_TYPE: Partial<Record<Operation['kind'], RecordType>> = {
  scale: 'scaling',
  'create-hpa': 'scaling',
  'set-resources': 'optimization',
};

/** Statuses from which the executed change exists and can be rolled back. */
const ROLLBACKABLE = new Set(['executed', 'validated', 'failed', 'interrupted', 'rollback-failed']);
/** How many finished recommendations the pane keeps under the open ones. */
const RECENT = 30;

const strip = (o: KubernetesObject | null): unknown => {
  if (!o) return null;
  const copy = JSON.parse(JSON.stringify(o)) as KubernetesObject;
  delete copy.metadata?.managedFields;
  return copy;
};

export class Queue {
  readonly history: History;
  private readonly snapshots: string;
  private readonly validations = new Map<string, AbortController>();
  /** Validations and rollback records still running in this process. */
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private published = '';
  private shown: Recommendation[] = [];
  private seenMtime = -1;
  /** The records as last read: whether a threshold has passed is asked of them every refresh. */
  private seen: RecordMeta[] = [];
  private readonly self: { host: string; pid: number };

  constructor(private readonly options: QueueOptions) {
    this.history = options.history;
    this.self = options.process ?? { host: hostname(), pid: process.pid };
    this.snapshots = join(this.history.dir, '..', 'snapshots');
    this.now = options.now ?? Date.now;
  }

  /** The cluster this queue's changes go to: where a proposal's object is read fresh. */
  get objects(): ObjectClient {
    return this.options.executor.objects;
  }

  /** Reads the trail: expires what has timed out, publishes the rest. */
  async refresh(): Promise<Recommendation[]> {
    // Every write renames a file into the directory: an unchanged mtime means nothing was
    // written, and only a closing window could change what is shown.
    const mtime = statSync(this.history.dir).mtimeMs;
    const due = this.shown.some(
      (r) => r.status === 'awaiting-approval' && r.expires !== undefined && r.expires <= this.now(),
    );
    const escalating = this.options.notifier !== undefined && this.seen.some((m) => this.dueOf(m).length);
    if (mtime === this.seenMtime && !due && !escalating) return this.shown;
    this.seenMtime = mtime;
    const all = this.history.list().filter((m) => m.operation);
    this.seen = all;
    for (const meta of all) {
      if (meta.status === 'awaiting-approval' && meta.expires && Date.parse(meta.expires) <= this.now()) {
        await this.history
          .append(meta.id, { kind: 'expired' }, (m) =>
            m.status === 'awaiting-approval' ? undefined : 'settled',
          )
          .then((m) => Object.assign(meta, m))
          .catch(() => {});
      }
    }
    if (this.options.notifier) for (const meta of all) await this.escalate(meta);
    const open = all.filter((m) => !FINISHED.has(m.status));
    const recent = all.filter((m) => FINISHED.has(m.status)).slice(-RECENT);
    const recs = [...open, ...recent].map(toRecommendation).sort((a, b) => b.id.localeCompare(a.id));
    // Re-read every second: publish (and so re-render) only what changed.
    const signature = JSON.stringify(recs);
    if (signature !== this.published) {
      this.published = signature;
      this.shown = recs;
      this.options.publish?.(recs);
    }
    return this.shown;
  }

  private dueOf(meta: RecordMeta) {
    return dueEscalations(meta, this.options.policy, this.now());
  }

  /**
   * Each threshold passed is claimed by an `escalated` event, under the history lock and only
   * if the record has not escalated it yet: one process sends it, whichever gets there first.
   * Delivery runs after the claim (tracked, so `idle()` waits for it); a failed one is an event.
   */
  private async escalate(meta: RecordMeta): Promise<void> {
    const notifier = this.options.notifier!;
    for (const due of this.dueOf(meta)) {
      let claimed: RecordMeta;
      try {
        claimed = await this.history.append(
          meta.id,
          {
            kind: 'escalated',
            threshold: due.threshold,
            detail: due.detail,
            channels: [...notifier.channels],
          },
          (m) => (this.dueOf(m).some((d) => d.threshold === due.threshold) ? undefined : 'already escalated'),
        );
      } catch {
        continue; // another process escalated it, or the record moved on
      }
      Object.assign(meta, claimed);
      const notification = {
        record: meta.id,
        title: meta.title,
        tier: meta.tier ?? 'critical',
        status: meta.status,
        target: meta.target ?? '',
        threshold: due.threshold,
        detail: due.detail,
        severity: due.severity,
        emergency: meta.emergency?.reason,
        at: new Date(this.now()).toISOString(),
      };
      this.track(
        notifier.deliver(notification).then(async (failures) => {
          for (const f of failures)
            await this.history
              .append(meta.id, {
                kind: 'notification-failed',
                threshold: due.threshold,
                channel: f.channel,
                attempts: f.attempts,
                error: f.error,
              })
              .catch(() => {});
        }),
      );
    }
  }

  async propose(proposal: Proposal): Promise<Proposed> {
    const { operation: op, policy } = { operation: proposal.operation, policy: this.options.policy };
    const waiting = this.history
      .list()
      .find((m) => m.operation && isWaiting(m, this.now()) && sameOperation(m.operation as Operation, op));
    if (waiting) return { ...waiting, duplicate: true };
    const tier = effectiveTier(op, policy, await this.currentReplicas(op));
    const tierRule = approvalRule(tier, policy);
    const held =
      proposal.hold && tierRule.approvers === 0 ? { ...approvalRule('low', policy), approvers: 1 } : tierRule;
    // An emergency changes the window only: the approvers stay the tier's.
    const emergency = emergencyOf(
      { operation: op, reason: proposal.emergency, severity: proposal.severity },
      policy,
    );
    const rule = { ...held, windowMs: approvalWindowMs(held.windowMs, emergency, policy) };
    const summary = `${op.summary} (tier ${tier}: ${rule.approvers === 0 ? 'no approval needed' : `${rule.approvers} approver${rule.approvers > 1 ? 's' : ''} within ${rule.windowMs / 60_000} min`}${held === tierRule ? '' : ', held for a decision: an assistant proposed it'}${emergency ? ', an emergency' : ''})`;
    const recommended = await this.history.create({
      title: proposal.title ?? op.summary,
      type: RECORD_TYPE[op.kind] ?? 'diagnosis',
      tier,
      source: proposal.source,
      target: `${op.target.kind.toLowerCase()}/${op.target.namespace ? `${op.target.namespace}/` : ''}${op.target.name}`,
      operation: op,
      ...(proposal.byPerson ? { proposer: this.options.approver } : {}),
      approval: { required: rule.approvers, expires: new Date(this.now() + rule.windowMs).toISOString() },
      policyHash: policy.provenance?.hash ?? 'built-in',
      ...(TIER_RANK[tier] < TIER_RANK[floorOf(op)]
        ? { floorWaivedBy: policy.provenance?.cosignedBy ?? [] }
        : {}),
      recommendation: { summary, evidence: proposal.evidence, kubectl: op.kubectl },
      ...(emergency ? { emergency } : {}),
      ...(proposal.severity ? { severity: proposal.severity } : {}),
      ...(proposal.runbook ? { runbook: proposal.runbook } : {}),
      ...(proposal.quality ? { quality: proposal.quality } : {}),
      ...(proposal.finding ? { finding: proposal.finding } : {}),
      timestamps: failureTimestamps(proposal, this.options.cluster ?? { now: this.now, rate: 1 }, this.now()),
    });
    // Trivial changes need no approval: they run at once, on the record.
    if (recommended.status === 'auto') this.track(this.execute(recommended.id).then(() => {}));
    await this.refresh();
    return { ...recommended, duplicate: false };
  }

  /**
   * What a dead process left open. A validation window it opened is resumed here, from the start
   * the trail recorded (one process claims it under the history lock: the `validation-resumed`
   * event makes this process the owner, so a second queue sees a live owner and leaves it). An
   * execution or rollback it left half done is recorded as `interrupted`: the live state compared
   * with the snapshot, after which a rollback is possible.
   */
  async reconcile(): Promise<string[]> {
    const found: string[] = [];
    for (const meta of this.history.list()) {
      if (!['executing', 'executed', 'rolling-back'].includes(meta.status)) continue;
      if (this.validations.has(meta.id) || !ownerGone(meta.owner, this.self.host)) continue;
      const opened = meta.status === 'executed' && meta.operation ? this.openedWindow(meta.id) : undefined;
      if (opened) {
        if (await this.resume(meta, opened)) found.push(meta.id);
        continue;
      }
      const detail = await this.compareWithSnapshot(meta).catch(
        (error: unknown) => `the live state could not be read: ${apiMessage(error)}`,
      );
      try {
        await this.history.append(
          meta.id,
          {
            kind: 'interrupted',
            detail: `${meta.status === 'rolling-back' ? 'the rollback' : meta.status === 'executing' ? 'the execution' : 'the validation'} by ${meta.owner ? `${meta.owner.host} pid ${meta.owner.pid}` : 'a process'} stopped; ${detail}`,
          },
          (m) => (m.status === meta.status ? undefined : 'settled'),
        );
        found.push(meta.id);
      } catch {
        // another process reconciled it first
      }
    }
    if (found.length) await this.refresh();
    return found;
  }

  /** Ids whose validation this process is running (its own, or resumed). */
  validating(): string[] {
    return [...this.validations.keys()];
  }

  /** The window the record's executed event opened, unless it ran before windows were recorded. */
  private openedWindow(id: string): ValidationStart | undefined {
    const executed = this.history.events(id).findLast((e) => e.kind === 'executed');
    const v = executed?.data.validation as ValidationStart | undefined;
    return v && typeof v.started === 'string' && typeof v.window_seconds === 'number' ? v : undefined;
  }

  /** Claims a dead process's open window and watches it to its recorded end. */
  private async resume(meta: RecordMeta, opened: ValidationStart): Promise<boolean> {
    try {
      await this.history.append(
        meta.id,
        {
          kind: 'validation-resumed',
          by: this.options.approver,
          ...this.self,
          started: opened.started,
          window_seconds: opened.window_seconds,
        },
        (m) =>
          m.status === 'executed' && ownerGone(m.owner, this.self.host)
            ? undefined
            : 'another process validates it',
      );
    } catch {
      return false; // another queue claimed it first, or it moved on
    }
    this.track(this.validate(meta.id, meta.operation as Operation, opened));
    return true;
  }

  private async compareWithSnapshot(meta: RecordMeta): Promise<string> {
    if ((meta.operation as Operation).kind === 'kagent-approval')
      return 'the answer to kagent may or may not have reached the agent: look at the task in kagent';
    const saved = this.loadSnapshot(meta.id);
    if (!saved) return 'no snapshot was written, so the change was never sent';
    const op = meta.operation as Operation;
    const live = await this.options.executor.capture(op);
    const same = (a: Snapshot, b: Snapshot) =>
      JSON.stringify(a.objects.map((o) => specOf(o.object))) ===
      JSON.stringify(b.objects.map((o) => specOf(o.object)));
    if (same(live, saved.pre))
      return 'the live state equals the snapshot taken before the change: it was not applied (or was undone)';
    if (saved.post && same(live, saved.post))
      return 'the live state is what the change left: it was applied; roll back to restore the snapshot';
    return 'the live state differs from the snapshot: the change (or part of it) was applied; roll back to restore the snapshot';
  }

  /** The record's Markdown body: its timeline. */
  body(id: string): string {
    return this.history.get(id).body;
  }

  /** The exact change an approval would make: the server's dry run, as a diff of the object. */
  async preview(id: string): Promise<string[]> {
    const op = this.operationOf(id);
    if (op.kind === 'kagent-approval')
      return [
        `approving answers kagent task ${op.taskId} of ${op.agent}; the agent then runs:`,
        // What each tool amounts to, read again from its name and arguments (as the tier is).
        ...op.tools.flatMap((t, i) => [
          `  ${t.name} ${JSON.stringify(t.args)}`,
          `    = ${toolsOf(op)[i]?.kubectl ?? 'read-only'}`,
        ]),
      ];
    const executor = this.options.executor;
    const refs = executor.touches(op);
    if (refs.length === 0 || op.kind === 'generic') return [`$ ${op.kubectl}`];
    const before = await Promise.all(refs.map((r) => executor.objects.read(r)));
    const after = await executor.execute(op, true);
    return refs.flatMap((ref, i) =>
      diffLines(
        ref,
        before[i] ?? null,
        op.kind === 'delete' || op.kind === 'delete-pod' || op.kind === 'kill-pod'
          ? null
          : (after[i] ?? null),
      ),
    );
  }

  async approve(id: string, reason?: string): Promise<Outcome> {
    const approver = this.options.approver;
    let meta: RecordMeta;
    try {
      const replicas = await this.currentReplicas(this.operationOf(id));
      meta = await this.history.append(id, { kind: 'approved', ...(reason ? { reason } : {}) }, (m) =>
        this.approvalRefusal(m, approver, replicas),
      );
    } catch (error) {
      await this.refresh();
      return { ok: false, message: (error as Error).message };
    }
    await this.refresh();
    if (meta.status !== 'approved')
      return {
        ok: true,
        message: `approved by ${approver}; needs ${meta.required_approvers! - meta.approvers.length} more approver (a different person)`,
      };
    return this.execute(id);
  }

  /** A reason from the short list (what `report metrics` counts) and free text beside it. */
  async reject(id: string, reason: RejectionReason, text = ''): Promise<Outcome> {
    try {
      await this.history.append(id, { kind: 'rejected', reason, text }, (m) =>
        m.status === 'awaiting-approval' ? undefined : `cannot reject: it is ${m.status}`,
      );
      const op = this.operationOf(id);
      if (op.kind === 'kagent-approval')
        // The agent hears the reason from the list and the words beside it.
        return await this.answerAgent(
          id,
          op,
          'reject',
          text ? `${REJECTION_REASON_LABEL[reason]}: ${text}` : REJECTION_REASON_LABEL[reason],
        );
      return { ok: true, message: 'rejected' };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    } finally {
      await this.refresh();
    }
  }

  /** Claims the approved record (one cockpit executes it), runs it and starts its validation. */
  async execute(id: string): Promise<Outcome> {
    const { executor, approver } = this.options;
    try {
      const replicas = await this.currentReplicas(this.operationOf(id));
      await this.history.append(id, { kind: 'executing', by: approver, ...this.self }, (m) =>
        this.executionRefusal(m, replicas),
      );
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    // The operation as its signed creation holds it: what the approvals signed.
    const op = this.operationOf(id);
    if (op.kind === 'kagent-approval') return this.answerAgent(id, op, 'approve');
    const workload = await this.workloadOf(op).catch(() => undefined);
    let pre: Snapshot;
    let post: Snapshot;
    let preMetrics: WorkloadMetrics | undefined;
    let baseline = new Map<string, number>();
    let evicted: EvictedPod[];
    try {
      this.options.onProgress?.(id, 'executing');
      pre = await executor.capture(op);
      // Durable before the change is sent: a crash after it can still be rolled back.
      this.saveSnapshot(id, pre);
      if (workload) {
        const health = await this.options.probe.health(workload);
        preMetrics = health.metrics;
        baseline = health.restartsByPod;
      }
      const written = await executor.execute(op);
      evicted = op.kind === 'drain' ? evictedPods(written) : [];
      post = await executor.capture(op);
      this.saveSnapshot(id, pre, post);
    } catch (error) {
      this.options.onProgress?.(id, undefined);
      await this.history.append(id, { kind: 'failed', reason: `execution failed: ${apiMessage(error)}` });
      await this.refresh();
      return { ok: false, message: `execution failed: ${apiMessage(error)}` };
    }
    const line = executor.commandLine(op);
    const who = await whoAmI(this.options.executor.kubeConfig);
    // The window opens now on the server's clock, and the trail says so: whoever resumes it
    // after this process is gone ends it at this start plus the window.
    const opened: ValidationStart = {
      started: new Date(await this.options.probe.serverTime().catch(() => this.now())).toISOString(),
      window_seconds:
        validationWindow(op, this.history.get(id).meta.tier ?? 'critical', this.options.policy) / 1000,
      ...(workload ? { workload, baseline: Object.fromEntries(baseline) } : {}),
      ...(evicted.length ? { evicted } : {}),
    };
    await this.history.append(id, {
      kind: 'executed',
      operation: op.summary,
      kubectl: op.kubectl,
      argv: [line.argv[0]!.split('/').pop()!, ...line.argv.slice(1)],
      server: line.server,
      identity:
        'error' in who
          ? `unknown (${who.error})`
          : `${who.username} (groups ${who.groups.join(', ') || 'none'})`,
      preState: pre.helm ?? pre.objects.map((o) => strip(o.object)),
      postState: post.helm ?? post.objects.map((o) => strip(o.object)),
      ...(preMetrics ? { preMetrics: { ...preMetrics, ...requestsOf(op, pre) } } : {}),
      validation: opened,
    });
    await this.refresh();
    this.track(this.validate(id, op, opened, requestsOf(op, post)));
    return { ok: true, message: `executed: ${op.summary}; validating` };
  }

  /**
   * Sends the decision on a kagent approval to its paused task and records both sides as notes:
   * an approval is then executed, and validated by what the agent did next (completed, or paused
   * again for another approval, which comes as a new recommendation); a rejection stays rejected.
   * Nothing runs here but the answer: no kubectl, no snapshot, so no rollback.
   */
  private async answerAgent(
    id: string,
    op: Extract<Operation, { kind: 'kagent-approval' }>,
    decision: 'approve' | 'reject',
    reason?: string,
  ): Promise<Outcome> {
    const sent = `sent to kagent ${op.agent}, task ${op.taskId}: ${decision}${reason ? ` (${reason})` : ''} of ${op.tools.map((t) => `${t.name} (id ${t.id || '?'})`).join(', ')}`;
    let reply: KagentAnswer;
    try {
      if (!this.options.answerKagent) throw new Error('this process does not reach kagent; nothing was sent');
      reply = await this.options.answerKagent(op.taskId, op.tools, decision, reason);
    } catch (error) {
      const message = `kagent was not answered: ${apiMessage(error)}`;
      await this.history.append(
        id,
        decision === 'approve' ? { kind: 'failed', reason: message } : { kind: 'note', text: message },
      );
      await this.refresh();
      return { ok: false, message };
    }
    const replied = `kagent replied: ${reply.line}`;
    await this.history.append(id, { kind: 'note', text: sent });
    await this.history.append(id, { kind: 'note', text: replied });
    if (decision === 'reject') {
      await this.refresh();
      return { ok: true, message: `rejected; ${replied}` };
    }
    await this.history.append(id, {
      kind: 'executed',
      operation: op.summary,
      kubectl: `none run by aiops-tui; the agent runs ${op.kubectl}`,
    });
    const outcome = kagentOutcome(reply.state);
    await this.history.append(
      id,
      outcome.ok
        ? { kind: 'validated', detail: `${outcome.detail}: ${reply.line}` }
        : { kind: 'failed', reason: `${outcome.detail}: ${reply.line}` },
    );
    await this.refresh();
    return { ok: outcome.ok, message: `approved; ${replied}` };
  }

  /**
   * `p`/`c` on a change being rolled out: pause or resume its Deployment. The key press is the
   * decision, so it is proposed and approved in one step, and recorded like any other change.
   */
  async setRolloutPaused(id: string, paused: boolean): Promise<Outcome> {
    const target = this.operationOf(id).target;
    const verb = paused ? 'pause' : 'resume';
    const label = `deployment/${target.name}`;
    const meta = await this.propose({
      operation: {
        kind: paused ? 'rollout-pause' : 'rollout-resume',
        target,
        summary: `${verb} the rollout of deployment ${target.namespace}/${target.name}`,
        kubectl: `kubectl rollout ${verb} ${label} -n ${target.namespace}`,
      },
      source: `${this.options.approver} (key ${paused ? 'p' : 'c'} on ${id})`,
      evidence: [`${verb} requested while ${id} was ${this.history.get(id).meta.status}`],
    });
    if (meta.status === 'auto') return { ok: true, message: `${verb}d the rollout of ${label}` };
    return this.approve(meta.id, `key ${paused ? 'p' : 'c'}`);
  }

  /** The stability window, then validated or failed (and the policy's automatic rollback). */
  private async validate(
    id: string,
    op: Operation,
    opened: ValidationStart,
    requests: Record<string, number> = {},
  ) {
    const abort = new AbortController();
    this.validations.set(id, abort);
    const windowMs = opened.window_seconds * 1000;
    const startedAt = Date.parse(opened.started);
    const { workload } = opened;
    const baseline = new Map(Object.entries(opened.baseline ?? {}));
    const evicted: EvictedPod[] = opened.evicted ?? [];
    try {
      const result =
        op.kind === 'drain'
          ? // A drain is done when what it evicted runs again on other nodes, not when it is sent.
            {
              ...(await validateDrain(this.options.executor.objects, op.target.name, evicted, {
                windowMs,
                startedAt,
                signal: abort.signal,
                pollMs: this.options.validationPollMs ?? 500,
                onProgress: (text) => this.options.onProgress?.(id, `validating: ${text}`),
              })),
              post: undefined,
            }
          : workload
            ? await validateWorkload(this.options.probe, workload, baseline, {
                windowMs,
                startedAt,
                signal: abort.signal,
                pollMs: this.options.validationPollMs ?? 500,
                onProgress: (text) => this.options.onProgress?.(id, `validating: ${text}`),
                pausedIsExpected: op.kind === 'rollout-pause',
              })
            : {
                ok: true,
                detail: 'no workload to watch; the change was read back from the server',
                post: undefined,
              };
      if (abort.signal.aborted) return;
      await this.history.append(
        id,
        result.ok
          ? {
              kind: 'validated',
              detail: result.detail,
              ...(result.post ? { postMetrics: { ...result.post, ...requests } } : {}),
            }
          : { kind: 'failed', reason: `validation failed: ${result.detail}` },
        (m) => (m.status === 'executed' ? undefined : 'settled'),
      );
      const tier = this.history.get(id).meta.tier as Tier;
      if (!result.ok && this.options.policy.auto_rollback_tiers.includes(tier))
        await this.rollback(id, 'policy (automatic)');
    } catch (error) {
      // Stopped by a rollback, or the record moved on: nothing to record. Otherwise the workload
      // could not be watched (deleted, forbidden): the record must not stay "executed" forever.
      if (!abort.signal.aborted)
        await this.history
          .append(id, { kind: 'failed', reason: `validation failed: ${apiMessage(error)}` }, (m) =>
            m.status === 'executed' ? undefined : 'settled',
          )
          .catch(() => {});
    } finally {
      this.validations.delete(id);
      this.options.onProgress?.(id, undefined);
      await this.refresh();
    }
  }

  /** `automatic` names the policy rule that asks; otherwise this process's person signs the request. */
  async rollback(id: string, automatic?: string): Promise<Outcome> {
    const started = this.now();
    if (this.operationOf(id).kind === 'kagent-approval')
      return { ok: false, message: 'cannot roll back a kagent approval: we cannot undo what the agent did' };
    try {
      await this.history.append(
        id,
        {
          kind: 'rollback-requested',
          ...(automatic ? { by: automatic } : {}),
          ...this.self,
        },
        (m) => (ROLLBACKABLE.has(m.status) ? undefined : `cannot roll back: it is ${m.status}`),
      );
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    this.validations.get(id)?.abort();
    const op = this.operationOf(id);
    const saved = this.loadSnapshot(id);
    let detail: string;
    try {
      if (!saved) throw new Error('no snapshot of the pre-state was found');
      if (!saved.post) saved.post = await this.options.executor.capture(op);
      this.options.onProgress?.(id, 'rolling back');
      detail = await this.options.executor.rollback(saved.pre, saved.post);
    } catch (error) {
      const message = `rollback refused: ${apiMessage(error)}`;
      await this.history.append(id, { kind: 'rolled-back', success: false, detail: message });
      this.options.onProgress?.(id, undefined);
      await this.refresh();
      return { ok: false, message };
    }
    await this.history.append(id, { kind: 'rolled-back', success: true, detail });
    this.options.onProgress?.(id, undefined);
    await this.refresh();
    this.track(this.recordRollback(id, op, detail, started));
    return { ok: true, message: `rolled back in ${this.now() - started} ms: ${detail}` };
  }

  /** The rollback is itself a recorded, validated operation: its own PHR. */
  private async recordRollback(id: string, op: Operation, detail: string, started: number): Promise<void> {
    const meta = await this.history.create({
      title: `Roll back: ${op.summary}`,
      type: 'rollback',
      tier: this.history.get(id).meta.tier ?? 'medium',
      source: 'aiops-tui',
      target: this.history.get(id).meta.target ?? undefined,
    });
    await this.history.append(meta.id, {
      kind: 'executed',
      at: new Date(started).toISOString(),
      // This process validates it: a second queue opening meanwhile leaves it alone.
      ...this.self,
      operation: `restore the pre-state of ${id}: ${detail}`,
      kubectl:
        op.kind === 'helm-rollback' || op.kind === 'helm-upgrade'
          ? 'helm rollback'
          : 'kubectl replace (captured objects)',
    });
    const workload = await this.workloadOf(op).catch(() => undefined);
    const result = workload
      ? await validateWorkload(
          this.options.probe,
          workload,
          (await this.options.probe.health(workload)).restartsByPod,
          {
            windowMs: validationWindow(op, this.history.get(id).meta.tier ?? 'critical', this.options.policy),
            pollMs: this.options.validationPollMs ?? 500,
            // What the rollback restored is the state before the change, paused or not.
            pausedIsExpected: true,
          },
        ).catch((error: unknown) => ({ ok: false, detail: apiMessage(error), post: undefined }))
      : { ok: true, detail: 'objects restored and read back', post: undefined };
    await this.history.append(
      meta.id,
      result.ok ? { kind: 'validated', detail: result.detail } : { kind: 'failed', reason: result.detail },
    );
  }

  private track(work: Promise<void>): void {
    const p = work.catch(() => {}).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when this process's validations and rollback records have been written. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.options.anchor?.settled();
  }

  stop(): void {
    for (const v of this.validations.values()) v.abort();
  }

  private approvalRefusal(m: RecordMeta, approver: string, replicas: number | undefined): string | undefined {
    if (m.status === 'expired' || (m.expires && Date.parse(m.expires) <= this.now()))
      return `cannot approve: the approval window closed at ${m.expires}`;
    if (m.status !== 'awaiting-approval') return `cannot approve: it is ${m.status}`;
    if (m.approvers.some((a) => principalKey(a) === principalKey(approver)))
      return `${approver} already approved it; a second, different approver is needed`;
    if (m.proposer && principalKey(m.proposer) === principalKey(approver))
      return `${approver} proposed it and cannot approve it`;
    return this.underApproved(m, replicas);
  }

  /** The record asks for fewer approvals than this process's policy gives its operation: refused, whatever the record says. */
  private underApproved(m: RecordMeta, replicas: number | undefined): string | undefined {
    const op = m.operation as Operation;
    const needed = approvalRule(
      effectiveTier(op, this.options.policy, replicas),
      this.options.policy,
    ).approvers;
    const asked = m.required_approvers ?? 0;
    if (asked < needed)
      return `the record asks for ${asked} approver${asked === 1 ? '' : 's'}, but the policy's tier for ${op.kind} needs ${needed}; not executing it`;
    return undefined;
  }

  private executionRefusal(m: RecordMeta, replicas: number | undefined): string | undefined {
    if (m.status !== 'approved' && m.status !== 'auto') return `not executable: it is ${m.status}`;
    return this.underApproved(m, replicas);
  }

  private operationOf(id: string): Operation {
    const op = this.history.get(id).meta.operation as Operation | undefined;
    if (!op) throw new Error(`${id} is not a recommendation`);
    return op;
  }

  private async currentReplicas(operation: Operation): Promise<number | undefined> {
    // A tool approval's one tool is tiered as its kubectl twin, replica delta included.
    const op =
      operation.kind === 'kagent-approval'
        ? toolsOf(operation).length === 1
          ? toolsOf(operation)[0]!
          : null
        : operation;
    if (op?.kind !== 'scale') return undefined;
    const ref = objectRef(op.target);
    const current = ref
      ? ((await this.options.executor.objects.read(ref).catch(() => null)) as {
          spec?: { replicas?: number };
        } | null)
      : null;
    return current?.spec?.replicas;
  }

  /** The Deployment whose health decides: the target itself, or a deleted pod's owner. */
  private async workloadOf(op: Operation): Promise<WorkloadRef | undefined> {
    const { kind, namespace, name } = op.target;
    // A deleted workload has no health to watch.
    if (!namespace || op.kind === 'delete') return undefined;
    if (kind === 'Deployment') return { namespace, name };
    if (kind === 'Pod') {
      const objects = this.options.executor.objects;
      const pod = await objects.read({ apiVersion: 'v1', kind: 'Pod', namespace, name });
      const rsName = pod?.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
      if (!rsName) return undefined;
      const rs = await objects.read({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace, name: rsName });
      const deployment = rs?.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;
      return deployment ? { namespace, name: deployment } : undefined;
    }
    return undefined;
  }

  private saveSnapshot(id: string, pre: Snapshot, post?: Snapshot): void {
    mkdirSync(this.snapshots, { recursive: true, mode: 0o700 });
    // Full objects, secrets included: readable by this user only, and durable (fsync, rename).
    writeDurably(this.snapshots, `${id}.json`, JSON.stringify({ pre, ...(post ? { post } : {}) }), 0o600);
  }

  private loadSnapshot(id: string): { pre: Snapshot; post?: Snapshot } | undefined {
    const file = join(this.snapshots, `${id}.json`);
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { pre: Snapshot; post?: Snapshot })
      : undefined;
  }
}

/** The pods a drain evicted (after the node in what it wrote), with the controller that replaces each. */
function evictedPods(written: readonly KubernetesObject[]): EvictedPod[] {
  return written
    .filter((o) => o.kind === 'Pod')
    .map((pod) => {
      const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
      return {
        namespace: pod.metadata!.namespace!,
        name: pod.metadata!.name!,
        ...(owner
          ? { owner: { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid } }
          : {}),
      };
    });
}

/** What the agent's state after an approval says of it: done, or paused again (a new recommendation), or not. */
export function kagentOutcome(state: string | undefined): { ok: boolean; detail: string } {
  switch (state) {
    case 'completed':
      return { ok: true, detail: 'the agent went on and completed' };
    case 'input-required':
      return { ok: true, detail: 'the agent went on and paused again for another approval' };
    case 'working':
    case 'submitted':
      return { ok: true, detail: 'the agent went on and is still working' };
    default:
      return { ok: false, detail: `the agent did not complete (state ${state ?? 'unknown'})` };
  }
}

const FINISHED = new Set(['validated', 'rolled-back', 'rejected', 'expired', 'failed']);

/** Whether the process that owns a record's execution is gone (this host: its pid; another host: never judged). */
function ownerGone(owner: RecordMeta['owner'], host: string): boolean {
  if (!owner) return true;
  if (owner.host !== host) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** What a change alters: the object without its server-managed fields. */
function specOf(o: KubernetesObject | null): unknown {
  if (!o) return null;
  const { metadata, ...rest } = strip(o) as KubernetesObject & { status?: unknown };
  delete (rest as { status?: unknown }).status;
  return { ...rest, labels: metadata?.labels, annotations: metadata?.annotations };
}

/** A resource change's pod requests per replica (what `report metrics` weighs the change by). */
const requestsOf = (op: Operation, snapshot: Snapshot): Record<string, number> =>
  op.kind === 'set-resources' ? templateRequests(snapshot.objects.map((o) => o.object)) : {};

function toRecommendation(m: RecordMeta): Recommendation {
  return {
    id: m.id,
    title: m.title,
    tier: m.tier ?? 'critical',
    source: m.source,
    target: m.target ?? '',
    status: m.status,
    operation: m.operation as Operation,
    approvers: m.approvers,
    requiredApprovers: m.required_approvers ?? 1,
    created: Date.parse(m.created),
    expires: m.expires ? Date.parse(m.expires) : undefined,
    ...(m.emergency ? { emergency: m.emergency.reason } : {}),
    ...(m.confidence ? { confidence: m.confidence } : {}),
  };
}

const BOOKKEEPING_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

function diffLines(
  ref: ObjectRef,
  before: KubernetesObject | null,
  after: KubernetesObject | null,
): string[] {
  const text = (o: KubernetesObject | null) => {
    if (!o) return '';
    const copy = strip(o) as KubernetesObject & { status?: unknown };
    delete copy.status;
    const meta = copy.metadata as Record<string, unknown> | undefined;
    for (const k of ['resourceVersion', 'generation', 'uid', 'creationTimestamp']) delete meta?.[k];
    // Bookkeeping kubectl and the controllers write beside any change: not what is decided.
    const annotations = meta?.annotations as Record<string, string> | undefined;
    for (const k of BOOKKEEPING_ANNOTATIONS) delete annotations?.[k];
    if (annotations && Object.keys(annotations).length === 0) delete meta!.annotations;
    // Keys in one order on both sides: a map the server returns reordered is not a change.
    return stringify(copy, { sortMapEntries: true });
  };
  const name = `${ref.kind.toLowerCase()}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  const patch = createTwoFilesPatch(name, name, text(before), text(after), 'now', 'after', { context: 2 });
  return patch
    .split('\n')
    .slice(2)
    .filter((l) => l !== '' && !l.startsWith('\\'));
}
