/**
 * SSH private keys: OpenSSH's `openssh-key-v1` format (plain or passphrase-protected with the
 * bcrypt KDF) and PEM keys (`RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY` / `ENCRYPTED PRIVATE KEY`).
 * Only Ed25519 and RSA keys are usable as age identities (spec §4.3).
 */
import { createDecipheriv, createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { pbkdf as bcryptPbkdf } from 'bcrypt-pbkdf';
import { base64 } from '@scure/base';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { TsopsError, messageOf } from '../../errors.js';
import {
  SshWireReader,
  bytesEqual,
  ed25519PublicKeyWire,
  parseSshPublicKeyWire,
  rsaPublicKeyWire,
  type SshPublicKey,
} from './wire.js';

/** A usable SSH private key. */
export type SshPrivateKey = SshEd25519PrivateKey | SshRsaPrivateKey;

export interface SshEd25519PrivateKey {
  kind: 'ed25519';
  /** The 32-byte Ed25519 seed (the RFC 8032 private key). */
  seed: Uint8Array;
  publicKey: Extract<SshPublicKey, { kind: 'ed25519' }>;
  comment: string;
}

export interface SshRsaPrivateKey {
  kind: 'rsa';
  privateKey: KeyObject;
  publicKey: Extract<SshPublicKey, { kind: 'rsa' }>;
  comment: string;
}

/** What can be learnt about a private key file without its passphrase. */
export interface SshPrivateKeyInfo {
  format: 'openssh' | 'pem';
  /** Whether a passphrase is needed to read the private part. */
  encrypted: boolean;
  /** The public key, when the file carries it in the clear (`openssh-key-v1` always does). */
  publicKey: SshPublicKey | undefined;
}

// The passphrase-needed and wrong-passphrase errors use NO_IDENTITY: the key cannot be used as
// an identity (sops exit 128 when no other key works). Malformed or unsupported keys use
// UNSUPPORTED, so callers can tell "needs a passphrase" from "not a usable key".
const CODE = 'NO_IDENTITY' as const;
const OPENSSH_MAGIC = new TextEncoder().encode('openssh-key-v1\0');

interface CipherSpec {
  /** node:crypto name; undefined for OpenSSH's chacha20-poly1305 construction. */
  node: string | undefined;
  keyLen: number;
  ivLen: number;
  blockSize: number;
  authLen: number;
}

const CIPHERS: Record<string, CipherSpec> = {
  '3des-cbc': { node: 'des-ede3-cbc', keyLen: 24, ivLen: 8, blockSize: 8, authLen: 0 },
  'aes128-ctr': { node: 'aes-128-ctr', keyLen: 16, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes192-ctr': { node: 'aes-192-ctr', keyLen: 24, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes256-ctr': { node: 'aes-256-ctr', keyLen: 32, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes128-cbc': { node: 'aes-128-cbc', keyLen: 16, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes192-cbc': { node: 'aes-192-cbc', keyLen: 24, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes256-cbc': { node: 'aes-256-cbc', keyLen: 32, ivLen: 16, blockSize: 16, authLen: 0 },
  'aes128-gcm@openssh.com': { node: 'aes-128-gcm', keyLen: 16, ivLen: 12, blockSize: 16, authLen: 16 },
  'aes256-gcm@openssh.com': { node: 'aes-256-gcm', keyLen: 32, ivLen: 12, blockSize: 16, authLen: 16 },
  'chacha20-poly1305@openssh.com': { node: undefined, keyLen: 64, ivLen: 0, blockSize: 8, authLen: 16 },
};

interface Pem {
  /** The whole armored block. */
  block: string;
  label: string;
  headers: string;
  body: Uint8Array;
}

function parsePem(text: string): Pem {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) {
    throw new TsopsError('UNSUPPORTED', 'ssh private key: no PEM block found', {
      hint: 'expected an OpenSSH ("-----BEGIN OPENSSH PRIVATE KEY-----") or PEM private key',
    });
  }
  const label = m[1]!;
  const inner = m[2]!.replace(/\r/g, '');
  const split = inner.indexOf('\n\n');
  const headers = /^[A-Za-z-]+:/.test(inner) && split >= 0 ? inner.slice(0, split) : '';
  const b64 = (headers === '' ? inner : inner.slice(split + 2)).replace(/\s+/g, '');
  let body: Uint8Array;
  try {
    body = label === 'OPENSSH PRIVATE KEY' ? base64.decode(b64) : new Uint8Array(0);
  } catch (e) {
    throw new TsopsError('UNSUPPORTED', 'ssh private key: invalid base64', { cause: e });
  }
  return { block: m[0], label, headers, body };
}

function textOf(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : new TextDecoder().decode(input);
}

interface OpenSshContainer {
  cipher: string;
  kdf: string;
  kdfOptions: Uint8Array;
  publicWire: Uint8Array;
  encrypted: Uint8Array;
  tag: Uint8Array;
}

function parseContainer(body: Uint8Array): OpenSshContainer {
  const r = new SshWireReader(body, 'openssh private key', 'UNSUPPORTED');
  if (!bytesEqual(r.bytes(OPENSSH_MAGIC.length), OPENSSH_MAGIC)) throw r.fail('bad magic');
  const cipher = r.text();
  const kdf = r.text();
  const kdfOptions = r.string();
  const count = r.uint32();
  if (count !== 1) throw r.fail(`${count} keys in one file (expected 1)`);
  const publicWire = r.string();
  const encrypted = r.string();
  const spec = CIPHERS[cipher];
  if (spec === undefined && cipher !== 'none') {
    throw new TsopsError('UNSUPPORTED', `unsupported openssh private key cipher "${cipher}"`);
  }
  const tag = r.bytes(spec === undefined ? 0 : spec.authLen);
  r.end();
  return { cipher, kdf, kdfOptions, publicWire, encrypted, tag };
}

/**
 * Tells whether a private key needs a passphrase and, when the file shows it, its public key.
 * @throws TsopsError when the text is not a private key this module reads.
 */
export function inspectSshPrivateKey(input: string | Uint8Array): SshPrivateKeyInfo {
  const pem = parsePem(textOf(input));
  if (pem.label === 'OPENSSH PRIVATE KEY') {
    const c = parseContainer(pem.body);
    return {
      format: 'openssh',
      encrypted: c.cipher !== 'none',
      publicKey: parseSshPublicKeyWire(c.publicWire, 'UNSUPPORTED'),
    };
  }
  checkPemLabel(pem.label);
  return { format: 'pem', encrypted: isEncryptedPem(pem), publicKey: undefined };
}

function checkPemLabel(label: string): void {
  if (label === 'RSA PRIVATE KEY' || label === 'PRIVATE KEY' || label === 'ENCRYPTED PRIVATE KEY') return;
  throw new TsopsError('UNSUPPORTED', `unsupported ssh private key type "${label}"`, {
    hint: 'only ed25519 and rsa keys can be used as age identities',
  });
}

function isEncryptedPem(pem: Pem): boolean {
  return pem.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem.headers);
}

function passphraseNeeded(): TsopsError {
  return new TsopsError(CODE, 'ssh private key is passphrase-protected and no passphrase was given', {
    hint: 'provide the passphrase, or use an unencrypted key',
  });
}

function wrongPassphrase(cause?: unknown): TsopsError {
  return new TsopsError(CODE, 'could not decrypt ssh private key: wrong passphrase', {
    hint: 'check the passphrase for this key',
    cause,
  });
}

/**
 * Parses an SSH private key (OpenSSH `openssh-key-v1`, PEM PKCS#1 RSA, PKCS#8), decrypting it
 * with `passphrase` when it is protected.
 *
 * Errors (all TsopsError): a protected key without passphrase or with a wrong one ⇒
 * `NO_IDENTITY`; key types other than Ed25519/RSA, unknown ciphers/KDFs and malformed files ⇒
 * `UNSUPPORTED`.
 */
export function parseOpenSshPrivateKey(input: string | Uint8Array, passphrase?: string): SshPrivateKey {
  const pem = parsePem(textOf(input));
  if (pem.label === 'OPENSSH PRIVATE KEY') return parseOpenSshV1(pem.body, passphrase);
  checkPemLabel(pem.label);
  return parsePemKey(pem, passphrase);
}

function parseOpenSshV1(body: Uint8Array, passphrase: string | undefined): SshPrivateKey {
  const c = parseContainer(body);
  let plain: Uint8Array;
  if (c.cipher === 'none') {
    if (c.kdf !== 'none') throw new TsopsError('UNSUPPORTED', `invalid openssh private key: kdf ${c.kdf} without cipher`);
    plain = c.encrypted;
  } else {
    const spec = CIPHERS[c.cipher];
    if (spec === undefined) {
      throw new TsopsError('UNSUPPORTED', `unsupported openssh private key cipher "${c.cipher}"`);
    }
    if (c.kdf !== 'bcrypt') throw new TsopsError('UNSUPPORTED', `unsupported openssh private key kdf "${c.kdf}"`);
    if (passphrase === undefined || passphrase === '') throw passphraseNeeded();
    plain = decryptPrivateSection(c, spec, passphrase);
  }
  return parsePrivateSection(plain, c.publicWire, c.cipher !== 'none');
}

function decryptPrivateSection(c: OpenSshContainer, spec: CipherSpec, passphrase: string): Uint8Array {
  const opts = new SshWireReader(c.kdfOptions, 'openssh private key kdf options', 'UNSUPPORTED');
  const salt = opts.string();
  const rounds = opts.uint32();
  opts.end();
  if (c.encrypted.length % spec.blockSize !== 0) {
    throw new TsopsError('UNSUPPORTED', 'invalid openssh private key: encrypted section is not a whole number of blocks');
  }
  const pass = new TextEncoder().encode(passphrase);
  const derived = new Uint8Array(spec.keyLen + spec.ivLen);
  if (bcryptPbkdf(pass, pass.length, salt, salt.length, derived, derived.length, rounds) !== 0) {
    throw new TsopsError('UNSUPPORTED', 'invalid openssh private key: bad bcrypt parameters');
  }
  const key = derived.subarray(0, spec.keyLen);
  const iv = derived.subarray(spec.keyLen);
  if (spec.node === undefined) return openChaChaPoly(key, c.encrypted, c.tag);
  const decipher = createDecipheriv(spec.node, key, iv);
  if (spec.authLen > 0) (decipher as unknown as { setAuthTag(tag: Uint8Array): void }).setAuthTag(c.tag);
  decipher.setAutoPadding(false);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(c.encrypted), decipher.final()]));
  } catch (e) {
    throw wrongPassphrase(e);
  }
}

