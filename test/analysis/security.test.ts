import { describe, expect, it } from 'vitest';
import { security } from '../../src/analysis/analyzers/security.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import type { V1PodSpec } from '@kubernetes/client-node';
import { container, pod, snapshot, workload } from './fixtures.js';

function problemsOf(spec: Partial<V1PodSpec>) {
  const w = workload('app', 2, { spec });
  const findings = security(
    snapshot({ deployments: [w.deployment], replicaSets: [w.replicaSet], pods: w.pods }),
    DEFAULT_OPTIONS,
  );
  return Object.fromEntries(findings.map((f) => [f.id.split(':').at(-1), f]));
}

describe('security posture', () => {
  it('passes a hardened workload', () => {
    expect(problemsOf({})).toEqual({});
  });

  it('reports one finding per workload and check, however many replicas', () => {
    const w = workload('app', 50, { spec: { hostNetwork: true } });
    const findings = security(
      snapshot({ deployments: [w.deployment], replicaSets: [w.replicaSet], pods: w.pods }),
      DEFAULT_OPTIONS,
    );
    expect(findings.map((f) => f.id)).toEqual(['security:Deployment/todo/app:host-namespaces']);
  });

  it.each<[string, Partial<V1PodSpec>, string, string]>([
    [
      'privileged',
      { containers: [container('app', { securityContext: { privileged: true, runAsNonRoot: true } })] },
      'privileged',
      'app: privileged: true',
    ],
    ['hostPID', { hostPID: true }, 'host-namespaces', 'hostPID: true'],
    [
      'hostPath',
      { volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] },
      'host-path',
      'volume docker: hostPath /var/run/docker.sock',
    ],
    [
      'runAsUser 0',
      { containers: [container('app', { securityContext: { runAsUser: 0 } })] },
      'runs-as-root',
      'app: runAsUser: 0',
    ],
    [
      'runAsNonRoot missing',
      { containers: [container('app', { securityContext: { readOnlyRootFilesystem: true } })] },
      'runs-as-root',
      'app: runAsNonRoot not set',
    ],
    [
      'latest',
      { containers: [container('app', { image: 'nginx:latest' })] },
      'image-tag',
      'app: nginx:latest uses the latest tag',
    ],
    [
      'untagged',
      { containers: [container('app', { image: 'localhost:5000/team/app' })] },
      'image-tag',
      'app: localhost:5000/team/app has no tag (means latest)',
    ],
    [
      'no requests',
      { containers: [container('app', { resources: { limits: { memory: '1Gi' } } })] },
      'missing-requests',
      'app: no cpu request',
    ],
    [
      'no limits',
      { containers: [container('app', { resources: { requests: { cpu: '1', memory: '1Gi' } } })] },
      'missing-limits',
      'app: no memory limit',
    ],
    [
      'no probes',
      { containers: [container('app', { readinessProbe: undefined, livenessProbe: undefined })] },
      'missing-probes',
      'app: no readiness or liveness probe',
    ],
    [
      'default SA',
      { serviceAccountName: undefined },
      'default-service-account',
      'serviceAccountName: default, automountServiceAccountToken not false',
    ],
  ])('reports %s', (_name, spec, problem, evidence) => {
    const found = problemsOf(spec);
    expect(found[problem]?.detail).toEqual([evidence]);
  });

  it('reports a missing securityContext alongside the root risk it implies', () => {
    const found = problemsOf({ containers: [container('app', { securityContext: undefined })] });
    expect(Object.keys(found).sort()).toEqual(['no-security-context', 'runs-as-root']);
  });

  it('accepts pod-level security settings and pinned digests', () => {
    const found = problemsOf({
      securityContext: { runAsNonRoot: true },
      containers: [container('app', { securityContext: undefined, image: 'nginx@sha256:abc' })],
    });
    expect(found).toEqual({});
  });

  it('names secret-looking env literals without repeating their values', () => {
    const found = problemsOf({
      containers: [
        container('app', {
          env: [
            { name: 'DB_PASSWORD', value: 'hunter2' },
            { name: 'API_KEY', value: 'sk-123' },
            { name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token' } } },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
        }),
      ],
    });
    expect(found['secret-env']?.detail).toEqual(['app: literal DB_PASSWORD, API_KEY']);
    expect(JSON.stringify(found)).not.toMatch(/hunter2|sk-123/);
  });

  it('checks bare pods too', () => {
    const bare = pod('debug', { spec: { hostNetwork: true } });
    expect(security(snapshot({ pods: [bare] }), DEFAULT_OPTIONS).map((f) => f.id)).toEqual([
      'security:Pod/todo/debug:host-namespaces',
    ]);
  });
});
