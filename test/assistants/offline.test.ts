// The offline assistant against the simulator's todo app: the operations plan's three demo
// commands, and the other questions it answers, from a snapshot listed through client-node.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { askOffline } from '../../src/assistants/offline.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { longCrashLoopBackOff } from '../sim/fixtures/crash-loop.js';

let sim: RunningSim;
let snapshot: ClusterSnapshot;
let crashing: string;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  // The backend's crash loop, in a back-off that lasts past the snapshot taken next.
  crashing = await longCrashLoopBackOff(core, 'todo');
  snapshot = (await fetchSnapshot(kc, 'todo')).snapshot;
});
afterAll(() => sim.close());

describe("the operations plan's demo commands", () => {
  it('"scale frontend to 2 replicas" proposes a scale operation and changes nothing', () => {
    const { answer, proposals } = askOffline('scale frontend to 2 replicas', snapshot);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      kind: 'scale',
      replicas: 2,
      target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
    });
    expect(answer).toContain('approval queue');
    expect(snapshot.deployments.find((d) => d.metadata?.name === 'frontend')!.spec!.replicas).toBe(1);
  });

  it('"analyze cluster health" reports nodes, pods and the critical problem', () => {
    const { answer } = askOffline('analyze cluster health', snapshot);
    expect(answer).toMatch(/^\*\*Cluster health:\*\* 1 critical problem\./);
    expect(answer).toContain('- nodes ready: 1/1');
    expect(answer).toContain('CrashLoopBackOff');
  });

  it('"check for pod failures" names the crash-looping backend pod and why', () => {
    const { answer } = askOffline('check for pod failures', snapshot);
    expect(answer).toContain(crashing);
    expect(answer).toMatch(/backend is crash-looping \(exit code 1, Error\)/);
    expect(answer).toContain('runbooks/crashloopbackoff.md');
  });
});

describe('other questions', () => {
  it('"why is <pod> failing?" answers for that pod only', () => {
    expect(askOffline(`why is ${crashing} failing?`, snapshot).answer).toContain(crashing);
    const healthy = snapshot.pods.find((p) => p.metadata?.name?.startsWith('frontend'))!.metadata!.name!;
    expect(askOffline(`why is ${healthy} failing?`, snapshot).answer).toBe(
      `No problem found with \`pod/todo/${healthy}\`: Running, 1/1 ready.`,
    );
  });

  it('top pods, recent changes, resources, and the list of what it can answer otherwise', () => {
    expect(askOffline('show top pods', snapshot).answer).toMatch(/^\| pod \| CPU \| memory \|/);
    expect(askOffline('what changed recently?', snapshot).answer).toMatch(/Warning BackOff · pod\/backend-/);
    expect(askOffline("what should frontend's resources be?", snapshot).answer).toMatch(/frontend/);
    expect(askOffline('tell me a joke', snapshot).answer).toContain('"check for pod failures"');
    expect(askOffline('scale nosuchthing to 3', snapshot)).toEqual({
      answer: 'There is no deployment or statefulset `nosuchthing` in view.',
      proposals: [],
    });
  });
});

describe('how people ask for changes', () => {
  const frontend = () => snapshot.deployments.find((d) => d.metadata?.name === 'frontend')!;

  it('"scale frontend up by 100 %" doubles the current count, "down by half" halves it', () => {
    const current = frontend().spec!.replicas!;
    expect(askOffline('scale frontend up by 100%', snapshot).proposals[0]).toMatchObject({
      kind: 'scale',
      replicas: current * 2,
    });
    const up = askOffline('scale frontend to 4', snapshot).proposals[0]!;
    expect(up).toMatchObject({ kind: 'scale', replicas: 4 });
    // Down by half of a single replica stays at one: never to zero by accident.
    expect(askOffline('scale frontend down by half', snapshot).answer).toBe(
      `\`frontend\` already runs ${current} replica${current === 1 ? '' : 's'}.`,
    );
  });

  it('"update frontend to image … with zero downtime" proposes the image and checks the rollout', () => {
    const { answer, proposals } = askOffline(
      'update frontend to image todo/frontend:1.5.0 with zero downtime',
      snapshot,
    );
    expect(proposals[0]).toMatchObject({
      kind: 'set-image',
      target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      images: { frontend: 'todo/frontend:1.5.0' },
    });
    expect(answer).toContain('kubectl set image deployment/frontend -n todo frontend=todo/frontend:1.5.0');
    expect(answer).toContain('**Zero downtime:** a rolling update with a readiness probe');
  });

  it('"create an HPA for backend at 50 % CPU between 1 and 3 replicas" proposes it', () => {
    expect(
      askOffline('create an HPA for backend at 50% CPU between 1 and 3 replicas', snapshot).proposals[0],
    ).toMatchObject({ kind: 'create-hpa', minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 50 });
    expect(askOffline('create an HPA for backend at 50% CPU between 3 and 1 replicas', snapshot)).toEqual({
      answer: 'An HPA needs 1 ≤ min ≤ max (got min 3, max 1).',
      proposals: [],
    });
  });

  it('says plainly what it cannot do', () => {
    const { answer, proposals } = askOffline('exec into backend', snapshot);
    expect(answer).toMatch(/^The offline assistant cannot open a shell in a container\./);
    expect(proposals).toEqual([]);
  });
});
