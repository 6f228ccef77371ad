// Checkpoints of the chain's head kept where the history directory alone cannot rewrite them: a
// ConfigMap in the cluster (updated after each append) and a git commit where the directory is in
// a repository. `phr verify` compares the trail with both: records removed from the end, or a
// trail rewritten wholesale, no longer contain the head the anchor saw.
import { existsSync } from 'node:fs';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  CHECKPOINT_CONFIGMAP,
  parseCheckpoint,
  signCheckpoint,
  type AnchorReading,
  type Head,
} from './checkpoint.js';
import { CHECKPOINT_FILE } from './history.js';
import type { Signer } from './identity.js';

const apiMessage = (error: unknown): string => {
  const e = error as { code?: number; message?: string };
  return e.code ? `HTTP ${e.code}` : (e.message ?? String(error)).split('\n')[0]!;
};

/** The cluster anchor: one ConfigMap, only ever moved forward (a replace with its resourceVersion). */
export class ClusterAnchor {
  readonly source: string;
  private pending: Head | undefined;
  private running: Promise<void> | undefined;
  /** The last failure, for the status line; cleared by a success. */
  lastError: string | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly namespace: string,
    private readonly signer?: Signer,
  ) {
    this.source = `ConfigMap ${namespace}/${CHECKPOINT_CONFIGMAP}`;
  }

  private client: Promise<CoreV1Api> | undefined;

  /** One API client for the anchor's life: it is written after every append. */
  private core(): Promise<CoreV1Api> {
    this.client ??= import('../model/generated-api.js').then(({ CoreV1Api }) =>
      this.kubeConfig.makeApiClient(CoreV1Api),
    );
    return this.client;
  }

  async read(): Promise<AnchorReading> {
    try {
      const cm = await (
        await this.core()
      ).readNamespacedConfigMap({ name: CHECKPOINT_CONFIGMAP, namespace: this.namespace });
      const checkpoint = parseCheckpoint(cm.data?.checkpoint);
      return checkpoint
        ? { source: this.source, checkpoint }
        : { source: this.source, unavailable: 'it holds no checkpoint' };
    } catch (error) {
      const code = (error as { code?: number }).code;
      return {
        source: this.source,
        unavailable: code === 404 ? 'not found (no checkpoint written yet)' : apiMessage(error),
      };
    }
  }

  /** Records a new head; writes are coalesced, so a burst of appends is one update. */
  update(head: Head): void {
    this.pending = head;
    this.running ??= this.flush().finally(() => (this.running = undefined));
  }

  /** Resolves when every head given so far has been written (or failed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async flush(): Promise<void> {
    while (this.pending) {
      const head = this.pending;
      this.pending = undefined;
      try {
        await this.write(head);
        this.lastError = undefined;
      } catch (error) {
        this.lastError = `${this.source}: ${apiMessage(error)}`;
      }
    }
  }

  private async write(head: Head): Promise<void> {
    if (!this.signer) return;
    const core = await this.core();
    const checkpoint = await signCheckpoint(head, this.signer, new Date().toISOString());
    const data = { checkpoint: JSON.stringify(checkpoint) };
    for (let attempt = 0; attempt < 5; attempt++) {
      let current;
      try {
        current = await core.readNamespacedConfigMap({
          name: CHECKPOINT_CONFIGMAP,
          namespace: this.namespace,
        });
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
        try {
          await core.createNamespacedConfigMap({
            namespace: this.namespace,
            body: { metadata: { name: CHECKPOINT_CONFIGMAP, namespace: this.namespace }, data },
          });
          return;
        } catch (create) {
          if ((create as { code?: number }).code === 409) continue;
          throw create;
        }
      }
      // Never backwards: another cockpit may have written a later head.
      if ((parseCheckpoint(current.data?.checkpoint)?.events ?? 0) >= head.events) return;
      try {
        await core.replaceNamespacedConfigMap({
          name: CHECKPOINT_CONFIGMAP,
          namespace: this.namespace,
          body: { ...current, data },
        });
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
      }
    }
  }
}

/** The git anchor: the checkpoint as committed at HEAD, beside the history directory's records. */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const { execa } = await import('execa');
  const result = await execa('git', ['-C', dir, 'rev-parse', '--show-toplevel'], {
    reject: false,
    timeout: 10_000,
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function readGitAnchor(historyDir: string): Promise<AnchorReading> {
  const source = 'git HEAD';
  if (!(await gitTopLevel(historyDir)))
    return { source, unavailable: 'the history directory is not in a git repository' };
  const { execa } = await import('execa');
  const result = await execa('git', ['-C', historyDir, 'show', `HEAD:./${CHECKPOINT_FILE}`], {
    reject: false,
    timeout: 10_000,
  });
  if (result.exitCode !== 0) return { source, unavailable: `no ${CHECKPOINT_FILE} committed yet` };
  try {
    const checkpoint = parseCheckpoint(result.stdout);
    return checkpoint
      ? { source, checkpoint }
      : { source, unavailable: `${CHECKPOINT_FILE} holds no checkpoint` };
  } catch {
    return { source, unavailable: `${CHECKPOINT_FILE} is not JSON` };
  }
}
