// Who a request is and what it may do. The simulator has no RBAC: every authenticated user may do
// everything except what a deny rule forbids. A request without credentials is the kubeconfig's
// admin; a bearer token names one of the users the simulator was started with; Impersonate-*
// headers switch to another user as a real server's impersonation filter does. The review APIs
// (authentication.k8s.io SelfSubjectReview, authorization.k8s.io SelfSubjectAccessReview and
// SelfSubjectRulesReview) answer from the same rules the 403s come from.
import type { IncomingMessage } from 'node:http';
import { RESOURCE_TYPES } from './resources.js';
import { fail } from './status.js';

/** A request the simulated RBAC refuses; omitted fields match anything. */
export interface DenyRule {
  verb?: string;
  /** Plural resource name, e.g. `pods` (and its subresources), or one subresource: `pods/log`. */
  resource?: string;
  namespace?: string;
  /** A username or a group the rule applies to; every user when omitted. */
  user?: string;
}

/** authentication.k8s.io/v1 UserInfo. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** A user a bearer token authenticates as (a real server's static token file, one line each). */
export interface SimUser {
  token: string;
  username: string;
  uid?: string;
  /** `system:authenticated` is added, as a real server adds it to every authenticated user. */
  groups?: string[];
}

/** The kubeconfig's user: what every request without credentials is (a cluster admin). */
export const ADMIN_USER: UserInfo = { username: 'aiops', groups: ['system:masters', 'system:authenticated'] };

const AUTHENTICATED = 'system:authenticated';

function withAuthenticated(groups: string[]): string[] {
  return groups.includes(AUTHENTICATED) ? groups : [...groups, AUTHENTICATED];
}

function unauthorized(): never {
  fail(401, 'Unauthorized', 'Unauthorized');
}

/**
 * The user a request's credentials name. No Authorization header: the admin. A bearer token: the
 * configured user it belongs to, or 401 when users are configured and none has it (without
 * configured users, any token is the admin, as the simulator always answered).
 */
export function authenticate(req: IncomingMessage, users: readonly SimUser[]): UserInfo {
  const header = req.headers.authorization;
  if (!header) return ADMIN_USER;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (users.length === 0) return ADMIN_USER;
  if (!bearer) unauthorized();
  const user = users.find((u) => u.token === bearer[1]);
  if (!user) unauthorized();
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: withAuthenticated(user.groups ?? []),
  };
}

/** The attributes an authorizer decides on (a real server's authorizer.Attributes). */
export interface Attributes {
  verb: string;
  resource: string;
  namespace?: string;
  group?: string;
  subresource?: string;
  name?: string;
}

/** The deny rule that forbids the request, if any. A `*` verb or resource asks about all of them. */
export function denyingRule(
  deny: readonly DenyRule[],
  user: UserInfo,
  attrs: Attributes,
): DenyRule | undefined {
  const wild = (asked: string, rule: string | undefined) =>
    rule === undefined || asked === '*' || rule === asked;
  return deny.find(
    (d) =>
      wild(attrs.verb, d.verb) &&
      (d.resource?.includes('/')
        ? d.resource === `${attrs.resource}/${attrs.subresource ?? ''}`
        : wild(attrs.resource, d.resource)) &&
      (d.namespace === undefined || d.namespace === (attrs.namespace || undefined)) &&
      (d.user === undefined || d.user === user.username || user.groups.includes(d.user)),
  );
}

/** The 403 a real server sends for a request RBAC does not allow. */
export function forbidden(user: UserInfo, attrs: Attributes): never {
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const group = attrs.group ?? '';
  const kind = group ? `${attrs.resource}.${group}` : attrs.resource;
  fail(
    403,
    'Forbidden',
    `${kind}${attrs.name ? ` "${attrs.name}"` : ''} is forbidden: User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${where}`,
    { name: attrs.name, group, kind: attrs.resource },
  );
}

const header = (req: IncomingMessage, name: string): string[] => {
  const value = req.headers[name];
  return value === undefined ? [] : Array.isArray(value) ? value : value.split(',').map((v) => v.trim());
};

