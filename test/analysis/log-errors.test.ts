import { describe, expect, it } from 'vitest';
import {
  isErrorLine,
  logErrors,
  logVerdict,
  normalizeLine,
} from '../../src/analysis/analyzers/log-errors.js';
import { resolveOptions } from '../../src/analysis/options.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { pod, runningStatus, snapshot, workload } from './fixtures.js';

const options = resolveOptions();

describe('isErrorLine', () => {
  it.each<[string, boolean]>([
    ['2026-03-01T11:59:01Z ERROR db: connection refused', true],
    ['time=2026-03-01T11:59:01Z level=error msg="upstream timeout"', true],
    ['{"ts":1,"level":"error","msg":"write failed"}', true],
    ['{"severity":"CRITICAL","message":"disk full"}', true],
    ['2026/03/01 11:59:01 [error] 7#7: *1 connect() failed (111: Connection refused)', true],
    ['E0301 11:59:01.123456       1 reflector.go:138] failed to list', true],
    ['panic: runtime error: invalid memory address or nil pointer dereference', true],
    ['Traceback (most recent call last):', true],
    ['java.lang.NullPointerException: Cannot invoke "String.length()"', true],
    ['Exception in thread "main" java.lang.IllegalStateException', true],
    ['FATAL: password authentication failed for user "app"', true],
    ['10.0.0.1 - - [01/Mar/2026:11:59:01 +0000] "GET /api/todos HTTP/1.1" 503 19 "-" "curl/8"', true],
    ['{"method":"POST","path":"/x","status":500}', true],
    ['method=GET path=/x status=502 duration=3ms', true],
    // Not errors:
    ['10.0.0.1 - - [01/Mar/2026:11:59:01 +0000] "GET /api/todos HTTP/1.1" 200 512 "-" "curl/8"', false],
    ['level=info msg="retrying after error"', false],
    ['INFO 0 errors found', false],
    ['ERROR_COUNT=0', false],
    ['WARN slow query (503 ms)', false],
    ['{"level":"info","msg":"status 500 handled by retry"}', false],
    ['I0301 11:59:01.123456 1 main.go:10] started', false],
  ])('%s → %s', (line, expected) => {
    expect(isErrorLine(line)).toBe(expected);
  });
});

describe('normalizeLine', () => {
  it.each<[string, string, boolean]>([
    [
      '2026-03-01T11:59:01Z ERROR request 1234 failed',
      '2026-03-01T11:59:02.5Z ERROR request 99 failed',
      true,
    ],
    [
      'ERROR order 3f2a9c1e-1b2c-4d5e-8f90-a1b2c3d4e5f6 lost',
      'ERROR order 00000000-1111-2222-3333-444444444444 lost',
      true,
    ],
    ['ERROR trace 7f9a2b3c4d5e6f70 at 0xdeadbeef', 'ERROR trace 0a1b2c3d4e5f6a7b at 0x1', true],
    ['ERROR db: connection refused', 'ERROR cache: connection refused', false],
  ])('%s ~ %s: %s', (a, b, same) => {
    expect(normalizeLine(a) === normalizeLine(b)).toBe(same);
  });
});

describe('logVerdict', () => {
  it.each<[number, number, ReturnType<typeof logVerdict>]>([
    [0, 100, undefined],
    [2, 4, undefined], // a large share but only a stray couple of lines
    [3, 10, 'share'],
    [10, 1000, undefined],
    [20, 1000, 'count'],
    [0, 0, undefined],
  ])('%i errors in %i lines → %s', (errors, lines, expected) => {
    expect(logVerdict(errors, lines, options)).toBe(expected);
  });
});

describe('logErrors', () => {
  const refused = (i: number) => `2026-03-01T11:5${i % 10}:00Z ERROR db: connection refused (attempt ${i})`;
  const ok = (i: number) => `2026-03-01T11:59:00Z INFO GET /api/todos ${i}`;
  const web = workload('web', 3);
  const logsFor = (lines: string[][]) =>
    Object.fromEntries(web.pods.map((p, i) => [`todo/${p.metadata!.name}/app`, lines[i] ?? []]));
  const snap = (recentLogs: ClusterSnapshot['recentLogs'], pods = web.pods) =>
    snapshot({ deployments: [web.deployment], replicaSets: [web.replicaSet], pods, recentLogs });

  it('groups replicas into one finding per workload container, quoting each distinct error once', () => {
    const lines = (n: number) => [
      ...Array.from({ length: n }, (_, i) => refused(i)),
      ...Array.from({ length: 10 }, (_, i) => ok(i)),
      'panic: nil map',
    ];
    const findings = logErrors(snap(logsFor([lines(5), lines(3), []])), options);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      id: 'log-errors:Deployment/todo/web:errors:app',
      severity: 'warning',
      title: 'app logs errors: 10 of 30 recent lines (33 %)',
      runbook: 'log-errors',
    });
    const [p0, p1] = web.pods.map((p) => p.metadata!.name!);
    expect(finding!.detail).toEqual([
      '10 of 30 recent lines are errors (33 %) in container app',
      `pod ${p0}: 6 of 16 lines`,
      `pod ${p1}: 4 of 14 lines`,
      '2 distinct error lines:',
      `  ${refused(0)} (×8)`,
      '  panic: nil map (×2)',
    ]);
    expect(finding!.affected.map((a) => a.name)).toEqual([p0, p1]);
  });

  it.each<[string, ClusterSnapshot, number]>([
    ['no recent logs read', snap(undefined), 0],
    ['a clean log', snap(logsFor([Array.from({ length: 50 }, (_, i) => ok(i))])), 0],
    [
      "a container that is not running (its crash is the pod-failures analyzer's)",
      snap(logsFor([Array.from({ length: 10 }, (_, i) => refused(i))]), [
        pod(web.pods[0]!.metadata!.name!, {
          replicaSet: 'web-5d8f7',
          statuses: [
            { ...runningStatus(), ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        }),
      ]),
      0,
    ],
    [
      'a pod no longer in the snapshot',
      snap({ 'todo/gone-pod/app': Array.from({ length: 10 }, (_, i) => refused(i)) }),
      0,
    ],
  ])('%s', (_, s, count) => {
    expect(logErrors(s, options)).toHaveLength(count);
  });

  it('many errors but a small share: info', () => {
    const lines = [
      ...Array.from({ length: 25 }, (_, i) => refused(i)),
      ...Array.from({ length: 500 }, (_, i) => ok(i)),
    ];
    const [finding] = logErrors(snap(logsFor([lines])), options);
    expect(finding!.severity).toBe('info');
  });

  it('bounds the quoted lines to the most frequent', () => {
    const lines = Array.from({ length: 8 }, (_, i) => `ERROR failure kind ${String.fromCharCode(97 + i)}`);
    const [finding] = logErrors(snap(logsFor([lines])), { ...options, logErrorQuotes: 2 });
    expect(finding!.detail.filter((l) => l.startsWith('  '))).toHaveLength(2);
    expect(finding!.detail).toContain('8 distinct error lines, the 2 most frequent:');
  });
});
