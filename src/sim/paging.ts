// List paging with `limit` and `continue` over a consistent snapshot, as etcd gives a real API
// server: every page of one list shows the objects as they were at the first page's
// resourceVersion. The store replaces objects on every write instead of mutating them, so a
// snapshot is just the array of the objects listed first. Snapshots expire, as etcd compacts;
// a continue token that outlives its snapshot is a 410 Expired, and the client relists.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './objects.js';
import { fail } from './status.js';

interface Snapshot {
  items: readonly KubeObject[];
  resourceVersion: string;
  createdAt: number;
}

export interface Page {
  items: readonly KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class ListPager {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(
    /** How long a continue token stays valid (a real server: until etcd compacts, ~5 min). */
    private readonly ttlMs = 5 * 60_000,
    private readonly maxSnapshots = 64,
  ) {}

  /**
   * One page of a list. `current` is the matching objects now, sorted by namespace/name; it is
   * used only for a first page.
   */
  page(
    current: () => readonly KubeObject[],
    resourceVersion: string,
    limit: number,
    token: string | null,
  ): Page {
    this.expire();
    let id: string;
    let snapshot: Snapshot;
    let start = 0;
    if (token) {
      const cursor = decodeToken(token);
      const found = this.snapshots.get(cursor.id);
      if (!found) {
        fail(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      [id, snapshot] = [cursor.id, found];
      start = firstAfter(snapshot.items, cursor.after);
    } else {
      const items = current();
      if (!(limit > 0) || items.length <= limit) return { items, resourceVersion };
      id = randomUUID();
      snapshot = { items, resourceVersion, createdAt: Date.now() };
      this.remember(id, snapshot);
    }
    const end = limit > 0 ? start + limit : snapshot.items.length;
    const items = snapshot.items.slice(start, end);
    const remaining = snapshot.items.length - Math.min(end, snapshot.items.length);
    if (remaining === 0) return { items, resourceVersion: snapshot.resourceVersion };
    return {
      items,
      resourceVersion: snapshot.resourceVersion,
      continueToken: encodeToken(id, keyOf(items[items.length - 1]!)),
      remainingItemCount: remaining,
    };
  }

  private remember(id: string, snapshot: Snapshot): void {
    this.snapshots.set(id, snapshot);
    while (this.snapshots.size > this.maxSnapshots) {
      this.snapshots.delete(this.snapshots.keys().next().value!);
    }
  }

  private expire(): void {
    const oldest = Date.now() - this.ttlMs;
    for (const [id, snapshot] of this.snapshots) {
      if (snapshot.createdAt >= oldest) break;
      this.snapshots.delete(id);
    }
  }
}

/** Index of the first item whose key sorts after `after` (items are sorted by key). */
function firstAfter(items: readonly KubeObject[], after: string): number {
  let [low, high] = [0, items.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keyOf(items[mid]!) <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

function encodeToken(id: string, after: string): string {
  return Buffer.from(JSON.stringify({ id, after })).toString('base64url');
}

function decodeToken(token: string): { id: string; after: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.id === 'string' && typeof parsed.after === 'string') {
      return { id: parsed.id, after: parsed.after };
    }
  } catch {
    // fall through to the error below
  }
  return fail(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}
