// Runs the kagent analyses on an interval. Runs never overlap (the next one is timed from the end
// of the last, since an agent run can outlast the interval). stop() aborts the run in flight (its
// tasks are cancelled on the agent) and cancels the tasks still paused, so none is left behind.
import type { Finding } from '../../model/analysis.js';
import { KAGENT_ANALYSES, type KagentAnalysis, type KagentProvider } from './provider.js';

export interface KagentSchedule {
  /** Runs the analyses now (waiting for a run in flight first) and returns their findings. */
  runNow(): Promise<Finding[]>;
  /** Cancels the timer, the run in flight and the paused tasks; resolves once all settled. */
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  intervalMs: number;
  analyses?: readonly KagentAnalysis[];
  /** Every run's findings, all analyses together (feed them to FindingsTracker.update('kagent', …)). */
  onFindings(findings: Finding[]): void;
}

export function scheduleKagent(provider: KagentProvider, options: ScheduleOptions): KagentSchedule {
  const analyses = options.analyses ?? KAGENT_ANALYSES;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Finding[]> | undefined;

  const run = (): Promise<Finding[]> => {
    clearTimeout(timer);
    running = Promise.all(analyses.map((analysis) => provider.analyze(analysis, abort.signal)))
      .then((results) => results.flat())
      .then((findings) => {
        if (!abort.signal.aborted) {
          options.onFindings(findings);
          timer = setTimeout(run, options.intervalMs);
        }
        return findings;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  timer = setTimeout(run, 0);
  return {
    async runNow() {
      if (running) await running;
      return run();
    },
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
      await provider.close();
    },
  };
}