/**
 * OpenSSH's chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) with sequence number 0
 * and no length field: the first 32 key bytes are the payload key; the Poly1305 key is that
 * key's keystream block 0; the payload is encrypted from block 1 on; the tag covers the
 * ciphertext.
 */
function openChaChaPoly(key: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array {
  const mainKey = key.subarray(0, 32);
  const nonce = new Uint8Array(8);
  const polyKey = chacha20orig(mainKey, nonce, new Uint8Array(32), undefined, 0);
  const expected = poly1305(ciphertext, polyKey);
  if (tag.length !== 16 || !timingSafeEqual(expected, tag)) throw wrongPassphrase();
  return chacha20orig(mainKey, nonce, ciphertext, undefined, 1);
}

function parsePrivateSection(plain: Uint8Array, publicWire: Uint8Array, encrypted: boolean): SshPrivateKey {
  const r = new SshWireReader(plain, 'openssh private key', 'UNSUPPORTED');
  const check1 = r.uint32();
  const check2 = r.uint32();
  // A wrong passphrase garbles the check integers (CTR/CBC have no authentication tag).
  if (check1 !== check2) throw encrypted ? wrongPassphrase() : r.fail('check integers differ');
  const type = r.text();
  let key: SshPrivateKey;
  if (type === 'ssh-ed25519') {
    const pub = r.string();
    const priv = r.string();
    const comment = r.text();
    if (pub.length !== 32 || priv.length !== 64) throw r.fail('bad ed25519 key length');
    const seed = priv.slice(0, 32);
    if (!bytesEqual(priv.subarray(32), pub) || !bytesEqual(ed25519.getPublicKey(seed), pub)) {
      throw r.fail('ed25519 public key does not match private key');
    }
    key = ed25519Key(seed, comment);
  } else if (type === 'ssh-rsa') {
    const n = r.mpint();
    const e = r.mpint();
    const d = r.mpint();
    const iqmp = r.mpint();
    const p = r.mpint();
    const q = r.mpint();
    const comment = r.text();
    key = rsaKeyFromComponents({ n, e, d, iqmp, p, q }, comment);
  } else {
    throw new TsopsError('UNSUPPORTED', `unsupported ssh private key type "${type}"`, {
      hint: 'only ed25519 and rsa keys can be used as age identities',
    });
  }
  const padding = r.rest();
  for (let i = 0; i < padding.length; i++) if (padding[i] !== i + 1) throw r.fail('bad padding');
  if (!bytesEqual(key.publicKey.wire, publicWire)) throw r.fail('public key does not match private key');
  return key;
}

function ed25519Key(seed: Uint8Array, comment: string): SshEd25519PrivateKey {
  const pub = ed25519.getPublicKey(seed);
  const publicKey = { kind: 'ed25519', type: 'ssh-ed25519', wire: ed25519PublicKeyWire(pub), key: pub } as const;
  return { kind: 'ed25519', seed, publicKey, comment };
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function fromBigInt(n: bigint): Uint8Array {
  const hex = n.toString(16);
  return new Uint8Array(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'));
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function rsaKeyFromComponents(
  c: { n: Uint8Array; e: Uint8Array; d: Uint8Array; iqmp: Uint8Array; p: Uint8Array; q: Uint8Array },
  comment: string,
): SshRsaPrivateKey {
  // OpenSSH stores no CRT exponents; JWK import needs them.
  const d = toBigInt(c.d);
  const dp = fromBigInt(d % (toBigInt(c.p) - 1n));
  const dq = fromBigInt(d % (toBigInt(c.q) - 1n));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64url(c.n),
        e: b64url(c.e),
        d: b64url(c.d),
        p: b64url(c.p),
        q: b64url(c.q),
        dp: b64url(dp),
        dq: b64url(dq),
        qi: b64url(c.iqmp),
      },
      format: 'jwk',
    });
  } catch (e) {
    throw new TsopsError('UNSUPPORTED', `invalid rsa private key: ${messageOf(e)}`, { cause: e });
  }
  return rsaKey(privateKey, comment);
}

