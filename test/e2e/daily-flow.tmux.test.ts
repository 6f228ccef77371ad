// The daily flow in one terminal, as a person runs it in the demo: find the broken thing,
// describe it, read its logs, fix it through the queue, watch the replacement run and the
// record validate — at 80×24 and at 160×48, read from the screen tmux shows.
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTeam } from '../audit/identities.js';
import {
  buildIfStale,
  cli,
  focused,
  hasTmux,
  rowsWith,
  startDemo,
  type TmuxCockpit,
} from './tmux-cockpit.js';

let cockpit: TmuxCockpit | undefined;

beforeAll(buildIfStale, 180_000);
afterEach(async () => {
  await cockpit?.close();
  cockpit = undefined;
});

/** A value cut mid-word: a letter or digit run straight into the ellipsis (`ContainerCreati…`). */
const cutMidWord = /[\p{L}\p{N}]…/u;

/** What a person reads in a row: no line past the width, no word cut. */
function expectReadable(rows: string[], width: number, what: string): void {
  expect(rows.length, `${what}: no rows`).toBeGreaterThan(0);
  for (const row of rows) {
    expect([...row].length, `${what}: wider than ${width}: ${row}`).toBeLessThanOrEqual(width);
    expect(row, `${what}: a word cut`).not.toMatch(cutMidWord);
  }
}

/** The rows of the pods list (not the metrics pane's `pod todo/…` line). */
const podRows = (screen: string) => rowsWith(screen, /[›\s]backend-\w+-\w+ +\d+\/\d+ /);

const sizes = [
  { width: 80, height: 24 },
  { width: 160, height: 48 },
];

