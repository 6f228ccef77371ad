import { describe, expect, it } from 'vitest';
import { ingress as analyzeIngress } from '../../src/analysis/analyzers/ingress.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { ingress, ingressClass, secret, service } from './fixtures-network.js';
import { snapshot } from './fixtures.js';

const run = (parts: Partial<ClusterSnapshot>) => analyzeIngress(snapshot(parts));
const problems = (parts: Partial<ClusterSnapshot>) =>
  run(parts)
    .map((f) => `${f.severity} ${f.id.split(':').slice(2).join(':')}`)
    .sort();

const web = service('web', { app: 'web' }, { ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
const nginx = ingressClass('nginx', true);

describe('ingress', () => {
  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    [
      'a routable Ingress',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { className: 'nginx' })],
        services: [web],
        ingressClasses: [nginx],
      },
      [],
    ],
    [
      'a port by name',
      { ingresses: [ingress('todo', [{ service: 'web', port: { name: 'http' } }])], services: [web] },
      [],
    ],
    ['ingresses not listed', { services: [web] }, []],
    [
      'services not listed: backends are not judged',
      { ingresses: [ingress('todo', [{ service: 'gone', port: { number: 80 } }])] },
      [],
    ],
    [
      'a missing backend service',
      { ingresses: [ingress('todo', [{ service: 'gone', port: { number: 80 } }])], services: [web] },
      ['critical backend-service:gone'],
    ],
    [
      'a missing service used by two paths is one finding',
      {
        ingresses: [
          ingress('todo', [
            { service: 'gone', port: { number: 80 } },
            { service: 'gone', port: { number: 80 }, path: '/api' },
          ]),
        ],
        services: [web],
      },
      ['critical backend-service:gone'],
    ],
    [
      'a port number the service lacks',
      { ingresses: [ingress('todo', [{ service: 'web', port: { number: 8080 } }])], services: [web] },
      ['critical backend-port:web:8080'],
    ],
    [
      'a port name the service lacks',
      { ingresses: [ingress('todo', [{ service: 'web', port: { name: 'https' } }])], services: [web] },
      ['critical backend-port:web:https'],
    ],
    [
      'a class that does not exist',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { className: 'traefik' })],
        services: [web],
        ingressClasses: [nginx],
      },
      ['critical ingress-class'],
    ],
    [
      'no class and no default class',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }])],
        services: [web],
        ingressClasses: [ingressClass('nginx')],
      },
      ['warning ingress-class'],
    ],
    [
      'no class, a default exists',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }])],
        services: [web],
        ingressClasses: [nginx],
      },
      [],
    ],
    [
      'a TLS secret that does not exist',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { tls: 'todo-tls' })],
        services: [web],
        secrets: [],
      },
      ['warning tls-secret:todo-tls'],
    ],
    [
      'a TLS secret without a key',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { tls: 'todo-tls' })],
        services: [web],
        secrets: [secret('todo-tls', ['tls.crt'])],
      },
      ['warning tls-secret:todo-tls'],
    ],
    [
      'a TLS secret with both keys',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { tls: 'todo-tls' })],
        services: [web],
        secrets: [secret('todo-tls', ['tls.crt', 'tls.key'], 'kubernetes.io/tls')],
      },
      [],
    ],
    [
      'secrets not listed: TLS is not judged',
      {
        ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { tls: 'todo-tls' })],
        services: [web],
      },
      [],
    ],
  ])('%s', (_, parts, expected) => {
    expect(problems(parts)).toEqual(expected);
  });

  it('names the route and the services that exist, and a near name', () => {
    const frontend = service('frontend', { app: 'frontend' });
    const [finding] = run({
      ingresses: [ingress('todo', [{ service: 'frontnd', port: { number: 80 } }])],
      services: [web, frontend],
    });
    expect(finding).toMatchObject({
      title: 'Ingress backend service frontnd does not exist',
      runbook: 'ingress-backend',
    });
    expect(finding!.detail).toEqual([
      'todo.example/ → service frontnd:80',
      'services in todo: web, frontend',
    ]);
    expect(finding!.suggestedFix).toBe(
      'Point the backend at service frontend (the name differs by a typo), or create service frontnd.',
    );
  });

  it("patches every path using a missing port to the service's one port", () => {
    const [finding] = run({
      ingresses: [
        ingress('todo', [
          { service: 'web', port: { number: 8080 } },
          { service: 'web', port: { number: 8080 }, path: '/api' },
        ]),
      ],
      services: [web],
    });
    expect(finding!.detail).toEqual([
      'todo.example/ → service web:8080',
      'todo.example/api → service web:8080',
      'service web ports: http=80/TCP',
    ]);
    expect(finding!.recommendation).toMatchObject({
      kind: 'patch',
      patchType: 'json',
      target: { kind: 'Ingress', namespace: 'todo', name: 'todo' },
      patch: [
        { op: 'test', path: '/spec/rules/0/http/paths/0/backend/service/name', value: 'web' },
        { op: 'replace', path: '/spec/rules/0/http/paths/0/backend/service/port', value: { number: 80 } },
        { op: 'test', path: '/spec/rules/0/http/paths/1/backend/service/name', value: 'web' },
        { op: 'replace', path: '/spec/rules/0/http/paths/1/backend/service/port', value: { number: 80 } },
      ],
    });
  });

  it.each<[string, string[], string | undefined]>([
    ['the one class', ['nginx'], 'nginx'],
    ['two classes: name them, no patch', ['nginx', 'traefik'], undefined],
  ])('a missing class is set to %s', (_, classes, fixTo) => {
    const [finding] = run({
      ingresses: [ingress('todo', [{ service: 'web', port: { number: 80 } }], { className: 'haproxy' })],
      ingressClasses: classes.map((c) => ingressClass(c)),
    });
    expect(finding!.detail).toEqual(['ingressClassName: haproxy', `IngressClasses: ${classes.join(', ')}`]);
    if (fixTo)
      expect(finding!.recommendation).toMatchObject({
        patchType: 'merge',
        patch: { spec: { ingressClassName: fixTo } },
      });
    else {
      expect(finding!.recommendation).toBeUndefined();
      expect(finding!.suggestedFix).toBe('Set ingressClassName to one of: nginx, traefik.');
    }
  });
});
