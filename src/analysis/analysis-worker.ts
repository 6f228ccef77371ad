// The analyzers' thread: it mirrors what they read of the cockpit's store from the deltas the
// findings service sends, runs every analyzer over the mirror, and answers with the findings, or
// with `same` when they equal the last answer (the service then reuses its copy: 7,000 findings of
// a 10,000-pod cluster are not cloned back every run for nothing).
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { analyze } from './analyze.js';
import { applyInputDelta, createMirror, mirrorAsInput, type InputDelta } from './analysis-input.js';
import { snapshotFromState } from './snapshot.js';

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
  | { id: number; findings: ReturnType<typeof analyze>; ms: number }
  | { id: number; same: true; ms: number }
  | { id: number; error: string };

let mirror = createMirror();
let last = '';
parentPort?.on('message', (message: AnalyzeMessage) => {
  const started = performance.now();
  try {
    if (message.reset) mirror = createMirror();
    applyInputDelta(mirror, message.delta);
    if (message.partial) return;
    const findings = analyze(snapshotFromState(mirrorAsInput(mirror), message.at));
    // A digest, not the text: the findings of 10,000 pods are megabytes of JSON.
    const text = createHash('sha256').update(JSON.stringify(findings)).digest('base64');
    const ms = performance.now() - started;
    if (text === last) parentPort!.postMessage({ id: message.id, same: true, ms } satisfies AnalyzeReply);
    else {
      last = text;
      parentPort!.postMessage({ id: message.id, findings, ms } satisfies AnalyzeReply);
    }
  } catch (error) {
    last = '';
    parentPort!.postMessage({
      id: message.id,
      error: (error as Error).stack ?? String(error),
    } satisfies AnalyzeReply);
  }
});
parentPort?.postMessage({ ready: true });
