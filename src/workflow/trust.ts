// Who this process acts for, and under which rules: the allowed signers beside the policy, the
// policy (a weaker one only with two co-signers), and the signer's key. The demo makes throwaway
// keys of its own, once, under the config directory.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { coSigners } from '../audit/history.js';
import {
  defaultAllowedSignersPath,
  IdentityError,
  loadAllowedSigners,
  loadSigner,
  NO_KEY_HINT,
  type AllowedSigners,
  type Signer,
} from '../audit/identity.js';
import { normalizePrincipal } from '../audit/names.js';
import { publicKeyFromRaw } from '../audit/sshsig.js';
import { DEFAULT_POLICY, defaultPolicyPath, type Policy } from './policy.js';

export interface TrustOptions {
  policyPath?: string;
  /** --allowed-signers FILE; default: beside the policy. */
  allowedSignersPath?: string;
  /** --signing-key FILE. */
  signingKey?: string;
  /** --approver NAME: which of the key's principals to sign as. */
  approver?: string;
  /** The demo's throwaway keys. */
  demo?: boolean;
  /** No policy (`aiops-tui sign` signs the file it is given, whatever the policy says). */
  withoutPolicy?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Trust {
  signer: Signer;
  allowed: AllowedSigners;
  policy: Policy;
}

/** A throwaway Ed25519 key: PKCS#8 PEM (private) and its `ssh-ed25519 AAAA…` line. */
export function generateKey(): { privatePem: string; publicLine: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicLine: publicKeyFromRaw(x).line,
  };
}

function writeOnce(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'demo';
  }
}

/**
 * The demo's identities: you (the OS user) and `reviewer`, a second person for trying the
 * two-person rule (`aiops-tui approve ID --signing-key …/reviewer.key`). Made once, kept.
 */
export function demoIdentity(env: NodeJS.ProcessEnv = process.env): {
  dir: string;
  allowedSigners: string;
  key: string;
} {
  const dir = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'aiops-tui', 'demo');
  const allowedSigners = join(dir, 'allowed_signers');
  const verdict = normalizePrincipal(osUser());
  const me = verdict.ok ? verdict.name : 'demo';
  const key = join(dir, `${me}.key`);
  if (!existsSync(allowedSigners) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mine = generateKey();
    const reviewer = generateKey();
    writeOnce(key, mine.privatePem, 0o600);
    writeOnce(join(dir, 'reviewer.key'), reviewer.privatePem, 0o600);
    writeOnce(
      allowedSigners,
      `# The demo's throwaway identities (aiops-tui --demo made them).\n${me} ${mine.publicLine}\nreviewer ${reviewer.publicLine}\n`,
      0o644,
    );
  }
  return { dir, allowedSigners, key };
}

function readSignatures(file: string): string {
  try {
    return readFileSync(`${file}.sig`, 'utf8');
  } catch {
    return '';
  }
}

export async function loadTrust(options: TrustOptions): Promise<Trust> {
  const env = options.env ?? process.env;
  const demo = options.demo ? demoIdentity(env) : undefined;
  const policyPath = options.policyPath;
  const allowedPath =
    options.allowedSignersPath ??
    demo?.allowedSigners ??
    defaultAllowedSignersPath(
      policyPath ?? (existsSync(defaultPolicyPath(env)) ? defaultPolicyPath(env) : undefined),
      env,
    );
  if (!existsSync(allowedPath))
    throw new IdentityError(`no allowed signers at ${allowedPath}; ${NO_KEY_HINT}`);
  const allowed = loadAllowedSigners(allowedPath);
  // The built-in tiers need no file read and no schema (zod, loaded only for a file).
  const policy =
    options.withoutPolicy || (policyPath === undefined && !existsSync(defaultPolicyPath(env)))
      ? DEFAULT_POLICY
      : (await import('./policy-file.js')).loadPolicy(policyPath, (text, file) =>
          coSigners(text, readSignatures(file), allowed, Date.now()),
        );
  const signer = await loadSigner({
    allowed,
    ...((options.signingKey ?? demo?.key) ? { keyPath: options.signingKey ?? demo!.key } : {}),
    ...(options.approver !== undefined ? { principal: options.approver } : {}),
    env,
  });
  return { signer, allowed, policy };
}
