// How people ask, read into what they ask for: one row per phrasing.
import { describe, expect, it } from 'vitest';
import {
  parseQuestion,
  scaledReplicas,
  type Intent,
  type ScaleChange,
} from '../../src/assistants/offline-intents.js';

describe('parseQuestion', () => {
  it.each<[string, Intent]>([
    ["what's wrong with backend?", { kind: 'diagnose', name: 'backend' }],
    ['What is wrong with the backend', { kind: 'diagnose', name: 'backend' }],
    ['what’s going on with deployment/frontend', { kind: 'diagnose', name: 'frontend' }],
    ['why is backend-7d9f-abcde failing?', { kind: 'diagnose', name: 'backend-7d9f-abcde' }],
    ['why does postgres keep crashing', { kind: 'diagnose', name: 'postgres' }],
    ['is frontend healthy?', { kind: 'diagnose', name: 'frontend' }],
    ['diagnose postgres', { kind: 'diagnose', name: 'postgres' }],
    ['check for pod failures', { kind: 'diagnose' }],
    ["what's wrong?", { kind: 'diagnose' }],
    ['analyze cluster health', { kind: 'health' }],
    ['is everything ok?', { kind: 'health' }],
    ['scale frontend to 2 replicas', { kind: 'scale', name: 'frontend', change: { to: 2 } }],
    ['please scale deployment frontend to three', { kind: 'scale', name: 'frontend', change: { to: 3 } }],
    ['scale backend up by 100%', { kind: 'scale', name: 'backend', change: { factor: 2 } }],
    ['scale backend up by 50 percent', { kind: 'scale', name: 'backend', change: { factor: 1.5 } }],
    ['scale the backend down by half', { kind: 'scale', name: 'backend', change: { factor: 0.5 } }],
    ['scale backend down by 2 replicas', { kind: 'scale', name: 'backend', change: { add: -2 } }],
    ['scale up frontend by 1', { kind: 'scale', name: 'frontend', change: { add: 1 } }],
    ['double frontend', { kind: 'scale', name: 'frontend', change: { factor: 2 } }],
    [
      'update frontend to image todo/frontend:1.4.0 with zero downtime',
      { kind: 'set-image', name: 'frontend', image: 'todo/frontend:1.4.0', zeroDowntime: true },
    ],
    [
      "set backend's image to ghcr.io/acme/backend:2.0",
      { kind: 'set-image', name: 'backend', image: 'ghcr.io/acme/backend:2.0', zeroDowntime: false },
    ],
    [
      'roll out nginx:1.27 to web without downtime',
      { kind: 'set-image', name: 'web', image: 'nginx:1.27', zeroDowntime: true },
    ],
    [
      'create an HPA for backend at 50% CPU between 1 and 3 replicas',
      { kind: 'create-hpa', name: 'backend', cpuPercent: 50, min: 1, max: 3 },
    ],
    [
      'autoscale frontend from 2 to 5 replicas at 70 percent cpu',
      { kind: 'create-hpa', name: 'frontend', cpuPercent: 70, min: 2, max: 5 },
    ],
    ['switch the service to green', { kind: 'switch-service', to: 'green' }],
    ['switch frontend to blue', { kind: 'switch-service', service: 'frontend', to: 'blue' }],
    ['send traffic to green', { kind: 'switch-service', to: 'green' }],
    ["show backend's errors", { kind: 'errors', name: 'backend' }],
    ['show the errors of postgres', { kind: 'errors', name: 'postgres' }],
    ['show me backend logs', { kind: 'errors', name: 'backend' }],
    ['restart frontend', { kind: 'restart', name: 'frontend' }],
    ['roll back backend', { kind: 'undo', name: 'backend' }],
    ["what should frontend's resources be?", { kind: 'resources', name: 'frontend' }],
    ['show top pods', { kind: 'top' }],
    ['what changed recently?', { kind: 'recent' }],
    ['exec into backend', { kind: 'unsupported', what: 'open a shell in a container' }],
    ['port-forward frontend 3000', { kind: 'unsupported', what: 'port-forward' }],
    ['delete the namespace todo', { kind: 'unsupported', what: 'delete that object' }],
    ['tell me a joke', { kind: 'unknown' }],
    ['update frontend to the latest', { kind: 'unknown' }],
  ])('%j', (question, intent) => {
    expect(parseQuestion(question)).toEqual(intent);
  });
});

describe('scaledReplicas', () => {
  it.each<[number, ScaleChange, number]>([
    [2, { to: 5 }, 5],
    [2, { factor: 2 }, 4],
    [3, { factor: 0.5 }, 2],
    [1, { factor: 0.5 }, 1],
    [2, { factor: 1.1 }, 3],
    [4, { add: -2 }, 2],
    [1, { add: -3 }, 0],
  ])('%i with %j is %i', (current, change, expected) => {
    expect(scaledReplicas(current, change)).toBe(expected);
  });
});
