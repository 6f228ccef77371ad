// The simulator's HTTP front: routes Kubernetes REST paths to the object store. Every answer is
// an object, a list, a Table, a watch stream or a metav1.Status; nothing a client sends can
// crash it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  authenticate,
  denyingRule,
  findReviewType,
  forbidden,
  impersonate,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  type DenyRule,
  type ReviewType,
  type SimUser,
  type UserInfo,
} from './auth.js';
import type { SimContext } from './context.js';
import { evictPod } from './controllers/disruption.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.js';
import { applyDefaults } from './defaults.js';
import { clone, type KubeObject } from './objects.js';
import { deletePod } from './pods.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { decodeProtobuf, isProtobuf } from './protobuf.js';
import { RESOURCE_TYPES, apiVersionOf, typeKey, type ResourceType } from './resources.js';
import { ListPager } from './paging.js';
import { serveLog } from './podlog.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { badRequest, fail, methodNotAllowed, notFoundPath, statusOf, type Status } from './status.js';
import { notFound, StoreError } from './store.js';
import { toTable, wantsTable, type IncludeObject } from './tables.js';
import { validateObject } from './validate.js';
import { serveWatch } from './watch.js';

const MAX_BODY = 8 * 1024 * 1024;

interface Route {
  type: ResourceType;
  key: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPath: boolean;
}

function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** /api/v1/... and /apis/{group}/{version}/... into a resource route, or undefined. */
function route(segments: string[]): Route | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1] ?? '', segments.slice(2)];
  else if (segments[0] === 'apis')
    [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
  else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) return undefined;
  const type = findType(group, version, plural);
  if (!type) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  if (subresource && !type.subresources.includes(subresource)) return undefined;
  return { type, key: typeKey(type), namespace, name, subresource, watchPath };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(res: ServerResponse, status: Status): void {
  sendJson(res, status.code, status);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) fail(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (isProtobuf(contentType)) return decodeProtobuf(body);
  if (/cbor/.test(contentType ?? '')) {
    fail(
      415,
      'UnsupportedMediaType',
      `the simulator accepts JSON, YAML and protobuf bodies, not ${contentType}; use kubectl apply -f or kubectl create -f`,
    );
  }
  const text = body.toString('utf8');
  if (!text.trim()) fail(400, 'BadRequest', 'the request body is empty');
  try {
    return /yaml/.test(contentType ?? '') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    fail(400, 'BadRequest', `error decoding request body: ${(error as Error).message.split('\n')[0]}`);
  }
}

function asObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(400, 'BadRequest', 'the request body must be a JSON object');
  }
  const obj = body as KubeObject;
  if (
    obj.metadata !== undefined &&
    (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
  ) {
    fail(400, 'BadRequest', 'metadata must be an object');
  }
  obj.metadata ??= { name: '' };
  return obj;
}

