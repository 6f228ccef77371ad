// The approval keys of the cockpit, carried out: each action asks the queue and answers with a
// one-line notice in the store. Medium and critical approvals show the server's dry run first.
import { findingQuality } from '../analysis/confidence.js';
import type { Finding } from '../analysis/types.js';
import type { CockpitStore } from '../state/store.js';
import type { UiActions } from '../ui/input.js';
import type { Queue } from './queue.js';
import type { RejectionReason } from './rejection.js';

type WorkflowActions = Pick<
  UiActions,
  'approve' | 'confirm' | 'reject' | 'rollback' | 'open' | 'proposeFinding' | 'setRolloutPaused'
>;

const iso = (ms: number): string => new Date(ms).toISOString();

export function workflowActions(store: CockpitStore, queue: Queue, readOnly = false): WorkflowActions {
  const notice = (text: string) => store.getState().setUi({ notice: text });
  const guard =
    <A extends unknown[]>(work: (...args: A) => Promise<string | void>) =>
    (...args: A): void => {
      if (readOnly) return notice('read-only cockpit: recommendations are shown, nothing is executed');
      work(...args).then(
        (text) => text && notice(text),
        (error: unknown) => notice((error as Error).message.split('\n')[0]!),
      );
    };
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
