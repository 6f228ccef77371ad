// The analyzers' thread: it mirrors what they read of the cockpit's store from the deltas the
// findings service sends, runs every analyzer over the mirror, and answers with what changed of
// the findings (findings-delta.ts), or with `same` when nothing did (50,000 findings of a
// 10,000-pod cluster are not cloned back every run for nothing).
import { parentPort } from 'node:worker_threads';
import { analyze } from './analyze.js';
import { applyInputDelta, createMirror, mirrorAsInput, type InputDelta } from './analysis-input.js';
import { FindingsSender, type FindingsDelta } from './findings-delta.js';
import { snapshotFromState } from './snapshot.js';
import { collectorOfGarbage } from './worker-gc.js';

export interface AnalyzeMessage {
  id: number;
  at: number;
  delta: InputDelta;
  /** Start over from an empty mirror (the service's record of what we hold was reset). */
  reset?: boolean;
  /** More parts of this delta follow (splitDelta): apply, do not analyse yet, do not answer. */
  partial?: boolean;
}
export type AnalyzeReply =
  | { id: number; findings: FindingsDelta; ms: number }
  | { id: number; same: true; ms: number }
  | { id: number; error: string };

let mirror = createMirror();
const sender = new FindingsSender();
const collect = collectorOfGarbage();
parentPort?.on('message', (message: AnalyzeMessage) => {
  const started = performance.now();
  try {
    if (message.reset) {
      mirror = createMirror();
      sender.reset();
    }
    applyInputDelta(mirror, message.delta);
    if (message.partial) return;
    const findings = sender.delta(analyze(snapshotFromState(mirrorAsInput(mirror), message.at)));
    const ms = performance.now() - started;
    if (!findings) parentPort!.postMessage({ id: message.id, same: true, ms } satisfies AnalyzeReply);
    else parentPort!.postMessage({ id: message.id, findings, ms } satisfies AnalyzeReply);
  } catch (error) {
    // The service starts over (a reset) after an error; so does what we say we sent.
    sender.reset();
    parentPort!.postMessage({
      id: message.id,
      error: (error as Error).stack ?? String(error),
    } satisfies AnalyzeReply);
  }
});
parentPort?.on('message', (message: AnalyzeMessage) => {
  // After the handler, when the run's snapshot and findings are no longer reachable.
  if (!message.partial) setImmediate(collect);
});
parentPort?.postMessage({ ready: true });
