// Identities as the SSH ecosystem has them: git's allowed-signers format, keys that ssh-keygen
// made, signatures that ssh-keygen verifies, a key that only ssh-agent holds, git's
// user.signingkey.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner, parseAllowedSigners, principalsOf } from '../../src/audit/identity.js';
import { sshVerify } from '../../src/audit/sshsig.js';

const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
const dir = mkdtempSync(join(tmpdir(), 'identity-'));

async function sshKey(name: string, passphrase = ''): Promise<{ path: string; line: string }> {
  const path = join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path]);
  return { path, line: readFileSync(`${path}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

describe('the allowed signers file (git gpg.ssh.allowedSignersFile)', () => {
  it('reads principals, namespaces and validity as git writes them', async () => {
    const alice = await sshKey('alice');
    const bob = await sshKey('bob');
    const allowed = parseAllowedSigners(
      [
        '# the team',
        `alice,Alice@Example.com ${alice.line} alice's laptop`,
        `bob namespaces="git,aiops-tui",valid-after="20260101",valid-before="20270101" ${bob.line}`,
        `carol namespaces="git" ${bob.line}`,
      ].join('\n'),
    );
    const fp = (line: string) => allowed.entries.find((e) => e.key.line === line)!.key.fingerprint;
    expect(principalsOf(allowed, fp(alice.line), Date.now())).toEqual(['alice', 'alice@example.com']);
    expect(principalsOf(allowed, fp(bob.line), Date.parse('2026-06-01'))).toEqual(['bob']);
    expect(principalsOf(allowed, fp(bob.line), Date.parse('2027-06-01'))).toEqual([]);
    // ssh-keygen prints the same fingerprint
    const printed = (await execa('ssh-keygen', ['-l', '-f', `${alice.path}.pub`])).stdout.split(' ')[1];
    expect(fp(alice.line)).toBe(printed);
  });

  it.each([
    ['alice ssh-rsa AAAAB3NzaC1yc2E', /allowed_signers:1: ssh-rsa keys are not supported/],
    [
      'al\u200bice ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAmSTYPqGn942eMhFn5BRBQibBlCyUnVuZ+kNpP/SDwi',
      /allowed_signers:1: principal .* contains an invisible or control character/,
    ],
    [
      'alice cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAmSTYPqGn942eMhFn5BRBQibBlCyUnVuZ+kNpP/SDwi',
      /allowed_signers:1: cert-authority lines are not supported/,
    ],
    ['alice', /allowed_signers:1: expected "principals \[options\] ssh-ed25519 KEY"/],
  ])('a bad line is one error naming the file and line: %j', (line, message) => {
    expect(() => parseAllowedSigners(line)).toThrow(message);
  });
});

describe('where the key comes from', () => {
  let agent: ReturnType<typeof execa> | undefined;
  const socket = join(dir, 'agent.sock');
  beforeAll(async () => {
    agent = execa('ssh-agent', ['-D', '-a', socket], { reject: false });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const listed = await execa('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket }, reject: false });
      if (listed.exitCode === 1 || listed.exitCode === 0) break; // 1: the agent answers, no keys yet
      if (Date.now() > deadline) throw new Error(`ssh-agent did not start: ${listed.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    agent?.kill();
  });

  it('an encrypted key signs through ssh-agent, and ssh-keygen verifies what it signed', async () => {
    const key = await sshKey('dana', 'correct horse');
    // ssh-add reads the passphrase from SSH_ASKPASS when it has no terminal.
    const askpass = join(dir, 'askpass');
    writeFileSync(askpass, '#!/bin/sh\necho "correct horse"\n', { mode: 0o700 });
    await execa('ssh-add', [key.path], {
      env: { SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      stdin: 'ignore',
    });
    const allowed = parseAllowedSigners(`dana ${key.line}\n`);
    const env = { SSH_AUTH_SOCK: socket, HOME: dir };
    const signer = await loadSigner({ allowed, keyPath: key.path, env });
    expect(signer.principal).toBe('dana');
    const sig = await signer.sign('the head of the chain');
    expect(sshVerify(sig, 'aiops-tui', 'the head of the chain')?.publicKey.fingerprint).toBe(
      signer.publicKey.fingerprint,
    );
    // Without --signing-key or git's user.signingkey, the first listed key the agent holds signs.
    const fromAgent = await loadSigner({ allowed, env });
    expect(fromAgent.publicKey.fingerprint).toBe(signer.publicKey.fingerprint);
  });

  it("git's user.signingkey is the default key", async () => {
    const key = await sshKey('erin');
    const home = mkdtempSync(join(tmpdir(), 'identity-home-'));
    writeFileSync(join(home, '.gitconfig'), `[user]\n\tsigningkey = ${key.path}\n[gpg]\n\tformat = ssh\n`);
    const allowedPath = join(home, 'allowed_signers');
    writeFileSync(allowedPath, `erin ${key.line}\n`);
    const file = join(home, 'policy.yaml');
    writeFileSync(file, 'validation_window_seconds: 30\n');
    const result = await execa(
      process.execPath,
      ['--import', 'tsx', cli, 'sign', file, '--allowed-signers', allowedPath],
      {
        env: { HOME: home, CI: 'true' },
        reject: false,
        stdin: 'ignore',
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^signed \S+policy\.yaml as erin \(SHA256:\S+\) into \S+policy\.yaml\.sig$/m,
    );
    const check = await execa(
      'ssh-keygen',
      ['-Y', 'verify', '-n', 'aiops-tui', '-f', allowedPath, '-I', 'erin', '-s', `${file}.sig`],
      { inputFile: file, reject: false },
    );
    expect(check.exitCode, check.stderr).toBe(0);
  });
});
