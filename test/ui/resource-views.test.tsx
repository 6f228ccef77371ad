// The resource view as a k9s user drives it: every kind by its kubectl name with kubectl's
// columns, tab completion, enter into a workload's pods and esc back, the :ns and :ctx pick lists,
// describe/YAML, and the y/n before anything is proposed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { frameContaining, lineWith, makePod, renderCockpit, storeWith, type Rendered } from './harness.js';
import { makeDeployment, makeReplicaSet, makeService, ownedPod, put, recordingActions } from './objects.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const KEYS = { esc: '\x1b', enter: '\r', tab: '\t', down: '\x1b[B', ctrlD: '\x04', ctrlK: '\x0b' };

function todo() {
  const frontend = makeDeployment('todo', 'frontend');
  const backend = makeDeployment('todo', 'backend');
  const rsF = makeReplicaSet(frontend, 'abc12');
  const rsB = makeReplicaSet(backend, 'def34');
  const store = storeWith(
    [
      ownedPod(rsF, 'x1', 'frontend', { status: 'ContainerCreating' as never }),
      ownedPod(rsF, 'x2', 'frontend'),
      ownedPod(rsB, 'y1', 'backend', { status: 'CrashLoopBackOff', restarts: 5 }),
      makePod('todo', 'loner'),
    ],
    'todo',
  );
  put(store, 'deployments', [frontend, backend]);
  put(store, 'replicasets', [rsF, rsB]);
  put(store, 'services', [makeService('todo', 'frontend', { app: 'frontend' })]);
  put(store, 'configmaps', [
    {
      metadata: { namespace: 'todo', name: 'app-config', creationTimestamp: new Date() },
      data: { a: '', b: '' },
    } as V1ConfigMap,
  ]);
  put(store, 'secrets', [
    {
      metadata: { namespace: 'todo', name: 'db', creationTimestamp: new Date() },
      type: 'Opaque',
      data: { password: '' },
    } as V1Secret,
  ]);
  return store;
}

async function start(size = { width: 120, height: 30 }, readOnly = false) {
  const store = todo();
  const recorded = recordingActions({
    listNamespaces: async () => ['default', 'kube-system', 'todo'],
    listContexts: () => ['kind-dev', 'prod-eu'],
  });
  const onNamespaceChange = vi.fn();
  rendered = renderCockpit(store, size, { actions: recorded.actions, onNamespaceChange, readOnly });
  await frameContaining(rendered, 'loner');
  return { store, r: rendered, calls: recorded.calls, onNamespaceChange };
}

const names = (calls: [string, unknown[]][]) => calls.map(([n]) => n);

describe('the resource views', () => {
  it.each([
    [
      ':deploy',
      'deployments (2)',
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      /frontend\s+1\/2\s+2\s+1\s+60m/,
    ],
    [
      ':rs',
      'replicasets (2)',
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
      /frontend-abc12\s+2\s+2\s+1\s+60m/,
    ],
    [
      ':svc',
      'services (1)',
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      /frontend\s+ClusterIP\s+10\.96\.0\.12\s+<none>\s+80\/TCP/,
    ],
    [':cm', 'configmaps (1)', ['NAME', 'DATA', 'AGE'], /app-config\s+2\s/],
    [':secrets', 'secrets (1)', ['NAME', 'TYPE', 'DATA', 'AGE'], /db\s+Opaque\s+1\s/],
  ])("%s lists with kubectl's columns", async (command, title, columns, row) => {
    const { r } = await start();
    r.stdin.write(`${command}\r`);
    const frame = await frameContaining(r, title);
    expect(
      lineWith(frame, columns[1]!)
        .trim()
        .split(/\s{1,}/)
        .filter((w) => w !== '│'),
    ).toEqual(expect.arrayContaining(columns));
    expect(frame).toMatch(row);
  });

  it('every kind answers to its plural, singular and short name', async () => {
    const { r } = await start();
    for (const [word, title] of [
      ['po', 'pods ('],
      ['deployment', 'deployments ('],
      ['sts', 'statefulsets ('],
      ['ds', 'daemonsets ('],
      ['job', 'jobs ('],
      ['cj', 'cronjobs ('],
      ['ing', 'ingresses ('],
      ['pvc', 'persistentvolumeclaims ('],
      ['no', 'nodes ('],
      ['ev', 'events ('],
      ['hpa', 'horizontalpodautoscalers ('],
      ['secret', 'secrets ('],
    ]) {
      r.stdin.write(`:${word}\r`);
      await frameContaining(r, title!);
    }
  });

  it('tab completes the kind on the command line', async () => {
    const { r } = await start();
    r.stdin.write(':');
    r.stdin.write('deplo');
    await frameContaining(r, ':deplo█');
    // deployments, deployment and deploy share "deploy": tab goes that far and names them.
    r.stdin.write(KEYS.tab);
    await frameContaining(r, ':deploy█');
    r.stdin.write('m');
    r.stdin.write('e');
    r.stdin.write(KEYS.tab);
    await frameContaining(r, ':deployment█');
    r.stdin.write('s');
    r.stdin.write(KEYS.tab);
    await frameContaining(r, ':deployments █');
    r.stdin.write(KEYS.enter);
    await frameContaining(r, 'deployments (2)');
  });

  it('enter on a deployment lists its pods (through its ReplicaSets) under a breadcrumb; esc goes back', async () => {
    const { r } = await start();
    r.stdin.write(':deploy\r');
    await frameContaining(r, 'deployments (2)');
    r.stdin.write('j');
    await frameContaining(r, '›frontend');
    r.stdin.write(KEYS.enter);
    const pods = await frameContaining(r, 'deploy › todo/frontend › pods (2)');
    expect(pods).toContain('frontend-abc12-x1');
    expect(pods).toContain('frontend-abc12-x2');
    expect(pods).not.toContain('backend-def34-y1');
    expect(pods).not.toContain('loner');
    r.stdin.write(KEYS.esc);
    const back = await frameContaining(r, 'deployments (2)');
    expect(lineWith(back, '›')).toContain('frontend');
  });

  it('enter on a service lists the pods its selector matches', async () => {
    const { r } = await start();
    r.stdin.write(':svc\r');
    await frameContaining(r, 'services (1)');
    r.stdin.write(KEYS.enter);
    const pods = await frameContaining(r, 'svc › todo/frontend › pods (2)');
    expect(pods).not.toContain('loner');
  });

  it(':ns without a name is a pick list of the namespaces; typing filters, enter switches', async () => {
    const { r, onNamespaceChange } = await start();
    r.stdin.write(':ns\r');
    const list = await frameContaining(r, 'kube-system');
    expect(list).toContain('all namespaces');
    r.stdin.write('kub');
    await frameContaining(r, '› kube-system');
    r.stdin.write(KEYS.enter);
    await vi.waitFor(() => expect(onNamespaceChange).toHaveBeenCalledWith('kube-system'));
  });

  it(':ctx without a name is a pick list of the contexts; enter switches context', async () => {
    const { r, calls } = await start();
    r.stdin.write(':ctx\r');
    await frameContaining(r, 'prod-eu');
    r.stdin.write(KEYS.down);
    await frameContaining(r, '› prod-eu');
    r.stdin.write(KEYS.enter);
    await vi.waitFor(() => expect(calls).toContainEqual(['switchContext', ['prod-eu']]));
  });

  it('d and y ask for describe and YAML and show what lands in the store, scrolling; loading and errors said', async () => {
    const { r, store, calls } = await start();
    r.stdin.write('d');
    await vi.waitFor(() =>
      expect(calls.at(-1)).toEqual([
        'inspect',
        [{ kind: 'pods', namespace: 'todo', name: 'backend-def34-y1' }, 'describe'],
      ]),
    );
    await frameContaining(r, 'describe po todo/backend-def34-y1 (loading…)');
    store.getState().setInspection({
      ref: { kind: 'pods', namespace: 'todo', name: 'backend-def34-y1' },
      mode: 'describe',
      lines: Array.from({ length: 100 }, (_, i) => `Line ${i}:  value`),
    });
    let frame = await frameContaining(r, 'lines 1–24 of 100 ↓');
    expect(frame).toContain('Line 0:');
    r.stdin.write('G');
    frame = await frameContaining(r, 'lines 77–100 of 100');
    expect(frame).toContain('Line 99:');
    r.stdin.write(KEYS.esc);
    await frameContaining(r, 'loner');
    r.stdin.write('y');
    await vi.waitFor(() => expect(calls.at(-1)?.[1]?.[1]).toBe('yaml'));
    store.getState().setInspection({
      ref: { kind: 'pods', namespace: 'todo', name: 'backend-def34-y1' },
      mode: 'yaml',
      lines: undefined,
      error: 'pods "backend-def34-y1" not found',
    });
    await frameContaining(r, 'pods "backend-def34-y1" not found');
  });

  it('ctrl-d asks first and proposes only on y; n proposes nothing', async () => {
    const { r, calls } = await start();
    r.stdin.write(KEYS.ctrlD);
    await frameContaining(r, 'propose deleting po todo/backend-def34-y1?  y yes  n no');
    r.stdin.write('n');
    await frameContaining(r, 'nothing proposed');
    expect(names(calls)).toEqual([]);
    r.stdin.write(KEYS.ctrlD);
    await frameContaining(r, 'propose deleting');
    r.stdin.write('y');
    await vi.waitFor(() =>
      expect(calls).toEqual([
        ['proposeDelete', [{ kind: 'pods', namespace: 'todo', name: 'backend-def34-y1' }]],
      ]),
    );
  });

  it('s on a deployment asks for the replicas, then y/n; R asks to restart; s on pods says what it scales', async () => {
    const { r, calls } = await start();
    r.stdin.write('s');
    await frameContaining(r, 's scales deployments, replicasets, statefulsets');
    r.stdin.write(':deploy\r');
    await frameContaining(r, 'deployments (2)');
    r.stdin.write('s');
    await frameContaining(r, 'scale deploy todo/backend to: 2█');
    r.stdin.write('\x7f');
    r.stdin.write('x');
    r.stdin.write(KEYS.enter);
    await frameContaining(r, 'replicas must be a whole number, not "x"');
    r.stdin.write('s');
    await frameContaining(r, 'to: 2█');
    r.stdin.write('\x7f');
    r.stdin.write('4');
    r.stdin.write(KEYS.enter);
    await frameContaining(r, 'propose scaling to 4: deploy todo/backend?');
    r.stdin.write('y');
    await vi.waitFor(() =>
      expect(calls).toEqual([
        ['proposeScale', [{ kind: 'deployments', namespace: 'todo', name: 'backend' }, 4]],
      ]),
    );
    r.stdin.write('R');
    await frameContaining(r, 'propose a rollout restart of deploy todo/backend?');
    r.stdin.write('y');
    await vi.waitFor(() => expect(names(calls)).toEqual(['proposeScale', 'proposeRestart']));
  });

  it('read-only: the status bar says so, and ctrl-d, s, R, e, ctrl-k are not bound (no question, no hint)', async () => {
    const { r, calls } = await start({ width: 120, height: 30 }, true);
    const frame = await frameContaining(r, 'read-only');
    expect(frame.split('\n')[0]).toContain('ns todo · read-only');
    expect(frame).not.toContain('ctrl-d');
    for (const key of [KEYS.ctrlD, KEYS.ctrlK, 's', 'R', 'e']) r.stdin.write(key);
    r.stdin.write('d');
    await vi.waitFor(() => expect(names(calls)).toEqual(['inspect']));
    expect(plainLast(r)).not.toMatch(/propose|scale deploy/);
  });
});

import { plain } from './harness.js';
const plainLast = (r: Rendered) => plain(r.lastFrame());
