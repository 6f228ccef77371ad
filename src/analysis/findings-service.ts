// Findings kept current in the cockpit: every store change to what the analyzers read (any
// watched kind, whether it is known, usage, logs) schedules an analysis, so a pod failure seen in a watch event is a
// finding on screen within a second (MTTD), with no polling. The analyzers run in a worker thread
// (analysis-worker.ts), off the thread that reads keys and draws frames; it is sent only what
// changed since the last run (analysis-input.ts). Until the worker is up, or if it cannot start
// or dies, the analysis runs here as before.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { KIND_FIELD, type CockpitStore } from '../state/store.js';
import type { CockpitState } from '../state/types.js';
import { analyze } from './analyze.js';
import { emptyInput, inputDelta, splitDelta, type AnalysisInput } from './analysis-input.js';
import type { AnalyzeMessage, AnalyzeReply } from './analysis-worker.js';
import { FindingsReceiver } from './findings-delta.js';
import { snapshotFromState } from './snapshot.js';
import { FindingsTracker } from './tracker.js';
import type { Finding, FindingSource } from '../model/analysis.js';

/**
 * At most one analysis per interval: a change after a quiet spell is analysed at once (the
 * batcher already gathered its burst), a stream of changes twice a second, so churn on a large
 * cluster does not keep the event loop busy with analysis.
 */
export const ANALYSIS_INTERVAL_MS = 500;
/** The interval stretches to this many times the last analysis's cost (a 10,000-pod cluster). */
const COST_FACTOR = 40;
const MAX_INTERVAL_MS = 5_000;
/**
 * The worker's young generation: V8 otherwise grows it to 64 MB and more under the analyzers'
 * short-lived garbage, all of it resident; a small one is collected more often, and cheaply
 * (2 MB against 8: ~10 MB less at 1,000 pods; what a run leaves in the old generation the worker
 * collects itself, worker-gc.ts).
 */
const WORKER_YOUNG_GENERATION_MB = 2;

const OBJECT_FIELDS = Object.values(KIND_FIELD);
/** Besides the objects: what makes a kind known (synced, forbidden), usage and logs. */
const INPUTS = [
  'synced',
  'forbidden',
  'metrics',
  'logs',
  'logErrors',
  'recentLogs',
] as const satisfies readonly (keyof CockpitState)[];

/**
 * What the pane shows of the findings, digested: a run that changes none of it need not
 * re-render. A digest, not the text joined and kept (megabytes at 10,000 pods).
 */
const visible = (findings: readonly Finding[]): string => {
  const digest = createHash('sha1');
  // In slices of 1,000: one call per finding into the digest costs more than the join did.
  for (let i = 0; i < findings.length; i += 1000)
    digest.update(
      findings
        .slice(i, i + 1000)
        .map((f) => `${f.id}|${f.severity}|${f.title}|${f.firstSeen}\n`)
        .join(''),
    );
  return digest.digest('base64');
};

const inputOf = (state: CockpitState): AnalysisInput => state;

export interface FindingsService {
  /** Findings from another source (kagent) replace that source's previous ones. */
  report(source: FindingSource, findings: readonly Finding[]): void;
  /** Where the last analysis ran: in the worker, or on this thread (before it was up, or without it). */
  readonly lastRunIn: 'worker' | 'this thread' | undefined;
  /** Resolves true once the worker answers, false if there is none (or it failed). */
  workerReady(): Promise<boolean>;
  stop(): void;
}

export interface FindingsServiceOptions {
  /** Run the analyzers in a worker thread (default true); false keeps them on this thread. */
  worker?: boolean;
  /** Starts the worker (tests: one that fails); default: analysis-worker beside this file. */
  startWorker?: () => Worker;
  /** Told of each finding that went away, at the analysis time (the toil estimate's records). */
  onResolved?: (finding: Finding, at: number) => void;
}

/**
 * The analyzers' worker: the compiled analysis-worker.js beside this file in dist; under vitest
 * or tsx, where this file is TypeScript, the .ts source loaded through tsx.
 */
function startAnalysisWorker(): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (/\.[cm]?tsx?$/.test(new URL(here).pathname)) {
    // tsx's loader in the worker too (a flag, not an import: the built package never needs tsx).
    return new Worker(new URL('./analysis-worker.ts', here), {
      execArgv: [...process.execArgv, '--import', 'tsx'],
      resourceLimits,
    });
  }
  return new Worker(new URL('./analysis-worker.js', here), { resourceLimits });
}

