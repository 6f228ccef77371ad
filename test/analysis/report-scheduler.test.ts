// While the cockpit runs, each report kind is written when its last one is older than its period.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startFindingsService } from '../../src/analysis/findings-service.js';
import { startReportScheduler } from '../../src/analysis/report-scheduler.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';
import type { Finding } from '../../src/model/analysis.js';

const syncedStore = () => {
  const store = createCockpitStore(initialState({ context: 'ctx', server: 's', namespace: 'todo' }));
  store.getState().applyChanges([{ kind: 'pods', type: 'replace', objects: new Map() }], Date.now());
  return store;
};

describe('scheduled reports', () => {
  it('writes the three kinds once, and not again within their period', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sched-')), 'reports');
    const store = syncedStore();
    const first = startReportScheduler(store, dir, { firstCheckMs: 0 });
    await vi.waitFor(() =>
      expect(
        readdirSync(dir)
          .sort()
          .map((f) => f.split('-')[0]),
      ).toEqual(['health', 'security', 'utilization']),
    );
    first.stop();
    const second = startReportScheduler(store, dir, {
      firstCheckMs: 0,
      now: () => Date.now() + 2 * 86_400_000,
    });
    // Two days later only the daily utilization report is due.
    await vi.waitFor(() =>
      expect(readdirSync(dir).filter((f) => f.startsWith('utilization'))).toHaveLength(2),
    );
    second.stop();
    expect(readdirSync(dir).filter((f) => f.startsWith('health'))).toHaveLength(1);
  });
});

describe('kagent findings in the cockpit', () => {
  it('join the built-in ones and replace only their own source', () => {
    const store = syncedStore();
    const service = startFindingsService(store);
    const finding = (id: string): Finding => ({
      id,
      severity: 'warning',
      analyzer: 'kagent-health',
      source: 'kagent',
      resource: { kind: 'Deployment', namespace: 'todo', name: 'backend' },
      title: `kagent says ${id}`,
      detail: [],
      affected: [],
      firstSeen: 0,
      lastSeen: 0,
      count: 1,
    });
    service.report('kagent', [finding('a'), finding('b')]);
    expect(store.getState().findings.map((f) => f.id)).toEqual(['a', 'b']);
    service.report('kagent', [finding('b')]);
    expect(store.getState().findings.map((f) => f.id)).toEqual(['b']);
    service.stop();
  });
});
