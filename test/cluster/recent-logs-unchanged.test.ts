// A container's log read again after its time to live with the same lines is the same value to
// the store: no new recent-logs object, so no analysis runs for an idle cluster's quiet logs; a
// log with a new line is a new value.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createRecentLogReader, type LogRequest } from '../../src/cluster/recent-logs.js';

const pod = (name: string): V1Pod => ({
  metadata: { namespace: 'ns', name, uid: `uid-${name}` },
  status: {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', image: 'app:1', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
    ],
  },
});

describe('recent logs read again', () => {
  it('keep their lines when the log is unchanged, and take the new ones when it is not', async () => {
    const logs: Record<string, string> = { quiet: 'started\nlistening on :8080\n', busy: 'started\n' };
    const request: LogRequest = (c) => Promise.resolve(logs[c.pod]!);
    let clock = 0;
    const reader = createRecentLogReader(request, { ttlMs: 1000, now: () => clock });
    const pods = [pod('quiet'), pod('busy')];
    const first = await reader.collect(pods);
    logs.busy += 'ERROR connection refused\n';
    clock = 2000;
    const second = await reader.collect(pods);
    expect(second['ns/quiet/app']).toEqual(['started', 'listening on :8080']);
    expect(second['ns/quiet/app']).toBe(first['ns/quiet/app']);
    expect(second['ns/busy/app']).toEqual(['started', 'ERROR connection refused']);
    expect(second['ns/busy/app']).not.toBe(first['ns/busy/app']);
  });
});
