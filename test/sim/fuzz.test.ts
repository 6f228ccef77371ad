// Bad input never crashes the simulator: a bounded, seeded loop of random paths, methods, bodies
// and content types, each answered with a Status (or a valid object), and the server still up.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 5 });
});
afterAll(() => sim.close());

function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const SEGMENTS = [
  'api',
  'apis',
  'v1',
  'apps',
  'namespaces',
  'todo',
  'pods',
  'deployments',
  'scale',
  'status',
  'log',
  'watch',
  'metrics.k8s.io',
  'v1beta1',
  'nodes',
  '..',
  '%00',
  'x'.repeat(300),
  '',
  'frontend',
  'autoscaling',
  'v2',
  'horizontalpodautoscalers',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const TYPES = [
  'application/json',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'text/plain',
  'application/vnd.kubernetes.protobuf',
  '',
];
const BODIES = [
  '',
  '{',
  'null',
  '[]',
  '{"metadata":5}',
  '{"metadata":{"name":"Bad_Name"}}',
  '[{"op":"remove","path":"/nope"}]',
  '{"spec":{"replicas":-1}}',
  '{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}}',
  '"\\u0000"',
  ': : :',
  '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"frontend"}]}}}}',
];
const QUERIES = [
  '',
  '?watch=1&timeoutSeconds=1',
  '?labelSelector=a%20in%20(',
  '?fieldSelector=bogus=1',
  '?limit=-5',
  '?continue=garbage',
  '?resourceVersion=abc&watch=true&timeoutSeconds=1',
  '?container=nope',
  '?tailLines=x',
  '?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&timeoutSeconds=1',
  '?limit=1&continue=eyJpZCI6IngiLCJhZnRlciI6IiJ9',
  '?limitBytes=7&timestamps=true',
  '?fieldManager=fuzz',
];

it('answers 2,000 random requests with Status or objects and keeps serving', async () => {
  const random = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const bytes = (n: number): Buffer =>
    Buffer.from(Array.from({ length: Math.floor(random() * n) }, () => Math.floor(random() * 256)));
  /** The k8s protobuf envelope of a type the decoder knows, around random bytes. */
  const protobufNoise = (): Buffer => {
    const [apiVersion, kind] = pick([
      ['v1', 'Pod'],
      ['apps/v1', 'Deployment'],
      ['v1', 'ConfigMap'],
    ]);
    const typeMeta = Buffer.from([
      0x0a,
      apiVersion!.length,
      ...Buffer.from(apiVersion!),
      0x12,
      kind!.length,
      ...Buffer.from(kind!),
    ]);
    const raw = bytes(100);
    return Buffer.concat([
      Buffer.from('k8s\0'),
      Buffer.from([0x0a, typeMeta.length]),
      typeMeta,
      Buffer.from([0x12, raw.length]),
      raw,
    ]);
  };
  const statusCodes = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const depth = 1 + Math.floor(random() * 7);
    const path = '/' + Array.from({ length: depth }, () => pick(SEGMENTS)).join('/') + pick(QUERIES);
    const method = pick(METHODS);
    const protobuf = method !== 'GET' && method !== 'HEAD' && random() < 0.2;
    const body =
      method === 'GET' || method === 'HEAD' ? undefined : protobuf ? protobufNoise() : pick(BODIES);
    const response = await fetch(sim.url + path, {
      method,
      body,
      headers: { 'Content-Type': protobuf ? 'application/vnd.kubernetes.protobuf' : pick(TYPES) },
      signal: AbortSignal.timeout(5000),
    });
    statusCodes.add(response.status);
    const text = await response.text();
    if (
      method === 'HEAD' ||
      (response.status === 200 && !(response.headers.get('content-type') ?? '').includes('json'))
    )
      continue;
    // A path under a group nothing serves: a real apiserver's mux answers this text, not a Status.
    if (response.status === 404 && text === '404 page not found\n') continue;
    // Watch streams are newline-delimited JSON events; everything else is one JSON document.
    const documents = text.trim() ? text.trim().split('\n') : [];
    for (const doc of response.status >= 400 ? [text] : documents) {
      const parsed = JSON.parse(doc) as { kind?: string; code?: number; type?: string };
      if (response.status >= 400) {
        expect(parsed.kind, `${method} ${path} → ${response.status}`).toBe('Status');
        expect(parsed.code).toBe(response.status);
      }
    }
  }
  expect(statusCodes.has(500)).toBe(false);
  expect((await fetch(`${sim.url}/version`)).status).toBe(200);
}, 60_000);
