import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { makeFinding } from '../../src/analysis/finding.js';
import { FindingsTracker } from '../../src/analysis/tracker.js';
import type { Finding, Severity } from '../../src/model/analysis.js';
import { container, MINUTE, NOW, pod, runningStatus, snapshot } from './fixtures.js';

function finding(name: string, severity: Severity = 'warning', since = NOW): Finding {
  return makeFinding(
    { now: NOW },
    {
      analyzer: 'test',
      problem: 'p',
      resource: { kind: 'Pod', namespace: 'ns', name },
      severity,
      title: name,
      detail: [],
      since,
    },
  );
}

describe('FindingsTracker', () => {
  it('keeps one finding per problem, counting runs and keeping the first sighting', () => {
    const tracker = new FindingsTracker();
    tracker.update('built-in', [finding('a', 'warning', NOW - 10 * MINUTE)], NOW);
    const [merged, ...rest] = tracker.update('built-in', [finding('a', 'warning', NOW)], NOW + MINUTE);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({
      id: 'test:Pod/ns/a:p',
      count: 2,
      firstSeen: NOW - 10 * MINUTE,
      lastSeen: NOW + MINUTE,
    });
  });

  it('drops resolved findings of the same source only', () => {
    const tracker = new FindingsTracker();
    tracker.update('built-in', [finding('a'), finding('b')], NOW);
    tracker.update('kagent', [finding('k')], NOW);
    const after = tracker.update('built-in', [finding('b')], NOW + MINUTE);
    expect(after.map((f) => [f.resource.name, f.source])).toEqual([
      ['b', 'built-in'],
      ['k', 'kagent'],
    ]);
    expect(tracker.get('test:Pod/ns/a:p')).toBeUndefined();
  });

  it('sorts by severity, then newest first', () => {
    const tracker = new FindingsTracker();
    const list = tracker.update(
      'built-in',
      [
        finding('old', 'warning', NOW - 9 * MINUTE),
        finding('info', 'info'),
        finding('new', 'warning', NOW - MINUTE),
        finding('crit', 'critical', NOW - 20 * MINUTE),
      ],
      NOW,
    );
    expect(list.map((f) => f.title)).toEqual(['crit', 'new', 'old', 'info']);
  });
});

describe('analyze', () => {
  const crashing = pod('backend-1', {
    statuses: [
      runningStatus('app', {
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      }),
    ],
    spec: { containers: [container('app', { image: 'backend:latest' })] },
  });

  it('runs every analyzer and puts critical findings first', () => {
    const findings = analyze(snapshot({ pods: [crashing] }));
    expect(findings.map((f) => `${f.severity} ${f.analyzer}`)).toEqual([
      'critical pod-failures',
      'warning security',
      'info right-sizing',
    ]);
  });

  it('runs only the analyzers asked for, with options', () => {
    expect(analyze(snapshot({ pods: [crashing] }), { only: ['security'] }).map((f) => f.analyzer)).toEqual([
      'security',
    ]);
    const restarting = pod('r-1', { statuses: [runningStatus('app', { restartCount: 2 })] });
    expect(
      analyze(snapshot({ pods: [restarting] }), { only: ['pod-failures'], restartThreshold: 2 }),
    ).toHaveLength(1);
  });
});