describe.skipIf(!hasTmux).each(sizes)('the daily flow at $width×$height', ({ width, height }) => {
  it('crash loop → :deploy → backend pods → describe → logs → fix through the queue → replacement Running, validated', async () => {
    const team = makeTeam(['alice']);
    const c = (cockpit = await startDemo(width, height, { args: team.flags('alice') }));
    const narrow = width <= 80;
    const whole = (rows: string[], what: string) => {
      if (narrow) expectReadable(rows, width, what);
    };
    /**
     * Moves the cursor one row at a time (j, then k from the bottom), each key after the last one's
     * frame: keys that arrive together are a burst, where the cockpit acts on movement only.
     */
    const selectRow = async (
      wanted: (s: string) => string | undefined,
      what: string,
      // The selected row's first two words (a list's namespace and name): ages tick, names do not.
      cursor: (s: string) => string | undefined = (s) => /│ ›(\S+(?: +\S+)?)/.exec(s)?.[1],
    ) => {
      for (const key of ['j', 'k']) {
        for (let i = 0; i < 8 && !wanted(await c.screen()); i++) {
          const before = cursor(await c.screen());
          await c.keys(key);
          // At the end of the list nothing moves: then try the other way.
          const moved = await c
            .waitFor((s) => cursor(s) !== before || !!wanted(s), `the cursor moving (${key})`, 3000)
            .catch(() => undefined);
          if (!moved) break;
        }
      }
      return c.waitFor((s) => !!wanted(s), `${what} selected`);
    };
    const tabTo = async (pane: string) => {
      for (let i = 0; i < 6 && focused(await c.screen()) !== pane; i++) {
        const before = focused(await c.screen());
        await c.keys('Tab');
        await c.waitFor((s) => focused(s) !== before, `the focus leaving ${before}`);
      }
      return c.waitFor((s) => focused(s) === pane, `the ${pane} pane focused`);
    };

    // 1. The findings pane names the backend's crash loop (focused, it gets the room to say it).
    await c.waitFor(
      (s) => /backend-\w+-\w+ +0\/1 +CrashLoopBackOff/.test(s),
      'the crash-looping pod',
      60_000,
    );
    await tabTo('findings');
    const findings = await c.waitFor(
      (s) => rowsWith(s, /✖ backend is crash-looping/).length === 1,
      'the crash-loop finding',
    );
    if (narrow) for (const line of findings.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    await tabTo('pods');

    // 2. :deploy lists the deployments with kubectl's columns.
    await c.keys(':');
    await c.type('deploy');
    await c.keys('Enter');
    const deploys = await c.waitFor(
      (s) => s.includes('deployments (2)') && /todo +backend +1\/2 /.test(s),
      'the deployments view',
    );
    expect(rowsWith(deploys, 'NAME')[0]).toMatch(/NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE/);
    whole(rowsWith(deploys, /todo +(backend|frontend) /), 'deployment rows');

    // 3. enter on backend (the first row) drills into its pods, with a breadcrumb.
    await selectRow((s) => rowsWith(s, /›todo +backend /)[0], 'backend');
    await c.keys('Enter');
    const pods = await c.waitFor(
      (s) => s.includes('deploy › todo/backend › pods (2)') && podRows(s).length === 2,
      "backend's pods under a breadcrumb",
    );
    whole([...rowsWith(pods, 'deploy › todo/backend'), ...podRows(pods)], 'breadcrumb and pod rows');
    const crashingRow =
      rowsWith(pods, /backend-\w+-\w+ +0\/1 /)[0] ?? rowsWith(pods, /[1-9]\d* \(\w+ ago\)/)[0];
    const crashing = /(backend-\w+-\w+)/.exec(crashingRow ?? '')?.[1];
    expect(crashing, `a crashing backend pod in:\n${pods}`).toBeDefined();
    const healthy = podRows(pods)
      .map((row) => /(backend-\w+-\w+)/.exec(row)![1]!)
      .find((name) => name !== crashing)!;
    const oldHash = /backend-(\w+)-/.exec(crashing!)![1];

    await selectRow((s) => rowsWith(s, `›${crashing}`)[0], crashing!);

    // 4. d: describe, down to its Events, where the kubelet's BackOff is.
    await c.keys('d');
    await c.waitFor(
      (s) => s.includes(`describe po todo/${crashing}`) && s.includes('Name:'),
      'the describe overlay',
    );
    await c.keys('G');
    const events = await c.waitFor(
      (s) => s.includes('Events:') && /Warning +BackOff/.test(s),
      'Events with BackOff',
    );
    const backOff = rowsWith(events, /Warning +BackOff/)[0]!;
    // The message column may be cut at 80 (reported); the type, reason, age and source are whole.
    whole([/^.*?kubelet/.exec(backOff)![0]], 'the BackOff event');
    await c.keys('Escape');
    await c.waitFor(
      (s) => !s.includes('describe po') && s.includes('deploy › todo/backend'),
      'back at the pods',
    );

    // 5. l: the log; p: the previous run's log, where the crash is.
    await c.keys('l');
    await c.waitFor((s) => s.includes(`logs todo/${crashing}`) && s.includes('Uvicorn running'), 'the log');
    await c.keys('p');
    const previous = await c.waitFor(
      (s) => s.includes('previous run') && s.includes('Application startup failed'),
      "the previous run's log",
    );
    whole(rowsWith(previous, /Application startup failed|database\.connect/), 'the log lines');
    await c.keys('Escape');
    await c.waitFor(
      (s) => !s.includes(`logs todo/`) && s.includes('deploy › todo/backend'),
      'the log closed',
    );

    // 6. The fix through the queue: a on the finding proposes deleting the crashing pod (trivial:
    // its controller recreates it, and the simulator's fault hits one pod of a ReplicaSet only).
    await tabTo('findings');
    // Most severe first: a stuck rollout may rank beside it, so move until it is the selected one.
    await selectRow(
      (s) => rowsWith(s, /[✖▲●]›/).find((r) => r.includes('backend is crash-looping')),
      'the crash-loop finding',
      (s) => /[✖▲●]›(.{0,30})/.exec(s)?.[1],
    );
    await c.keys('a');
    const queued = await c.waitFor((s) => /queued \S+ \(trivial\)/.test(s), 'the fix queued');
    const id = /queued (\S+) \(trivial\)/.exec(queued)![1]!;
    const approvals = await tabTo('approvals');
    expect(approvals).toContain(`delete pod todo/${crashing}`);
    whole(rowsWith(approvals, 'delete pod todo/'), 'the operation in the approvals pane');

    // 7. The rollout: the pods view shows the replacement Running beside the healthy pod, the
    // crashing one gone; the approvals pane shows the record validated (after the stability window).
    const settled = await c.waitFor(
      (s) => {
        const rows = podRows(s);
        return (
          !rows.some((r) => r.includes(crashing!)) &&
          rows.length === 2 &&
          rows.every((r) => /1\/1 +Running +0 /.test(r) && r.includes(`backend-${oldHash}-`))
        );
      },
      'two backend pods Running without restarts, the crashing one replaced',
      60_000,
    );
    expect(settled).toContain(healthy);
    const validated = await c.waitFor(
      (s) => rowsWith(s, /trivial +validated/).length > 0,
      'the record validated',
      90_000,
    );
    whole(podRows(validated), 'the pods after the fix');

    // The trail says the same, read back through the CLI.
    const queue = await execa(process.execPath, [
      cli,
      'queue',
      ...['--kubeconfig', c.kubeconfig(), '--history-dir', c.historyDir],
      ...team.flags('alice'),
    ]);
    expect(queue.stdout).toMatch(new RegExp(`^${id} +trivial +validated +0/0 `, 'm'));

    await c.keys('q');
  }, 150_000);
});
