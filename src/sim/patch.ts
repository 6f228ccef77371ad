// The three patch formats kubectl and client-node send: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and Kubernetes' strategic merge patch, which merges known lists by a key.
import { fail } from './status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) fail(422, 'Invalid', `invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(t)]
      : isObject(node)
        ? node[t]
        : undefined;
    if (next === undefined)
      fail(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: doc is missing path: "${path}"`,
      );
    node = next;
  }
  if (!isObject(node) && !Array.isArray(node)) fail(422, 'Invalid', `doc is missing path: "${path}"`);
  return { parent: node, key: tokens[tokens.length - 1]! };
}

function getAt(doc: Json, path: string): Json {
  let node: Json = doc;
  for (const t of pointer(path)) {
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(t)]
      : isObject(node)
        ? node[t]
        : undefined;
    if (next === undefined) fail(422, 'Invalid', `doc is missing path: "${path}"`);
    node = next;
  }
  return node;
}

function arrayIndex(arr: Json[], key: string, allowEnd: boolean, path: string): number {
  if (key === '-' && allowEnd) return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!allowEnd && i === arr.length)) {
    fail(422, 'Invalid', `index out of range in JSON patch path "${path}"`);
  }
  return i;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
  return doc;
}

function replace(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, path)] = value;
  else parent[key] = value;
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = pointer(path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else {
    if (!Object.hasOwn(parent, key))
      fail(422, 'Invalid', `Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops))
    fail(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isObject(raw as unknown) || typeof raw.path !== 'string')
      fail(400, 'BadRequest', 'invalid JSON patch operation');
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, structuredClone(raw.value ?? null));
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        getAt(doc, raw.path);
        doc = replace(doc, raw.path, structuredClone(raw.value ?? null));
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, structuredClone(getAt(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          fail(422, 'Invalid', `testing value ${raw.path} failed: test failed`);
        }
        break;
      default:
        fail(400, 'BadRequest', `Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}

/** Lists merged element-by-element under strategic merge patch, with their merge key. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  envFrom: '',
};

/** Primitive lists merged as sets rather than replaced. */
const SET_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const listKey = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[listKey];
      if (Array.isArray(current) && Array.isArray(value))
        out[listKey] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (Array.isArray(value)) out[key] = mergeList(key, field, Array.isArray(current) ? current : [], value);
    else if (isObject(value)) out[key] = strategicMergePatch(current ?? null, value, key);
    else out[key] = value;
    if (out[key] === null) delete out[key];
  }
  return out;
}

function mergeList(key: string, parentField: string, current: Json[], patch: Json[]): Json[] {
  if (SET_LISTS.has(key)) return [...current, ...patch.filter((v) => !current.includes(v))];
  // Service ports merge by `port`; container ports by `containerPort`.
  const mergeKey = key === 'ports' && parentField === 'spec' ? 'port' : MERGE_KEYS[key];
  if (!mergeKey || !patch.every(isObject)) return patch.map((v) => (isObject(v) ? stripDirectives(v) : v));
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch
      .filter((item) => !(isObject(item) && item.$patch === 'replace'))
      .map((v) => stripDirectives(v as JsonObject));
  }
  const out = current.map((v) => v);
  for (const item of patch as JsonObject[]) {
    const id = item[mergeKey];
    const index = out.findIndex((existing) => isObject(existing) && existing[mergeKey] === id);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index]!, item, key);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

function stripDirectives(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    out[k] = isObject(v) ? stripDirectives(v) : v;
  }
  return out;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim();
  return (
    {
      'application/merge-patch+json': 'merge',
      'application/json-patch+json': 'json',
      'application/strategic-merge-patch+json': 'strategic',
      'application/apply-patch+yaml': 'apply',
      'application/apply-patch+cbor': undefined,
    } as Record<string, PatchType | undefined>
  )[ct];
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  switch (type) {
    case 'merge':
      return mergePatch(target as Json, patch as Json);
    case 'json':
      return jsonPatch(target as Json, patch);
    case 'strategic':
    case 'apply':
      return strategicMergePatch(target as Json, patch as Json);
  }
}
