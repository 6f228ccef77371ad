// The toil estimate's half the trail cannot infer: a finding that went away. The cockpit records
// each as a `resolution` PHR (one signed creation, nothing after it); `report metrics` then
// counts it resolved through the queue when a recommendation for the same finding or target
// executed between its detection and its going away, else by hand (src/audit/quality.ts).
import type { Finding } from '../model/analysis.js';
import type { RecordInit } from '../audit/types.js';

/**
 * Worth a record: a problem that proposed a change or was a warning or worse, seen in more than
 * one run (not a flicker), and gone while still in view (leaving the viewed namespace is not
 * being resolved). `viewed`: the namespace shown, undefined for all.
 */
export function worthRecording(finding: Finding, viewed: string | undefined): boolean {
  if (finding.count < 2) return false;
  if (!finding.recommendation && finding.severity === 'info') return false;
  return (
    viewed === undefined || finding.resource.namespace === undefined || finding.resource.namespace === viewed
  );
}

/** The resolution record of a finding that went away at `at` (epoch ms, the cluster's time). */
export function resolutionRecord(finding: Finding, at: number): RecordInit {
  const target = finding.recommendation?.target ?? finding.resource;
  return {
    title: `Finding resolved: ${finding.title}`,
    type: 'resolution',
    source: finding.source === 'built-in' ? finding.analyzer : finding.source,
    target: `${target.kind.toLowerCase()}/${target.namespace ? `${target.namespace}/` : ''}${target.name}`,
    finding: finding.id,
    ...(finding.runbook ? { runbook: finding.runbook } : {}),
    timestamps: {
      failure_started: new Date(finding.firstSeen).toISOString(),
      detected: new Date(finding.detectedAt ?? finding.firstSeen).toISOString(),
    },
    recommendation: {
      summary: `gone at ${new Date(at).toISOString()}, after ${finding.count} analysis runs`,
    },
  };
}
