// npm run bench:phr — the audit trail's figures: `phr verify` (verifyTrail: hashes, chain,
// signatures, transitions, front matter) over 10,000 signed records, each created by alice,
// approved by bob, then executing, executed and validated; and the latency of a durable append
// (lock, replay, sign, write, fsync, rename, fsync dir) through openHistory with a signer, signed
// (create, approve) and unsigned (executing, executed) for comparison.
//
// The 10,000 records are written with the store's own functions (eventHash, the renderers, the
// lifecycle replay, the signer) rather than 50,000 durable appends: the bytes are the same, and
// verify — which trusts nothing — says so before anything is measured.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanValue, openHistory, type History } from '../src/audit/history.js';
import { keySigner, parseAllowedSigners, type Signer } from '../src/audit/identity.js';
import { operationHash, replay } from '../src/audit/lifecycle.js';
import { eventHash, eventLine, renderFrontMatter, type TrailEvent } from '../src/audit/record-format.js';
import { renderCreation, renderSection } from '../src/audit/render.js';
import { parsePrivateKey } from '../src/audit/sshsig.js';
import type { PhrEvent, RecordInit } from '../src/audit/types.js';
import { verifyTrail } from '../src/audit/verify.js';
import { bench, step } from './harness.js';
import { reportMetricsMain } from '../src/app/phr-cli.js';
import { generateKey } from '../src/workflow/trust.js';

const RECORDS = Number(process.env.RECORDS ?? 10_000);
const APPENDS = Number(process.env.APPENDS ?? 300);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function person(name: string): { signer: Signer; line: string } {
  const key = generateKey();
  return { signer: keySigner(name, parsePrivateKey(key.privatePem)!), line: `${name} ${key.publicLine}` };
}

const alice = person('alice');
const bob = person('bob');
const allowed = parseAllowedSigners(`${alice.line}\n${bob.line}\n`, 'bench/allowed_signers');
const open = (dir: string, who: { signer: Signer }): History =>
  openHistory(dir, { signer: who.signer, allowedSigners: allowed });

const expires = new Date(Date.now() + 365 * 86400_000).toISOString();
function init(i: number): RecordInit {
  const operation = {
    kind: 'scale',
    target: { kind: 'Deployment', namespace: 'todo', name: `app-${i}` },
    replicas: 3,
  };
  return {
    title: `Scale app-${i} to 3`,
    type: 'scaling',
    tier: 'low',
    source: 'bench',
    target: `deployment/todo/app-${i}`,
    operation,
    approval: { required: 1, expires },
    recommendation: {
      summary: `scale app-${i} from 1 to 3`,
      kubectl: `kubectl scale deployment/app-${i} -n todo --replicas=3`,
    },
  };
}
const lifecycle = (i: number): PhrEvent[] => [
  { kind: 'executing', by: 'alice' },
  { kind: 'executed', operation: 'scale', kubectl: `kubectl scale deployment/app-${i} -n todo --replicas=3` },
  { kind: 'validated', detail: '3/3 ready' },
];

