// Simulated resource usage of a container: a base from its requests (or annotations) shaped by
// a profile. Deterministic for a given pod, container and time, so tests and demos repeat.
import { bytes, cpuMillis } from '../kube/quantity.js';

/** Pod annotations the simulator reads (documented in docs/simulator.md). */
export const ANNOTATION = {
  usage: 'sim.aiops.dev/usage',
  cpu: 'sim.aiops.dev/cpu',
  memory: 'sim.aiops.dev/memory',
  leakPerHour: 'sim.aiops.dev/leak-per-hour',
  crashAfter: 'sim.aiops.dev/crash-after',
  crashOneAfter: 'sim.aiops.dev/crash-one-after',
  servedPorts: 'sim.aiops.dev/served-ports',
  errorRate: 'sim.aiops.dev/error-rate',
  logRate: 'sim.aiops.dev/log-rate',
} as const;

export type Profile = 'steady' | 'diurnal' | 'leak' | 'spike';

export interface ContainerUsage {
  cpuMillis: number;
  memoryBytes: number;
}

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const HOUR = 3_600_000;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Noise in [-1, 1] that changes every 15 simulated seconds. */
function noise(seed: string, at: number): number {
  return (hash(`${seed}:${Math.floor(at / 15_000)}`) / 0xffffffff) * 2 - 1;
}

/** Annotation values may name one container: `api=leak,worker=steady`, or apply to all: `leak`. */
export function annotationFor(
  annotations: Record<string, string> | undefined,
  key: string,
  container: string,
): string | undefined {
  const raw = annotations?.[key];
  if (!raw) return undefined;
  if (!raw.includes('=')) return raw;
  for (const part of raw.split(',')) {
    const [name, value] = part.split('=');
    if (name?.trim() === container) return value?.trim();
  }
  return undefined;
}

/** Parses an error rate, `0.25` or `25%`, to a fraction in [0, 1]; 0 when absent or malformed. */
export function parseRate(text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text?.trim() ?? '');
  if (!m) return 0;
  const rate = Number(m[1]) / (m[2] ? 100 : 1);
  return Math.min(1, rate);
}

/** Whether the n-th (1-based) log line of a running app is an error: spread evenly, `rate` of them. */
export function isErrorLine(n: number, rate: number): boolean {
  return Math.floor(n * rate + 1e-9) > Math.floor((n - 1) * rate + 1e-9);
}

export function containerUsage(
  podName: string,
  annotations: Record<string, string> | undefined,
  container: ContainerSpec,
  now: number,
  startedAt: number,
): ContainerUsage {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const profile = (annotationFor(annotations, ANNOTATION.usage, container.name) ?? 'steady') as Profile;
  const baseCpu =
    cpuMillis(annotationFor(annotations, ANNOTATION.cpu, container.name)) ??
    (cpuMillis(requests.cpu) ?? 50) * 0.4;
  const memLimit = bytes(limits.memory);
  const baseMem =
    bytes(annotationFor(annotations, ANNOTATION.memory, container.name)) ??
    (bytes(requests.memory) ?? 64 * 2 ** 20) * 0.5;
  const seed = `${podName}/${container.name}`;
  const n = noise(seed, now);
  let cpu = baseCpu * (1 + 0.1 * n);
  let mem = baseMem * (1 + 0.02 * n);
  const upFor = Math.max(0, now - startedAt);
  switch (profile) {
    case 'diurnal': {
      const phase = Math.sin(((now % (24 * HOUR)) / (24 * HOUR)) * 2 * Math.PI);
      cpu *= 1 + 0.6 * phase;
      mem *= 1 + 0.1 * phase;
      break;
    }
    case 'leak': {
      const perHour =
        bytes(annotationFor(annotations, ANNOTATION.leakPerHour, container.name)) ??
        (memLimit ?? baseMem * 4) * 0.2;
      mem += (perHour * upFor) / HOUR;
      break;
    }
    case 'spike':
      // One minute in ten at three times the load.
      if (Math.floor(now / 60_000) % 10 === hash(seed) % 10) cpu *= 3;
      break;
    case 'steady':
      break;
  }
  return { cpuMillis: Math.max(1, cpu), memoryBytes: Math.max(1024 * 1024, mem) };
}
