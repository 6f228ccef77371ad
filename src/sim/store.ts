// The simulator's object store: every object of every type, one global resourceVersion counter
// (as etcd's revision), and a bounded history of changes so watches can resume from a
// resourceVersion or be told 410 Gone when it is too old.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SimClock } from './clock.js';
import { clone, type KubeObject } from './objects.js';
import { resourceType, apiVersionOf } from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Store key of the object's type, e.g. `pods` or `deployments.apps`. */
  typeKey: string;
  object: KubeObject;
  resourceVersion: number;
}

/** An error the API layer turns into a metav1.Status with the same code and reason. */
export class StoreError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface WatchOptions {
  namespace?: string;
  /** Deliver changes after this resourceVersion; omitted: only changes from now on. */
  sinceResourceVersion?: number;
}

export type WatchListener = (event: StoreEvent) => void;

interface Watcher {
  typeKey: string;
  namespace?: string;
  listener: WatchListener;
}

export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();

  constructor(
    readonly clock: SimClock,
    /** How many changes are kept for watch resumption; older resourceVersions get 410 Gone. */
    private readonly historyLimit = 100_000,
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch can still resume from. */
  get oldestResumableVersion(): number {
    return this.history.length > 0 ? this.history[0]!.resourceVersion - 1 : this.rv;
  }

  private bucket(typeKey: string): Map<string, KubeObject> {
    let b = this.objects.get(typeKey);
    if (!b) {
      resourceType(typeKey);
      b = new Map();
      this.objects.set(typeKey, b);
    }
    return b;
  }

  private static id(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  get(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.bucket(typeKey).get(ObjectStore.id(namespace, name));
    return obj && clone(obj);
  }

  /** Like get, but a missing object is a 404 StoreError. */
  mustGet(typeKey: string, namespace: string | undefined, name: string): KubeObject {
    const obj = this.get(typeKey, namespace, name);
    if (!obj) throw notFound(typeKey, name);
    return obj;
  }

  /** Objects of a type, optionally in one namespace, sorted by namespace then name (as etcd lists). */
  list(typeKey: string, namespace?: string): KubeObject[] {
    return this.peek(typeKey, namespace).map(clone);
  }

  /**
   * The stored objects themselves, sorted as list() sorts them, without copying: for read paths
   * that copy only what they return (a list page). Callers must not mutate them.
   */
  peek(typeKey: string, namespace?: string): readonly KubeObject[] {
    const out: [string, KubeObject][] = [];
    for (const [id, obj] of this.bucket(typeKey)) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push([id, obj]);
    }
    // Byte order of namespace/name, as etcd keys sort (and far cheaper than localeCompare).
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
  }

  /** Count without cloning: cheap enough for controllers to call often. */
  count(typeKey: string): number {
    return this.bucket(typeKey).size;
  }

  create(typeKey: string, input: KubeObject): KubeObject {
    const t = resourceType(typeKey);
    const obj = clone(input);
    obj.apiVersion ??= apiVersionOf(t);
    obj.kind ??= t.kind;
    const meta = (obj.metadata ??= { name: '' });
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!meta.name) throw invalid(t.kind, '', 'metadata.name', 'name or generateName is required');
    if (!NAME_RE.test(meta.name) || meta.name.length > 253) {
      throw invalid(
        t.kind,
        meta.name,
        'metadata.name',
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    if (t.namespaced) {
      if (!meta.namespace) throw invalid(t.kind, meta.name, 'metadata.namespace', 'namespace is required');
    } else {
      delete meta.namespace;
    }
    const b = this.bucket(typeKey);
    const id = ObjectStore.id(meta.namespace, meta.name);
    if (b.has(id)) {
      throw new StoreError(409, 'AlreadyExists', `${displayName(typeKey)} "${meta.name}" already exists`, {
        name: meta.name,
        kind: t.plural,
        group: t.group,
      });
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = this.clock.nowISO();
    if ('spec' in obj) meta.generation = 1;
    delete meta.deletionTimestamp;
    meta.resourceVersion = String(++this.rv);
    b.set(id, obj);
    this.emit('ADDED', typeKey, obj);
    return clone(obj);
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored one (optimistic
   * concurrency, 409 Conflict otherwise); an update that changes nothing is not a change.
   */
  update(typeKey: string, input: KubeObject): KubeObject {
    const t = resourceType(typeKey);
    const b = this.bucket(typeKey);
    const name = input.metadata?.name;
    const namespace = t.namespaced ? input.metadata?.namespace : undefined;
    const id = ObjectStore.id(namespace, name);
    const current = b.get(id);
    if (!current) throw notFound(typeKey, name);
    const wanted = input.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${displayName(typeKey)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, kind: t.plural, group: t.group },
      );
    }
    const obj = clone(input);
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    // Immutable metadata is kept from the stored object, whatever the client sent.
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    obj.metadata.namespace = current.metadata.namespace;
    if (current.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    obj.metadata.generation = current.metadata.generation;
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    if (isDeepStrictEqual(obj, current)) return clone(current);
    if ('spec' in current && !isDeepStrictEqual(obj.spec, current.spec)) {
      obj.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    obj.metadata.resourceVersion = String(++this.rv);
    b.set(id, obj);
    this.emit('MODIFIED', typeKey, obj);
    return clone(obj);
  }

  /** Reads, lets `mutate` change a copy, and writes it back; returns the stored result. */
  modify(
    typeKey: string,
    namespace: string | undefined,
    name: string,
    mutate: (obj: KubeObject) => void,
  ): KubeObject {
    const obj = this.mustGet(typeKey, namespace, name);
    mutate(obj);
    return this.update(typeKey, obj);
  }

  delete(typeKey: string, namespace: string | undefined, name: string): KubeObject {
    const t = resourceType(typeKey);
    const b = this.bucket(typeKey);
    const id = ObjectStore.id(t.namespaced ? namespace : undefined, name);
    const current = b.get(id);
    if (!current) throw notFound(typeKey, name);
    b.delete(id);
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', typeKey, gone);
    return clone(gone);
  }

  /**
   * Subscribes to changes of one type. With `sinceResourceVersion`, changes after it are
   * replayed first; a version older than the kept history is a 410 Gone StoreError.
   */
  watch(typeKey: string, options: WatchOptions, listener: WatchListener): () => void {
    resourceType(typeKey);
    const watcher: Watcher = { typeKey, namespace: options.namespace, listener };
    const since = options.sinceResourceVersion;
    if (since !== undefined) {
      if (since < this.oldestResumableVersion) {
        throw new StoreError(
          410,
          'Expired',
          `too old resource version: ${since} (${this.oldestResumableVersion})`,
        );
      }
      for (const event of this.history) {
        if (event.resourceVersion > since && matches(watcher, event)) listener(cloneEvent(event));
      }
    }
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  private emit(type: WatchEventType, typeKey: string, obj: KubeObject): void {
    const event: StoreEvent = { type, typeKey, object: obj, resourceVersion: this.rv };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      this.history.splice(0, this.history.length - this.historyLimit);
    }
    for (const watcher of this.watchers) {
      if (matches(watcher, event)) watcher.listener(cloneEvent(event));
    }
  }
}

function matches(watcher: Watcher, event: StoreEvent): boolean {
  return (
    watcher.typeKey === event.typeKey &&
    (watcher.namespace === undefined || watcher.namespace === event.object.metadata.namespace)
  );
}

function cloneEvent(event: StoreEvent): StoreEvent {
  return { ...event, object: clone(event.object) };
}

function displayName(typeKey: string): string {
  return typeKey;
}

export function notFound(typeKey: string, name: string): StoreError {
  const t = resourceType(typeKey);
  return new StoreError(404, 'NotFound', `${typeKey} "${name}" not found`, {
    name,
    kind: t.plural,
    group: t.group,
  });
}

export function invalid(kind: string, name: string, field: string, message: string): StoreError {
  return new StoreError(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: Invalid value: ${message}`, {
    name,
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
/** Five characters from the alphabet the API server uses for generateName suffixes. */
export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}
