// Every rule of every built-in analyzer has a confidence and a rationale; how a finding, an
// agent's answer and kagent's reply are rated; which findings that went away are recorded.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../src/analysis/analyze.js';
import { agentQuality, findingQuality, RULE_CONFIDENCE } from '../../src/analysis/confidence.js';
import { parseReply } from '../../src/analysis/kagent/schema.js';
import { deletePodOp, rolloutUndoOp } from '../../src/workflow/proposed-operations.js';
import { worthRecording } from '../../src/analysis/resolutions.js';
import type { Finding } from '../../src/model/analysis.js';

const ANALYZER_DIR = join(import.meta.dirname, '..', '..', 'src', 'analysis', 'analyzers');

/** The problem names an analyzer's source gives (`problem: 'x'`, `problem: \`x:${…}\``, ternaries). */
function problemsIn(source: string): string[] {
  const names = new Set<string>();
  for (const line of source.split('\n')) {
    const m = /\bproblem: (.*)$/.exec(line);
    if (!m) continue;
    for (const lit of m[1]!.matchAll(/['`]([a-z][a-z-]*)/g)) names.add(lit[1]!);
  }
  return [...names];
}

describe('RULE_CONFIDENCE', () => {
  it('rates every problem of every analyzer, with one sentence', () => {
    const unrated: string[] = [];
    for (const file of readdirSync(ANALYZER_DIR)) {
      const analyzer = file.replace(/\.ts$/, '');
      expect(Object.keys(ANALYZERS)).toContain(analyzer);
      for (const problem of problemsIn(readFileSync(join(ANALYZER_DIR, file), 'utf8')))
        // `missing-${…}`, `probe-${…}`: a prefix, rated per value (missing-object, probe-liveness …).
        if (
          problem.endsWith('-')
            ? !Object.keys(RULE_CONFIDENCE).some((r) => r.startsWith(`${analyzer}/${problem}`))
            : !RULE_CONFIDENCE[`${analyzer}/${problem}`]
        )
          unrated.push(`${analyzer}/${problem}`);
    }
    expect(unrated).toEqual([]);
    for (const [rule, [, rationale]] of Object.entries(RULE_CONFIDENCE)) {
      expect(Object.keys(ANALYZERS), rule).toContain(rule.split('/')[0]);
      expect(rationale, rule).toMatch(/^[A-Za-z][^\n]*\.$/);
    }
  });
});

const pod = { kind: 'Pod', namespace: 'todo', name: 'backend-1' };
function finding(analyzer: string, problem: string, extra: Partial<Finding> = {}): Finding {
  return {
    id: `${analyzer}:Pod/todo/backend-1:${problem}`,
    severity: 'critical',
    analyzer,
    source: 'built-in',
    resource: pod,
    title: 't',
    detail: [],
    affected: [],
    firstSeen: 0,
    lastSeen: 0,
    count: 2,
    ...extra,
  };
}

describe('findingQuality', () => {
  const deployment = { kind: 'Deployment', namespace: 'todo', name: 'backend' };
  const cases: [string, Finding, string, string][] = [
    ['a pull error', finding('pod-failures', 'image-pull:app'), 'high', 'pod-failures/image-pull'],
    [
      'a crash loop rolled back',
      finding('pod-failures', 'crashloop:app', { recommendation: rolloutUndoOp(deployment) }),
      'high',
      'pod-failures/crashloop',
    ],
    [
      'a crash loop judged transient',
      finding('pod-failures', 'crashloop:app', { recommendation: deletePodOp(pod) }),
      'medium',
      'pod-failures/crashloop',
    ],
    [
      'an evicted pod deleted',
      finding('pod-failures', 'evicted', { recommendation: deletePodOp(pod) }),
      'high',
      'pod-failures/evicted',
    ],
    ['error lines in a log', finding('log-errors', 'errors:app'), 'low', 'log-errors/errors'],
    ['right-sizing', finding('right-sizing', 'resources:app'), 'medium', 'right-sizing/resources'],
    [
      'a rule not in the table',
      finding('pod-failures', 'something-new'),
      'medium',
      'pod-failures/something-new',
    ],
    [
      'kagent without a rating',
      finding('kagent-health', 'crashloop', { source: 'kagent' }),
      'medium',
      'kagent',
    ],
    [
      'kagent with its own',
      finding('kagent-health', 'crashloop', {
        source: 'kagent',
        quality: { confidence: 'low', rationale: 'one log line', rule: 'kagent' },
      }),
      'low',
      'kagent',
    ],
  ];
  it.each(cases)('%s', (_, f, confidence, rule) =>
    expect(findingQuality(f)).toMatchObject({ confidence, rule }),
  );
  it('says why a transient fix is weaker than its diagnosis', () =>
    expect(
      findingQuality(finding('pod-failures', 'crashloop:app', { recommendation: deletePodOp(pod) }))
        .rationale,
    ).toMatch(/transient/));
});

describe('agentQuality: the agent’s own rating in its answer', () => {
  const cases: [string, string, string][] = [
    ['Scale it up.', 'medium', 'from the agent’s answer'],
    ['Confidence: high — the pods are CPU-bound at 95 %', 'high', 'the pods are CPU-bound at 95 %'],
    ['**Confidence:** LOW because only one sample', 'low', 'only one sample'],
    ['my confidence is medium.', 'medium', 'from the agent’s answer'],
  ];
  it.each(cases)('%s', (answer, confidence, rationale) =>
    expect(agentQuality('kubectl-ai', answer)).toEqual({ confidence, rationale, rule: 'kubectl-ai' }),
  );
});

describe('kagent’s reply', () => {
  it('carries its confidence and rationale; a value off the list is dropped, not the finding', () => {
    const reply = (confidence: string) =>
      '```json\n' +
      JSON.stringify({
        findings: [
          {
            severity: 'warning',
            resource: pod,
            title: 'crash loop',
            confidence,
            rationale: 'the log says the database is unreachable',
          },
        ],
      }) +
      '\n```';
    const good = parseReply(reply('high'));
    expect(good.ok && good.findings[0]).toMatchObject({
      confidence: 'high',
      rationale: 'the log says the database is unreachable',
    });
    const odd = parseReply(reply('certain'));
    expect(odd.ok && odd.findings[0]?.confidence).toBeUndefined();
    expect(odd.ok && odd.findings[0]?.title).toBe('crash loop');
  });
});

describe('worthRecording: a finding that went away', () => {
  const cases: [string, Finding, string | undefined, boolean][] = [
    ['a warning seen twice', finding('pod-failures', 'crashloop:app'), 'todo', true],
    ['a flicker (one run)', finding('pod-failures', 'crashloop:app', { count: 1 }), 'todo', false],
    ['info without a fix', finding('security', 'image-tag', { severity: 'info' }), undefined, false],
    [
      'info with a fix',
      finding('right-sizing', 'resources:app', { severity: 'info', recommendation: deletePodOp(pod) }),
      undefined,
      true,
    ],
    ['out of view after :ns', finding('pod-failures', 'crashloop:app'), 'other', false],
  ];
  it.each(cases)('%s', (_, f, viewed, expected) => expect(worthRecording(f, viewed)).toBe(expected));
});
