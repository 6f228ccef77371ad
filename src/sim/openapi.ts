// A minimal OpenAPI v3 index: kubectl's default `--validate=strict` downloads it to learn that
// the server validates fields itself (the `fieldValidation` parameter on PATCH). The documents
// carry paths only, no schemas, so kubectl computes patches from its built-in types.
import { REVIEW_TYPES } from './auth.js';
import { RESOURCE_TYPES, apiVersionOf, type ResourceType } from './resources.js';

const HASH = 'aiopssim1';

function groupVersionPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
}

export function openapiIndex(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const t of [...RESOURCE_TYPES, ...REVIEW_TYPES]) {
    const gv = groupVersionPath(t);
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${HASH}` };
  }
  return { paths };
}

const fieldValidation = {
  name: 'fieldValidation',
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
};

export function openapiDocument(groupVersion: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((t) => groupVersionPath(t) === groupVersion);
  const reviews = REVIEW_TYPES.filter((t) => groupVersionPath(t) === groupVersion);
  if (types.length === 0 && reviews.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of reviews) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    paths[`/${groupVersion}/${t.plural}`] = {
      post: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'post', responses: {} },
    };
  }
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const base = `/${groupVersion}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    const op = { 'x-kubernetes-group-version-kind': gvk, parameters: [fieldValidation], responses: {} };
    paths[base] = {
      get: { ...op, 'x-kubernetes-action': 'list' },
      post: { ...op, 'x-kubernetes-action': 'post' },
    };
    paths[`${base}/{name}`] = {
      get: { ...op, 'x-kubernetes-action': 'get' },
      put: { ...op, 'x-kubernetes-action': 'put' },
      patch: { ...op, 'x-kubernetes-action': 'patch' },
      delete: { ...op, 'x-kubernetes-action': 'delete' },
    };
  }
  return {
    openapi: '3.0.0',
    info: {
      title: 'Kubernetes',
      version: types[0] ? apiVersionOf(types[0]) : groupVersion.replace(/^apis\//, ''),
    },
    paths,
    components: { schemas: {} },
  };
}
