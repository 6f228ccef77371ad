// Merges successive analysis runs into one list: a problem seen again is the same finding with a
// higher count and a later lastSeen; a problem no longer seen is resolved and leaves the list.
// Runs are per source, so a built-in run does not resolve kagent's findings and vice versa.
import { sortFindings } from './finding.js';
import type { Finding, FindingSource } from '../model/analysis.js';

export class FindingsTracker {
  private readonly current = new Map<string, Finding>();
  /** The findings the last update resolved (gone from their source's run). */
  resolved: Finding[] = [];

  /** Replaces the findings of `source` with this run's; returns the merged, sorted list. */
  update(source: FindingSource, findings: readonly Finding[], now: number): Finding[] {
    const seen = new Set<string>();
    for (const finding of findings) {
      seen.add(finding.id);
      const previous = this.current.get(finding.id);
      this.current.set(finding.id, {
        ...finding,
        source,
        firstSeen: Math.min(previous?.firstSeen ?? finding.firstSeen, finding.firstSeen),
        lastSeen: now,
        detectedAt: previous?.detectedAt ?? now,
        count: (previous?.count ?? 0) + 1,
      });
    }
    this.resolved = [];
    for (const [id, finding] of this.current) {
      if (finding.source === source && !seen.has(id)) {
        this.current.delete(id);
        this.resolved.push(finding);
      }
    }
    return this.list();
  }

  list(): Finding[] {
    return sortFindings([...this.current.values()]);
  }

  get(id: string): Finding | undefined {
    return this.current.get(id);
  }
}