/** Records `from`..`to` written as history.create/append would write them, continuing the chain from `head`. */
async function generate(
  prompts: string,
  from: number,
  to: number,
  head: { events: number; hash: string },
): Promise<void> {
  let n = head.events;
  let prev = head.hash;
  const seal = async (
    record: string,
    kind: string,
    data: Record<string, unknown>,
    at: string,
    section: string,
    by?: Signer,
  ) => {
    const unsealed: Omit<TrailEvent, 'hash' | 'sig'> = {
      v: 2,
      n: ++n,
      record,
      kind,
      at,
      data,
      prev,
      ...(by ? { by: by.principal, key: by.publicKey.fingerprint } : {}),
    };
    const hash = eventHash(unsealed, section);
    const event: TrailEvent = { ...unsealed, hash, ...(by ? { sig: await by.sign(hash) } : {}) };
    prev = hash;
    return { event, section, line: eventLine(event) };
  };
  const base = Date.parse('2026-11-01T00:00:00Z');
  for (let seq = from; seq <= to; seq++) {
    const clean = cleanValue(init(seq));
    const id = `${String(seq).padStart(5, '0')}-scale-app-${seq}-to-3`;
    const at = (k: number) => new Date(base + seq * 60_000 + k * 1000).toISOString();
    const events = [
      await seal(
        id,
        'created',
        {
          type: clean.type,
          title: clean.title,
          source: clean.source,
          tier: clean.tier,
          target: clean.target,
          operation: clean.operation,
          op_hash: operationHash(clean.operation),
          required_approvers: 1,
          expires,
          recommendation: clean.recommendation,
        },
        at(0),
        `${renderCreation(clean, at(0), 'alice').trimEnd()}\n\n`,
        alice.signer,
      ),
    ];
    const opHash = operationHash(clean.operation);
    const appended: [PhrEvent, Signer | undefined][] = [
      [{ kind: 'approved' }, bob.signer],
      ...lifecycle(seq).map((e): [PhrEvent, undefined] => [e, undefined]),
    ];
    for (const [k, [event, by]] of appended.entries()) {
      const { kind, ...fields } = event;
      const data = cleanValue({
        ...fields,
        ...(kind === 'approved' ? { op_hash: opHash, approver: 'bob' } : {}),
      });
      const section = `\n${renderSection({ kind, ...data } as PhrEvent, at(k + 1)).trimEnd()}\n\n`;
      events.push(await seal(id, kind, data, at(k + 1), section, by));
    }
    const { meta, problem } = replay(
      id,
      seq,
      events.map((e) => e.event),
      { signerOf: (e) => ({ principal: e.by!, key: e.key! }) },
    );
    if (problem) throw new Error(`generated ${id}: ${problem}`);
    writeFileSync(
      join(prompts, `${id}.md`),
      renderFrontMatter(meta) + events.map((e) => `${e.section}${e.line}\n`).join(''),
    );
  }
}

/** One record's whole life through the API; returns each step's latency. */
async function throughApi(a: History, b: History, i: number, into: Record<string, number[]>): Promise<void> {
  const time = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    (into[label] ??= []).push(performance.now() - start);
    return result;
  };
  const meta = await time('create (signed, alice)', () => a.create(init(i)));
  await time('approve (signed, bob)', () => b.append(meta.id, { kind: 'approved' }));
  const [executing, executed, validated] = lifecycle(i);
  await time('executing (unsigned)', () => a.append(meta.id, executing!));
  await time('executed (unsigned)', () => a.append(meta.id, executed!));
  await time('validated (unsigned)', () => a.append(meta.id, validated!));
}

