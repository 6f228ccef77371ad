// A checkpoint: the chain's head (how many events, the last one's hash), signed by whoever wrote
// it. Anchors keep checkpoints where the history directory alone cannot rewrite them.
import type { Signer } from './identity.js';

/** The ConfigMap a cluster anchor keeps the signed checkpoint in (the policy's anchor_namespace). */
export const CHECKPOINT_CONFIGMAP = 'aiops-tui-checkpoint';

/** The head of the chain: how many events, and the last one's hash. */
export interface Head {
  events: number;
  hash: string;
  record?: string;
}

export interface Checkpoint {
  events: number;
  head: string;
  at: string;
  by: string;
  key: string;
  sig: string;
}

export interface AnchorReading {
  /** Where it was read ("ConfigMap default/aiops-tui-checkpoint", "git HEAD"). */
  source: string;
  checkpoint?: Checkpoint;
  /** Why it could not be read, when it could not. */
  unavailable?: string;
}

/** The text a checkpoint's signature covers. */
export const checkpointMessage = (c: Pick<Checkpoint, 'events' | 'head' | 'at'>): string =>
  `aiops-tui checkpoint\nevents ${c.events}\nhead ${c.head}\nat ${c.at}\n`;

export async function signCheckpoint(head: Head, signer: Signer, at: string): Promise<Checkpoint> {
  const c = { events: head.events, head: head.hash, at };
  return {
    ...c,
    by: signer.principal,
    key: signer.publicKey.fingerprint,
    sig: await signer.sign(checkpointMessage(c)),
  };
}

export function parseCheckpoint(text: string | undefined): Checkpoint | undefined {
  if (!text) return undefined;
  const c = JSON.parse(text) as Checkpoint;
  return typeof c.events === 'number' && typeof c.head === 'string' ? c : undefined;
}
