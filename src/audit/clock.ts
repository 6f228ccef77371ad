// Two clocks. Records, approval windows and the figures run on the wall clock: a five-minute
// window is five minutes of the approver's time, whatever the cluster's clock does. A finding's
// evidence is written in the cluster's time, which is ours plus a skew on a real cluster and runs
// `rate` times faster on the simulator at --speed; a figure that starts from it (MTTD, MTTR)
// converts it to wall time here, and the record keeps the cluster's reading beside it.
import type { Timestamps } from './types.js';

export interface ClusterClock {
  /** The cluster's now, epoch ms (the simulator's clock, or ours plus the server's skew). */
  now(): number;
  /** Cluster ms per wall ms: the simulator's --speed, 1 for a real cluster. */
  rate: number;
}

/** A real cluster's clock: ours plus the skew its Date header shows. */
export const skewedClock = (skewMs: () => number): ClusterClock => ({
  now: () => Date.now() + skewMs(),
  rate: 1,
});

/**
 * The wall time (epoch ms) at which the cluster's clock read `clusterMs`, given both clocks read
 * now. A reading ahead of the cluster's now (a skew measured a moment ago) is now: nothing was
 * detected in the future.
 */
export function wallTimeOf(clusterMs: number, clusterNow: number, wallNow: number, rate: number): number {
  if (!(rate > 0)) throw new Error(`a clock rate must be positive, got ${rate}`);
  return wallNow - Math.max(0, clusterNow - clusterMs) / rate;
}

/**
 * A failure's start and detection, read on the cluster's clock (ISO), as a record's timestamps:
 * the wall times the figures use, and the cluster's readings beside them.
 */
export function failureTimestamps(
  cluster: { failureStarted?: string | undefined; detected?: string | undefined },
  clock: ClusterClock,
  wallNow: number,
): Pick<Timestamps, 'failure_started' | 'detected' | 'cluster'> {
  const clusterNow = clock.now();
  const wall = (iso: string | undefined): string | undefined => {
    const at = iso === undefined ? NaN : Date.parse(iso);
    return Number.isFinite(at)
      ? new Date(wallTimeOf(at, clusterNow, wallNow, clock.rate)).toISOString()
      : undefined;
  };
  const failureStarted = wall(cluster.failureStarted);
  const detected = wall(cluster.detected);
  if (failureStarted === undefined && detected === undefined) return {};
  return {
    ...(failureStarted ? { failure_started: failureStarted } : {}),
    ...(detected ? { detected } : {}),
    cluster: {
      ...(failureStarted ? { failure_started: cluster.failureStarted! } : {}),
      ...(detected ? { detected: cluster.detected! } : {}),
      rate: clock.rate,
    },
  };
}
