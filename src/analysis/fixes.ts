// What fix for what cause: the one decision the pod analyzers share, as a table (see
// test/analysis/fixes.test.ts). A cure where the cause is known and a change can be computed;
// deleting a pod only where the cause is transient, since a pod recreated from a faulty
// template fails again.

export type FaultCause =
  /** The image cannot be pulled. */
  | 'image'
  /** The container exits (crash loop, exit 127, RunContainerError, CreateContainerError). */
  | 'command'
  /** A rollout past its progress deadline (its pods' own findings say why). */
  | 'stuck-rollout'
  /** A probe connects to a port nothing listens on. */
  | 'probe-port'
  /** An HTTP probe gets 404 (or another failing status) on its path. */
  | 'probe-path'
  /** No node fits the pod's selector or affinity. */
  | 'scheduling'
  /** One pod of a healthy ReplicaSet, an evicted pod: not the template's fault. */
  | 'transient';

export interface FaultFacts {
  cause: FaultCause;
  /**
   * The current revision fails where an older one ran, and it changed the failing part (the
   * image for `image`, the probe for probe causes, anything for `command` and `stuck-rollout`).
   */
  regression?: { onlyImages: boolean };
  /** The probe can be pointed at the one port the container declares. */
  servedPort?: boolean;
  /** A controller recreates the pod. */
  replaceable?: boolean;
}

export type FixKind = 'set-image' | 'rollout-undo' | 'patch' | 'delete-pod' | 'none';

/** Back to what ran: the image alone when nothing else changed (the smallest change), else the whole revision. */
const backToWhatRan = (regression: NonNullable<FaultFacts['regression']>): FixKind =>
  regression.onlyImages ? 'set-image' : 'rollout-undo';

export function fixFor(facts: FaultFacts): FixKind {
  switch (facts.cause) {
    case 'image':
    case 'command':
    case 'stuck-rollout':
      return facts.regression ? backToWhatRan(facts.regression) : 'none';
    case 'probe-port':
      // The container's own spec says what it serves: one field changes, the rest of the new
      // revision stays.
      if (facts.servedPort) return 'patch';
      return facts.regression ? backToWhatRan(facts.regression) : 'none';
    case 'probe-path':
      // The path the app serves cannot be known from the spec. The older revision ran with its
      // probe and its image together: going back to it is the change known to work (the old
      // probe on the new image never ran).
      return facts.regression ? backToWhatRan(facts.regression) : 'none';
    case 'scheduling':
      // Relabelling nodes or rewriting the selector is a person's choice.
      return 'none';
    case 'transient':
      return facts.replaceable ? 'delete-pod' : 'none';
  }
}