const dir = mkdtempSync(join(tmpdir(), 'bench-phr-'));
const fresh = mkdtempSync(join(tmpdir(), 'bench-phr-fresh-'));
// Every step has a time-out (generous for 10,000 records on a loaded machine); the whole, 30 minutes.
await bench('phr', 30 * 60_000, async () => {
  try {
    const ms = (n: number) => `${n.toFixed(2)} ms`;
    const rows: string[] = [];

    // The trail: record 1 (the allowed signers) and record 2 through the API, the rest generated.
    const genStart = performance.now();
    const a = open(dir, alice);
    const b = open(dir, bob);
    const warm: Record<string, number[]> = {};
    await step('record 2 through the API', 60_000, () => throughApi(a, b, 2, warm));
    await step(`generate ${RECORDS} signed records`, 15 * 60_000, () =>
      generate(a.dir, 3, RECORDS + 1, a.head()),
    );
    // The store's head cache names record 2, which still ends with the event it names: written
    // behind the store's back, the trail must drop the cache so the next writer scans for the head.
    unlinkSync(join(a.dir, '.head'));
    const genS = (performance.now() - genStart) / 1000;
    console.error(
      `generated ${RECORDS.toLocaleString('en')} signed records (+ the trust record) in ${genS.toFixed(1)} s`,
    );

    const verifyMs: number[] = [];
    let report;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      report = await step(`phr verify, run ${run + 1}`, 5 * 60_000, () => verifyTrail(a.dir));
      verifyMs.push(performance.now() - start);
      if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    }
    rows.push(
      `| \`phr verify\` over ${report!.records.toLocaleString('en')} records, ${report!.events.toLocaleString('en')} events (${(RECORDS * 2 + 1).toLocaleString('en')} signatures); 3 runs | ${(percentile(verifyMs, 50) / 1000).toFixed(2)} s | ${(Math.max(...verifyMs) / 1000).toFixed(2)} s (max) |`,
    );

    // `report metrics` (its command, in this process) over the same trail: goal ≤ 1 s.
    const metricsMs: number[] = [];
    const metricsCpu = process.cpuUsage();
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      let json = '';
      await step(`report metrics run ${run + 1}`, 60_000, () =>
        reportMetricsMain(['--history-dir', dir, '--json'], (t) => void (json += t)),
      );
      metricsMs.push(performance.now() - start);
      const counted = (JSON.parse(json) as { records: number }).records;
      if (counted !== RECORDS + 1) throw new Error(`report metrics counted ${counted} records`);
    }
    rows.push(
      `| \`report metrics --json\` over ${(RECORDS + 1).toLocaleString('en')} records; 3 runs (CPU ${(({ user, system }) => (user + system) / 3e6)(process.cpuUsage(metricsCpu)).toFixed(2)} s a run) | ${(percentile(metricsMs, 50) / 1000).toFixed(2)} s | ${(Math.max(...metricsMs) / 1000).toFixed(2)} s (max) |`,
    );

    // Durable appends, on the big trail and on a fresh one.
    for (const [label, where] of [
      [`on the ${RECORDS.toLocaleString('en')}-record trail`, dir],
      ['on a fresh trail', fresh],
    ] as const) {
      const ha = open(where, alice);
      const hb = open(where, bob);
      const times: Record<string, number[]> = {};
      const offset = label === 'on a fresh trail' ? 0 : RECORDS + 2;
      await step(`warm-up append ${label}`, 60_000, () => throughApi(ha, hb, offset + 1, {})); // the trust record on a fresh trail
      for (let i = 0; i < APPENDS; i++)
        await step(`record ${i + 1} of ${APPENDS} appended ${label}`, 60_000, () =>
          throughApi(ha, hb, offset + 2 + i, times),
        );
      for (const [step, values] of Object.entries(times))
        rows.push(
          `| durable ${step}, ${label} (${values.length}) | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} |`,
        );
    }
    const after = await step('phr verify after the appends', 5 * 60_000, () => verifyTrail(a.dir));
    if (!after.ok)
      throw new Error(`verify after the appends failed: ${JSON.stringify(after.problems.slice(0, 3))}`);

    // Retention: the older half of the trail archived (one run), then verify across the boundary.
    const archiveStart = performance.now();
    const archived = await step('phr archive of the older half', 5 * 60_000, () =>
      a.archive(Date.parse('2026-11-01T00:00:00Z') + Math.floor(RECORDS / 2) * 60_000),
    );
    const archiveMs = performance.now() - archiveStart;
    const acrossMs: number[] = [];
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const across = await step(`phr verify across the archive, run ${run + 1}`, 5 * 60_000, () =>
        verifyTrail(a.dir),
      );
      acrossMs.push(performance.now() - start);
      if (!across.ok)
        throw new Error(`verify across the archive: ${JSON.stringify(across.problems.slice(0, 3))}`);
    }
    rows.push(
      `| \`phr archive\`: ${archived!.archived.length.toLocaleString('en')} records into one archive (1 run) | ${(archiveMs / 1000).toFixed(2)} s | |`,
      `| \`phr verify\` with them archived, ${after.records.toLocaleString('en')} records in all; 3 runs | ${(percentile(acrossMs, 50) / 1000).toFixed(2)} s | ${(Math.max(...acrossMs) / 1000).toFixed(2)} s (max) |`,
    );

    console.log(`| figure | p50 | p95 |
|---|---|---|
${rows.join('\n')}`);
  } finally {
    // BENCH_KEEP=1 keeps the 10,000-record trail for profiling verify on its own.
    if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    rmSync(fresh, { recursive: true, force: true });
  }
});
