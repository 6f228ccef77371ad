// Building and ordering findings, shared by every analyzer and the kagent provider.
import type { ClusterSnapshot, Finding, ResourceRef, Severity } from '../model/analysis.js';

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function refKey(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** Stable identity: analyzer, resource and problem; nothing that changes from run to run. */
export function findingId(analyzer: string, resource: ResourceRef, problem: string): string {
  return `${analyzer}:${refKey(resource)}:${problem}`;
}

export type FindingInput = Omit<
  Finding,
  'id' | 'source' | 'firstSeen' | 'lastSeen' | 'count' | 'affected'
> & {
  problem: string;
  affected?: ResourceRef[];
  /** Epoch ms the evidence says the problem started; defaults to the snapshot time. */
  since?: number | undefined;
};

/** A built-in finding as one analysis run sees it (count 1, last seen now). */
export function makeFinding(snapshot: Pick<ClusterSnapshot, 'now'>, input: FindingInput): Finding {
  const { problem, since, affected, ...rest } = input;
  const firstSeen = since !== undefined && since <= snapshot.now ? since : snapshot.now;
  return {
    ...rest,
    id: findingId(input.analyzer, input.resource, problem),
    source: 'built-in',
    affected: affected ?? [],
    firstSeen,
    lastSeen: snapshot.now,
    count: 1,
  };
}

/** Severity first, then the newest problem first; id breaks ties so the order is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.firstSeen - a.firstSeen ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(compareFindings);
}
