// Recommendation quality from the trail: what counts as acted upon, whose idea it was, the
// right-sizing cost change and the toil estimate; and the structured rejection's rules (a hand
// edit breaks verify, a reason off the short list is refused, old free-text rejections verify).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phrMain } from '../../src/app/phr-cli.js';
import { openHistory, type History } from '../../src/audit/history.js';
import { computeQuality, decisionOf, sourceOf } from '../../src/audit/quality.js';
import { readTrail } from '../../src/audit/read-trail.js';
import type { RecordInit, RecordStatus } from '../../src/audit/types.js';
import { makeTeam } from './identities.js';

const team = makeTeam(['alice', 'bob']);
const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('decisionOf: what became of a recommendation', () => {
  const cases: [RecordStatus, string][] = [
    ['awaiting-approval', 'open'],
    ['approved', 'open'],
    ['auto', 'open'],
    ['rejected', 'rejected'],
    ['expired', 'expired'],
    ['executing', 'acted-upon'],
    ['executed', 'acted-upon'],
    ['validated', 'acted-upon'],
    ['failed', 'acted-upon'],
    ['interrupted', 'acted-upon'],
    ['rolling-back', 'acted-upon'],
    ['rolled-back', 'acted-upon'],
    ['rollback-failed', 'acted-upon'],
  ];
  it.each(cases)('%s → %s', (status, decision) => expect(decisionOf(status)).toBe(decision));
});

describe('sourceOf: whose idea it was', () => {
  const cases: [string, string | undefined, string][] = [
    ['built-in', 'pod-failures/image-pull', 'pod-failures'],
    ['built-in', undefined, 'built-in'],
    ['kagent', 'kagent', 'kagent'],
    ['kubectl-ai', 'kubectl-ai', 'kubectl-ai'],
    ['offline assistant', 'log-errors/errors', 'offline assistant'],
    ['command line', undefined, 'cockpit'],
    ['alice (key p on 00004-x)', undefined, 'cockpit'],
  ];
  it.each(cases)('%s, rule %s → %s', (source, rule, expected) =>
    expect(sourceOf({ source, ...(rule ? { rule } : {}) })).toBe(expected),
  );
});

function trail(): { dir: string; alice: History; bob: History; clock: { now: number } } {
  const dir = mkdtempSync(join(tmpdir(), 'phr-quality-'));
  const clock = { now: T0 };
  const open = (name: string) =>
    openHistory(dir, {
      signer: team.signer(name),
      allowedSigners: team.allowed,
      now: () => new Date(clock.now),
    });
  return { dir, alice: open('alice'), bob: open('bob'), clock };
}

const recommendation = (name: string, extra: Partial<RecordInit> = {}): RecordInit => ({
  title: `Right-size ${name}`,
  type: 'optimization',
  tier: 'medium',
  source: 'built-in',
  target: `deployment/todo/${name}`,
  operation: { kind: 'set-resources', target: { kind: 'Deployment', namespace: 'todo', name } },
  approval: { required: 1, expires: at(3600) },
  recommendation: { summary: `right-size ${name}` },
  quality: { confidence: 'medium', rationale: 'p95 + 30 %', rule: 'right-sizing/resources' },
  finding: `right-sizing:Deployment/todo/${name}:resources:app`,
  ...extra,
});

