import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A kubeconfig for `server` with one context. client-node refuses http:// without skip-TLS-verify. */
export function kubeconfigFor(server: string, context: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'analyze-')), 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: me, user: {}}]',
      `contexts: [{name: ${context}, context: {cluster: c, user: me}}]`,
      `current-context: ${context}`,
    ].join('\n'),
  );
  return file;
}
