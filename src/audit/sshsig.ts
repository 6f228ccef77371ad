// SSH signatures as git and `ssh-keygen -Y sign` make them (OpenSSH PROTOCOL.sshsig), computed
// with node:crypto's Ed25519: a person's existing SSH key signs, `ssh-keygen -Y verify` checks what
// we wrote, and verifying a 10,000-record trail costs microseconds a signature, not a process each.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const MAGIC = Buffer.from('SSHSIG');
const KEY_TYPE = 'ssh-ed25519';
const HASH = 'sha512';

export class KeyError extends Error {}

export interface PublicKey {
  /** The wire blob: string "ssh-ed25519", string key (32 bytes). */
  blob: Buffer;
  /** The 32-byte Ed25519 key. */
  raw: Buffer;
  /** As `ssh-keygen -l` prints it: SHA256:base64 without padding. */
  fingerprint: string;
  /** `ssh-ed25519 AAAA…` */
  line: string;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Buffer | string) => {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(b.length), b]);
};

/** Reads SSH wire strings off a buffer, failing with one line on a short or garbled blob. */
class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  u32(): number {
    if (this.offset + 4 > this.buf.length) throw new KeyError('truncated SSH data');
    const n = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return n;
  }
  bytes(n: number): Buffer {
    if (n < 0 || this.offset + n > this.buf.length) throw new KeyError('truncated SSH data');
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
  string(): Buffer {
    return this.bytes(this.u32());
  }
  text(): string {
    return this.string().toString('utf8');
  }
  get done(): boolean {
    return this.offset === this.buf.length;
  }
}

export function publicKeyFromRaw(raw: Buffer): PublicKey {
  const blob = Buffer.concat([sshString(KEY_TYPE), sshString(raw)]);
  return {
    blob,
    raw,
    fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    line: `${KEY_TYPE} ${blob.toString('base64')}`,
  };
}

const keysByBlob = new Map<string, PublicKey>();

/** Memoized: a trail holds a handful of keys and thousands of signatures made with them. */
function publicKeyFromBlob(blob: Buffer): PublicKey {
  const id = blob.toString('base64');
  let key = keysByBlob.get(id);
  if (!key) {
    key = parsePublicKeyBlob(blob);
    if (keysByBlob.size < 1_000) keysByBlob.set(id, key);
  }
  return key;
}

function parsePublicKeyBlob(blob: Buffer): PublicKey {
  const r = new Reader(blob);
  const type = r.text();
  if (type !== KEY_TYPE) throw new KeyError(`${type} keys are not supported (use an ed25519 key)`);
  const raw = r.string();
  if (raw.length !== 32 || !r.done) throw new KeyError('malformed ssh-ed25519 key');
  return publicKeyFromRaw(Buffer.from(raw));
}

/** `ssh-ed25519 AAAA… [comment]` as in a .pub file or an allowed-signers line. */
export function parsePublicKey(type: string, base64: string): PublicKey {
  if (type !== KEY_TYPE) throw new KeyError(`${type} keys are not supported (use an ed25519 key)`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new KeyError('the key is not base64');
  const key = publicKeyFromBlob(Buffer.from(base64, 'base64'));
  return key;
}

const jwkPublic = (raw: Buffer): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });

export interface PrivateKey {
  key: KeyObject;
  publicKey: PublicKey;
}

/**
 * An unencrypted Ed25519 private key: OpenSSH's own format (what ssh-keygen writes) or PKCS#8
 * PEM. Undefined for an encrypted OpenSSH key: that one signs through ssh-agent.
 */
export function parsePrivateKey(text: string): PrivateKey | undefined {
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!openssh) {
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch (error) {
      throw new KeyError(`not a private key: ${(error as Error).message.split('\n')[0]}`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new KeyError(`${key.asymmetricKeyType} keys are not supported (use an ed25519 key)`);
    const x = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url');
    return { key, publicKey: publicKeyFromRaw(x) };
  }
  const r = new Reader(Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64'));
  if (!r.bytes(15).equals(Buffer.from('openssh-key-v1\0'))) throw new KeyError('not an openssh-key-v1 key');
  const cipher = r.text();
  r.string(); // kdf name
  r.string(); // kdf options
  if (r.u32() !== 1) throw new KeyError('a key file with more than one key');
  const publicKey = publicKeyFromBlob(Buffer.from(r.string()));
  if (cipher !== 'none') return undefined;
  const priv = new Reader(r.string());
  if (priv.u32() !== priv.u32()) throw new KeyError('corrupt private key (check bytes differ)');
  if (priv.text() !== KEY_TYPE) throw new KeyError('not an ed25519 key');
  priv.string(); // public part again
  const secret = priv.string(); // seed (32) then public (32)
  if (secret.length !== 64) throw new KeyError('malformed ed25519 private key');
  const key = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(secret.subarray(0, 32)).toString('base64url'),
      x: publicKey.raw.toString('base64url'),
    },
    format: 'jwk',
  });
  return { key, publicKey };
}