export function startFindingsService(
  store: CockpitStore,
  now: () => number = Date.now,
  options: FindingsServiceOptions = {},
): FindingsService {
  const tracker = new FindingsTracker();
  let timer: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;
  let interval = ANALYSIS_INTERVAL_MS;
  let shown = '';
  let stopped = false;
  const publish = (findings: Finding[]): void => {
    const signature = visible(findings);
    if (signature === shown) return;
    shown = signature;
    const state = store.getState();
    const selected = state.ui.selectedFindingId;
    store.setState({
      findings,
      ui: {
        ...state.ui,
        // The selection follows the top (most severe) until the user browses the pane.
        selectedFindingId:
          state.ui.focus === 'findings' && findings.some((f) => f.id === selected)
            ? selected
            : findings[0]?.id,
      },
    });
  };
  /** The built-in findings of a run, tracked; those it no longer has are told as resolved. */
  const builtIn = (found: Finding[], at: number): Finding[] => {
    const findings = tracker.update('built-in', found, at);
    for (const gone of tracker.resolved) options.onResolved?.(gone, at);
    return findings;
  };
  const paceAfter = (costMs: number): void => {
    interval = Math.min(MAX_INTERVAL_MS, Math.max(ANALYSIS_INTERVAL_MS, costMs * COST_FACTOR));
  };
  const schedule = (): void => {
    if (stopped) return;
    timer ??= setTimeout(run, Math.max(0, lastRun + interval - Date.now()));
  };
  const clusterNow = (state: CockpitState): number => now() + (state.connection.clockSkewMs ?? 0);

  // The worker, once it says it is ready; what it holds; the run it is working on.
  let worker: Worker | undefined;
  let ready = false;
  let sent: AnalysisInput = emptyInput();
  let inFlight: { id: number; at: number } | undefined;
  let changedSince = false;
  let previousFindings: Finding[] = [];
  const received = new FindingsReceiver();
  let runs = 0;
  let lastRunIn: FindingsService['lastRunIn'];
  let settleReady: ((up: boolean) => void) | undefined;
  const readyOnce = new Promise<boolean>((resolve) => (settleReady = resolve));
  const fallBack = (): void => {
    settleReady?.(false);
    ready = false;
    inFlight = undefined;
    sent = emptyInput();
    void worker?.terminate();
    worker = undefined;
    schedule();
  };
  if (options.worker !== false) {
    try {
      worker = (options.startWorker ?? startAnalysisWorker)();
      worker.unref();
      worker.on('message', (reply: AnalyzeReply | { ready: true }) => {
        if ('ready' in reply) {
          ready = true;
          settleReady?.(true);
          return;
        }
        if (!inFlight || reply.id !== inFlight.id || stopped) return;
        const { at } = inFlight;
        inFlight = undefined;
        if ('error' in reply) {
          // An analyzer that throws on this input would throw here too: say nothing new, start over.
          sent = emptyInput();
        } else {
          if ('findings' in reply) previousFindings = received.apply(reply.findings);
          paceAfter(reply.ms);
          publish(builtIn(previousFindings, at));
        }
        if (changedSince) {
          changedSince = false;
          schedule();
        }
      });
      worker.on('error', fallBack);
      worker.on('exit', () => !stopped && fallBack());
    } catch {
      worker = undefined;
    }
  }
  if (!worker) settleReady?.(false);

  function run(): void {
    timer = undefined;
    if (stopped) return;
    const state = store.getState();
    const at = clusterNow(state);
    if (worker && ready) {
      if (inFlight) {
        changedSince = true;
        return;
      }
      lastRun = Date.now();
      const next = inputOf(state);
      const parts = splitDelta(inputDelta(sent, next));
      const id = ++runs;
      try {
        parts.forEach((delta, i) => {
          const message: AnalyzeMessage = { id, at, delta };
          if (i === 0 && sent === emptyInput()) message.reset = true;
          if (i < parts.length - 1) message.partial = true;
          worker!.postMessage(message);
        });
      } catch {
        // Something in the store cannot be cloned: analyse here from now on.
        fallBack();
        return;
      }
      sent = next;
      inFlight = { id, at };
      lastRunIn = 'worker';
      return;
    }
    lastRun = Date.now();
    lastRunIn = 'this thread';
    const findings = builtIn(analyze(snapshotFromState(state, at)), at);
    paceAfter(Date.now() - lastRun);
    publish(findings);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    const inputs =
      INPUTS.some((field) => state[field] !== previous[field]) ||
      OBJECT_FIELDS.some((field) => state[field] !== previous[field]);
    if (inputs) schedule();
  });
  return {
    report(source, findings) {
      publish(tracker.update(source, findings, now()));
    },
    get lastRunIn() {
      return lastRunIn;
    },
    workerReady: () => readyOnce,
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      void worker?.terminate();
    },
  };
}
