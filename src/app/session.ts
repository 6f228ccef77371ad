// One cluster session of the cockpit: the watches' consumers, findings, crash logs, the workflow,
// the chat, reports and kagent, bound to one context and replaced on `:ctx`. Loaded after the
// first frame (launch.tsx imports it dynamically): the workflow, kagent, execa and the client's
// generated API it brings are not on the path to the first pods.
import { describeError } from '../cli/errors.js';
import { namespaceLister, namespaceSwitcher } from '../cluster/namespace-switch.js';
import { join } from 'node:path';
import { chooseBackend, type AiOptions } from '../assistants/backends.js';
import { cockpitSnapshot, startChatService } from '../assistants/chat-service.js';
import { objectActions, workflowActions } from './cockpit-actions.js';
import type { Queue } from '../workflow/queue.js';
import { contextNames, connectionTo, resetForConnection } from '../cluster/context-switch.js';
import { type CockpitStore } from '../state/store.js';
import { skewedClock, type ClusterClock } from '../audit/clock.js';
import type { Trust } from '../workflow/trust.js';
import { createWorkflow } from '../workflow/setup.js';
import { notificationLine } from '../workflow/notify.js';
import type { UiActions } from '../ui/input.js';
import { startFindingsService } from '../analysis/findings-service.js';
import { resolutionRecord, worthRecording } from '../analysis/resolutions.js';
import { startKagent } from '../analysis/kagent/start.js';
import { createPauseRegistry, holdAndPropose, waitsInQueue } from '../analysis/kagent/approval.js';
import { startReportScheduler } from '../analysis/report-scheduler.js';
import { startCockpitData, type CockpitData } from '../cluster/cockpit-service.js';
import { startCrashLogs } from '../cluster/crash-logs.js';
import { createInspector } from '../cluster/inspect.js';
import { startLogFollower } from '../cluster/log-follow.js';
import { preflight, type Connection } from '../cluster/connect.js';

/** How often the queue re-reads the trail: another cockpit's approvals, closing windows. */
const QUEUE_REFRESH_MS = 1_000;

/** How often kagent is asked for its analyses. */
const KAGENT_INTERVAL_MS = 5 * 60_000;

export interface CockpitOptions {
  metricsIntervalMs: number;
  historyDir: string;
  kagentUrl: string | undefined;
  kagentAgent: string;
  trust: Trust;
  /** undefined: commit when the history directory is in a git work tree. */
  gitCommit: boolean | undefined;
  readOnly: boolean;
  /** undefined: --no-ai. */
  ai: AiOptions | undefined;
  /** The demo's simulator: its speed and its clock (epoch ms). */
  demo?: { speed: number; clock: () => number };
}

/** What one cluster session needs beyond its connection: the same for every context. */
export type SessionOptions = CockpitOptions & {
  /** Hands the terminal to `e`'s editor (see suspendScreen). */
  suspend<T>(run: () => Promise<T>): Promise<T>;
  /** Rings the terminal for an escalation (bell and desktop notification) once the screen is up. */
  notify(title: string, body: string): void;
};

/** The actions bound to one context's cluster: every UiAction but the kubeconfig's own. */
type SessionActions = Omit<UiActions, 'switchContext' | 'listContexts'>;

/** Everything bound to one context: stopped and started again on `:ctx`. */
export interface ClusterSession {
  connection: Connection;
  data: CockpitData;
  queue: Queue;
  actions: SessionActions;
  switchNamespace(namespace: string | undefined): Promise<void>;
  /** Stops what reads or proposes for this cluster; its queue's running validations finish. */
  stop(): void;
}

/**
 * Starts the cluster-bound services for `connection` on `store` (which keeps the person's state
 * across contexts): the watches, findings, crash logs, the workflow (same history directory, this
 * context's credentials), the chat's backend and evidence, reports and kagent.
 */
