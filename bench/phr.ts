// npm run bench:phr — the audit trail's figures: latency of a durable append (lock, write,
// fsync, rename, fsync dir) over 10,000 appends, and verify over 10,000 records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../src/audit/history.js';

const APPENDS = Number(process.env.APPENDS ?? 10_000);
const RECORDS = Number(process.env.RECORDS ?? 10_000);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-phr-'));
try {
  const history = openHistory(dir);
  // Appends spread over 100 records, a lifecycle's worth of events each.
  const ids: string[] = [];
  for (let i = 0; i < 100; i++)
    ids.push(
      (await history.create({ title: `decision ${i}`, type: 'scaling', tier: 'low', source: 'bench' })).id,
    );
  const appendMs: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const start = performance.now();
    await history.append(ids[i % ids.length]!, {
      kind: 'note',
      text: `event ${i}: scaled deployment/todo/frontend`,
    });
    appendMs.push(performance.now() - start);
  }
  // Records for verify: create up to RECORDS in all.
  const createMs: number[] = [];
  for (let i = ids.length; i < RECORDS; i++) {
    const start = performance.now();
    await history.create({ title: `decision ${i}`, type: 'diagnosis', source: 'bench' });
    createMs.push(performance.now() - start);
  }
  const verifyStart = performance.now();
  const result = history.verify();
  const verifyMs = performance.now() - verifyStart;
  if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.broken)}`);
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  console.log(`| figure | p50 | p95 |
|---|---|---|
| durable append (${APPENDS.toLocaleString('en')} appends over 100 records) | ${ms(percentile(appendMs, 50))} | ${ms(percentile(appendMs, 95))} |
| durable create (up to ${RECORDS.toLocaleString('en')} records) | ${ms(percentile(createMs, 50))} | ${ms(percentile(createMs, 95))} |
| \`phr verify\` over ${result.records.toLocaleString('en')} records | ${(verifyMs / 1000).toFixed(2)} s | |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
