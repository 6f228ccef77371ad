// `aiops-tui` (the cockpit): flags, connection and preflight, then the full-screen app. Every
// error before the first frame is one line on stderr and exit code 2.
import { constants } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, describeError } from '../cli/errors.js';
import { durationFlag, parseCommandLine } from '../cli/usage.js';
import { COCKPIT } from './cockpit-flags.js';
import { aiOptionsFrom } from '../assistants/backends.js';
import { deferredActions } from './deferred-actions.js';
import type { CockpitOptions } from './session.js';
import { trustFrom } from './trust-flags.js';
import { contextNames } from '../cluster/context-switch.js';
import { createCockpitStore, initialState, type CockpitStore } from '../state/store.js';
import { suspendScreen, type Suspendable } from '../ui/suspend-screen.js';
import { checkHistoryDir, demoHistoryDir } from '../audit/history-dir.js';
import { startCockpitData, type CockpitData } from '../cluster/cockpit-service.js';
import { loadConnection, preflight, type Connection } from '../cluster/connect.js';
import { firstScreenSettles } from './first-screen.js';

/** Simulated seconds per second in the demo: the backend's crash loop shows within seconds. */
const DEMO_SPEED = 10;

export async function cockpitMain(argv: string[]): Promise<number> {
  const { values, help } = parseCommandLine(COCKPIT, argv);
  if (help) {
    process.stdout.write(help);
    return 0;
  }
  if (values.speed !== undefined && !(Number(values.speed) > 0))
    throw new CliError(`--speed must be a positive number (got "${values.speed}")`);
  const speed = Number(values.speed ?? DEMO_SPEED);
  // In the demo, poll as often in simulated time as metrics-server scrapes (15 s).
  const metricsIntervalMs = durationFlag(
    'metrics-interval',
    values['metrics-interval'],
    values.demo ? Math.max(1000, 15_000 / speed) : 15_000,
    1000,
  );
  if (values.speed !== undefined && !values.demo) throw new CliError('--speed only applies with --demo');
  if (values['kagent-url'] !== undefined && !URL.canParse(values['kagent-url'])) {
    throw new CliError(
      `--kagent-url must be a URL like http://kagent-controller.kagent:8083 (got "${values['kagent-url']}")`,
    );
  }
  const aiTimeoutMs = durationFlag('ai-timeout', values['ai-timeout'], 60_000);
  // A bad history directory, policy, key or allowed-signers file is the user's to fix before anything starts.
  const ai = aiOptionsFrom({ ...values, timeoutMs: aiTimeoutMs });
  // The demo's records go to a scratch directory it names on screen, unless one was given.
  const historyDir = values.demo ? demoHistoryDir(flagGiven(argv, 'history-dir')) : values['history-dir'];
  const dirProblem = checkHistoryDir(historyDir);
  if (dirProblem) throw new CliError(dirProblem);
  const trust = await trustFrom(values);
  if (!process.stdin.isTTY)
    throw new CliError('stdin is not a terminal (the cockpit needs one; for scripts use aiops-tui analyze)');
  // Ink's colours come from chalk, which honours FORCE_COLOR but not NO_COLOR (no-color.org):
  // translate before Ink is loaded.
  if (values['no-color'] || process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  // Load the UI while the connection is made: the two largest imports overlap.
  const ui = loadUi();
  ui.catch(() => {});

  const sim = values.demo
    ? await (await import('../sim/index.js')).startSimulator({ scenario: 'todo', speed })
    : undefined;
  try {
    const connection = loadConnection({
      kubeconfig: sim?.kubeconfigPath ?? values.kubeconfig,
      context: values.context,
      namespace: values.namespace,
      // The demo shows the whole simulated cluster, as -A would.
      allNamespaces: values['all-namespaces'] ?? (sim !== undefined && values.namespace === undefined),
    });
    // What kubectl reports at once (refused, TLS, a 401) is one line before the screen; a server
    // slow to answer gets the frame, `connecting…`, and the watches that wait for it.
    // One credential before the first requests: an exec plugin (aws, gke-gcloud-auth-plugin,
    // kubelogin) runs once, not once per request at start (client-node caches only a token it
    // has). Its failure is the preflight's to report.
    await connection.kubeConfig.applyToHTTPSOptions({}).catch(() => {});
    const reached = preflight(connection);
    reached.catch(() => {});
    // The first lists go out beside the preflight: their round trips overlap the UI's loading.
    const store = createCockpitStore(initialState(connection));
    const data = startCockpitData(connection, metricsIntervalMs, {}, store);
    try {
      await Promise.race([reached, Promise.all([ui, graceFor(reached)])]);
    } catch (error) {
      data.stop();
      throw error;
    }
    return await runFullScreen(
      connection,
      store,
      data,
      {
        metricsIntervalMs,
        historyDir,
        ...(sim ? { demo: { speed, clock: () => sim.ctx.clock.now() } } : {}),
        kagentUrl: values['kagent-url'],
        kagentAgent: values['kagent-agent'],
        trust,
        // The demo's throwaway records never land in the repository it runs from.
        gitCommit: values['no-git-commit'] || values.demo ? false : undefined,
        readOnly: values['read-only'] ?? false,
        ai,
      },
      await ui,
    );
  } finally {
    await sim?.close();
  }
}

/**
 * How long the preflight's answer may hold the first frame: a refusal or a 401 over a distant
 * link still ends before the screen, and a server slower than this gets the screen.
 */
const PREFLIGHT_GRACE_MS = 1_000;

/** Resolves after PREFLIGHT_GRACE_MS, or as soon as `answer` settles (its timer then cleared). */
function graceFor(answer: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, PREFLIGHT_GRACE_MS);
    void answer.finally(() => (clearTimeout(timer), resolve())).catch(() => {});
  });
}

