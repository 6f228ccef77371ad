// `npm run docs:screens`: the demo in tmux at 160×48 and 80×24, each view visited with the keys a
// person presses, each screen written as text to docs/screens/<view>-<size>.txt, and one
// docs/screens/README.md that shows them all.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale, hasTmux, root, startDemo, type TmuxCockpit } from '../test/e2e/tmux-cockpit.js';

const out = join(root, 'docs', 'screens');
const editor = join(root, 'test', 'e2e', 'fixtures', 'scale-to-two.mjs');

interface Capture {
  view: string;
  title: string;
  size: string;
}

/** The views, in order: each opens from the pods view and returns to it. */
const VIEWS: { view: string; title: string; visit(c: TmuxCockpit): Promise<string> }[] = [
  {
    view: 'pods',
    title: 'pods, with the crash loop',
    visit: (c) =>
      c.waitFor(
        (s) => /backend-\w+-\w+ +0\/1 +CrashLoopBackOff/.test(s) && /findings \(\d+\) [1-9]/.test(s),
        'the crash loop and its finding',
        60_000,
      ),
  },
  { view: 'deploy', title: ':deploy', visit: (c) => command(c, 'deploy', 'deployments (2)') },
  {
    view: 'deploy-pods',
    title: 'enter on a deployment: its pods, under a breadcrumb',
    async visit(c) {
      await command(c, 'deploy', 'deployments (2)');
      await c.keys('Enter');
      return c.waitFor((s) => s.includes('deploy › todo/backend › pods'), 'the drill-down');
    },
  },
  { view: 'svc', title: ':svc', visit: (c) => command(c, 'svc', 'services (') },
  { view: 'events', title: ':events', visit: (c) => command(c, 'events', 'events (') },
  { view: 'nodes', title: ':nodes', visit: (c) => command(c, 'nodes', 'nodes (') },
  {
    view: 'describe',
    title: 'd: describe the crashing pod, at its Events',
    async visit(c) {
      await selectCrashing(c);
      await c.keys('d');
      await c.waitFor((s) => s.includes('describe po') && s.includes('Name:'), 'describe');
      await c.keys('G');
      return c.waitFor((s) => s.includes('Events:'), 'the events');
    },
  },
  {
    view: 'yaml',
    title: 'y: the pod as YAML',
    async visit(c) {
      await selectCrashing(c);
      await c.keys('y');
      return c.waitFor((s) => s.includes('yaml po') && s.includes('apiVersion: v1'), 'the YAML');
    },
  },
  {
    view: 'logs',
    title: "l then p: the crashing pod's previous run",
    async visit(c) {
      await selectCrashing(c);
      await c.keys('l');
      await c.waitFor((s) => s.includes('logs todo/'), 'the log');
      await c.keys('p');
      return c.waitFor((s) => s.includes('previous run') && s.includes('startup failed'), 'the previous log');
    },
  },
  {
    view: 'help',
    title: '?: help from the key table',
    async visit(c) {
      await c.keys('?');
      return c.waitFor((s) => s.includes('keys (esc or ? closes)'), 'help');
    },
  },
  {
    view: 'ns-pick',
    title: ':ns: the namespaces to pick from',
    async visit(c) {
      await c.keys(':');
      await c.type('ns');
      await c.keys('Enter');
      return c.waitFor((s) => s.includes('kube-system') && s.includes('todo'), 'the namespace list');
    },
  },
  {
    view: 'approvals',
    title: 'the approvals pane with a recommendation (an edit of frontend, proposed with e)',
    async visit(c) {
      await command(c, 'deploy', 'deployments (2)');
      await moveTo(c, /│ ›(?:todo +)?frontend /);
      await c.keys('e');
      await c.waitFor((s) => s.includes('edit in $EDITOR and propose'), 'the question');
      await c.keys('y');
      await c.waitFor((s) => /queued \S+ \(critical\)/.test(s), 'the edit queued');
      return focus(c, 'approvals', (s) => s.includes('patch deployment todo/frontend with its edit'));
    },
  },
  {
    view: 'approval-diff',
    title: "a on it: the server's dry run as a diff, to be scrolled to its end before y",
    async visit(c) {
      await focus(c, 'approvals', (s) => s.includes('with its edit'));
      await c.keys('a');
      return c.waitFor((s) => s.includes('approve: patch deployment') && s.includes('@@'), 'the diff');
    },
  },
];