function rsaKey(privateKey: KeyObject, comment: string): SshRsaPrivateKey {
  const jwk = privateKey.export({ format: 'jwk' });
  const e = new Uint8Array(Buffer.from(jwk.e ?? '', 'base64url'));
  const n = new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url'));
  return { kind: 'rsa', privateKey, publicKey: { kind: 'rsa', type: 'ssh-rsa', wire: rsaPublicKeyWire(e, n), e, n }, comment };
}

function parsePemKey(pem: Pem, passphrase: string | undefined): SshPrivateKey {
  const encrypted = isEncryptedPem(pem);
  if (encrypted && (passphrase === undefined || passphrase === '')) throw passphraseNeeded();
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(
      encrypted ? { key: pem.block, format: 'pem', passphrase: passphrase ?? '' } : { key: pem.block, format: 'pem' },
    );
  } catch (e) {
    if (encrypted) throw wrongPassphrase(e);
    throw new TsopsError('UNSUPPORTED', `invalid ssh private key: ${messageOf(e)}`, { cause: e });
  }
  if (keyObject.asymmetricKeyType === 'rsa') return rsaKey(keyObject, '');
  if (keyObject.asymmetricKeyType === 'ed25519') {
    const jwk = keyObject.export({ format: 'jwk' });
    return ed25519Key(new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url')), '');
  }
  throw new TsopsError('UNSUPPORTED', `unsupported ssh private key type "${keyObject.asymmetricKeyType ?? 'unknown'}"`, {
    hint: 'only ed25519 and rsa keys can be used as age identities',
  });
}