/** The value of a flag the command line itself gave (not its default). */
function flagGiven(argv: string[], name: string): string | undefined {
  const { tokens } = parseArgs({
    args: argv,
    options: { ...COCKPIT.options, help: { type: 'boolean' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const token = tokens.findLast((t) => t.kind === 'option' && t.name === name);
  return token?.kind === 'option' ? token.value : undefined;
}

function loadUi() {
  return Promise.all([
    import('ink'),
    import('../ui/App.js'),
    import('../ui/context.js'),
    import('../ui/fullscreen.js'),
  ]);
}

/** Where the demo's records went, and which clock they keep. */
const demoNotice = (historyDir: string, speed: number): string =>
  `demo: records in ${historyDir} (wall clock; cluster at ${speed}x)`;

/** How long the first frame waits for the first page of pods before it shows `connecting…`. */
const CONNECTING_FRAME_MS = 250;

/** How long the session waits for the first screen to settle before it loads anyway. */
const SESSION_WAIT_MS = 1_500;

/** How often the audit figures are re-read from the PHRs while the cockpit runs. */
const FIGURES_REFRESH_MS = 30_000;

async function runFullScreen(
  connection: Connection,
  store: CockpitStore,
  data: CockpitData,
  options: CockpitOptions,
  [{ render, useWindowSize, useApp }, { App }, { StoreProvider }, { enterFullScreen }]: Awaited<
    ReturnType<typeof loadUi>
  >,
): Promise<number> {
  const { historyDir } = options;
  // The watches are running; the frame comes next (connecting… until the first page), then the rest
  // of the session (workflow, findings, chat, kagent), whose modules load behind the first frame.
  // Set once the app renders: the editor of `e` needs Ink's hand-over and our alternate screen.
  let inkSuspend: Suspendable['suspendTerminal'] | undefined;
  let screen: ReturnType<typeof enterFullScreen> | undefined = undefined;
  const suspend = <T,>(run: () => Promise<T>): Promise<T> =>
    inkSuspend && screen ? suspendScreen({ suspendTerminal: inkSuspend }, screen, run) : run();
  if (options.demo) store.getState().setUi({ notice: demoNotice(historyDir, options.demo.speed) });
  let exitCode = 0;
  // Filled in once the app renders: a signal before the first frame ends the launch there.
  const mounted: { unmount?: () => void } = {};
  let signalled = false;
  screen = enterFullScreen(process.stdout, (signal) => {
    // As a shell reports a process killed by a signal: 128 + its number.
    exitCode = 128 + (constants.signals[signal] ?? 0);
    signalled = true;
    mounted.unmount?.();
  });
  const crash = (error: unknown): void => {
    screen.leave();
    process.stderr.write(`aiops-tui: ${describeError(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let firstFrameDrawn!: () => void;
  const sessionsReady = new Promise<void>((resolve) => (firstFrameDrawn = resolve))
    .then(() => firstScreenSettles(store, SESSION_WAIT_MS))
    // A turn later: the frame of the first pods is written before the session's modules load.
    .then(() => new Promise((resolve) => setImmediate(resolve)))
    .then(() => import('./session.js'))
    .then(({ startSessions }) =>
      startSessions(
        connection,
        store,
        { ...options, suspend, notify: (title, body) => screen?.notify(title, body) },
        data,
      ),
    );
  let sessions: Awaited<typeof sessionsReady> | undefined;
  sessionsReady.then((started) => (sessions = started), crash);
  const actions = deferredActions(
    sessionsReady.then((s) => s.actions),
    () => contextNames(connection.kubeConfig),
  );
  const switchNamespace = async (namespace: string | undefined): Promise<void> =>
    (await sessionsReady).current().switchNamespace(namespace);
  function Sized() {
    const { columns, rows } = useWindowSize();
    inkSuspend = useApp().suspendTerminal;
    return (
      <App
        width={columns}
        height={rows}
        onNamespaceChange={switchNamespace}
        actions={actions}
        readOnly={options.readOnly}
      />
    );
  }
  // A server that answers at once has its pods in the first frame; a slow one gets `connecting…` soon.
  await firstScreenSettles(store, CONNECTING_FRAME_MS);
  if (signalled) {
    data.stop();
    screen.leave();
    return exitCode;
  }
  const app = render(
    <StoreProvider store={store}>
      <Sized />
    </StoreProvider>,
    { exitOnCtrlC: false, maxFps: 60, patchConsole: false },
  );
  mounted.unmount = () => app.unmount();
  firstFrameDrawn();
  const figures = await startFigures(store, historyDir);
  try {
    await app.waitUntilExit();
  } finally {
    figures.stop();
    // Quit before the session was up: its watches are ours to stop (the process exits next).
    if (sessions) sessions.stop();
    else data.stop();
    screen.leave();
    if (options.demo) process.stderr.write(`aiops-tui: ${demoNotice(historyDir, options.demo.speed)}\n`);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  }
  return exitCode;
}

/** The audit figures of the `m` overlay, re-read from the PHRs while the cockpit runs. */
async function startFigures(store: CockpitStore, historyDir: string): Promise<{ stop(): void }> {
  const [{ computeFigures }, { readTrail }] = await Promise.all([
    import('../audit/metrics.js'),
    import('../audit/read-trail.js'),
  ]);
  const readFigures = (): void => {
    // Read only a trail that exists: launching the cockpit creates no directories.
    if (!existsSync(join(historyDir, 'prompts'))) return;
    try {
      store.setState({ auditFigures: computeFigures(readTrail(historyDir).records) });
    } catch {
      // An unreadable record is `phr verify`'s to report; the overlay keeps the last figures.
    }
  };
  readFigures();
  const timer = setInterval(readFigures, FIGURES_REFRESH_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
