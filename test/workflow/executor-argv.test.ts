// What executes is exactly what was approved: the approved argv runs verbatim, against the
// cluster the executor was given (not the one the environment's KUBECONFIG names), with every
// flag the approver saw; each outcome is read back from the simulator.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { Executor } from '../../src/workflow/executor.js';
import type { Operation } from '../../src/model/operation.js';

const TOOLS = resolve('.tools/bin');
let cockpit: RunningSim; // the cluster the executor is given
let elsewhere: RunningSim; // the cluster the test process's KUBECONFIG points at
const parentKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  [cockpit, elsewhere] = await Promise.all([
    startSimulator({ scenario: 'todo', speed: 20 }),
    startSimulator({ scenario: 'todo', speed: 20 }),
  ]);
  process.env.KUBECONFIG = elsewhere.kubeconfigPath;
});
afterAll(async () => {
  if (parentKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = parentKubeconfig;
  await Promise.all([cockpit.close(), elsewhere.close()]);
});

const kubeConfigOf = (path: string, context?: string): KubeConfig => {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  return kc;
};

const executorFor = (kubectl = `${TOOLS}/kubectl`) =>
  new Executor(kubeConfigOf(cockpit.kubeconfigPath), {
    kubectl,
    helm: `${TOOLS}/helm`,
    kubeconfigPath: cockpit.kubeconfigPath,
  });

const mutating = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(`${command} parsed as ${parsed.kind}`);
  return parsed.operation;
};

const readDeployment = (executor: Executor, namespace: string, name: string) =>
  executor.objects.read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name,
  }) as Promise<V1Deployment | null>;

describe('a generic command with `--`', () => {
  it('runs against the executor’s cluster, and the container command is exactly what follows `--`', async () => {
    const executor = executorFor();
    const op = mutating('kubectl create deployment sleeper --image=nginx -n todo -- sleep 3600');
    expect(op.kind).toBe('generic');
    await executor.execute(op);
    const created = await readDeployment(executor, 'todo', 'sleeper');
    expect(created?.spec?.template.spec?.containers[0]?.command).toEqual(['sleep', '3600']);
    const other = new Executor(kubeConfigOf(elsewhere.kubeconfigPath), {
      kubectl: '',
      helm: '',
      kubeconfigPath: elsewhere.kubeconfigPath,
    });
    expect(await readDeployment(other, 'todo', 'sleeper')).toBeNull();
  });

  it('goes to the cockpit’s context when the kubeconfig file given names another as current', async () => {
    // One file, two contexts: current-context is `elsewhere`, the cockpit runs on `cockpit`.
    const server = (sim: RunningSim) => kubeConfigOf(sim.kubeconfigPath).getCurrentCluster()!.server;
    const dir = mkdtempSync(join(tmpdir(), 'two-contexts-'));
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- {name: cockpit, cluster: {server: '${server(cockpit)}', insecure-skip-tls-verify: true}}`,
        `- {name: elsewhere, cluster: {server: '${server(elsewhere)}', insecure-skip-tls-verify: true}}`,
        'users:',
        '- {name: admin, user: {token: sim}}',
        'contexts:',
        '- {name: cockpit, context: {cluster: cockpit, user: admin, namespace: kube-system}}',
        '- {name: elsewhere, context: {cluster: elsewhere, user: admin}}',
        'current-context: elsewhere',
        '',
      ].join('\n'),
    );
    const executor = new Executor(kubeConfigOf(path, 'cockpit'), {
      kubectl: `${TOOLS}/kubectl`,
      helm: `${TOOLS}/helm`,
      kubeconfigPath: path,
      context: 'cockpit',
    });
    // No -n: the namespace the parser showed (default), not the context's own (kube-system).
    await executor.execute(mutating('kubectl create deployment ctx --image=nginx -- sleep 1'));
    expect(
      (await readDeployment(executor, 'default', 'ctx'))?.spec?.template.spec?.containers[0]?.command,
    ).toEqual(['sleep', '1']);
    const there = new Executor(kubeConfigOf(path, 'elsewhere'), {
      kubectl: '',
      helm: '',
      kubeconfigPath: path,
    });
    expect(await readDeployment(there, 'default', 'ctx')).toBeNull();
    expect(executor.commandLine(mutating('kubectl delete cm x')).server).toBe(server(cockpit));
  });
});

describe('commandLine is what ran', () => {
  it('a kubectl stand-in records its argv and environment: they are commandLine(op) and the private kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standin-'));
    const record = join(dir, 'argv');
    const standIn = join(dir, 'kubectl');
    writeFileSync(
      standIn,
      `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${record}'\nprintf '%s\\n' "KUBECONFIG=$KUBECONFIG" >> '${record}.env'\nexec '${TOOLS}/kubectl' "$@"\n`,
    );
    chmodSync(standIn, 0o755);
    const executor = executorFor(standIn);
    const op = mutating('kubectl annotate deployment frontend -n todo --overwrite note=recorded');
    const generic: Operation = { ...op, kind: 'generic', argv: parseArgv(op.kubectl) } as Operation;
    const line = executor.commandLine(generic);
    expect(line).toEqual({
      argv: [standIn, 'annotate', 'deployment', 'frontend', '-n', 'todo', '--overwrite', 'note=recorded'],
      server: cockpit.url,
    });
    await executor.execute(generic);
    expect(readFileSync(record, 'utf8').trimEnd().split('\n')).toEqual(line.argv);
    expect(readFileSync(`${record}.env`, 'utf8')).toBe(`KUBECONFIG=${cockpit.kubeconfigPath}\n`);
    expect((await readDeployment(executor, 'todo', 'frontend'))?.metadata?.annotations?.note).toBe(
      'recorded',
    );
  });

  it('for an API-driven kind, the kubectl command that does the same', () => {
    const op = mutating('kubectl scale deployment/frontend --replicas=2 -n todo');
    expect(executorFor().commandLine(op)).toEqual({
      argv: ['kubectl', 'scale', 'deployment/frontend', '--replicas=2', '-n', 'todo'],
      server: cockpit.url,
    });
  });
});

