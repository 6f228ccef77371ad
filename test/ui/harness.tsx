// Renders the cockpit at a chosen terminal size on a store the test fills, without a cluster:
// ink-testing-library has a fixed 100-column stdout and no rows, so the size is given to App.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { render } from 'ink-testing-library';
import { expect, vi } from 'vitest';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import type { UsageSample } from '../../src/model/analysis.js';
import type { UiActions } from '../../src/ui/input.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/context.js';

export type PodStatus = 'Running' | 'CrashLoopBackOff' | 'ImagePullBackOff' | 'OOMKilled' | 'Pending';

/** A one-container pod (`app`: requests 100m/128Mi, limits 500m/512Mi) as the API would serve it. */
export function makePod(
  namespace: string,
  name: string,
  options: { status?: PodStatus; restarts?: number; node?: string } = {},
): V1Pod {
  const status = options.status ?? 'Running';
  const state =
    status === 'Running'
      ? { running: { startedAt: new Date(Date.now() - 60_000) } }
      : status === 'OOMKilled'
        ? { terminated: { reason: 'OOMKilled', exitCode: 137 } }
        : { waiting: { reason: status } };
  return {
    metadata: { namespace, name, creationTimestamp: new Date(Date.now() - 120_000) },
    spec: {
      nodeName: status === 'Pending' ? undefined : (options.node ?? 'minikube'),
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

export function makeNode(name: string, cpu: string, memory: string): V1Node {
  return { metadata: { name }, status: { allocatable: { cpu, memory } } } as V1Node;
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

export interface PodUsage {
  /** `namespace/name` of a pod whose container is `app`. */
  pod: string;
  cpuMillis: number[];
  memoryBytes: number[];
}

/** Fills the metrics: per-pod histories (oldest first, 15 s apart) and nodes with their usage. */
export function setMetrics(
  store: CockpitStore,
  usage: PodUsage[],
  nodes: { node: V1Node; cpuMillis: number; memoryBytes: number }[] = [],
): void {
  const now = Date.now();
  const containers = new Map<string, UsageSample[]>(
    usage.map((u) => [
      `${u.pod}/app`,
      u.cpuMillis.map((cpu, i) => ({
        at: now - (u.cpuMillis.length - i) * 15_000,
        cpuMillis: cpu,
        memoryBytes: u.memoryBytes[i]!,
      })),
    ]),
  );
  store.getState().applyChanges(
    [
      {
        kind: 'nodes',
        type: 'replace',
        objects: new Map(nodes.map((n) => [n.node.metadata!.name!, n.node])),
      },
    ],
    now,
  );
  store.getState().setMetrics({
    available: true,
    lastPollAt: now,
    containers,
    nodes: new Map(
      nodes.map((n) => [
        n.node.metadata!.name!,
        { cpuMillis: n.cpuMillis, memoryBytes: n.memoryBytes, at: now },
      ]),
    ),
  });
}

export const MiB = 2 ** 20;

/** Every cockpit action, doing nothing, with the given ones in their place. */
export function uiActions(given: Partial<UiActions> = {}): UiActions {
  const none = (): void => {};
  return {
    ask: none,
    cancelAsk: none,
    approve: none,
    confirm: none,
    reject: none,
    rollback: none,
    open: none,
    proposeFinding: none,
    setRolloutPaused: none,
    inspect: none,
    openLogs: none,
    closeLogs: none,
    proposeDelete: none,
    proposeKill: none,
    proposeScale: none,
    proposeRestart: none,
    edit: none,
    switchContext: none,
    listNamespaces: async () => [],
    listContexts: () => [],
    ...given,
  };
}

export function renderCockpit(
  store: CockpitStore,
  size: { width: number; height: number },
  props: {
    onNamespaceChange?: (ns: string | undefined) => void;
    onQuit?: () => void;
    /** Keys whose action is not given do nothing. */
    actions?: Partial<UiActions>;
    readOnly?: boolean;
  } = {},
) {
  return render(
    <StoreProvider store={store}>
      <App
        width={size.width}
        height={size.height}
        onNamespaceChange={props.onNamespaceChange ?? (() => {})}
        onQuit={props.onQuit}
        actions={uiActions(props.actions)}
        readOnly={props.readOnly ?? false}
      />
    </StoreProvider>,
  );
}

export type Rendered = ReturnType<typeof renderCockpit>;

// eslint-disable-next-line no-control-regex
export const plain = (frame: string | undefined): string => (frame ?? '').replace(/\x1b\[[0-9;]*m/g, '');

/** The current frame once it contains `text` (frames change a tick or two after input). */
export async function frameContaining(r: Rendered, text: string | RegExp): Promise<string> {
  await vi.waitFor(
    () => {
      const frame = plain(r.lastFrame());
      if (typeof text === 'string') expect(frame).toContain(text);
      else expect(frame).toMatch(text);
    },
    { timeout: 3000 },
  );
  return plain(r.lastFrame());
}

/** The line of the frame that contains `text`. */
export function lineWith(frame: string, text: string): string {
  const line = frame.split('\n').find((l) => l.includes(text));
  if (line === undefined) throw new Error(`no line contains "${text}" in:\n${frame}`);
  return line;
}