/** Runs `:KIND` and waits for its title. */
async function command(c: TmuxCockpit, kind: string, title: string): Promise<string> {
  await c.keys(':');
  await c.type(kind);
  await c.waitFor((s) => s.includes(`:${kind}`), `:${kind} typed`);
  await c.keys('Enter');
  return c.waitFor((s) => s.includes(title), `the ${kind} view`);
}

/** Moves the list's cursor with j, one key per frame, until its row matches. */
async function moveTo(c: TmuxCockpit, row: RegExp): Promise<void> {
  const cursor = (s: string) => /│ ›(\S+(?: +\S+)?)/.exec(s)?.[1];
  for (const key of ['j', 'k'])
    for (let i = 0; i < 10 && !row.test(await c.screen()); i++) {
      const before = cursor(await c.screen());
      await c.keys(key);
      // At the end of the list nothing moves: then the other way.
      const moved = await c
        .waitFor((s) => cursor(s) !== before || row.test(s), 'the cursor moving', 3000)
        .catch(() => undefined);
      if (!moved) break;
    }
  await c.waitFor((s) => row.test(s), `the row ${row}`);
}

async function selectCrashing(c: TmuxCockpit): Promise<void> {
  await moveTo(c, /│ ›(?:\S+ +)?backend-\w+-\w+ +0\/1 /);
}

/** Tabs to a pane and waits for it to show what is wanted. */
async function focus(c: TmuxCockpit, pane: string, shows: (s: string) => boolean): Promise<string> {
  for (let i = 0; i < 6 && /▸ ([a-z]+)/.exec(await c.screen())?.[1] !== pane; i++) {
    const before = /▸ ([a-z]+)/.exec(await c.screen())?.[1];
    await c.keys('Tab');
    await c.waitFor((s) => /▸ ([a-z]+)/.exec(s)?.[1] !== before, 'the focus moving');
  }
  return c.waitFor((s) => /▸ ([a-z]+)/.exec(s)?.[1] === pane && shows(s), `the ${pane} pane`);
}

/** Back to the pods view of all namespaces, nothing open. */
async function reset(c: TmuxCockpit): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await c.keys('Escape');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await command(c, 'pods', 'pods (');
  await focus(c, 'pods', () => true);
}

async function captureAt(width: number, height: number): Promise<Capture[]> {
  const size = `${width}x${height}`;
  const c = await startDemo(width, height, { env: [`EDITOR=${process.execPath} ${editor}`] });
  const captures: Capture[] = [];
  try {
    for (const { view, title, visit } of VIEWS) {
      if (view !== 'pods' && view !== 'approval-diff') await reset(c);
      const screen = await visit(c);
      writeFileSync(join(out, `${view}-${size}.txt`), screen.replace(/[ \t]+$/gm, '') + '\n');
      captures.push({ view, title, size });
      process.stdout.write(`${view}-${size}.txt\n`);
    }
  } finally {
    await c.keys('Escape');
    await c.keys('q');
    await c.close();
  }
  return captures;
}

function index(captures: Capture[]): string {
  const parts = [
    '# Screens',
    '',
    'What `npm run demo` shows, captured as text from tmux by `npm run docs:screens`',
    '(scripts/capture-screens.ts) at 160×48 and at 80×24: the demo (todo scenario, speed 20) with',
    'each view visited by the keys a person presses. Ages and figures differ from run to run.',
    '',
  ];
  for (const { view, title, size } of captures) {
    const file = `${view}-${size}.txt`;
    parts.push(`## ${title} (${size.replace('x', '×')})`, '', `[${file}](${file})`, '');
    parts.push('```text', readFileSync(join(out, file), 'utf8').trimEnd(), '```', '');
  }
  return parts.join('\n');
}

if (!hasTmux) {
  process.stderr.write('capture-screens: tmux is not installed\n');
  process.exit(2);
}
await buildIfStale();
mkdirSync(out, { recursive: true });
const captures = [...(await captureAt(160, 48)), ...(await captureAt(80, 24))];
writeFileSync(join(out, 'README.md'), index(captures));
process.stdout.write(`${captures.length} screens and README.md in docs/screens\n`);
