// The App's actions before its session is up: keys pressed while the workflow still loads are
// carried out once it is, in order; afterwards calls go straight through.
import { describe, expect, it } from 'vitest';
import { deferredActions } from '../../src/app/deferred-actions.js';
import type { UiActions } from '../../src/ui/input.js';

function recordingActions(calls: string[]): UiActions {
  return new Proxy({} as UiActions, {
    get: (_, key) =>
      key === 'then'
        ? undefined
        : key === 'listNamespaces'
          ? () => Promise.resolve(['default', 'todo'])
          : (...args: unknown[]) => void calls.push(`${String(key)}(${args.join(',')})`),
  });
}

describe('deferredActions', () => {
  it('holds calls made before the session is up and makes them, in order, once it is', async () => {
    const calls: string[] = [];
    let start!: (actions: UiActions) => void;
    const ready = new Promise<UiActions>((resolve) => (start = resolve));
    const actions = deferredActions(ready, () => ['ctx-a']);
    actions.approve('r1');
    actions.proposeScale({ kind: 'deployments', namespace: 'todo', name: 'web' }, 3);
    expect(calls).toEqual([]);
    start(recordingActions(calls));
    await ready;
    await Promise.resolve();
    expect(calls).toEqual(['approve(r1)', 'proposeScale([object Object],3)']);
    actions.reject('r2', 'too-risky' as never, 'no');
    expect(calls.at(-1)).toBe('reject(r2,too-risky,no)');
  });

  it('answers the pick lists: namespaces through the session, contexts from the kubeconfig at once', async () => {
    const actions = deferredActions(Promise.resolve(recordingActions([])), () => ['ctx-a', 'ctx-b']);
    expect(actions.listContexts()).toEqual(['ctx-a', 'ctx-b']);
    await expect(actions.listNamespaces()).resolves.toEqual(['default', 'todo']);
  });

  it('is not a thenable: awaiting it does not wait for the session', async () => {
    const actions = deferredActions(new Promise<UiActions>(() => {}), () => []);
    expect(await Promise.resolve(actions)).toBe(actions);
  });
});
