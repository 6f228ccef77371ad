// Throwaway identities for the tests: a private key file per person and an allowed-signers file
// listing them, as a team would have (ssh-keygen's formats; keys made with node:crypto).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keySigner, loadAllowedSigners, type AllowedSigners, type Signer } from '../../src/audit/identity.js';
import { parsePrivateKey } from '../../src/audit/sshsig.js';
import { generateKey } from '../../src/workflow/trust.js';

export interface Team {
  dir: string;
  allowedSignersPath: string;
  allowed: AllowedSigners;
  keyPath(name: string): string;
  signer(name: string): Signer;
  /** CLI flags that make a process act as `name`. */
  flags(name: string): string[];
}

export function makeTeam(
  names: string[] = ['alice', 'bob', 'carol'],
  extra: { name: string; listed: boolean }[] = [],
): Team {
  const dir = mkdtempSync(join(tmpdir(), 'aiops-team-'));
  const keys = new Map<string, { pem: string; line: string }>();
  const lines: string[] = [];
  for (const { name, listed } of [...names.map((n) => ({ name: n, listed: true })), ...extra]) {
    const key = generateKey();
    keys.set(name, { pem: key.privatePem, line: key.publicLine });
    writeFileSync(join(dir, `${name}.key`), key.privatePem, { mode: 0o600 });
    if (listed) lines.push(`${name} ${key.publicLine}`);
  }
  const allowedSignersPath = join(dir, 'allowed_signers');
  writeFileSync(allowedSignersPath, lines.join('\n') + '\n');
  const allowed = loadAllowedSigners(allowedSignersPath);
  return {
    dir,
    allowedSignersPath,
    allowed,
    keyPath: (name) => join(dir, `${name}.key`),
    signer: (name) => keySigner(name, parsePrivateKey(keys.get(name)!.pem)!),
    flags: (name) => ['--signing-key', join(dir, `${name}.key`), '--allowed-signers', allowedSignersPath],
  };
}
