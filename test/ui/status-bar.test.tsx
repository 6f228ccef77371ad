// The top line keeps whole segments: at 80 columns what does not fit is left out, not cut.
import { afterEach, describe, expect, it } from 'vitest';
import { frameContaining, makePod, renderCockpit, storeWith } from './harness.js';

let rendered: ReturnType<typeof renderCockpit> | undefined;
afterEach(() => rendered?.unmount());

describe('the status bar', () => {
  it.each([80, 100, 160])(
    'at %i columns shows whole segments only, context and namespace first',
    async (width) => {
      const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
      store
        .getState()
        .setChat({ backend: 'offline assistant (no kubectl-ai on PATH: install it to chat with an LLM)' });
      store.getState().setConnection({ context: 'minikube-with-a-long-context-name', status: 'connected' });
      rendered = renderCockpit(store, { width, height: 30 });
      const top = (await frameContaining(rendered, 'frontend-1')).split('\n')[0]!;
      expect(top.length).toBeLessThanOrEqual(width);
      expect(top).toContain('ctx minikube-with-a-long-context-name · ns todo · connected');
      // Every segment is whole: the line ends at a segment's end, with no ellipsis.
      expect(top).not.toContain('…');
      const segments = top.replace(/^aiops-tui · /, '').split(' · ');
      const whole = ['ctx minikube-with-a-long-context-name', 'ns todo', 'connected'];
      expect(segments.slice(0, 3)).toEqual(whole);
      for (const s of segments.slice(3))
        expect(s).toMatch(
          /^(no events yet|last event .+ ago|chat: offline assistant \(no kubectl-ai on PATH: install it to chat with an LLM\))$/,
        );
    },
  );
});

describe('the footer', () => {
  it('at 80 columns cuts a long notice between words, not inside one', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    rendered = renderCockpit(store, { width: 80, height: 24 });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write(':xyz\r');
    const bottom = (await frameContaining(rendered, 'unknown command ":xyz"')).split('\n').at(-1)!;
    expect(bottom.length).toBeLessThanOrEqual(80);
    expect(bottom).toMatch(/…$/);
    // What is shown before the ellipsis is whole words of the notice.
    const notice = store.getState().ui.notice!;
    const head = bottom.slice(0, -1);
    expect(notice.startsWith(head)).toBe(true);
    expect(notice[head.length]).toMatch(/[\s(]/);
  });
});