/** What an SSH signature signs: the preamble, the namespace and the message's SHA-512. */
function signedData(namespace: string, message: Buffer | string): Buffer {
  return Buffer.concat([
    MAGIC,
    sshString(namespace),
    sshString(''),
    sshString(HASH),
    sshString(createHash(HASH).update(message).digest()),
  ]);
}

/** The signature blob, base64 (the armor's content), for `message` under `namespace`. */
export function sshSign(privateKey: PrivateKey, namespace: string, message: Buffer | string): string {
  const signature = sign(null, signedData(namespace, message), privateKey.key);
  return Buffer.concat([
    MAGIC,
    u32(1),
    sshString(privateKey.publicKey.blob),
    sshString(namespace),
    sshString(''),
    sshString(HASH),
    sshString(Buffer.concat([sshString(KEY_TYPE), sshString(signature)])),
  ]).toString('base64');
}

export interface ParsedSignature {
  publicKey: PublicKey;
  namespace: string;
  hash: string;
  signature: Buffer;
}

export function parseSignature(base64: string): ParsedSignature {
  // Node's decoder skips stray characters and ignores spare bits: only the one spelling counts.
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('base64') !== base64) throw new KeyError('the signature is not canonical base64');
  const r = new Reader(bytes);
  if (!r.bytes(6).equals(MAGIC)) throw new KeyError('not an SSH signature');
  if (r.u32() !== 1) throw new KeyError('unsupported SSH signature version');
  const publicKey = publicKeyFromBlob(Buffer.from(r.string()));
  const namespace = r.text();
  r.string(); // reserved
  const hash = r.text();
  const sig = new Reader(r.string());
  if (sig.text() !== KEY_TYPE) throw new KeyError('not an ed25519 signature');
  const signature = Buffer.from(sig.string());
  if (!sig.done || !r.done) throw new KeyError('trailing bytes after the signature');
  return { publicKey, namespace, hash, signature };
}

/** The data and key a signature is checked with: what a worker thread needs, as plain bytes. */
export function verificationInput(
  sig: ParsedSignature,
  message: Buffer | string,
): { data: Buffer; key: Buffer; signature: Buffer } {
  if (sig.hash !== 'sha512' && sig.hash !== 'sha256') throw new KeyError(`unsupported hash ${sig.hash}`);
  const data = Buffer.concat([
    MAGIC,
    sshString(sig.namespace),
    sshString(''),
    sshString(sig.hash),
    sshString(createHash(sig.hash).update(message).digest()),
  ]);
  return { data, key: sig.publicKey.raw, signature: sig.signature };
}

const keyCache = new Map<string, KeyObject>();

export function verifyInput(input: { data: Buffer; key: Buffer; signature: Buffer }): boolean {
  const id = input.key.toString('base64');
  let key = keyCache.get(id);
  if (!key) keyCache.set(id, (key = jwkPublic(input.key)));
  try {
    return verify(null, input.data, key, input.signature);
  } catch {
    return false;
  }
}

/** Checks one signature over `message` in `namespace`; the key is the signature's own. */
export function sshVerify(
  base64: string,
  namespace: string,
  message: Buffer | string,
): ParsedSignature | undefined {
  let sig: ParsedSignature;
  try {
    sig = parseSignature(base64);
  } catch {
    return undefined;
  }
  if (sig.namespace !== namespace) return undefined;
  return verifyInput(verificationInput(sig, message)) ? sig : undefined;
}

export function armor(base64: string): string {
  const lines = base64.match(/.{1,70}/g) ?? [];
  return ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----', ''].join('\n');
}

/** Every armored signature in a text (a .sig file may hold several, one per co-signer). */
export function dearmorAll(text: string): string[] {
  return [...text.matchAll(/-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/g)].map((m) =>
    m[1]!.replace(/\s+/g, ''),
  );
}
