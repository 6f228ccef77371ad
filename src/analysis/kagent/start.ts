// How the cockpit starts kagent: at --kagent-url when given; otherwise through the API server's
// service proxy when kagent's controller Service is in the cluster; otherwise not at all.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Finding } from '../../model/analysis.js';
import { findKagent } from './cluster.js';
import { createKagentProvider, type KagentOptions } from './provider.js';
import { scheduleKagent, type KagentSchedule } from './scheduler.js';

export interface KagentStart {
  kubeConfig: KubeConfig;
  /** --kagent-url; undefined: look for kagent in the cluster. */
  url: string | undefined;
  /** `namespace/name`. */
  agent: string;
  namespace?: string;
  intervalMs: number;
  onFindings(findings: Finding[]): void;
  /** A task paused for a tool approval (see KagentOptions.onPause), and whether our queue holds it. */
  onPause?: KagentOptions['onPause'];
  held?: KagentOptions['held'];
}

/** Starts the schedule (after the look-up, when there is one); stop() ends it and the look-up. */
export function startKagent(start: KagentStart): Pick<KagentSchedule, 'stop'> {
  let stopped = false;
  const schedule: Promise<KagentSchedule | undefined> = (
    start.url ? Promise.resolve({ url: start.url }) : findKagent(start.kubeConfig)
  ).then((reach) =>
    reach && !stopped
      ? scheduleKagent(
          createKagentProvider({
            ...reach,
            agent: start.agent,
            ...(start.namespace ? { namespace: start.namespace } : {}),
            ...(start.onPause ? { onPause: start.onPause } : {}),
            ...(start.held ? { held: start.held } : {}),
          }),
          { intervalMs: start.intervalMs, onFindings: start.onFindings },
        )
      : undefined,
  );
  return {
    async stop() {
      stopped = true;
      await (await schedule)?.stop();
    },
  };
}
