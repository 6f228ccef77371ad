// Webhook bodies (Slack, Alertmanager), their signature, redaction, and delivery with retries
// and time-outs against a loopback receiver; the terminal's bell and desktop notification.
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertmanagerBody,
  createNotifier,
  deliverWebhook,
  webhookBody,
  type Notification,
} from '../../src/workflow/notify.js';
import type { Webhook } from '../../src/workflow/policy.js';
import { oscText, terminalNotification } from '../../src/ui/terminal-notify.js';
import { signatureValid, startReceiver, type Receiver } from './webhook-receiver.js';

const notification: Notification = {
  record: '00007-scale-frontend',
  title: 'Scale frontend to 2',
  tier: 'low',
  status: 'awaiting-approval',
  target: 'deployment/todo/frontend',
  threshold: 'window-share:0.5',
  detail: '50 % of the approval window passed with 0/1 approvals; it closes in 2.5 min',
  severity: 'warning',
  at: '2026-12-01T10:02:30.000Z',
};
const hook = (over: Partial<Webhook> = {}): Webhook => ({
  name: 'ops',
  url: 'http://127.0.0.1:9/hook',
  format: 'slack',
  signature_header: 'X-Aiops-Signature-256',
  timeout_ms: 2000,
  retries: 3,
  backoff_ms: 10,
  ...over,
});

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('webhook bodies', () => {
  it('Slack: text and blocks; an emergency says so and why', () => {
    const body = JSON.parse(webhookBody(hook(), { ...notification, emergency: 'checkout is down' }));
    expect(body.text).toBe(
      'aiops-tui 00007-scale-frontend (low, EMERGENCY): 50 % of the approval window passed with 0/1 approvals; it closes in 2.5 min — Scale frontend to 2',
    );
    expect(body.blocks[0].text.text).toContain('*EMERGENCY* *Scale frontend to 2*');
    expect(body.blocks[0].text.text).toContain('Why an emergency: checkout is down');
  });

  it('Slack: a title cannot mention @channel or hide a link (<…> is escaped)', () => {
    const body = JSON.parse(
      webhookBody(hook(), { ...notification, title: '<!channel> see <https://evil|docs>' }),
    );
    expect(body.text).not.toMatch(/<!channel>|<https/);
    expect(body.text).toContain('&lt;!channel&gt; see &lt;https://evil|docs&gt;');
  });

  it('Alertmanager: the v2 alerts array with labels and annotations', () => {
    expect(alertmanagerBody({ ...notification, severity: 'critical', threshold: 'expired' })).toEqual([
      {
        labels: {
          alertname: 'AiopsTuiEscalation',
          severity: 'critical',
          tier: 'low',
          record: '00007-scale-frontend',
          threshold: 'expired',
          emergency: 'false',
          source: 'aiops-tui',
        },
        annotations: {
          summary: 'Scale frontend to 2',
          description: notification.detail,
          target: 'deployment/todo/frontend',
        },
        startsAt: '2026-12-01T10:02:30.000Z',
      },
    ]);
  });

  it('secrets and control bytes are removed from a body, as from a PHR', () => {
    const leaky = {
      ...notification,
      title: 'set DB_PASSWORD=hunter2 token sk-abcdefghijklmnopqrstu',
      detail: 'x\x1b]52;c;ZXZpbA==\x07y',
    };
    for (const format of ['slack', 'alertmanager'] as const) {
      const body = webhookBody(hook({ format }), leaky);
      // eslint-disable-next-line no-control-regex
      expect(body).not.toMatch(/hunter2|sk-abcdef|\x1b|\\u001b|ZXZpbA/);
      expect(body).toContain('[REDACTED]');
    }
  });
});