const parseArgv = (command: string): string[] => {
  const parsed = parseCommand(command);
  if (!('words' in parsed)) throw new Error(command);
  return parsed.words;
};

describe('helm upgrade --install keeps every flag', () => {
  it('--set, -f and --create-namespace reach helm; the rollback of a new release uninstalls it', async () => {
    const executor = executorFor();
    const dir = mkdtempSync(join(tmpdir(), 'values-'));
    const values = join(dir, 'values.yaml');
    writeFileSync(values, 'backend:\n  replicaCount: 4\n');
    const chart = resolve('helm/todo-chart');
    const op = mutating(
      `helm upgrade --install fresh ${chart} -n helmset --create-namespace --set frontend.replicaCount=3 -f ${values} --timeout 60s`,
    );
    expect(op).toMatchObject({ kind: 'helm-upgrade', release: 'fresh', install: true });
    expect(executor.commandLine(op).argv.slice(1)).toEqual(parseArgv(op.kubectl).slice(1));
    const pre = await executor.capture(op);
    expect(pre.helm).toEqual({ release: 'fresh', namespace: 'helmset', revision: 0 });
    await executor.execute(op);
    const helm = (...args: string[]) =>
      execa(`${TOOLS}/helm`, [...args, '--kubeconfig', cockpit.kubeconfigPath, '-n', 'helmset']);
    expect(JSON.parse((await helm('get', 'values', 'fresh', '-o', 'json')).stdout)).toEqual({
      backend: { replicaCount: 4 },
      frontend: { replicaCount: 3 },
    });
    expect((await readDeployment(executor, 'helmset', 'frontend'))?.spec?.replicas).toBe(3);
    expect((await readDeployment(executor, 'helmset', 'backend'))?.spec?.replicas).toBe(4);
    const post = await executor.capture(op);
    expect(await executor.rollback(pre, post)).toBe(
      'helm release helmset/fresh uninstalled (it did not exist before)',
    );
    expect(await readDeployment(executor, 'helmset', 'frontend')).toBeNull();
  }, 60_000);
});

describe('helm upgrade of an existing release keeps --set', () => {
  it('the values helm stored are those of the approved command', async () => {
    const executor = executorFor();
    const chart = resolve('helm/todo-chart');
    const helm = (...args: string[]) =>
      execa(`${TOOLS}/helm`, [...args, '--kubeconfig', cockpit.kubeconfigPath, '-n', 'helmkeep']);
    await helm('install', 'kept', chart, '--create-namespace');
    const op = mutating(`helm upgrade --install kept ${chart} -n helmkeep --set frontend.replicaCount=2`);
    const pre = await executor.capture(op);
    expect(pre.helm).toEqual({ release: 'kept', namespace: 'helmkeep', revision: 1 });
    await executor.execute(op);
    expect(JSON.parse((await helm('get', 'values', 'kept', '-o', 'json')).stdout)).toEqual({
      frontend: { replicaCount: 2 },
    });
    expect((await readDeployment(executor, 'helmkeep', 'frontend'))?.spec?.replicas).toBe(2);
  }, 60_000);
});

describe('label and annotate without --overwrite', () => {
  it('a key that already has another value fails as kubectl fails; with --overwrite it changes', async () => {
    const executor = executorFor();
    const before = (await readDeployment(executor, 'todo', 'backend'))?.metadata?.labels?.app;
    expect(before).toBe('backend');
    await expect(
      executor.execute(mutating('kubectl label deployment backend -n todo app=other')),
    ).rejects.toThrow("'app' already has a value (backend), and --overwrite is false");
    expect((await readDeployment(executor, 'todo', 'backend'))?.metadata?.labels?.app).toBe('backend');
    await executor.execute(mutating('kubectl label deployment backend -n todo app=other --overwrite'));
    expect((await readDeployment(executor, 'todo', 'backend'))?.metadata?.labels?.app).toBe('other');
  });
});
