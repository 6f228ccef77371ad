// The cockpit's raw reads (recent logs ten a second on a large cluster, metrics polls, /readyz)
// reuse their connections: client-node's applyToHTTPSOptions hands out a new agent without
// keep-alive per request, and a connection (on a real cluster a TLS handshake) per read was most
// of an idle cockpit's CPU.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { getRaw, tlsOptionsKey } from '../../src/cluster/http.js';
import { writeKubeconfig } from '../../src/sim/kubeconfig.js';

let connections = 0;
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
});
server.on('connection', () => connections++);
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

async function kubeConfig(): Promise<KubeConfig> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const path = join(mkdtempSync(join(tmpdir(), 'keep-alive-')), 'kubeconfig');
  writeKubeconfig(path, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

describe('getRaw', () => {
  it('sends ten reads one after another over one connection, answering each', async () => {
    const kc = await kubeConfig();
    const before = connections;
    for (let i = 0; i < 10; i++) {
      const { code, text } = await getRaw(kc, `/read/${i}`);
      expect(code).toBe(200);
      expect(JSON.parse(text)).toEqual({ path: `/read/${i}` });
    }
    expect(connections - before).toBe(1);
  });

  it('four at once use four connections, and the next four reuse them', async () => {
    const kc = await kubeConfig();
    const before = connections;
    const batch = () => Promise.all([0, 1, 2, 3].map((i) => getRaw(kc, `/batch/${i}`)));
    await batch();
    await batch();
    expect(connections - before).toBe(4);
  });
});

describe('tlsOptionsKey', () => {
  const base = { ca: Buffer.from('CA'), cert: Buffer.from('CERT-1'), key: Buffer.from('KEY-1') };
  const cases: [string, object, boolean][] = [
    [
      'the same certificate read again (equal bytes, another Buffer)',
      { ...base, cert: Buffer.from('CERT-1') },
      true,
    ],
    ['a rotated client certificate', { ...base, cert: Buffer.from('CERT-2') }, false],
    ['a rotated key', { ...base, key: Buffer.from('KEY-2') }, false],
    ['another CA', { ...base, ca: Buffer.from('CA-2') }, false],
    ['TLS verification off', { ...base, rejectUnauthorized: false }, false],
    ['another server name', { ...base, servername: 'api.internal' }, false],
    ['the certificate as a string of the same bytes', { ...base, cert: 'CERT-1' }, true],
    [
      'the cert moved into the key field',
      { ca: base.ca, cert: Buffer.from(''), key: Buffer.from('CERT-1KEY-1') },
      false,
    ],
  ];
  it.each(cases)('%s → same agent: %s', (_, options, same) => {
    expect(tlsOptionsKey(options) === tlsOptionsKey(base)).toBe(same);
  });
});