/**
 * The user Impersonate-User / -Group / -Uid / -Extra-* headers ask for (kubectl --as, --as-group,
 * --as-uid), each checked against the deny rules as the `impersonate` verb; the user itself otherwise.
 */
export function impersonate(req: IncomingMessage, user: UserInfo, deny: readonly DenyRule[]): UserInfo {
  const asUser = req.headers['impersonate-user'];
  const groups = header(req, 'impersonate-group');
  const uid = req.headers['impersonate-uid'];
  const extra: Record<string, string[]> = {};
  for (const name of Object.keys(req.headers)) {
    if (!name.startsWith('impersonate-extra-')) continue;
    extra[decodeURIComponent(name.slice('impersonate-extra-'.length))] = header(req, name);
  }
  if (typeof asUser !== 'string' || asUser === '') {
    if (groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0) {
      fail(
        500,
        'InternalError',
        'Internal error occurred: requested impersonation of groups, a uid or extras without impersonating a user',
      );
    }
    return user;
  }
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(asUser);
  const checks: Attributes[] = [
    serviceAccount
      ? {
          verb: 'impersonate',
          resource: 'serviceaccounts',
          namespace: serviceAccount[1],
          name: serviceAccount[2],
        }
      : { verb: 'impersonate', resource: 'users', name: asUser },
    ...groups.map((g) => ({ verb: 'impersonate', resource: 'groups', name: g })),
    ...(typeof uid === 'string' ? [{ verb: 'impersonate', resource: 'uids', name: uid }] : []),
    ...Object.keys(extra).map((k) => ({
      verb: 'impersonate',
      resource: 'userextras',
      subresource: k,
      group: 'authentication.k8s.io',
    })),
  ];
  for (const attrs of checks) {
    if (denyingRule(deny, user, attrs)) forbidden(user, attrs);
  }
  const impliedGroups = serviceAccount
    ? ['system:serviceaccounts', `system:serviceaccounts:${serviceAccount[1]}`]
    : [];
  return {
    username: asUser,
    ...(typeof uid === 'string' ? { uid } : {}),
    groups: withAuthenticated([...groups, ...impliedGroups.filter((g) => !groups.includes(g))]),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

// ---- the review APIs ----

/** The create-only review resources, as discovery lists them. */
export interface ReviewType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const REVIEW_TYPES: readonly ReviewType[] = [
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectReview',
    plural: 'selfsubjectreviews',
    namespaced: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    namespaced: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    namespaced: false,
  },
];

export function findReviewType(segments: string[]): ReviewType | undefined {
  if (segments[0] !== 'apis' || segments.length !== 4) return undefined;
  return REVIEW_TYPES.find(
    (t) => t.group === segments[1] && t.version === segments[2] && t.plural === segments[3],
  );
}

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function checkKind(type: ReviewType, body: Json): void {
  const apiVersion = `${type.group}/${type.version}`;
  if (
    (body.kind !== undefined && body.kind !== type.kind) ||
    (body.apiVersion !== undefined && body.apiVersion !== apiVersion)
  ) {
    fail(
      400,
      'BadRequest',
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
}

function invalid(kind: string, group: string, causes: { field: string; message: string }[]): never {
  fail(
    422,
    'Invalid',
    `${kind}.${group} "" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    {
      group,
      kind,
      causes: causes.map((c) => ({ reason: c.message.split(':')[0], message: c.message, field: c.field })),
    },
  );
}

/** SelfSubjectReview: the request's user, as `kubectl auth whoami` prints it. */
export function selfSubjectReview(body: Json, user: UserInfo, now: number): Json {
  checkKind(REVIEW_TYPES[0]!, body);
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: {
      userInfo: {
        username: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: user.groups,
        ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
      },
    },
  };
}

/** The review's metadata as a real server re-encodes what it was sent (no zero timestamp). */
function echoedMetadata(body: Json): Json {
  const metadata: Json = {};
  for (const [key, value] of Object.entries(asRecord(body.metadata) ?? {})) {
    if (value !== null && value !== '' && !(typeof value === 'object' && Object.keys(value).length === 0))
      metadata[key] = value;
  }
  return metadata;
}

function denialReason(rule: DenyRule): string {
  const parts = (['verb', 'resource', 'namespace', 'user'] as const)
    .filter((k) => rule[k] !== undefined)
    .map((k) => `${k} "${rule[k]}"`);
  return `denied by the simulator's deny rule${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** SelfSubjectAccessReview: may the request's user do this (`kubectl auth can-i`, k9s)? */
export function selfSubjectAccessReview(body: Json, user: UserInfo, deny: readonly DenyRule[]): Json {
  const type = REVIEW_TYPES[1]!;
  checkKind(type, body);
  const spec = asRecord(body.spec) ?? {};
  const resource = asRecord(spec.resourceAttributes);
  const nonResource = asRecord(spec.nonResourceAttributes);
  const metadata = echoedMetadata(body);
  const causes: { field: string; message: string }[] = [];
  if (Object.keys(metadata).length > 0)
    causes.push({ field: 'metadata', message: `Invalid value: ${JSON.stringify(metadata)}: must be empty` });
  if (!resource && !nonResource)
    causes.push({
      field: 'spec.resourceAttributes',
      message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  if (resource && nonResource)
    causes.push({
      field: 'spec.nonResourceAttributes',
      message: `Invalid value: ${JSON.stringify(nonResource)}: cannot be specified in combination with resourceAttributes`,
    });
  if (causes.length > 0) invalid(type.kind, type.group, causes);
  let rule: DenyRule | undefined;
  if (resource) {
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    rule = denyingRule(deny, user, {
      verb: str(resource.verb) ?? '',
      resource: str(resource.resource) ?? '',
      namespace: str(resource.namespace),
      group: str(resource.group),
      subresource: str(resource.subresource),
      name: str(resource.name),
    });
  }
  return {
    kind: type.kind,
    apiVersion: `${type.group}/${type.version}`,
    metadata,
    spec,
    status: rule ? { allowed: false, denied: true, reason: denialReason(rule) } : { allowed: true },
  };
}

const READ_VERBS = ['get', 'list', 'watch'];
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** What every authenticated user may do on a real server (system:basic-user, system:public-info-viewer). */
const BASIC_RESOURCE_RULES = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
const BASIC_NON_RESOURCE_RULES = [
  { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/openapi',
      '/openapi/*',
      '/readyz',
      '/version',
      '/version/',
    ],
  },
];

/**
 * SelfSubjectRulesReview (`kubectl auth can-i --list`): everything (`*`) when no deny rule touches
 * the user; otherwise one rule per served resource with the verbs no deny rule takes away.
 */
export function selfSubjectRulesReview(body: Json, user: UserInfo, deny: readonly DenyRule[]): Json {
  const type = REVIEW_TYPES[2]!;
  checkKind(type, body);
  const spec = asRecord(body.spec) ?? {};
  const namespace = typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : undefined;
  const mine = deny.filter(
    (d) =>
      (d.user === undefined || d.user === user.username || user.groups.includes(d.user)) &&
      (d.namespace === undefined || d.namespace === namespace),
  );
  let resourceRules: Json[];
  if (mine.length === 0) {
    resourceRules = [...BASIC_RESOURCE_RULES, { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  } else {
    resourceRules = [...BASIC_RESOURCE_RULES];
    for (const t of RESOURCE_TYPES) {
      const verbs = (t.readOnly ? READ_VERBS : ALL_VERBS).filter(
        (verb) => !denyingRule(mine, user, { verb, resource: t.plural, namespace }),
      );
      if (verbs.length > 0) resourceRules.push({ verbs, apiGroups: [t.group], resources: [t.plural] });
    }
  }
  return {
    kind: type.kind,
    apiVersion: `${type.group}/${type.version}`,
    metadata: echoedMetadata(body),
    spec,
    status: {
      resourceRules,
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }, ...BASIC_NON_RESOURCE_RULES],
      incomplete: false,
    },
  };
}
