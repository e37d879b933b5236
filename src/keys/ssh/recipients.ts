/**
 * age's SSH recipient types (`ssh-ed25519`, `ssh-rsa`; /work/shared/spec/age-ssh-stanzas.md) as
 * Recipient/Identity objects for `age-encryption`, plus the converted X25519 identity of an
 * Ed25519 key (ssh-to-age), so one SSH key opens both stanza kinds.
 */
import { constants, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { base64nopad } from '@scure/base';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { chachaOpen, chachaSeal, hkdfSha256 } from '../age/primitives.js';
import { Stanza, type Identity, type Recipient } from '../age/stanza.js';
import { TsopsError, messageOf } from '../../errors.js';
import {
  inspectSshPrivateKey,
  parseOpenSshPrivateKey,
  type SshEd25519PrivateKey,
  type SshPrivateKey,
  type SshRsaPrivateKey,
} from './openssh-key.js';
import {
  ed25519PublicKeyToX25519,
  ed25519SeedToX25519Secret,
  encodeAgeIdentity,
  encodeAgeRecipient,
} from './ssh-to-age.js';
import { bytesEqual, concatBytes, formatAuthorizedKey, parseSshPublicKeyLine, type SshPublicKey } from './wire.js';

type Ed25519PublicKey = Extract<SshPublicKey, { kind: 'ed25519' }>;
type RsaPublicKey = Extract<SshPublicKey, { kind: 'rsa' }>;

const enc = new TextEncoder();
const ED25519_LABEL = enc.encode('age-encryption.org/v1/ssh-ed25519');
const X25519_LABEL = enc.encode('age-encryption.org/v1/X25519');
const RSA_LABEL = 'age-encryption.org/v1/ssh-rsa';
const FILE_KEY_SIZE = 16;
const ZERO_NONCE = new Uint8Array(12);

/** The stanza tag: the first 4 bytes of SHA-256(wire key), unpadded base64. */
export function sshKeyTag(wire: Uint8Array): string {
  return base64nopad.encode(sha256(wire).subarray(0, 4));
}

function ed25519Tweak(wire: Uint8Array): Uint8Array {
  return hkdfSha256(new Uint8Array(0), wire, ED25519_LABEL, 32);
}

function decodePoint(arg: string, kind: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base64nopad.decode(arg);
  } catch {
    throw new Error(`invalid ${kind} stanza`);
  }
  if (bytes.length !== 32) throw new Error(`invalid ${kind} stanza`);
  return bytes;
}

function sharedSecret(scalar: Uint8Array, point: Uint8Array, kind: string): Uint8Array {
  try {
    return x25519.getSharedSecret(scalar, point);
  } catch (e) {
    // Only a low-order point gives an all-zero result, which noble rejects.
    throw new Error(`invalid ${kind} stanza: ${messageOf(e)}`);
  }
}

/** Opens a wrapped file key; null when the key does not fit. */
function openFileKey(wrapKey: Uint8Array, body: Uint8Array): Uint8Array | null {
  if (body.length !== FILE_KEY_SIZE + 16) return null;
  try {
    return chachaOpen(wrapKey, ZERO_NONCE, body);
  } catch {
    return null;
  }
}

function memo<T>(load: () => T | Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= Promise.resolve().then(load));
}

/** Encrypts to an SSH Ed25519 public key with age's `ssh-ed25519` stanza. */
export class SshEd25519Recipient implements Recipient {
  /** The stanza tag of this key. */
  readonly tag: string;
  private readonly montgomery: Uint8Array;
  private readonly tweak: Uint8Array;

