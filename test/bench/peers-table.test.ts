// bench:peers' schedule of idle samples and its table: the ratios are to the medians of the same
// run, a program without idle figures (kubectl) shows dashes, and the CPU window starts at the
// first RSS sample.
import { describe, expect, it } from 'vitest';
import { idleSchedule, peersTable } from '../../bench/peers-table.js';

describe('idleSchedule', () => {
  const cases: [string, number[], number, string][] = [
    ['the default: CPU between the two RSS samples', [15, 75], 60, 'rss0@15 cpu-from@15 rss1@75 cpu-to@75'],
    ['a short CPU window ends before the last RSS', [15, 75], 10, 'rss0@15 cpu-from@15 cpu-to@25 rss1@75'],
    ['a long one after it', [3, 8], 30, 'rss0@3 cpu-from@3 rss1@8 cpu-to@33'],
    ['one RSS sample', [5], 5, 'rss0@5 cpu-from@5 cpu-to@10'],
    ['RSS given out of order is taken in time order', [20, 10], 5, 'rss1@10 rss0@20 cpu-from@20 cpu-to@25'],
  ];
  it.each(cases)('%s', (_, rssAt, cpuSeconds, expected) => {
    const shown = idleSchedule(rssAt, cpuSeconds)
      .map((s) => (s.what === 'rss' ? `rss${s.index}@${s.at}` : `${s.what}@${s.at}`))
      .join(' ');
    expect(shown).toBe(expected);
  });
});

describe('peersTable', () => {
  const table = peersTable({
    title: 'simulator, 1,000 pods',
    runs: 3,
    load: '1.00 0.50 0.25',
    rssAt: [15, 75],
    cpuSeconds: 60,
    frames: new Map([
      ['kubectl get pods -A', [100, 300, 200]],
      ['aiops-tui', [500, 400, 9000]],
      ['k9s', [1000, 1000, 1000]],
    ]),
    idle: new Map([
      ['aiops-tui', { rss: [150.4, 160.6], cpuPercent: 1.25 }],
      ['k9s', { rss: [229, 232], cpuPercent: 5.1 }],
    ]),
    kubectl: 'kubectl get pods -A',
    k9s: 'k9s',
  });
  const row = (name: string) => table.split('\n').find((l) => l.startsWith(`| ${name} `))!;

  it('gives each program its median and its ratios to kubectl’s and k9s’s medians', () => {
    expect(row('`kubectl get pods -A`')).toMatch(
      /^\| `kubectl get pods -A` \| 200 ms \| 1\.00 \| 0\.20 \| — \| — \| 100, 300, 200 \|$/,
    );
    // The slow outlier (9,000 ms) does not move the median.
    expect(row('aiops-tui')).toMatch(
      /^\| aiops-tui \| 500 ms \| 2\.50 \| 0\.50 \| 150 MB → 161 MB \| 1\.3 % of a core \|/,
    );
    expect(row('k9s')).toMatch(
      /^\| k9s \| 1,000 ms \| 5\.00 \| 1\.00 \| 229 MB → 232 MB \| 5\.1 % of a core \|/,
    );
  });

  it('names the sample times and the run in its heading', () => {
    expect(table).toContain('### simulator, 1,000 pods');
    expect(table).toContain('median of 3 interleaved launches; load average at the start 1.00 0.50 0.25');
    expect(table).toContain('| RSS after 15 s → 75 s idle | idle CPU over 60 s |');
  });
});
