// Who a person is: a key, not a typed name. The allowed-signers file (git's
// gpg.ssh.allowedSignersFile format) maps principals to SSH public keys; the signer is the key from
// --signing-key, else git's user.signingkey, else the first listed key ssh-agent holds.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { normalizePrincipal } from './names.js';
import { privateFile } from './private-dir.js';
import {
  KeyError,
  parsePrivateKey,
  parsePublicKey,
  sshSign,
  type PrivateKey,
  type PublicKey,
} from './sshsig.js';

/** The SSH signature namespace of every aiops-tui signature (`ssh-keygen -Y verify -n aiops-tui`). */
export const NAMESPACE = 'aiops-tui';

export class IdentityError extends Error {}

export interface AllowedSigner {
  /** Normalized names. */
  principals: string[];
  key: PublicKey;
  namespaces?: string[];
  validAfter?: number;
  validBefore?: number;
  line: number;
}

export interface AllowedSigners {
  file: string;
  text: string;
  /** sha256 of the text: what a record pins. */
  hash: string;
  entries: AllowedSigner[];
}

/** git's time format for valid-after/valid-before: YYYYMMDD[HHMM[SS]][Z]. */
function parseSshTime(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

function splitOptions(text: string): string[] {
  return [...text.matchAll(/([a-z-]+)(?:="([^"]*)")?/gi)].map((m) => m[0]);
}

export function parseAllowedSigners(text: string, file = 'allowed_signers'): AllowedSigners {
  const entries: AllowedSigner[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fail = (why: string): never => {
      throw new IdentityError(`${file}:${line}: ${why}`);
    };
    // principals [options] keytype base64 [comment]; options may quote values with spaces.
    const m = /^(\S+)\s+(?:((?:[a-z-]+(?:="[^"]*")?,?)+)\s+)?(\S+)\s+(\S+)/i.exec(trimmed);
    if (!m) return fail('expected "principals [options] ssh-ed25519 KEY"');
    const principalField = m[1] ?? '';
    let [, , optionField, type = '', key = ''] = m;
    if (optionField && optionField.startsWith('ssh-')) {
      // No options: what matched as options was the key type.
      [type, key] = [optionField, type];
      optionField = undefined;
    }
    const principals = principalField.split(',').map((p) => {
      const verdict = normalizePrincipal(p.replace(/^"|"$/g, ''));
      return verdict.ok ? verdict.name : fail(`principal ${JSON.stringify(p)} ${verdict.reason}`);
    });
    let publicKey: PublicKey;
    try {
      publicKey = parsePublicKey(type, key);
    } catch (error) {
      return fail((error as Error).message);
    }
    const entry: AllowedSigner = { principals, key: publicKey, line };
    for (const option of optionField ? splitOptions(optionField) : []) {
      const [name, quoted] = option.split('=', 2) as [string, string | undefined];
      const value = quoted?.replace(/^"|"$/g, '');
      if (name === 'namespaces' && value) entry.namespaces = value.split(',');
      else if ((name === 'valid-after' || name === 'valid-before') && value) {
        const at = parseSshTime(value);
        if (at === undefined) fail(`${name} "${value}" is not YYYYMMDD[HHMM[SS]]`);
        entry[name === 'valid-after' ? 'validAfter' : 'validBefore'] = at;
      } else if (name === 'cert-authority') fail('cert-authority lines are not supported');
      else fail(`unknown option "${name}"`);
    }
    entries.push(entry);
  });
  return { file, text, hash: createHash('sha256').update(text).digest('hex'), entries };
}

export function loadAllowedSigners(file: string): AllowedSigners {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new IdentityError(
      `${file}: cannot read the allowed signers: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseAllowedSigners(text, file);
}

/** Beside the policy: $XDG_CONFIG_HOME/aiops-tui/allowed_signers, or next to --policy. */
export function defaultAllowedSignersPath(policyPath?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (policyPath) return join(dirname(policyPath), 'allowed_signers');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'aiops-tui', 'allowed_signers');
}

/** The principals a key may sign as at `at` (ms), in aiops-tui's namespace. */
export function principalsOf(allowed: AllowedSigners, fingerprint: string, at: number): string[] {
  return allowed.entries
    .filter(
      (e) =>
        e.key.fingerprint === fingerprint &&
        (!e.namespaces || e.namespaces.some((n) => n === NAMESPACE || n === '*')) &&
        (e.validAfter === undefined || at >= e.validAfter) &&
        (e.validBefore === undefined || at < e.validBefore),
    )
    .flatMap((e) => e.principals);
}

export interface Signer {
  /** The normalized principal this process signs as. */
  principal: string;
  publicKey: PublicKey;
  /** The base64 SSH signature blob of `message` in aiops-tui's namespace. */
  sign(message: string): Promise<string>;
}

/** A signer holding its private key in memory: the demo's and the tests' throwaway keys, and unencrypted key files. */
export function keySigner(principal: string, key: PrivateKey): Signer {
  return { principal, publicKey: key.publicKey, sign: async (message) => sshSign(key, NAMESPACE, message) };
}

/** Signs through `ssh-keygen -Y sign` with the public key, so ssh-agent holds the private one. */
function agentSigner(principal: string, publicKey: PublicKey, env: NodeJS.ProcessEnv): Signer {
  const pubFile = privateFile(
    `signing-key-${publicKey.fingerprint.slice(7, 19).replace(/[^A-Za-z0-9]/g, '')}.pub`,
    `${publicKey.line}\n`,
  );
  return {
    principal,
    publicKey,
    async sign(message) {
      const { execa } = await import('execa');
      const result = await execa('ssh-keygen', ['-Y', 'sign', '-n', NAMESPACE, '-f', pubFile], {
        env,
        input: message,
        reject: false,
        timeout: 30_000,
      });
      const armored = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(
        result.stdout,
      );
      if (result.exitCode !== 0 || !armored)
        throw new IdentityError(
          `ssh-agent could not sign with ${publicKey.fingerprint}: ${(result.stderr || result.shortMessage || '').split('\n')[0]}`,
        );
      return armored[1]!.replace(/\s+/g, '');
    },
  };
}

export interface SignerOptions {
  allowed: AllowedSigners;
  /** --signing-key FILE (private key, or a .pub whose private key is in ssh-agent). */
  keyPath?: string;
  /** --approver NAME: which of the key's principals to sign as, when it has several. */
  principal?: string;
  env?: NodeJS.ProcessEnv;
  now?: number;
}

export const NO_KEY_HINT =
  'no signing key: create one with `ssh-keygen -t ed25519 -f ~/.ssh/aiops-tui`, list it in the allowed signers as `NAME ssh-ed25519 AAAA…`, and pass --signing-key ~/.ssh/aiops-tui (or set git config user.signingkey)';

async function gitSigningKey(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa('git', ['config', '--get', 'user.signingkey'], {
    env,
    reject: false,
    timeout: 5_000,
  });
  return result.exitCode === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

async function agentKeys(env: NodeJS.ProcessEnv): Promise<PublicKey[]> {
  if (!env.SSH_AUTH_SOCK) return [];
  const { execa } = await import('execa');
  const result = await execa('ssh-add', ['-L'], { env, reject: false, timeout: 5_000 });
  if (result.exitCode !== 0) return [];
  return result.stdout.split('\n').flatMap((line) => {
    const [type = '', key = ''] = line.trim().split(/\s+/);
    try {
      return [parsePublicKey(type, key)];
    } catch {
      return [];
    }
  });
}

/** A key source as git writes user.signingkey: a path (private or .pub) or `key::ssh-ed25519 AAAA…`. */
function keyFrom(source: string): { privateKey?: PrivateKey; publicKey: PublicKey } {
  const literal = /^key::(\S+)\s+(\S+)/.exec(source);
  if (literal) return { publicKey: parsePublicKey(literal[1]!, literal[2]!) };
  const path = source.startsWith('~/') ? join(homedir(), source.slice(2)) : source;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IdentityError(
      `${path}: cannot read the signing key: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const pub = /^(ssh-\S+)\s+(\S+)/.exec(text.trim());
  if (pub) return { publicKey: parsePublicKey(pub[1]!, pub[2]!) };
  try {
    const privateKey = parsePrivateKey(text);
    if (privateKey) return { privateKey, publicKey: privateKey.publicKey };
    // Encrypted: its public half is beside it, and ssh-agent signs.
    const beside = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
    return { publicKey: parsePublicKey(beside[0] ?? '', beside[1] ?? '') };
  } catch (error) {
    throw new IdentityError(`${path}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The person behind this process, proven by a key the allowed signers list. */
export async function loadSigner(options: SignerOptions): Promise<Signer> {
  const now = options.now ?? Date.now();
  const env = { ...process.env, ...options.env };
  const source = options.keyPath ?? (await gitSigningKey(env));
  let found: { privateKey?: PrivateKey; publicKey: PublicKey };
  try {
    if (source) found = keyFrom(source);
    else {
      const listed = (await agentKeys(env)).find(
        (k) => principalsOf(options.allowed, k.fingerprint, now).length > 0,
      );
      if (!listed) throw new IdentityError(NO_KEY_HINT);
      found = { publicKey: listed };
    }
  } catch (error) {
    if (error instanceof KeyError) throw new IdentityError(error.message);
    throw error;
  }
  const principals = principalsOf(options.allowed, found.publicKey.fingerprint, now);
  if (principals.length === 0)
    throw new IdentityError(
      `the signing key ${found.publicKey.fingerprint} is not in ${options.allowed.file}: add a line \`NAME ${found.publicKey.line}\``,
    );
  let principal = principals[0]!;
  if (options.principal !== undefined) {
    const wanted = normalizePrincipal(options.principal);
    if (!wanted.ok)
      throw new IdentityError(`--approver ${JSON.stringify(options.principal)} ${wanted.reason}`);
    if (!principals.includes(wanted.name))
      throw new IdentityError(
        `the signing key ${found.publicKey.fingerprint} is listed for ${principals.join(', ')}, not ${wanted.name}`,
      );
    principal = wanted.name;
  }
  return found.privateKey
    ? keySigner(principal, found.privateKey)
    : agentSigner(principal, found.publicKey, env);
}