  constructor(publicKey: Ed25519PublicKey) {
    this.tag = sshKeyTag(publicKey.wire);
    this.montgomery = ed25519PublicKeyToX25519(publicKey.key);
    this.tweak = ed25519Tweak(publicKey.wire);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = x25519.utils.randomSecretKey();
    const share = x25519.getPublicKey(ephemeral);
    const secret = sharedSecret(this.tweak, sharedSecret(ephemeral, this.montgomery, 'ssh-ed25519 recipient'), 'ssh-ed25519');
    const wrapKey = hkdfSha256(secret, concatBytes(share, this.montgomery), ED25519_LABEL, 32);
    const body = chachaSeal(wrapKey, ZERO_NONCE, fileKey);
    return [new Stanza(['ssh-ed25519', this.tag, base64nopad.encode(share)], body)];
  }
}

/**
 * Decrypts `ssh-ed25519` stanzas with an SSH Ed25519 key. The seed may be given later through
 * `loadSeed` (e.g. after a passphrase prompt): it is called only for a stanza whose tag matches.
 */
export class SshEd25519Identity implements Identity {
  /** The stanza tag of this key. */
  readonly tag: string;
  /** The key as a sops recipient string (`ssh-ed25519 AAAA…`, no comment). */
  readonly recipient: string;
  private readonly montgomery: Uint8Array;
  private readonly tweak: Uint8Array;
  private readonly secret: () => Promise<Uint8Array>;

  constructor(publicKey: Ed25519PublicKey, loadSeed: () => Uint8Array | Promise<Uint8Array>) {
    this.tag = sshKeyTag(publicKey.wire);
    this.recipient = formatAuthorizedKey(publicKey);
    this.montgomery = ed25519PublicKeyToX25519(publicKey.key);
    this.tweak = ed25519Tweak(publicKey.wire);
    this.secret = memo(async () => ed25519SeedToX25519Secret(await loadSeed()));
  }

  /** The identity of an already decrypted key. */
  static fromPrivateKey(key: SshEd25519PrivateKey): SshEd25519Identity {
    return new SshEd25519Identity(key.publicKey, () => key.seed);
  }

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args[0] !== 'ssh-ed25519') continue;
      if (s.args.length !== 3) throw new Error('invalid ssh-ed25519 stanza');
      const share = decodePoint(s.args[2]!, 'ssh-ed25519');
      if (s.args[1] !== this.tag) continue;
      const secret = sharedSecret(this.tweak, sharedSecret(await this.secret(), share, 'ssh-ed25519'), 'ssh-ed25519');
      const wrapKey = hkdfSha256(secret, concatBytes(share, this.montgomery), ED25519_LABEL, 32);
      const fileKey = openFileKey(wrapKey, s.body);
      // The tag matched, so this stanza claims to be ours: failing to open it is an error.
      if (fileKey === null) throw new Error('failed to decrypt ssh-ed25519 stanza: file key does not open');
      return fileKey;
    }
    return null;
  }
}

/**
 * Decrypts plain `X25519` stanzas with the ssh-to-age conversion of an SSH Ed25519 key
 * (what sops-nix encrypts to). The seed is loaded only when an X25519 stanza is present.
 */
export class SshConvertedX25519Identity implements Identity {
  /** The `age1…` recipient this identity decrypts for. */
  readonly recipient: string;
  private readonly publicKey: Uint8Array;
  private readonly secret: () => Promise<Uint8Array>;

  constructor(publicKey: Ed25519PublicKey, loadSeed: () => Uint8Array | Promise<Uint8Array>) {
    this.publicKey = ed25519PublicKeyToX25519(publicKey.key);
    this.recipient = encodeAgeRecipient(this.publicKey);
    this.secret = memo(async () => ed25519SeedToX25519Secret(await loadSeed()));
  }

  /** The identity of an already decrypted key. */
  static fromPrivateKey(key: SshEd25519PrivateKey): SshConvertedX25519Identity {
    return new SshConvertedX25519Identity(key.publicKey, () => key.seed);
  }