describe('delivery', () => {
  it('signs the body with HMAC-SHA256 under the key from the environment; the receiver verifies it', async () => {
    receiver = await startReceiver();
    const body = webhookBody(hook(), notification);
    const result = await deliverWebhook(hook({ url: receiver.url, secret_env: 'HOOK_KEY' }), body, {
      env: { HOOK_KEY: 'k3y-of-the-team' },
    });
    expect(result).toEqual({ ok: true, attempts: 1 });
    const got = receiver.received[0]!;
    expect(got.body).toBe(body);
    expect(got.headers['content-type']).toBe('application/json');
    expect(signatureValid(got.body, got.headers['x-aiops-signature-256'], 'k3y-of-the-team')).toBe(true);
    expect(signatureValid(got.body, got.headers['x-aiops-signature-256'], 'another key')).toBe(false);
  });

  it('a 500 then a 200: retried, delivered on the second attempt', async () => {
    receiver = await startReceiver();
    receiver.script.push(500);
    const result = await deliverWebhook(hook({ url: receiver.url }), '{}');
    expect(result).toEqual({ ok: true, attempts: 2 });
    expect(receiver.received).toHaveLength(2);
  });

  it('back-off doubles between attempts', async () => {
    receiver = await startReceiver(503);
    const waits: number[] = [];
    const result = await deliverWebhook(hook({ url: receiver.url, backoff_ms: 100 }), '{}', {
      sleep: async (ms) => void waits.push(ms),
    });
    expect(result).toEqual({ ok: false, attempts: 4, error: 'HTTP 503 Service Unavailable' });
    expect(waits).toEqual([100, 200, 400]);
  });

  it('a 400 is not retried: the receiver refused the body', async () => {
    receiver = await startReceiver(400);
    expect(await deliverWebhook(hook({ url: receiver.url }), '{}')).toEqual({
      ok: false,
      attempts: 1,
      error: 'HTTP 400 Bad Request',
    });
  });

  it('a receiver that hangs: each attempt times out, and the failure says so', async () => {
    receiver = await startReceiver('hang');
    const result = await deliverWebhook(hook({ url: receiver.url, timeout_ms: 200, retries: 1 }), '{}');
    expect(result).toEqual({ ok: false, attempts: 2, error: 'no answer within 200 ms' });
    expect(receiver.received).toHaveLength(2);
  });

  it('a refused connection: the error never names the URL (a Slack URL holds a token)', async () => {
    const secretUrl = 'http://127.0.0.1:9/services/T000/B000/XXXXSECRETXXXX';
    const result = await deliverWebhook(hook({ url: undefined, url_env: 'HOOK_URL', retries: 0 }), '{}', {
      env: { HOOK_URL: secretUrl },
    });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('XXXXSECRETXXXX');
  });

  it('a missing environment variable: one line, nothing sent', async () => {
    expect(await deliverWebhook(hook({ secret_env: 'NOT_SET_ANYWHERE' }), '{}', { env: {} })).toEqual({
      ok: false,
      attempts: 0,
      error: 'the environment variable NOT_SET_ANYWHERE is not set',
    });
  });

  it('a notifier reports each failed channel; with no channel it is none', async () => {
    receiver = await startReceiver(500);
    const policy = {
      on_expiry: true,
      terminal: true,
      webhooks: [hook({ name: 'down', url: receiver.url, retries: 1 })],
    };
    const rang: string[] = [];
    const notifier = createNotifier(policy, { terminal: (n) => void rang.push(n.record) })!;
    expect(notifier.channels).toEqual(['terminal', 'down']);
    expect(await notifier.deliver(notification)).toEqual([
      { channel: 'down', attempts: 2, error: 'HTTP 500 Internal Server Error' },
    ]);
    expect(rang).toEqual(['00007-scale-frontend']);
    expect(createNotifier({ ...policy, webhooks: [] })).toBeUndefined(); // terminal, but no terminal here
  });
});

describe('the terminal', () => {
  it('bell, OSC 9 and OSC 777 with the text', () => {
    expect(terminalNotification('aiops-tui: 00007', 'escalated')).toBe(
      '\x07\x1b]9;aiops-tui: 00007: escalated\x07\x1b]777;notify;aiops-tui: 00007;escalated\x07',
    );
  });

  it.each([
    ['a BEL would end the sequence early', 'a\x07b', 'ab'],
    ['ESC \\ (ST) would too, and the rest would run', 'a\x1b\\\x1b[2Jb', 'ab'],
    ['an OSC 52 clipboard write inside', 'x\x1b]52;c;ZXZpbA==\x07y', 'xy'],
    ['a C1 OSC that never ends swallows the rest', 'a\u009c\u009db', 'a'],
    ["';' separates OSC 777's fields", 'title;body', 'title,body'],
    ['newlines and tabs', 'a\nb\tc', 'a b c'],
    ['a leading digit (ConEmu reads 9;4 as a command)', '4;1 progress', '\u200b4,1 progress'],
  ])('%s', (_name, text, expected) => {
    expect(oscText(text)).toBe(expected);
  });

  it('every byte written is printable except the framing', () => {
    const out = terminalNotification('t\x1b[31m\x07', 'b\u009b0m\r\n'.repeat(100));
    // eslint-disable-next-line no-control-regex
    const framing = out.replace(/\x07|\x1b\]9;|\x1b\]777;notify;/g, '');
    // eslint-disable-next-line no-control-regex
    expect(framing).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(out.length).toBeLessThan(600);
  });
});
