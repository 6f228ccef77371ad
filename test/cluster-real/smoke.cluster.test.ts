// The real control plane, judged by the real kubectl and helm: it starts (timings printed), serves
// v1.34, runs helm/todo-chart's pods on kwok's fake nodes, and its RBAC users are who they claim
// to be — admin sees everything, the viewer can read but not write, the no-rights user gets 403,
// a bad token 401. Skipped, with the reason in its title, when the binaries are not built.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneMissing, startControlPlane, type ControlPlane } from '../cluster/control-plane.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const chartDir = join(repoRoot, 'helm', 'todo-chart');
const missing = controlPlaneMissing();
if (missing) console.warn(`smoke.cluster: skipped: ${missing}`);

interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

describe.skipIf(missing !== undefined)(
  missing ? `real control plane (skipped: ${missing})` : 'real control plane',
  () => {
    let cp: ControlPlane;
    const ok = async (args: string[], user: 'admin' | 'viewer' | 'nobody' = 'admin') => {
      const r = await cp.kubectl(args, { user });
      expect(r.exitCode, `kubectl ${args.join(' ')} as ${user}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const todoPods = async () =>
      (JSON.parse(await ok(['get', 'pods', '-n', 'todo', '-o', 'json'])) as { items: Pod[] }).items;

    beforeAll(async () => {
      const started = Date.now();
      cp = await startControlPlane({ log: (line) => console.error(line) });
      console.error(
        `smoke.cluster: control plane up in ${Date.now() - started} ms: ${JSON.stringify(cp.timings)} (${cp.dir})`,
      );
    });
    afterAll(async () => {
      const started = Date.now();
      await cp?.stop();
      console.error(`smoke.cluster: control plane stopped in ${Date.now() - started} ms`);
    });

    it('serves Kubernetes v1.34 with the fake nodes Ready', async () => {
      const version = JSON.parse(await ok(['version', '-o', 'json'])) as {
        serverVersion: { gitVersion: string };
      };
      expect(version.serverVersion.gitVersion).toMatch(/^v1\.34\.\d+$/);
      const nodes = JSON.parse(await ok(['get', 'nodes', '-o', 'json'])) as {
        items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
      };
      expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([...cp.nodes].sort());
      for (const n of nodes.items)
        expect(n.status.conditions.find((c) => c.type === 'Ready')?.status, n.metadata.name).toBe('True');
    });

    it('helm installs the Todo chart and its pods run on kwok nodes', async () => {
      const started = Date.now();
      const install = await cp.helm(
        [
          'install',
          'todo',
          chartDir,
          '--namespace',
          'todo',
          '--create-namespace',
          '--set',
          'backend.secret.databaseUrl=postgresql://todo:test-only@postgres:5432/todo',
          // No volume provisioner on the control plane: the chart's postgres would stay Pending.
          '--set',
          'postgres.enabled=false',
          '--wait',
          '--timeout',
          '90s',
        ],
        { timeoutMs: 100_000 },
      );
      expect(install.exitCode, install.stderr).toBe(0);
      // helm --wait saw the Deployments available; the pods themselves, on the fake nodes:
      const deadline = Date.now() + 60_000;
      let pods = await todoPods();
      while (
        !(pods.length === 3 && pods.every((p) => p.status.phase === 'Running' && p.spec.nodeName)) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 250));
        pods = await todoPods();
      }
      console.error(`smoke.cluster: todo installed and Running in ${Date.now() - started} ms`);
      // The chart's defaults: frontend ×1, backend ×2.
      expect(pods.map((p) => p.metadata.labels?.app).sort()).toEqual(['backend', 'backend', 'frontend']);
      for (const p of pods) {
        expect(p.status.phase, p.metadata.name).toBe('Running');
        expect(cp.nodes, p.metadata.name).toContain(p.spec.nodeName);
        expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status, p.metadata.name).toBe('True');
      }
    }, 180_000);

    it('kubectl get pods -A as admin lists the Todo pods', async () => {
      const out = await ok(['get', 'pods', '-A']);
      expect(out).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS/);
      const todo = out.split('\n').filter((l) => l.startsWith('todo '));
      expect(todo).toHaveLength(3);
      for (const line of todo) expect(line).toMatch(/\s1\/1\s+Running\s/);
    });

    it('kubectl auth whoami names each user', async () => {
      const whoami = async (user: 'admin' | 'viewer' | 'nobody') =>
        JSON.parse(await ok(['auth', 'whoami', '-o', 'json'], user)) as {
          status: { userInfo: { username: string; groups?: string[] } };
        };
      const admin = await whoami('admin');
      expect(admin.status.userInfo.username).toBe('admin');
      expect(admin.status.userInfo.groups).toContain('system:masters');
      expect((await whoami('viewer')).status.userInfo.username).toBe('viewer');
      const nobody = await whoami('nobody');
      expect(nobody.status.userInfo.username).toBe('nobody');
      expect(nobody.status.userInfo.groups).toEqual(['system:authenticated']);
    });

    it('the no-rights user gets 403 Forbidden, a bad token 401', async () => {
      const r = await cp.kubectl(['get', 'pods', '-n', 'todo'], { user: 'nobody' });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain('Forbidden');
      expect(r.stderr).toContain('User "nobody" cannot list resource "pods"');
      const raw = await cp.request('/api/v1/namespaces/todo/pods', { user: 'nobody' });
      expect(raw.status).toBe(403);
      expect(raw.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });

      const bad = await cp.kubectl(['get', 'pods', '-n', 'todo', '--token', 'not-a-token'], {
        user: 'nobody',
      });
      expect(bad.exitCode).not.toBe(0);
      expect(bad.stderr).toMatch(/Unauthorized|must be logged in/);
    });

    it('the viewer can read but not change: auth can-i, get and a refused scale', async () => {
      const canI = async (...args: string[]) =>
        (await cp.kubectl(['auth', 'can-i', ...args], { user: 'viewer' })).stdout.trim();
      expect(await canI('list', 'pods', '-n', 'todo')).toBe('yes');
      expect(await canI('get', 'deployments', '-A')).toBe('yes');
      expect(await canI('delete', 'pods', '-n', 'todo')).toBe('no');
      expect(await canI('patch', 'deployments/frontend', '-n', 'todo')).toBe('no');
      expect(await canI('get', 'secrets', '-n', 'todo')).toBe('no');
      expect(await ok(['get', 'pods', '-n', 'todo', '-o', 'name'], 'viewer')).toMatch(/pod\/frontend-/);
      const scale = await cp.kubectl(['scale', 'deployment/frontend', '-n', 'todo', '--replicas=2'], {
        user: 'viewer',
      });
      expect(scale.exitCode).not.toBe(0);
      expect(scale.stderr).toContain('Forbidden');
    });

    it('answers a metrics API request with a plain-text 404 (no metrics-server)', async () => {
      const r = await cp.request('/apis/metrics.k8s.io/v1beta1/namespaces/todo/pods');
      expect(r.status).toBe(404);
      expect(r.json).toBeUndefined();
    });

    // Last: after a restart the node-lifecycle controller may mark pods not ready.
    it('restartApiserver brings the same server back with its data', async () => {
      const started = Date.now();
      await cp.restartApiserver();
      console.error(`smoke.cluster: apiserver restarted in ${Date.now() - started} ms`);
      expect((await cp.request('/readyz')).status).toBe(200);
      expect(await ok(['get', 'deployments', '-n', 'todo', '-o', 'name'])).toBe(
        'deployment.apps/backend\ndeployment.apps/frontend\n',
      );
    });
  },
);
