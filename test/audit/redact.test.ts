import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../src/audit/redact.js';

describe('secrets never reach the audit trail', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl', 'eyJhbGci'],
    ['OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx', 'sk-proj-abcdef'],
    ['export GEMINI_API_KEY=AIzaSyD-abcdefghijklmnopqrstuvwxyz012345', 'AIzaSyD'],
    ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['password: hunter22', 'hunter22'],
    ['DATABASE_URL=postgresql://todo:change-me@postgres:5432/todo', 'change-me'],
    ['    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==', 'LS0tLS1CRUdJTi'],
    ['token: 0123456789abcdef0123456789abcdef', '0123456789abcdef'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked in a log', 'ghp_abcdefghij'],
  ])('%s', (text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('keeps ordinary text as it is', () => {
    const text = 'kubectl scale deployment/frontend -n todo --replicas=2 (token bucket rate limiter noted)';
    expect(redactText(text)).toBe(text);
  });

  it('masks Secret data, secret-named env literals and kubeconfig credentials in snapshots', () => {
    const secret = redactValue({
      kind: 'Secret',
      metadata: { name: 's' },
      data: { DATABASE_URL: 'cG9zdGdyZXM=' },
    });
    expect(secret.data).toEqual({ DATABASE_URL: '[REDACTED]' });
    const pod = redactValue({
      kind: 'Pod',
      spec: {
        containers: [
          {
            name: 'c',
            env: [
              { name: 'API_TOKEN', value: 'abc' },
              { name: 'LOG_LEVEL', value: 'info' },
            ],
          },
        ],
      },
    });
    expect(pod.spec.containers[0]!.env).toEqual([
      { name: 'API_TOKEN', value: '[REDACTED]' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
    const kubeconfig = redactValue({
      users: [{ name: 'u', user: { token: 'abc123', 'client-key-data': 'LS0t' } }],
    });
    expect(kubeconfig.users[0]!.user).toEqual({ token: '[REDACTED]', 'client-key-data': '[REDACTED]' });
  });
});
