// Where an escalation goes: the cockpit's terminal (bell and desktop notification) and the
// policy's webhooks, each a Slack-compatible or Alertmanager-compatible body, optionally signed
// with HMAC-SHA256 under a key read from the environment, retried with exponential back-off and
// each attempt bounded by a time-out. Bodies are redacted like the trail; what comes back from a
// failed delivery never names the URL or the key.
import { createHmac } from 'node:crypto';
import { redactText, redactValue } from '../audit/redact.js';
import { stripControls } from '../audit/sanitize.js';
import type { EscalationPolicy, Webhook } from './policy.js';

/** What an escalation says, whatever the channel. */
export interface Notification {
  record: string;
  title: string;
  tier: string;
  status: string;
  target: string;
  threshold: string;
  detail: string;
  severity: 'warning' | 'critical';
  emergency?: string | undefined;
  /** ISO: when it escalated. */
  at: string;
}

export interface DeliveryFailure {
  channel: string;
  attempts: number;
  error: string;
}

export interface Notifier {
  /** The channels this process delivers to: `terminal` and the webhooks' names. */
  readonly channels: readonly string[];
  deliver(notification: Notification): Promise<DeliveryFailure[]>;
}

/** One line a person reads: the same in the bell's notification and a webhook's text. */
export function notificationLine(n: Notification): string {
  return `aiops-tui ${n.record} (${n.tier}${n.emergency ? ', EMERGENCY' : ''}): ${n.detail} — ${n.title}`;
}

/** Slack's mrkdwn treats <…> as links and mentions (`<!channel>`): text from a record is escaped. */
const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack-compatible: `text` for notifications and clients without blocks, the same in blocks. */
export function slackBody(n: Notification): { text: string; blocks: unknown[] } {
  const text = slackEscape(notificationLine(n));
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${n.emergency ? '*EMERGENCY* ' : ''}*${slackEscape(n.title)}*\n${slackEscape(n.detail)}${n.emergency ? `\nWhy an emergency: ${slackEscape(n.emergency)}` : ''}`,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: slackEscape(
              `record ${n.record} · tier ${n.tier} · ${n.status} · ${n.target} · ${n.threshold}`,
            ),
          },
        ],
      },
    ],
  };
}

/** Alertmanager's v2 API (POST /api/v2/alerts): an array of alerts with labels and annotations. */
export function alertmanagerBody(n: Notification): unknown[] {
  return [
    {
      labels: {
        alertname: 'AiopsTuiEscalation',
        severity: n.severity,
        tier: n.tier,
        record: n.record,
        threshold: n.threshold,
        emergency: n.emergency ? 'true' : 'false',
        source: 'aiops-tui',
      },
      annotations: {
        summary: n.title,
        description: n.detail,
        target: n.target,
        ...(n.emergency ? { emergency_reason: n.emergency } : {}),
      },
      startsAt: n.at,
    },
  ];
}

/** The body a webhook gets, as sent: its format, control bytes stripped, secrets redacted. */
export function webhookBody(hook: Pick<Webhook, 'format'>, n: Notification): string {
  const clean = Object.fromEntries(
    Object.entries(n).map(([k, v]) => [k, typeof v === 'string' ? stripControls(v) : v]),
  ) as unknown as Notification;
  const body = hook.format === 'slack' ? slackBody(clean) : alertmanagerBody(clean);
  return JSON.stringify(redactValue(body));
}

/** GitHub's form: `sha256=` and the hex HMAC-SHA256 of the exact body bytes. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface DeliveryOptions {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** POSTs one body, retrying a network error, a time-out, a 429 or a 5xx with back-off 1×, 2×, 4× … */
export async function deliverWebhook(
  hook: Webhook,
  body: string,
  options: DeliveryOptions = {},
): Promise<{ ok: true; attempts: number } | { ok: false; attempts: number; error: string }> {
  const env = options.env ?? process.env;
  const url = hook.url ?? (hook.url_env ? env[hook.url_env] : undefined);
  if (!url) return { ok: false, attempts: 0, error: `the environment variable ${hook.url_env} is not set` };
  const secret = hook.secret_env ? env[hook.secret_env] : undefined;
  if (hook.secret_env && !secret)
    return { ok: false, attempts: 0, error: `the environment variable ${hook.secret_env} is not set` };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'aiops-tui' };
  if (secret) headers[hook.signature_header] = signatureOf(body, secret);
  // What a failure says never holds the URL (Slack's carries a token) or the key.
  const scrub = (text: string): string =>
    redactText([url, secret].reduce<string>((t, s) => (s ? t.split(s).join('[REDACTED]') : t), text));
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? pause;
  let error = '';
  const attempts = hook.retries + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(hook.backoff_ms * 2 ** (attempt - 2));
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(hook.timeout_ms),
      });
      // Read to the end: the connection is then reusable, and a slow body is within the time-out.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status !== 429 && response.status < 500) return { ok: false, attempts: attempt, error };
    } catch (caught) {
      const e = caught as Error & { cause?: { code?: string; message?: string } };
      error =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no answer within ${hook.timeout_ms} ms`
          : scrub(`${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message ?? ''}` : ''}`);
    }
  }
  return { ok: false, attempts, error: scrub(error) };
}

export interface NotifierOptions extends DeliveryOptions {
  /** The cockpit's terminal: bell and desktop notification. Absent outside the cockpit. */
  terminal?: (n: Notification) => void;
}

/** The channels the policy names that this process can reach; undefined when there are none. */
export function createNotifier(
  policy: EscalationPolicy,
  options: NotifierOptions = {},
): Notifier | undefined {
  const terminal = policy.terminal ? options.terminal : undefined;
  const channels = [...(terminal ? ['terminal'] : []), ...policy.webhooks.map((w) => w.name)];
  if (channels.length === 0) return undefined;
  return {
    channels,
    async deliver(n) {
      const failures: DeliveryFailure[] = [];
      if (terminal)
        try {
          terminal(n);
        } catch (error) {
          failures.push({ channel: 'terminal', attempts: 1, error: redactText((error as Error).message) });
        }
      const results = await Promise.all(
        policy.webhooks.map(async (hook) => ({
          hook,
          result: await deliverWebhook(hook, webhookBody(hook, n), options),
        })),
      );
      for (const { hook, result } of results)
        if (!result.ok) failures.push({ channel: hook.name, attempts: result.attempts, error: result.error });
      return failures;
    },
  };
}