  /** The converted key as an `AGE-SECRET-KEY-1…` string (loads the seed if needed). */
  async ageIdentity(): Promise<string> {
    return encodeAgeIdentity(await this.secret());
  }

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args[0] !== 'X25519') continue;
      if (s.args.length !== 2) throw new Error('invalid X25519 stanza');
      const share = decodePoint(s.args[1]!, 'X25519');
      const secret = sharedSecret(await this.secret(), share, 'X25519');
      const wrapKey = hkdfSha256(secret, concatBytes(share, this.publicKey), X25519_LABEL, 32);
      // X25519 stanzas carry no tag: a stanza that does not open is someone else's.
      const fileKey = openFileKey(wrapKey, s.body);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}

function rsaPublicKeyObject(publicKey: RsaPublicKey): KeyObject {
  const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  try {
    return createPublicKey({ key: { kty: 'RSA', n: b64url(publicKey.n), e: b64url(publicKey.e) }, format: 'jwk' });
  } catch (e) {
    throw new TsopsError('INVALID_RECIPIENT', `invalid ssh-rsa public key: ${messageOf(e)}`, { cause: e });
  }
}

/** Encrypts to an SSH RSA public key with age's `ssh-rsa` stanza (RSA-OAEP-SHA-256). */
export class SshRsaRecipient implements Recipient {
  /** The stanza tag of this key. */
  readonly tag: string;
  private readonly key: KeyObject;

  /** @throws TsopsError `INVALID_RECIPIENT` for keys under 2048 bits (age refuses them too). */
  constructor(publicKey: RsaPublicKey) {
    this.key = rsaPublicKeyObject(publicKey);
    if ((this.key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new TsopsError('INVALID_RECIPIENT', 'ssh-rsa recipient key is too small (under 2048 bits)');
    }
    this.tag = sshKeyTag(publicKey.wire);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const body = publicEncrypt(
      { key: this.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) },
      fileKey,
    );
    return [new Stanza(['ssh-rsa', this.tag], new Uint8Array(body))];
  }
}

/**
 * Decrypts `ssh-rsa` stanzas with an SSH RSA key. The private key may be given later through
 * `loadKey`: it is called only for a stanza whose tag matches.
 */
export class SshRsaIdentity implements Identity {
  /** The stanza tag of this key. */
  readonly tag: string;
  /** The key as a sops recipient string (`ssh-rsa AAAA…`, no comment). */
  readonly recipient: string;
  private readonly key: () => Promise<KeyObject>;

  constructor(publicKey: RsaPublicKey, loadKey: () => KeyObject | Promise<KeyObject>) {
    this.tag = sshKeyTag(publicKey.wire);
    this.recipient = formatAuthorizedKey(publicKey);
    this.key = memo(loadKey);
  }

  /** The identity of an already decrypted key. */
  static fromPrivateKey(key: SshRsaPrivateKey): SshRsaIdentity {
    return new SshRsaIdentity(key.publicKey, () => key.privateKey);
  }

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args[0] !== 'ssh-rsa') continue;
      if (s.args.length !== 2) throw new Error('invalid ssh-rsa stanza');
      if (s.args[1] !== this.tag) continue;
      const key = await this.key();
      let fileKey: Uint8Array;
      try {
        fileKey = new Uint8Array(
          privateDecrypt(
            { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) },
            s.body,
          ),
        );
      } catch (e) {
        throw new Error(`failed to decrypt ssh-rsa stanza: ${messageOf(e)}`);
      }
      if (fileKey.length !== FILE_KEY_SIZE) throw new Error('failed to decrypt ssh-rsa stanza: bad file key size');
      return fileKey;
    }
    return null;
  }
}

/**
 * The recipient for a sops `ssh-ed25519 AAAA… comment` / `ssh-rsa AAAA… comment` string.
 * @throws TsopsError `INVALID_RECIPIENT` for malformed lines and other key types.
 */
export function parseSshRecipient(line: string): SshEd25519Recipient | SshRsaRecipient {
  const { key } = parseSshPublicKeyLine(line.trim());
  if (key.kind === 'ed25519') return new SshEd25519Recipient(key);
  if (key.kind === 'rsa') return new SshRsaRecipient(key);
  throw new TsopsError('INVALID_RECIPIENT', `unsupported ssh key type "${key.type}" for an age recipient`, {
    hint: 'only ssh-ed25519 and ssh-rsa keys can be age recipients',
  });
}

