// The figures computed from a fixture history equal the values worked out by hand.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/audit/history.js';
import { computeFigures } from '../../src/audit/metrics.js';
import { reportMain } from '../../src/app/report-cli.js';
import { makeTeam } from './identities.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const team = makeTeam(['alice', 'bob', 'carol']);
const op = (kind: string, name: string) => ({
  kind,
  target: { kind: 'Deployment', namespace: 'todo', name },
});
/** Approvals are open for an hour from T0: every approval below falls inside it. */
const approval = (required: number) => ({ required, expires: at(3600) });

async function fixtureHistory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'phr-metrics-'));
  // A recommendation's time is its creation's: the clock is set to it before each create.
  let clock = T0;
  const open = (name: string) =>
    openHistory(dir, { signer: team.signer(name), allowedSigners: team.allowed, now: () => new Date(clock) });
  const h = open('carol');
  const alice = open('alice');
  const bob = open('bob');
  // Incident 1 (low): failure at 0 s, detected at 20 s, recommended 30 s, approved 90 s, validated 300 s.
  clock = T0 + 30_000;
  const a = await h.create({
    title: 'backend crash loop',
    type: 'diagnosis',
    tier: 'low',
    source: 'built-in',
    timestamps: { failure_started: at(0), detected: at(20) },
    operation: op('rollout-restart', 'backend'),
    approval: approval(1),
    recommendation: { summary: 'restart' },
  });
  await alice.append(a.id, { kind: 'approved', at: at(90) });
  await h.append(a.id, { kind: 'executing', at: at(95), by: 'carol' });
  await h.append(a.id, {
    kind: 'executed',
    at: at(100),
    operation: 'rollout restart',
    kubectl: 'kubectl rollout restart deployment/backend -n todo',
  });
  await h.append(a.id, { kind: 'validated', at: at(300) });
  // Incident 2 (critical): failure 0, detected 40 s, recommended 50 s, approvals at 350 s and 650 s,
  // executed, then failed (no validation) and rolled back: requested 700 s, done 705 s.
  clock = T0 + 50_000;
  const b = await h.create({
    title: 'frontend OOM',
    type: 'diagnosis',
    tier: 'critical',
    source: 'kagent',
    timestamps: { failure_started: at(0), detected: at(40) },
    operation: op('set-resources', 'frontend'),
    approval: approval(2),
    recommendation: { summary: 'raise the memory limit' },
  });
  await alice.append(b.id, { kind: 'approved', at: at(350) });
  await bob.append(b.id, { kind: 'approved', at: at(650) });
  await h.append(b.id, { kind: 'executing', at: at(655), by: 'carol' });
  await h.append(b.id, {
    kind: 'executed',
    at: at(660),
    operation: 'set resources',
    kubectl: 'kubectl set resources deployment/frontend -n todo --limits=memory=1Gi',
  });
  await h.append(b.id, { kind: 'failed', at: at(690), reason: 'pods not ready' });
  await h.append(b.id, { kind: 'rollback-requested', at: at(700), by: 'alice' });
  await h.append(b.id, { kind: 'rolled-back', at: at(705), success: true });
  // A medium change executed and never validated nor failed: not compliant. (Executing one
  // without its approval is no longer possible: the lifecycle refuses the event.)
  clock = T0 + 10_000;
  const c = await h.create({
    title: 'hpa for backend',
    type: 'scaling',
    tier: 'medium',
    source: 'built-in',
    operation: op('create-hpa', 'backend'),
    approval: approval(1),
    recommendation: { summary: 'create hpa' },
  });
  await bob.append(c.id, { kind: 'approved', at: at(15) });
  await h.append(c.id, { kind: 'executing', at: at(18), by: 'carol' });
  await h.append(c.id, {
    kind: 'executed',
    at: at(20),
    operation: 'create hpa',
    kubectl: 'kubectl autoscale deployment/backend -n todo --min=2 --max=5',
  });
  // Right-sizing applied to 2 replicas: 250m → 100m and 512Mi → 256Mi each.
  clock = T0;
  const d = await h.create({
    title: 'right-size frontend',
    type: 'optimization',
    tier: 'medium',
    source: 'built-in',
    operation: op('set-resources', 'frontend'),
    approval: approval(1),
    recommendation: { summary: 'set requests' },
  });
  await bob.append(d.id, { kind: 'approved', at: at(60) });
  await h.append(d.id, { kind: 'executing', at: at(65), by: 'carol' });
  await h.append(d.id, {
    kind: 'executed',
    at: at(70),
    operation: 'set resources',
    kubectl: 'kubectl set resources …',
    preMetrics: { replicas: 2, requests_cpu_millis: 250, requests_memory_bytes: 512 * 2 ** 20 },
  });
  await h.append(d.id, {
    kind: 'validated',
    at: at(200),
    postMetrics: { replicas: 2, requests_cpu_millis: 100, requests_memory_bytes: 256 * 2 ** 20 },
  });
  return dir;
}

describe('figures from the audit trail', () => {
  it('equal the hand-computed values', async () => {
    const figures = computeFigures(openHistory(await fixtureHistory()).list());
    // Four decisions and the trail's allowed signers (record 1).
    expect(figures.records).toBe(5);
    expect(figures.mttd).toEqual({ count: 2, p50_s: 20, p95_s: 40 });
    // MTTR: incident 1 validated at 300 s; incident 2 rolled back at 705 s.
    expect(figures.mttr).toEqual({ count: 2, p50_s: 300, p95_s: 705 });
    expect(figures.approval_latency.low).toEqual({ count: 1, p50_s: 60, p95_s: 60 });
    expect(figures.approval_latency.critical).toEqual({ count: 1, p50_s: 600, p95_s: 600 });
    // Medium: the right-sizing (60 s) and the hpa, which now must be approved to execute (5 s).
    expect(figures.approval_latency.medium).toEqual({ count: 2, p50_s: 5, p95_s: 60 });
    expect(figures.compliance).toMatchObject({
      executed: 3,
      complete: 2,
      incomplete: ['00004-hpa-for-backend'],
    });
    expect(figures.rollback).toMatchObject({
      requested: 1,
      succeeded: 1,
      success_rate: 1,
      time: { count: 1, p50_s: 5, p95_s: 5 },
    });
    expect(figures.cost_delta.cpu_cores).toBeCloseTo(-0.3, 10);
    expect(figures.cost_delta.memory_gib).toBeCloseTo(-0.5, 10);
  });

  it('aiops-tui report metrics prints them, and --since filters by creation', async () => {
    const dir = await fixtureHistory();
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: () => {} };
    expect(await reportMain(['metrics', '--history-dir', dir], io)).toBe(0);
    expect(out).toMatch(/^MTTD\s+p50 20 s, p95 40 s \(n=2\)$/m);
    out = '';
    expect(await reportMain(['metrics', '--history-dir', dir, '--since', '1h', '--json'], io)).toBe(0);
    expect(JSON.parse(out).records).toBe(0);
    await expect(reportMain(['metrics', '--since', 'soon'], io)).rejects.toThrow(
      '--since takes a duration like 7d, 12h or 30m, not "soon"',
    );
  });
});
