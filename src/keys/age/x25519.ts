/**
 * age's native X25519 recipient and identity (the `X25519` stanza of age-encryption.org/v1) on
 * node:crypto's X25519. age-encryption does the same through WebCrypto, importing a PKCS#8 key
 * for every operation (~0.5–1 ms each); here keys are imported once, which is what lets
 * `updatekeys` over hundreds of files run in a fraction of a second. The stanza format follows
 * age's specification.
 */
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';
import { base64nopad, bech32 } from '@scure/base';
import { chachaOpen, chachaSeal, hkdfSha256 } from './primitives.js';
import { Stanza, type Identity, type Recipient } from './stanza.js';

const LABEL = new TextEncoder().encode('age-encryption.org/v1/X25519');
const ZERO_NONCE = new Uint8Array(12);
const FILE_KEY_SIZE = 16;
// Keys enter node:crypto as JWK: Node reads an OKP private JWK from `d` alone (`x` must be a
// string and is not used), a raw import in which OpenSSL also derives the public value; DER goes
// through OpenSSL's decoders at ~0.6 ms a key. That public value is read back from the same
// object's JWK. Keys are never made by generateKeyPairSync: Node 20 can deadlock when a JWK
// export meets the garbage collection of the job that generated the key.

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}

/** The private key object of a 32-byte scalar, and its 32-byte public value. */
function keyPair(scalar: Uint8Array): { privateKey: KeyObject; publicKey: Uint8Array } {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(scalar), x: '' }, format: 'jwk' });
  const x = privateKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new Error('X25519 key without public value');
  return { privateKey, publicKey: new Uint8Array(Buffer.from(x, 'base64url')) };
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' });
}

function shared(privateKey: KeyObject, publicKey: KeyObject): Uint8Array {
  // A low-order point gives an all-zero secret, which age rejects; OpenSSL refuses to derive it.
  let s: Uint8Array;
  try {
    s = diffieHellman({ privateKey, publicKey });
  } catch {
    throw new Error('invalid X25519 stanza: low-order point');
  }
  if (s.every((b) => b === 0)) throw new Error('invalid X25519 stanza: low-order point');
  return s;
}

function wrapKey(secret: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = new Uint8Array(64);
  salt.set(ephemeral, 0);
  salt.set(recipient, 32);
  return hkdfSha256(secret, salt, LABEL, 32);
}

/** Decode an `age1…` recipient to its 32-byte public key; throws on anything else. */
export function decodeX25519Recipient(recipient: string): Uint8Array {
  const { prefix, bytes } = bech32.decodeToBytes(recipient);
  if (prefix !== 'age' || bytes.length !== 32) throw new Error('malformed X25519 recipient');
  return bytes;
}

/** Encode a 32-byte X25519 public key as an `age1…` recipient. */
export function encodeAgeRecipient(publicKey: Uint8Array): string {
  return bech32.encode('age', bech32.toWords(publicKey), false);
}

/** Decode an `AGE-SECRET-KEY-1…` identity to its 32-byte scalar (upper case, as age requires). */
export function decodeX25519Identity(identity: string): Uint8Array {
  if (identity !== identity.toUpperCase()) throw new Error('malformed X25519 identity');
  const { prefix, bytes } = bech32.decodeToBytes(identity);
  if (prefix.toUpperCase() !== 'AGE-SECRET-KEY-' || bytes.length !== 32) throw new Error('malformed X25519 identity');
  return bytes;
}

export class X25519Recipient implements Recipient {
  readonly #publicKey: KeyObject;
  readonly #raw: Uint8Array;

  constructor(publicKey: Uint8Array) {
    this.#raw = publicKey;
    this.#publicKey = publicKeyObject(publicKey);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const scalar = randomBytes(32);
    const { privateKey, publicKey: ephemeral } = keyPair(scalar);
    scalar.fill(0);
    const key = wrapKey(shared(privateKey, this.#publicKey), ephemeral, this.#raw);
    const body = chachaSeal(key, ZERO_NONCE, fileKey);
    return [new Stanza(['X25519', base64nopad.encode(ephemeral)], body)];
  }
}

export class X25519Identity implements Identity {
  readonly #privateKey: KeyObject;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;

  constructor(secret: Uint8Array) {
    ({ privateKey: this.#privateKey, publicKey: this.publicKey } = keyPair(secret));
  }

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== 'X25519') continue;
      if (s.args.length !== 2) throw new Error('invalid X25519 stanza');
      let share: Uint8Array;
      try {
        share = base64nopad.decode(s.args[1]!);
      } catch {
        throw new Error('invalid X25519 stanza');
      }
      if (share.length !== 32) throw new Error('invalid X25519 stanza');
      const key = wrapKey(shared(this.#privateKey, publicKeyObject(share)), share, this.publicKey);
      // A body of the wrong size is malformed whoever it is for, and age refuses the file; one of
      // the right size that does not open belongs to someone else (X25519 stanzas carry no tag).
      if (s.body.length !== FILE_KEY_SIZE + 16) throw new Error('invalid X25519 stanza: incorrect file key size');
      try {
        return chachaOpen(key, ZERO_NONCE, s.body);
      } catch {
        continue;
      }
    }
    return null;
  }
}