/** Both identities of one SSH Ed25519 key. */
export interface SshEd25519Identities {
  /** Opens `ssh-ed25519` stanzas (files encrypted to the SSH public key). */
  native: SshEd25519Identity;
  /** Opens `X25519` stanzas for the ssh-to-age recipient (sops-nix style). */
  converted: SshConvertedX25519Identity;
}

/** The native and converted identities of a decrypted Ed25519 key. */
export function sshEd25519Identities(key: SshEd25519PrivateKey): SshEd25519Identities {
  return { native: SshEd25519Identity.fromPrivateKey(key), converted: SshConvertedX25519Identity.fromPrivateKey(key) };
}

function identitiesOf(key: SshPrivateKey): Identity[] {
  if (key.kind === 'rsa') return [SshRsaIdentity.fromPrivateKey(key)];
  const { native, converted } = sshEd25519Identities(key);
  return [native, converted];
}

/** How to get the passphrase of a protected key: the text, or a function asked when first needed. */
export type PassphraseSource = string | (() => string | Promise<string>);

export interface SshIdentityOptions {
  passphrase?: PassphraseSource;
  /** The `.pub` line, needed only for a protected PEM key with a lazy passphrase. */
  publicKeyText?: string;
}

/**
 * The age identities of an SSH private key: `[ssh-ed25519, converted X25519]` for an Ed25519
 * key, `[ssh-rsa]` for an RSA key (spec §4.3, source 1).
 *
 * A protected key with a string passphrase is decrypted at once. With a passphrase function the
 * identities are built from the public key (in the key file, or `publicKeyText` for PEM) and the
 * function is called once, the first time a stanza needs the private key — as sops prompts.
 *
 * @throws TsopsError `NO_IDENTITY` when a protected key has no passphrase source, or the
 * passphrase string is wrong; `UNSUPPORTED` for other key types or malformed keys.
 */
export function sshIdentitiesFromPrivateKey(text: string | Uint8Array, options: SshIdentityOptions = {}): Identity[] {
  const { passphrase } = options;
  const info = inspectSshPrivateKey(text);
  if (!info.encrypted || typeof passphrase !== 'function') {
    return identitiesOf(parseOpenSshPrivateKey(text, typeof passphrase === 'string' ? passphrase : undefined));
  }
  const publicKey =
    info.publicKey ??
    (options.publicKeyText === undefined ? undefined : parseSshPublicKeyLine(options.publicKeyText, 'NO_IDENTITY').key);
  if (publicKey === undefined) {
    throw new TsopsError('NO_IDENTITY', 'passphrase-protected pem private key: its public key is needed', {
      hint: 'put the public key next to it as <key>.pub',
    });
  }
  const load = memo(async (): Promise<SshPrivateKey> => {
    const key = parseOpenSshPrivateKey(text, await passphrase());
    if (!bytesEqual(key.publicKey.wire, publicKey.wire)) {
      throw new TsopsError('NO_IDENTITY', 'ssh private key does not match its public key');
    }
    return key;
  });
  if (publicKey.kind === 'ed25519') {
    const seed = async (): Promise<Uint8Array> => ((await load()) as SshEd25519PrivateKey).seed;
    return [new SshEd25519Identity(publicKey, seed), new SshConvertedX25519Identity(publicKey, seed)];
  }
  if (publicKey.kind === 'rsa') {
    return [new SshRsaIdentity(publicKey, async () => ((await load()) as SshRsaPrivateKey).privateKey)];
  }
  throw new TsopsError('UNSUPPORTED', `unsupported ssh private key type "${publicKey.type}"`, {
    hint: 'only ed25519 and rsa keys can be used as age identities',
  });
}
