// The App's actions before its session is up: the first frame is drawn while the workflow,
// findings and chat still load, so a key pressed meanwhile waits for them instead of being lost.
import type { UiActions } from '../ui/input.js';

/**
 * UiActions that call `ready`'s once it resolves (at once after that); `listContexts` reads the
 * kubeconfig and needs no session. A call before a session that never comes is dropped.
 */
export function deferredActions(ready: Promise<UiActions>, listContexts: () => string[]): UiActions {
  let actions: UiActions | undefined;
  ready.then(
    (started) => (actions = started),
    () => {},
  );
  return new Proxy({} as UiActions, {
    get(_, key) {
      // Not a thenable, not an iterable: only the action names are functions.
      if (typeof key !== 'string' || key === 'then') return undefined;
      if (key === 'listContexts') return listContexts;
      return (...args: unknown[]) => {
        const call = (a: UiActions): unknown =>
          (a[key as keyof UiActions] as (...x: unknown[]) => unknown)(...args);
        return actions ? call(actions) : ready.then(call);
      };
    },
  });
}
