import type { AnalyzeOptions } from '../model/analysis.js';

const MI = 2 ** 20;

export const DEFAULT_OPTIONS: AnalyzeOptions = {
  restartThreshold: 5,
  graceMs: 60_000,
  logLines: 10,
  // At the cockpit's 15 s poll, 20 samples over 10 minutes is the least we call a history.
  minSamples: 20,
  minSpanMs: 10 * 60_000,
  requestFactor: 1.3,
  memoryLimitFactor: 1.3,
  cpuLimitFactor: 2,
  materialRatio: 0.2,
  materialCpuMillis: 50,
  materialMemoryBytes: 64 * MI,
  includeHpaScaled: false,
  scaleUpUtilization: 0.8,
  scaleDownUtilization: 0.2,
  targetUtilization: 0.6,
  maxReplicas: 10,
  logErrorCount: 20,
  logErrorShare: 0.2,
  logErrorMinLines: 3,
  logErrorQuotes: 5,
};

export function resolveOptions(options: Partial<AnalyzeOptions> = {}): AnalyzeOptions {
  return { ...DEFAULT_OPTIONS, ...options };
}