function verbOf(method: string, r: Route, watch: boolean): string {
  switch (method) {
    case 'GET':
      return r.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Types whose status is written only through the status subresource (and reset on create). */
const hasStatusSubresource = (t: ResourceType): boolean => t.subresources.includes('status');

export interface ApiServer {
  server: Server;
  setDenyRules(rules: DenyRule[]): void;
  /**
   * A hung backend behind a live API server (etcd stopped): /readyz and /livez answer 500
   * `[-]etcd failed`, requests that read or write storage wait (504 after 60 s, as the real
   * request timeout), watches stay open. resumeBackend() lets the waiting requests through.
   */
  pauseBackend(): void;
  resumeBackend(): void;
  /** Ends every open watch and log stream (shutdown). */
  closeStreams(): void;
}

export type { DenyRule, SimUser, UserInfo } from './auth.js';

export interface ApiServerOptions {
  /**
   * Serve metrics.k8s.io (default true). Without it the simulator answers as a cluster without
   * metrics-server does: the group is absent from /apis and its paths are a plain-text 404.
   */
  metrics?: boolean;
}

/** A real kube-apiserver's answer to a path nothing serves: text, not a Status. */
function sendPageNotFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end('404 page not found\n');
}

export function createApiServer(
  ctx: SimContext,
  initialDeny: DenyRule[] = [],
  users: readonly SimUser[] = [],
  options: ApiServerOptions = {},
): ApiServer {
  const metrics = options.metrics ?? true;
  let backendPaused: { resumed: Promise<void>; resume: () => void } | undefined;
  /** Waits while the backend is paused; a 504 Timeout after the real server's 60 s. */
  async function storageAvailable(): Promise<void> {
    if (!backendPaused) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 60_000);
      timer.unref();
    });
    const outcome = await Promise.race([backendPaused.resumed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      fail(504, 'Timeout', 'Timeout: request did not complete within the allotted timeout');
  }
  const { store, clock } = ctx;
  let deny = initialDeny;
  const streams = new Set<ServerResponse>();
  const pager = new ListPager();

  function checkDenied(user: UserInfo, verb: string, r: Route): void {
    const attrs = {
      verb,
      resource: r.type.plural,
      namespace: r.namespace,
      group: r.type.group,
      subresource: r.subresource,
      name: r.name,
    };
    if (denyingRule(deny, user, attrs)) forbidden(user, attrs);
  }

  function requireNamespace(namespace: string | undefined): void {
    if (namespace !== undefined && !store.get('namespaces', undefined, namespace)) {
      throw new StoreError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    }
  }

  /** Matching stored objects, uncopied: callers copy what they send (JSON.stringify does). */
  function listMatching(r: Route, query: URLSearchParams): readonly KubeObject[] {
    const byLabel = labelMatcher(query.get('labelSelector'));
    const byField = fieldMatcher(query.get('fieldSelector'), r.type.kind);
    return store.peek(r.key, r.namespace).filter((o) => byLabel(o) && byField(o));
  }

  function handleList(r: Route, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const page = pager.page(
      () => listMatching(r, query),
      String(store.resourceVersion),
      Number(query.get('limit') ?? 0),
      query.get('continue'),
    );
    if (wantsTable(req.headers.accept)) {
      sendJson(
        res,
        200,
        toTable(r.type.kind, page.items, {
          includeObject: includeObjectOf(query),
          resourceVersion: page.resourceVersion,
          continueToken: page.continueToken,
          now: clock.now(),
        }),
      );
      return;
    }
    sendJson(res, 200, {
      kind: r.type.listKind,
      apiVersion: apiVersionOf(r.type),
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continueToken
          ? { continue: page.continueToken, remainingItemCount: page.remainingItemCount }
          : {}),
      },
      items: page.items,
    });
  }

  function handleWatch(r: Route, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const byLabel = labelMatcher(query.get('labelSelector'));
    const byField = fieldMatcher(query.get('fieldSelector'), r.type.kind);
    serveWatch(
      ctx,
      streams,
      {
        typeKey: r.key,
        kind: r.type.kind,
        apiVersion: apiVersionOf(r.type),
        namespace: r.namespace,
        matches: (o) => byLabel(o) && byField(o),
        current: () => listMatching(r, query),
        query,
        table: wantsTable(req.headers.accept),
        includeObject: includeObjectOf(query),
      },
      req,
      res,
    );
  }

  function scaleOf(obj: KubeObject): KubeObject {
    const selector = Object.entries(obj.spec?.selector?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: obj.spec?.replicas ?? 1 },
      status: { replicas: obj.status?.replicas ?? 0, selector },
    };
  }

  /** The object a write produces, before it is stored: body for PUT, patched current for PATCH. */
  async function writeTarget(req: IncomingMessage, r: Route, current: KubeObject): Promise<KubeObject> {
    const body = await readBody(req);
    if (req.method === 'PUT') return asObject(parseBody(body, req.headers['content-type']));
    const type = patchTypeOf(req.headers['content-type']);
    if (!type) {
      fail(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
    }
    const patch = parseBody(body, type === 'apply' ? 'yaml' : 'json');
    return asObject(applyPatch(type, clone(current), patch));
  }

  function dryRun(query: URLSearchParams): boolean {
    return query.getAll('dryRun').includes('All');
  }

  async function handleWrite(
    r: Route,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const apply = req.method === 'PATCH' && patchTypeOf(req.headers['content-type']) === 'apply';
    if (apply && !query.get('fieldManager'))
      fail(400, 'BadRequest', 'PATCH /apply requires fieldManager to be set');
    const current = store.get(r.key, r.namespace, r.name!);
    if (!current) {
      if (!apply || r.subresource) throw notFound(r.key, r.name!);
      // Server-side apply creates what does not exist yet.
      const obj = asObject(parseBody(await readBody(req), 'yaml'));
      checkName(obj, r.name!);
      obj.metadata.name = r.name!;
      createObject(r, obj, query, res);
      return;
    }
    if (r.subresource === 'scale') {
      const scale = await writeTarget(req, r, scaleOf(current));
      const replicas = scale.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) {
        fail(
          422,
          'Invalid',
          `Scale.autoscaling "${r.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      const rv = scale.metadata?.resourceVersion;
      const next = { ...current, spec: { ...current.spec, replicas } };
      next.metadata = {
        ...current.metadata,
        resourceVersion: req.method === 'PUT' && rv ? rv : current.metadata.resourceVersion,
      };
      const stored = dryRun(query) ? next : store.update(r.key, next);
      sendJson(res, 200, scaleOf(stored));
      return;
    }
    let next = await writeTarget(req, r, current);
    checkName(next, current.metadata.name);
    next.metadata.name = current.metadata.name;
    next.metadata.namespace = current.metadata.namespace;
    if (req.method === 'PATCH')
      next.metadata.resourceVersion = next.metadata.resourceVersion ?? current.metadata.resourceVersion;
    if (r.subresource === 'status') {
      next = { ...current, status: next.status };
    } else if (hasStatusSubresource(r.type)) {
      next.status = current.status;
    }
    next.kind = current.kind;
    next.apiVersion = current.apiVersion;
    applyDefaults(next);
    validateObject(next);
    const stored = dryRun(query) ? next : store.update(r.key, next);
    sendJson(res, 200, stored);
  }

  async function handleCreate(
    r: Route,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (r.name)
      fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    createObject(r, asObject(parseBody(await readBody(req), req.headers['content-type'])), query, res);
  }

  /** Stores a new object sent to a collection (POST) or applied to a missing name (apply). */
  function createObject(r: Route, obj: KubeObject, query: URLSearchParams, res: ServerResponse): void {
    if (r.type.namespaced) {
      const ns = r.namespace;
      if (ns === undefined)
        fail(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource (post ${r.type.plural})`,
        );
      if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
        fail(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = ns;
      requireNamespace(ns);
    }
    if (obj.kind && obj.kind !== r.type.kind)
      fail(
        400,
        'BadRequest',
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(r.type)})`,
      );
    obj.kind = r.type.kind;
    obj.apiVersion = apiVersionOf(r.type);
    if (hasStatusSubresource(r.type)) delete obj.status;
    if (r.type.plural === 'namespaces') obj.status = { phase: 'Active' };
    applyDefaults(obj, store);
    validateObject(obj);
    if (dryRun(query)) {
      sendJson(res, 201, obj);
      return;
    }
    sendJson(res, 201, store.create(r.key, obj));
  }

  async function handleDelete(
    r: Route,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBody(req);
    const options = (
      body.toString('utf8').trim() ? asObject(parseBody(body, req.headers['content-type'] ?? 'json')) : {}
    ) as {
      gracePeriodSeconds?: number;
      propagationPolicy?: string;
    };
    const current = store.mustGet(r.key, r.namespace, r.name!);
    if (dryRun(query)) {
      sendJson(res, 200, current);
      return;
    }
    const graceParam = query.get('gracePeriodSeconds');
    const grace = graceParam !== null ? Number(graceParam) : options.gracePeriodSeconds;
    const policy = query.get('propagationPolicy') ?? options.propagationPolicy;
    if (policy === 'Orphan') orphanDependents(current);
    if (r.type.plural === 'namespaces') {
      deleteNamespaceContents(current.metadata.name);
      sendJson(res, 200, store.delete(r.key, undefined, current.metadata.name));
      return;
    }
    if (r.key === 'pods') {
      // Contract with the kubelet controller: a scheduled pod deleted with a grace period gets a
      // deletionTimestamp and stays (Terminating) until the kubelet removes it.
      sendJson(res, 200, deletePod(ctx, current, grace));
      return;
    }
    sendJson(res, 200, store.delete(r.key, r.namespace, r.name!));
  }

  function orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    for (const t of RESOURCE_TYPES) {
      if (t.readOnly) continue;
      const key = typeKey(t);
      for (const obj of store.list(key, owner.metadata.namespace)) {
        const refs = obj.metadata.ownerReferences ?? [];
        if (!refs.some((ref) => ref.uid === uid)) continue;
        obj.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
        store.update(key, obj);
      }
    }
  }

  function deleteNamespaceContents(namespace: string): void {
    for (const t of RESOURCE_TYPES) {
      if (!t.namespaced) continue;
      const key = typeKey(t);
      for (const obj of store.list(key, namespace)) store.delete(key, namespace, obj.metadata.name);
    }
  }

  function handleDeleteCollection(r: Route, query: URLSearchParams, res: ServerResponse): void {
    const items = listMatching(r, query);
    if (!dryRun(query))
      for (const obj of items) store.delete(r.key, obj.metadata.namespace, obj.metadata.name);
    sendJson(res, 200, {
      kind: r.type.listKind,
      apiVersion: apiVersionOf(r.type),
      metadata: { resourceVersion: String(store.resourceVersion) },
      items,
    });
  }

  async function handleResource(
    r: Route,
    user: UserInfo,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const query = url.searchParams;
    const method = req.method ?? 'GET';
    const watch = r.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
    const verb = verbOf(method, r, watch);
    checkDenied(user, verb, r);
    // Watches are served from the watch cache, which outlives a hung etcd; the rest waits on it.
    if (!watch) await storageAvailable();
    if (r.type.readOnly && method !== 'GET')
      fail(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (r.subresource === 'log') {
      if (method !== 'GET')
        fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      serveLog(ctx, streams, r.namespace!, r.name!, query, req, res);
      return;
    }
    if (r.subresource === 'eviction') {
      if (method !== 'POST')
        fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const eviction = asObject(parseBody(await readBody(req), req.headers['content-type']));
      if (eviction.metadata?.name !== undefined && eviction.metadata.name !== r.name)
        fail(400, 'BadRequest', 'name in URL does not match name in Eviction object');
      const options = (eviction.deleteOptions ?? {}) as { gracePeriodSeconds?: number; dryRun?: string[] };
      const result = evictPod(ctx, store.mustGet('pods', r.namespace, r.name!), {
        gracePeriodSeconds: options.gracePeriodSeconds,
        dryRun: dryRun(query) || (options.dryRun ?? []).includes('All'),
      });
      if (result.retryAfter) res.setHeader('Retry-After', String(result.retryAfter));
      sendJson(res, result.code, result.body);
      return;
    }
    switch (method) {
      case 'GET': {
        if (watch) {
          if (r.name) query.append('fieldSelector', `metadata.name=${r.name}`);
          handleWatch(r, mergeFieldSelectors(query), req, res);
          return;
        }
        if (!r.name) {
          handleList(r, query, req, res);
          return;
        }
        const obj = store.mustGet(r.key, r.namespace, r.name);
        const body = r.subresource === 'scale' ? scaleOf(obj) : obj;
        if (wantsTable(req.headers.accept) && !r.subresource) {
          sendJson(
            res,
            200,
            toTable(r.type.kind, [obj], {
              includeObject: includeObjectOf(query),
              resourceVersion: obj.metadata.resourceVersion ?? '',
              now: clock.now(),
            }),
          );
        } else sendJson(res, 200, body);
        return;
      }
      case 'POST':
        await handleCreate(r, query, req, res);
        return;
      case 'PUT':
      case 'PATCH':
        if (!r.name)
          fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        await handleWrite(r, query, req, res);
        return;
      case 'DELETE':
        if (r.name) await handleDelete(r, query, req, res);
        else handleDeleteCollection(r, query, res);
        return;
      default:
        sendStatus(res, methodNotAllowed(`the server does not allow this method on the requested resource`));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sim.local');
    } catch {
      sendStatus(res, badRequest('malformed request URL'));
      return;
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segments = path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const user = impersonate(req, authenticate(req, users), deny);
    if (!metrics && segments[0] === 'apis' && segments[1] === 'metrics.k8s.io') {
      sendPageNotFound(res);
      return;
    }
    if (req.method === 'GET') {
      const doc = discovery(path, segments, metrics);
      if (doc) {
        sendJson(res, 200, doc);
        return;
      }
      if (['/healthz', '/livez', '/readyz'].includes(path)) {
        if (backendPaused) {
          // As kube-apiserver 1.34 answers once its etcd check fails (verbose or not).
          const check = path.slice(1);
          res.writeHead(500, {
            'Content-Type': 'text/plain; charset=utf-8',
            'X-Content-Type-Options': 'nosniff',
          });
          res.end(
            `[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n${check === 'readyz' ? '[-]etcd-readiness failed: reason withheld\n[+]informer-sync ok\n' : ''}[+]poststarthook/generic-apiserver-start-informers ok\n${check} check failed\n`,
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
    }
    const review = findReviewType(segments);
    if (review) {
      await handleReview(review, user, req, res);
      return;
    }
    const r = route(segments);
    if (!r) {
      // A group nothing serves has no handler on a real server: its mux's plain-text 404.
      if (segments[0] === 'apis' && segments[1] && !apiGroupDocument(segments[1])) sendPageNotFound(res);
      else sendStatus(res, notFoundPath(path));
      return;
    }
    await handleResource(r, user, url, req, res);
  }

  /** The create-only review APIs: answered from the request's user and the deny rules, never stored. */
  async function handleReview(
    type: ReviewType,
    user: UserInfo,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const attrs = { verb: 'create', resource: type.plural, group: type.group };
    if (req.method === 'POST' && denyingRule(deny, user, attrs)) forbidden(user, attrs);
    if (req.method !== 'POST')
      fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const body = parseBody(await readBody(req), req.headers['content-type']);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      fail(400, 'BadRequest', 'the request body must be a JSON object');
    const answer =
      type.kind === 'SelfSubjectReview'
        ? selfSubjectReview(body as Record<string, unknown>, user, clock.now())
        : type.kind === 'SelfSubjectAccessReview'
          ? selfSubjectAccessReview(body as Record<string, unknown>, user, deny)
          : selfSubjectRulesReview(body as Record<string, unknown>, user, deny);
    sendJson(res, 201, answer);
  }

  const server = createServer((req, res) => {
    // Simulated time, as a real server's Date header is its clock: clients correct ages by it.
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        if (!res.writableEnded) res.end();
        return;
      }
      sendStatus(res, statusOf(error));
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });

  return {
    server,
    setDenyRules(rules) {
      deny = rules;
    },
    pauseBackend() {
      if (backendPaused) return;
      let resume = (): void => {};
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      backendPaused = { resumed, resume };
    },
    resumeBackend() {
      backendPaused?.resume();
      backendPaused = undefined;
    },
    closeStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

function discovery(path: string, segments: string[], metrics: boolean): unknown {
  if (path === '/version') return SERVER_VERSION;
  if (path === '/apis' && !metrics) {
    const list = apiGroupList() as { groups: { name: string }[] };
    return { ...list, groups: list.groups.filter((g) => g.name !== 'metrics.k8s.io') };
  }
  if (path === '/openapi/v3') return openapiIndex();
  if (segments[0] === 'openapi' && segments[1] === 'v3') return openapiDocument(segments.slice(2).join('/'));
  if (path === '/api') return apiVersions();
  if (path === '/apis') return apiGroupList();
  if (segments[0] === 'api' && segments.length === 2) return apiResourceList(segments[1]!);
  if (segments[0] === 'apis' && segments.length === 2) return apiGroupDocument(segments[1]!);
  if (segments[0] === 'apis' && segments.length === 3)
    return apiResourceList(`${segments[1]}/${segments[2]}`);
  return undefined;
}

function checkName(obj: KubeObject, urlName: string): void {
  const name = obj.metadata.name;
  if (name !== undefined && name !== '' && name !== urlName) {
    fail(
      400,
      'BadRequest',
      `the name of the object (${String(name)}) does not match the name on the URL (${urlName})`,
    );
  }
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/** A watch on a named object adds a name selector to whatever field selector was given. */
function mergeFieldSelectors(query: URLSearchParams): URLSearchParams {
  const all = query.getAll('fieldSelector').filter(Boolean);
  if (all.length <= 1) return query;
  const merged = new URLSearchParams(query);
  merged.set('fieldSelector', all.join(','));
  return merged;
}
