// Runs every built-in analyzer over one snapshot. Each is linear in the snapshot thanks to the
// shared per-snapshot index, so 10,000 pods take well under a second (bench/analysis.ts).
import { autoscalers } from './analyzers/autoscalers.js';
import { configReferences } from './analyzers/config-references.js';
import { controllers } from './analyzers/controllers.js';
import { disruptionBudgets } from './analyzers/disruption-budgets.js';
import { ingress } from './analyzers/ingress.js';
import { logErrors } from './analyzers/log-errors.js';
import { nodes } from './analyzers/nodes.js';
import { podFailures } from './analyzers/pod-failures.js';
import { rightSizing } from './analyzers/right-sizing.js';
import { scaling } from './analyzers/scaling.js';
import { security } from './analyzers/security.js';
import { services } from './analyzers/services.js';
import { storage } from './analyzers/storage.js';
import { workloads } from './analyzers/workloads.js';
import { sortFindings } from './finding.js';
import { resolveOptions } from './options.js';
import type { AnalyzeOptions, Analyzer, ClusterSnapshot, Finding } from '../model/analysis.js';

export const ANALYZERS: Readonly<Record<string, Analyzer>> = {
  'pod-failures': podFailures,
  workloads,
  controllers,
  'config-references': configReferences,
  services,
  ingress,
  storage,
  nodes,
  autoscalers,
  'disruption-budgets': disruptionBudgets,
  'log-errors': logErrors,
  'right-sizing': rightSizing,
  scaling,
  security,
};

export interface AnalyzeRequest extends Partial<AnalyzeOptions> {
  /** Run only these analyzers (names of ANALYZERS); all by default. */
  only?: readonly string[];
}

/** All findings of the built-in analyzers, sorted by severity, then newest first. */
export function analyze(snapshot: ClusterSnapshot, request: AnalyzeRequest = {}): Finding[] {
  const { only, ...overrides } = request;
  const options = resolveOptions(overrides);
  const findings: Finding[] = [];
  for (const [name, analyzer] of Object.entries(ANALYZERS)) {
    if (!only || only.includes(name)) findings.push(...analyzer(snapshot, options));
  }
  return sortFindings(findings);
}
