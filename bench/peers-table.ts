// bench:peers' pure parts: when an idle program is sampled, and the Markdown table of one target
// at one pod count (medians, ratios to kubectl and to k9s), so that both have a table test.
import { median } from './harness.js';

export type Sample = { at: number; what: 'rss'; index: number } | { at: number; what: 'cpu-from' | 'cpu-to' };

/**
 * The samples of a program left idle, in seconds from its first frame, in the order to take them:
 * RSS at each of `rssAt`; CPU from the first RSS sample for `cpuSeconds` (so the default 15,75 and
 * 60 make the CPU window the span between the two RSS samples). Ties keep RSS first.
 */
export function idleSchedule(rssAt: readonly number[], cpuSeconds: number): Sample[] {
  const from = rssAt[0] ?? 0;
  const samples: Sample[] = [
    ...rssAt.map((at, index) => ({ at, what: 'rss' as const, index })),
    { at: from, what: 'cpu-from' },
    { at: from + cpuSeconds, what: 'cpu-to' },
  ];
  return samples.sort((a, b) => a.at - b.at || rank(a) - rank(b));
}
const rank = (s: Sample) => (s.what === 'rss' ? 0 : s.what === 'cpu-from' ? 1 : 2);

export interface IdleFigures {
  /** MB at each RSS sample. */
  rss: number[];
  /** % of one core. */
  cpuPercent: number;
}

export interface PeersResult {
  title: string;
  runs: number;
  load: string;
  rssAt: readonly number[];
  cpuSeconds: number;
  /** Program → its first frames in ms, in launch order; the kubectl and k9s rows are named below. */
  frames: ReadonlyMap<string, readonly number[]>;
  idle: ReadonlyMap<string, IdleFigures>;
  kubectl: string;
  k9s: string;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number | undefined) => (b && Number.isFinite(b) ? (a / b).toFixed(2) : '—');

export function peersTable(r: PeersResult): string {
  const medians = new Map([...r.frames].map(([name, values]) => [name, median(values)]));
  const rssHeading = r.rssAt.map((s) => `${s} s`).join(' → ');
  const lines = [
    `### ${r.title}`,
    '',
    `median of ${r.runs} interleaved launches; load average at the start ${r.load}`,
    '',
    `| | first frame | × kubectl | × k9s | RSS after ${rssHeading} idle | idle CPU over ${r.cpuSeconds} s | first frames (ms) |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const [name, values] of r.frames) {
    const m = medians.get(name)!;
    const idle = r.idle.get(name);
    const rss = idle ? idle.rss.map((mb) => `${count(mb)} MB`).join(' → ') : '—';
    const cpu = idle ? `${idle.cpuPercent.toFixed(1)} % of a core` : '—';
    const label = name === r.kubectl ? `\`${name}\`` : name;
    lines.push(
      `| ${label} | ${count(m)} ms | ${ratio(m, medians.get(r.kubectl))} | ${ratio(m, medians.get(r.k9s))} | ${rss} | ${cpu} | ${values.map(Math.round).join(', ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}
