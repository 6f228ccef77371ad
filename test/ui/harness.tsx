// Renders the cockpit at a given terminal size on a store the test fills, without a cluster.
import type { V1Pod } from '@kubernetes/client-node';
import { render } from 'ink-testing-library';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/context.js';

export function makePod(
  namespace: string,
  name: string,
  options: { status?: 'Running' | 'CrashLoopBackOff' | 'Pending'; restarts?: number } = {},
): V1Pod {
  const status = options.status ?? 'Running';
  const state =
    status === 'Running'
      ? { running: { startedAt: new Date(Date.now() - 60_000) } }
      : { waiting: { reason: status } };
  return {
    metadata: { namespace, name, creationTimestamp: new Date(Date.now() - 120_000) },
    spec: {
      nodeName: 'minikube',
      containers: [
        {
          name: 'app',
          image: 'app:1',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        },
      ],
    },
    status: {
      phase: status === 'Pending' ? 'Pending' : 'Running',
      containerStatuses:
        status === 'Pending'
          ? []
          : [
              {
                name: 'app',
                image: 'app:1',
                imageID: '',
                ready: status === 'Running',
                restartCount: options.restarts ?? 0,
                state,
              },
            ],
    },
  } as V1Pod;
}

export function storeWith(pods: V1Pod[], namespace: string | undefined = undefined): CockpitStore {
  const store = createCockpitStore(
    initialState({ context: 'test-ctx', server: 'https://example:6443', namespace }),
  );
  store.getState().applyChanges(
    [
      {
        kind: 'pods',
        type: 'replace',
        objects: new Map(pods.map((p) => [`${p.metadata!.namespace}/${p.metadata!.name}`, p])),
      },
    ],
    Date.now(),
  );
  store.getState().setConnection({ status: 'connected' });
  return store;
}

export function renderCockpit(
  store: CockpitStore,
  size: { width: number; height: number },
  callbacks: { onNamespaceChange?: (ns: string | undefined) => void; onQuit?: () => void } = {},
) {
  return render(
    <StoreProvider store={store}>
      <App
        width={size.width}
        height={size.height}
        onNamespaceChange={callbacks.onNamespaceChange ?? (() => {})}
        onQuit={callbacks.onQuit}
      />
    </StoreProvider>,
  );
}

// eslint-disable-next-line no-control-regex
export const plain = (frame: string | undefined): string => (frame ?? '').replace(/\x1b\[[0-9;]*m/g, '');
