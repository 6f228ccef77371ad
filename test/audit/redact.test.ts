import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../src/audit/redact.js';

const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
const pem = (label: string, eol = '\n') =>
  `-----BEGIN ${label}-----${eol}${PEM_BODY}${eol}VuFUyhGNJw8aSaWx0xhI${eol}-----END ${label}-----`;
const DOCKER_AUTH = 'dXNlcjpodW50ZXIyLXJlZ2lzdHJ5'; // user:hunter2-registry

/** [text, the secret that must not survive]: the kinds of secrets added for issue 11. */
const NEW_TEXT_CASES: [string, string][] = [
  [pem('RSA PRIVATE KEY'), PEM_BODY],
  [pem('EC PRIVATE KEY'), PEM_BODY],
  [pem('OPENSSH PRIVATE KEY'), PEM_BODY],
  [pem('ENCRYPTED PRIVATE KEY'), PEM_BODY],
  [pem('PRIVATE KEY'), PEM_BODY],
  [`tls.key: ${pem('PRIVATE KEY', '\\n')}`, PEM_BODY],
  [`private_key: ${pem('RSA PRIVATE KEY')}`, 'VuFUyhGNJw8aSaWx0xhI'],
  [`cut short: -----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}`, PEM_BODY],
  ['SLACK_BOT=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-1234'],
  ['user token xoxp-123456789012-123456789012-abcdefabcdef', 'xoxp-1234'],
  ['app token xapp-1-A0123456789-1234567890123-abcdef0123456789', 'xapp-1-A0123'],
  ['gho_abcdefghijklmnopqrstuvwxyz0123456789', 'gho_abcdef'],
  ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', 'github_pat_11ABC'],
  ['GITLAB=glpat-AbCdEfGhIjKlMnOpQrSt', 'glpat-AbCd'],
  ['stripe sk_live_51H8abcdefghijklmnopqrstuv', 'sk_live_51H8'],
  ['stripe sk_test_51H8abcdefghijklmnopqrstuv', 'sk_test_51H8'],
  ['restricted rk_live_51H8abcdefghijklmnop', 'rk_live_51H8'],
  ['publishable pk_live_51H8abcdefghijklmnop', 'pk_live_51H8'],
  ['DB_PASS=hunter2-db', 'hunter2-db'],
  ['MYSQL_ROOT_PASS: root-s3cret', 'root-s3cret'],
  ['export PGPASS="quoted-pass"', 'quoted-pass'],
  ['REDIS_PASSWORD_FILE=/run/secrets/redis', '/run/secrets/redis'],
  [`{"auths":{"registry.example.com":{"auth":"${DOCKER_AUTH}"}}}`, DOCKER_AUTH],
  [`"{\\"auths\\":{\\"reg\\":{\\"auth\\":\\"${DOCKER_AUTH}\\"}}}"`, DOCKER_AUTH],
  [
    `kubectl.kubernetes.io/last-applied-configuration: |\n  {"apiVersion":"v1","data":{"DATABASE_URL":"cG9zdGdyZXM6Ly9zZWNyZXQ="},"kind":"Secret","metadata":{"name":"db"}}`,
    'cG9zdGdyZXM6Ly9zZWNyZXQ=',
  ],
  [
    `"kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"stringData\\":{\\"API_URL\\":\\"https://x.example/?k=s3cr3t\\"}}\\n"`,
    's3cr3t',
  ],
];

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
    ...NEW_TEXT_CASES,
  ])('%s', (text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it.each([
    'kubectl scale deployment/frontend -n todo --replicas=2 (token bucket rate limiter noted)',
    '-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n-----END CERTIFICATE-----',
    '{"kind":"ConfigMap","data":{"LOG_LEVEL":"info"}}',
    'the skip_test_ flag and sk_live_ alone',
    'author: alice, authority: the platform team',
  ])('keeps ordinary text as it is: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('masks a PEM block whole, keeping the text around it', () => {
    expect(redactText(`before\n${pem('RSA PRIVATE KEY')}\nafter`)).toBe('before\n[REDACTED]\nafter');
    expect(redactText(`a ${pem('EC PRIVATE KEY')} b ${pem('OPENSSH PRIVATE KEY')} c`)).toBe(
      'a [REDACTED] b [REDACTED] c',
    );
  });

  it('masks only the data of a Secret in JSON text, keeping its shape', () => {
    expect(redactText('{"data":{"a":"YQ==","b":"Yg=="},"kind":"Secret","metadata":{"name":"s"}}')).toBe(
      '{"data":{"a":"[REDACTED]","b":"[REDACTED]"},"kind":"Secret","metadata":{"name":"s"}}',
    );
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

  it('masks env literals and keys named *_PASS, *PASS and *PASSWORD*', () => {
    const pod = redactValue({
      kind: 'Pod',
      spec: {
        containers: [
          {
            name: 'db',
            env: [
              { name: 'DB_PASS', value: 'a' },
              { name: 'MYSQL_ROOT_PASS', value: 'b' },
              { name: 'PGPASS', value: 'c' },
              { name: 'ADMIN_PASSWORD_HASH', value: 'd' },
              { name: 'DB_HOST', value: 'postgres' },
            ],
          },
        ],
      },
      config: { DB_PASS: 'e', smtpPass: 'f', passwordFile: 'g', passive: 'kept' },
    });
    expect(pod.spec.containers[0]!.env.map((e) => e.value)).toEqual([
      '[REDACTED]',
      '[REDACTED]',
      '[REDACTED]',
      '[REDACTED]',
      'postgres',
    ]);
    expect(pod.config).toEqual({
      DB_PASS: '[REDACTED]',
      smtpPass: '[REDACTED]',
      passwordFile: '[REDACTED]',
      passive: 'kept',
    });
  });

  it('masks docker config auth values: as objects under auths, and in a .dockerconfigjson string', () => {
    const config = redactValue({
      auths: { 'registry.example.com': { auth: DOCKER_AUTH, email: 'ops@example.com' } },
      other: { auth: 'not-a-docker-auth-key' },
    });
    expect(config).toEqual({
      auths: { 'registry.example.com': { auth: '[REDACTED]', email: 'ops@example.com' } },
      other: { auth: 'not-a-docker-auth-key' },
    });
    const inConfigMap = redactValue({
      kind: 'ConfigMap',
      data: { '.dockerconfigjson': JSON.stringify({ auths: { reg: { auth: DOCKER_AUTH } } }) },
    });
    expect(inConfigMap.data['.dockerconfigjson']).toBe('{"auths":{"reg":{"auth":"[REDACTED]"}}}');
  });

  it('masks the data inside a Secret’s last-applied-configuration, as a Secret, and keeps it JSON', () => {
    const applied = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'todo' },
      data: { DATABASE_URL: 'cG9zdGdyZXM6Ly90b2RvOmh1bnRlcjJAZGI=' },
      stringData: { API_KEY: 'plain-text-key' },
    };
    const secret = redactValue({
      kind: 'Secret',
      metadata: {
        name: 'db',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) + '\n',
          team: 'todo',
        },
      },
      data: { DATABASE_URL: 'cG9zdGdyZXM6Ly90b2RvOmh1bnRlcjJAZGI=' },
    });
    const annotation = secret.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annotation).not.toContain('cG9zdGdyZXM6');
    expect(annotation).not.toContain('plain-text-key');
    expect(annotation.endsWith('\n')).toBe(true);
    expect(JSON.parse(annotation)).toEqual({
      ...applied,
      data: { DATABASE_URL: '[REDACTED]' },
      stringData: { API_KEY: '[REDACTED]' },
    });
    expect(secret.metadata.annotations.team).toBe('todo');
  });

  it('masks a last-applied-configuration that does not parse whole', () => {
    const secret = redactValue({
      kind: 'Secret',
      metadata: {
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Secret","data":{"k":"dg',
        },
      },
    });
    expect(secret.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '[REDACTED]',
    );
  });

  it('is a deep copy: the input is left as it was', () => {
    const input = {
      kind: 'Secret',
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Secret"}' } },
      data: { k: 'dg==' },
      auths: { reg: { auth: DOCKER_AUTH } },
    };
    const before = structuredClone(input);
    const out = redactValue(input);
    expect(input).toEqual(before);
    expect(out.auths.reg).not.toBe(input.auths.reg);
    expect(out.metadata.annotations).not.toBe(input.metadata.annotations);
  });
});

describe('redacting twice gives what redacting once gave', () => {
  const texts = [
    ...NEW_TEXT_CASES.map(([text]) => text),
    'password: hunter22',
    'Authorization: Bearer abcdefghijkl',
    'DATABASE_URL=postgresql://todo:change-me@postgres:5432/todo',
    'api_key="[REDACTED]"',
  ];
  it.each(texts)('%s', (text) => {
    const once = redactText(text);
    expect(redactText(once)).toBe(once);
  });

  it('for values: Secrets, annotations, docker auths, env', () => {
    const value = {
      kind: 'Secret',
      metadata: {
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"YQ=="},"kind":"Secret"}\n',
        },
      },
      data: { a: 'YQ==' },
      auths: { reg: { auth: DOCKER_AUTH } },
      env: [{ name: 'DB_PASS', value: 'x' }],
      note: `key ${pem('RSA PRIVATE KEY')}`,
    };
    const once = redactValue(value);
    expect(redactValue(once)).toEqual(once);
  });
});
