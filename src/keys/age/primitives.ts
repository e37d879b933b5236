/**
 * The symmetric primitives of age's stanzas and payload (HKDF-SHA-256, HMAC-SHA-256,
 * ChaCha20-Poly1305), from node:crypto: native code with no warm-up, which matters when a run
 * wraps keys for hundreds of files or decrypts one small file and exits. A runtime whose
 * node:crypto lacks ChaCha20-Poly1305 (Bun, for the standalone binary) gets @noble/ciphers'.
 */
import { createCipheriv, createDecipheriv, createHmac, getCiphers, hkdfSync } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';

const TAG = 16;
const EMPTY = new Uint8Array(0);

/** HKDF-SHA-256 of `ikm` (an absent salt is the empty string, as in RFC 5869). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array | string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt ?? EMPTY, info, length));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return bytes(createHmac('sha256', key).update(data).digest());
}

/** A plain Uint8Array view of a Buffer, so results compare equal to other byte arrays. */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

let nativeChacha = true;
/**
 * node:crypto's ChaCha20-Poly1305 cipher, or undefined on a runtime without it (then never asked
 * again). Trying it costs nothing where it exists; listing the ciphers cost 0.4 ms of start-up.
 */
function nativeChachaCipher<T>(create: () => T): T | undefined {
  if (!nativeChacha) return undefined;
  try {
    return create();
  } catch (e) {
    // the key and nonce sizes are fixed here, so a refusal means the cipher is missing
    if (getCiphers().includes('chacha20-poly1305')) throw e;
    nativeChacha = false;
    return undefined;
  }
}

/** ChaCha20-Poly1305 seal: ciphertext followed by the 16-byte tag. */
export function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = nativeChachaCipher(() => createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG }));
  if (c === undefined) return chacha20poly1305(key, nonce).encrypt(plaintext);
  return bytes(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
}

/** ChaCha20-Poly1305 open; throws when the tag does not match (or the input is shorter than one). */
export function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < TAG) throw new Error('invalid ciphertext: too short');
  const d = nativeChachaCipher(() => createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG }));
  if (d === undefined) {
    try {
      return chacha20poly1305(key, nonce).decrypt(sealed);
    } catch {
      throw new Error('invalid ciphertext: authentication failed');
    }
  }
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = d.update(sealed.subarray(0, sealed.length - TAG));
  try {
    d.final();
  } catch {
    throw new Error('invalid ciphertext: authentication failed');
  }
  return bytes(body);
}