describe('computeQuality over a trail', () => {
  it('weighs right-sizing by the requests before it, and tells the queue’s resolutions from the hand’s', async () => {
    const { dir, alice, bob, clock } = trail();
    // Two validated right-sizings: 4 × 500m → 4 × 300m and 2 × 1000m → 2 × 800m cpu; memory
    // 4 × 1 GiB → 4 × 512 MiB, the second requested no memory before (not counted).
    const sized: {
      name: string;
      replicas: number;
      pre: Record<string, number>;
      post: Record<string, number>;
    }[] = [
      {
        name: 'api',
        replicas: 4,
        pre: { requests_cpu_millis: 500, requests_memory_bytes: 2 ** 30 },
        post: { requests_cpu_millis: 300, requests_memory_bytes: 2 ** 29 },
      },
      {
        name: 'web',
        replicas: 2,
        pre: { requests_cpu_millis: 1000 },
        post: { requests_cpu_millis: 800, requests_memory_bytes: 2 ** 28 },
      },
    ];
    for (const s of sized) {
      clock.now = T0 + 10_000;
      const r = await alice.create(recommendation(s.name, { timestamps: { detected: at(5) } }));
      await bob.append(r.id, { kind: 'approved' });
      await alice.append(r.id, { kind: 'executing', by: 'alice' });
      await alice.append(r.id, {
        kind: 'executed',
        operation: 'set resources',
        kubectl: 'kubectl set resources',
        preMetrics: { replicas: s.replicas, ...s.pre },
      });
      await alice.append(r.id, { kind: 'validated', postMetrics: { replicas: s.replicas, ...s.post } });
    }
    // The finding on api went away after its change ran: through the queue. The one on db went
    // away with nothing executed for it: by hand.
    clock.now = T0 + 60_000;
    for (const name of ['api', 'db'])
      await alice.create({
        title: `Finding resolved: right-size ${name}`,
        type: 'resolution',
        source: 'right-sizing',
        target: `deployment/todo/${name}`,
        finding: `right-sizing:Deployment/todo/${name}:resources:app`,
        timestamps: { detected: at(5) },
      });
    const q = computeQuality(readTrail(dir).records);
    // cpu: before 4×500 + 2×1000 = 4000m, after 4×300 + 2×800 = 2800m: −30 %.
    expect(q.right_sizing).toMatchObject({ changes: 2, cpu_before_cores: 4, cpu_after_cores: 2.8 });
    expect(q.right_sizing.cpu_change).toBeCloseTo(-0.3, 10);
    expect(q.right_sizing.memory_change).toBeCloseTo(-0.5, 10);
    expect(q.toil).toEqual({ resolved: 2, through_queue: 1, by_hand: 1, share_through_queue: 0.5 });
    expect(q.by_source['right-sizing']).toMatchObject({ decided: 2, acted_upon: 2, actionable: 1 });
  });
});

describe('a structured rejection', () => {
  it('is refused off the short list, and a hand edit of its reason breaks phr verify', async () => {
    const { dir, alice, bob } = trail();
    const r = await alice.create(recommendation('api'));
    // Signed by an allowed key, yet off the list: the table of transitions refuses it.
    await expect(bob.append(r.id, { kind: 'rejected', reason: 'because', text: '' })).rejects.toThrow(
      'rejected for "because", not one of wrong-diagnosis, wrong-fix, not-now, duplicate',
    );
    await bob.append(r.id, { kind: 'rejected', reason: 'wrong-fix', text: 'limits too low' });
    const run = async (args: string[]) => {
      let out = '';
      return { code: await phrMain(args, (t) => void (out += t)), out };
    };
    expect((await run(['verify', '--history-dir', dir, '--no-cluster'])).code).toBe(0);
    // The adversary makes a wrong fix look like bad timing, in the event line and the section.
    const file = join(dir, 'prompts', `${r.id}.md`);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('"reason":"wrong-fix"', '"reason":"not-now"')
        .replace('wrong fix — limits', 'not now — limits'),
    );
    const verify = await run(['verify', '--history-dir', dir, '--no-cluster']);
    expect(verify.code).toBe(1);
    expect(verify.out).toContain(`broken: ${r.id}: event 2 (rejected) does not match its hash (edited)`);
    // Nor is the edited record counted.
    expect(readTrail(dir).skipped).toEqual([{ record: r.id, reason: 'event 2 does not match its hash' }]);
    expect(computeQuality(readTrail(dir).records).rejection_reasons).toEqual({});
  });

  it('leaves a free-text rejection from before the short list verifying, counted as unspecified', async () => {
    const { dir, alice, bob } = trail();
    const r = await alice.create(recommendation('api', { quality: undefined }));
    await bob.append(r.id, { kind: 'rejected', reason: 'not during business hours' });
    const meta = openHistory(dir).get(r.id).meta;
    expect(meta.rejection).toBeUndefined();
    expect(readFileSync(join(dir, 'prompts', `${r.id}.md`), 'utf8')).not.toMatch(/^(rejection|confidence):/m);
    let out = '';
    expect(await phrMain(['verify', '--history-dir', dir, '--no-cluster'], (t) => void (out += t))).toBe(0);
    const q = computeQuality(readTrail(dir).records);
    expect(q.rejection_reasons).toEqual({ unspecified: 1 });
    expect(q.by_confidence).toEqual({
      unrated: {
        decided: 1,
        acted_upon: 0,
        rejected: 1,
        expired: 0,
        open: 0,
        actionable: 0,
        reasons: { unspecified: 1 },
      },
    });
  });
});