export async function startClusterSession(
  connection: Connection,
  store: CockpitStore,
  {
    metricsIntervalMs,
    historyDir,
    kagentUrl,
    kagentAgent,
    trust,
    gitCommit,
    readOnly,
    ai,
    demo,
    suspend,
    notify,
  }: SessionOptions,
  /** The watches, when the caller started them already (the cockpit does, before its first frame). */
  data: CockpitData = startCockpitData(connection, metricsIntervalMs, {}, store),
): Promise<ClusterSession> {
  const findings = startFindingsService(store, Date.now, {
    onResolved: (gone, at) => {
      // The toil estimate's record of a finding that went away (src/analysis/resolutions.ts).
      if (!readOnly && worthRecording(gone, store.getState().connection.namespace))
        void queue.history.create(resolutionRecord(gone, at)).catch(() => {});
    },
  });
  const crashLogs = startCrashLogs(store, connection.kubeConfig);
  // kagent's tasks paused for a tool approval, answered from the queue.
  const pauses = createPauseRegistry();
  // Records and approval windows run on the wall clock; findings' times are the cluster's.
  const cluster: ClusterClock = demo
    ? { now: demo.clock, rate: demo.speed }
    : skewedClock(() => store.getState().connection.clockSkewMs ?? 0);
  const toQueue = holdAndPropose(pauses, (proposal) => queue.propose(proposal));
  const queue = createWorkflow({
    kubeConfig: connection.kubeConfig,
    historyDir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    ...(gitCommit === undefined ? {} : { gitCommit }),
    onCommitError: (message) => store.getState().setUi({ notice: message }),
    cluster,
    publish: (recommendations) => store.setState({ recommendations }),
    answerKagent: pauses.answer,
    // Escalations ring the terminal once the screen is up, and say so in the status line.
    notifyTerminal: (n) => {
      notify(`aiops-tui: ${n.record}`, notificationLine(n));
      store.getState().setUi({ notice: `escalated: ${notificationLine(n)}` });
    },
    onProgress: (id, text) => {
      const progress = { ...store.getState().progress };
      if (text === undefined) delete progress[id];
      else progress[id] = text;
      store.setState({ progress });
    },
  });
  const refreshQueue = (): void => void queue.refresh().catch(() => {});
  // What a crashed cockpit left executing or validating is reconciled before anything else runs.
  void queue
    .reconcile()
    .then(
      (ids) =>
        ids.length && store.getState().setUi({ notice: `reconciled after a crash: ${ids.join(', ')}` }),
    )
    .catch(() => {});
  refreshQueue();
  const queueTimer = setInterval(refreshQueue, QUEUE_REFRESH_MS);
  queueTimer.unref();
  const { backend, why } = await chooseBackend(cockpitSnapshot(store), connection.kubeConfig, ai);
  const chat = startChatService({
    store,
    backend,
    history: queue.history,
    propose: async (proposal) => {
      const meta = await queue.propose(proposal);
      return `${meta.duplicate ? 'already waiting: ' : ''}${meta.id} · ${meta.tier} · ${meta.status}: ${proposal.operation.summary}`;
    },
  });
  if (why) store.getState().setChat({ backend: `offline assistant (${why})` });
  const inspector = createInspector(store, connection.kubeConfig);
  const logFollower = startLogFollower(store, connection.kubeConfig);
  const actions: SessionActions = {
    ...workflowActions(store, queue, readOnly),
    ...objectActions(store, queue, { readOnly, suspend }),
    ask: (question) => void chat.ask(question),
    cancelAsk: () => chat.cancel(),
    inspect: inspector.inspect,
    openLogs: logFollower.open,
    closeLogs: logFollower.close,
    listNamespaces: namespaceLister(connection.kubeConfig, store),
  };
  const reports = startReportScheduler(store, join(historyDir, 'reports'));
  // Without --kagent-url, kagent is reached through the API server when it is installed.
  const kagent = startKagent({
    kubeConfig: connection.kubeConfig,
    url: kagentUrl,
    agent: kagentAgent,
    namespace: connection.namespace,
    intervalMs: KAGENT_INTERVAL_MS,
    onFindings: (f) => findings.report('kagent', f),
    // A read-only cockpit proposes nothing: its pauses are reported as findings only.
    ...(readOnly
      ? {}
      : {
          held: (taskId) =>
            pauses.held(taskId) && waitsInQueue(store.getState().recommendations, taskId, Date.now()),
          onPause: (pause) => {
            toQueue(pause).then(
              (meta) =>
                !meta.duplicate &&
                store.getState().setUi({ notice: `kagent asks for approval: ${meta.id} (${meta.tier})` }),
              (error: unknown) =>
                store
                  .getState()
                  .setUi({ notice: `kagent's approval could not be queued: ${(error as Error).message}` }),
            );
          },
        }),
  });
  return {
    connection,
    data,
    queue,
    actions,
    switchNamespace: namespaceSwitcher(connection.kubeConfig, store, data.setNamespace),
    stop() {
      clearInterval(queueTimer);
      crashLogs.stop();
      logFollower.close();
      chat.cancel();
      findings.stop();
      reports.stop();
      void kagent.stop();
      data.stop();
    },
  };
}

/**
 * The cockpit's sessions, one context at a time: `actions` (what the App holds for its lifetime)
 * calls the session of the moment, and `switchContext` replaces it once the new context answers.
 */
export async function startSessions(
  connection: Connection,
  store: CockpitStore,
  sessionOptions: SessionOptions,
  data?: CockpitData,
): Promise<{ actions: UiActions; current(): ClusterSession; stop(): void }> {
  let session = await startClusterSession(connection, store, sessionOptions, data);
  // Queues of earlier contexts: their running validations finish; they are stopped at quit.
  const retired: Queue[] = [];
  let switching = false;
  const notice = (text: string): void => store.getState().setUi({ notice: text });
  /** `:ctx NAME`: the new context is reached first; only then are the old one's services replaced. */
  const switchContext = async (name: string): Promise<void> => {
    const current = session.connection.context;
    if (switching) return notice('a context switch is under way');
    const next = connectionTo(
      connection.kubeConfig,
      name,
      store.getState().connection.namespace === undefined,
    );
    if ('error' in next) return notice(next.error);
    if (name === current) return notice(`already on context ${name}`);
    switching = true;
    try {
      await preflight(next);
    } catch (error) {
      switching = false;
      return notice(`${describeError(error)} (still on context ${current})`);
    }
    const previous = session.connection;
    session.stop();
    retired.push(session.queue);
    try {
      resetForConnection(store, next);
      session = await startClusterSession(next, store, sessionOptions);
      notice(`context: ${name} (${next.server})`);
    } catch (error) {
      resetForConnection(store, previous);
      session = await startClusterSession(previous, store, sessionOptions);
      notice(`${describeError(error)} (back on context ${current})`);
    } finally {
      switching = false;
    }
  };
  // The App holds one actions object: each call goes to the session of the moment.
  const sessionKeys = Object.keys(session.actions) as (keyof SessionActions)[];
  const actions = {
    ...Object.fromEntries(
      sessionKeys.map((key) => [
        key,
        (...args: unknown[]) => (session.actions[key] as (...a: unknown[]) => unknown)(...args),
      ]),
    ),
    switchContext: (name: string) => void switchContext(name),
    listContexts: () => contextNames(connection.kubeConfig),
  } as UiActions;
  return {
    actions,
    current: () => session,
    stop() {
      session.stop();
      for (const queue of [...retired, session.queue]) queue.stop();
    },
  };
}
