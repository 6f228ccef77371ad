// kubectl's table of a kind as the views print it: ages in the server's time, never `<invalid>`
// for an object newer than the last measure of that time.
import { describe, expect, it } from 'vitest';
import { objectTable } from '../../src/state/views.js';

const at = Date.parse('2026-12-01T12:00:00Z');
const event = (name: string, lastSeenMsAfter: number) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'todo', creationTimestamp: new Date(at - 60_000).toISOString() },
  involvedObject: { kind: 'Pod', name: 'backend-1', namespace: 'todo' },
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  type: 'Warning',
  count: 3,
  firstTimestamp: new Date(at - 60_000).toISOString(),
  lastTimestamp: new Date(at + lastSeenMsAfter).toISOString(),
});

describe('a view of events', () => {
  it('shows an event seen after the measured server time as just seen, not <invalid>, newest first', () => {
    const objects = new Map([
      ['todo/a', event('a', -30_000)],
      ['todo/b', event('b', 20_000)],
    ]);
    const table = objectTable(objects, 'events', at, '', false);
    expect(table.columns[0]).toBe('LAST SEEN');
    expect(table.rows.map((r) => r.cells[0])).toEqual(['0s', '50s']);
    expect(table.rows.flatMap((r) => r.cells).join(' ')).not.toContain('<invalid>');
  });
});
