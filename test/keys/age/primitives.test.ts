import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { chachaOpen, chachaSeal, hkdfSha256, hmacSha256 } from '../../../src/keys/age/primitives.js';

/** Random bytes as a plain Uint8Array (noble's results are plain, so ours must be too). */
const rand = (n: number) => new Uint8Array(randomBytes(n));

const SIZES = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 1000, 4096, 65536, 65537];

function assertPlain(x: Uint8Array, what: string) {
  assert.equal(Object.getPrototypeOf(x), Uint8Array.prototype, `${what} is not a plain Uint8Array`);
}

describe('hkdfSha256', () => {
  it('matches noble hkdf over many ikm, salt, info and output sizes', () => {
    for (const ikmLen of [0, 1, 16, 32, 64, 65, 200]) {
      for (const saltLen of [0, 1, 16, 32, 64, 65, 200]) {
        const ikm = rand(ikmLen);
        const salt = rand(saltLen);
        const info = rand(randomInt(0, 100));
        const length = [0, 1, 16, 32, 33, 64, 100, 255 * 32][randomInt(8)]!;
        const ours = hkdfSha256(ikm, salt, info, length);
        assertPlain(ours, 'hkdf output');
        assert.deepEqual(ours, hkdf(sha256, ikm, salt, info, length), `ikm ${ikmLen}, salt ${saltLen}, length ${length}`);
      }
    }
  });

  it('treats an undefined salt as the empty salt (RFC 5869)', () => {
    const ikm = rand(16);
    const info = rand(7);
    const ours = hkdfSha256(ikm, undefined, info, 32);
    assert.deepEqual(ours, hkdf(sha256, ikm, new Uint8Array(0), info, 32));
    assert.deepEqual(ours, hkdf(sha256, ikm, undefined, info, 32));
  });

  it('takes a string info as its UTF-8 bytes', () => {
    const ikm = rand(32);
    const salt = rand(32);
    for (const info of ['', 'header', 'payload', 'age-encryption.org/v1/X25519', 'ünïcødé ✓']) {
      assert.deepEqual(hkdfSha256(ikm, salt, info, 32), hkdf(sha256, ikm, salt, new TextEncoder().encode(info), 32), info);
    }
  });
});

describe('hmacSha256', () => {
  it('matches noble hmac over many key and message sizes', () => {
    for (const keyLen of [0, 1, 32, 63, 64, 65, 200]) {
      for (const dataLen of SIZES) {
        const key = rand(keyLen);
        const data = rand(dataLen);
        const ours = hmacSha256(key, data);
        assertPlain(ours, 'hmac output');
        assert.deepEqual(ours, hmac(sha256, key, data), `key ${keyLen}, data ${dataLen}`);
      }
    }
  });
});

describe('chachaSeal / chachaOpen', () => {
  it('seals exactly as noble chacha20poly1305 and opens back, for many plaintext sizes', () => {
    for (const n of SIZES) {
      const key = rand(32);
      const nonce = rand(12);
      const plain = rand(n);
      const sealed = chachaSeal(key, nonce, plain);
      assertPlain(sealed, 'sealed output');
      assert.deepEqual(sealed, chacha20poly1305(key, nonce).encrypt(plain), `size ${n}`);
      const opened = chachaOpen(key, nonce, sealed);
      assertPlain(opened, 'opened output');
      assert.deepEqual(opened, plain, `size ${n}`);
    }
  });

  it('opens what noble sealed', () => {
    for (const n of SIZES) {
      const key = rand(32);
      const nonce = rand(12);
      const plain = rand(n);
      assert.deepEqual(chachaOpen(key, nonce, chacha20poly1305(key, nonce).encrypt(plain)), plain, `size ${n}`);
    }
  });

  it('throws when any single bit of the ciphertext or tag is flipped', () => {
    const key = rand(32);
    const nonce = rand(12);
    // Every bit of a small message (body and tag).
    const sealed = chachaSeal(key, nonce, rand(24));
    for (let i = 0; i < sealed.length * 8; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i >> 3]! ^= 1 << (i & 7);
      assert.throws(() => chachaOpen(key, nonce, bad), /authentication failed/, `bit ${i}`);
    }
    // Random bits of larger ones, and of an empty plaintext (tag only).
    for (const n of [0, 1000, 65537]) {
      const big = chachaSeal(key, nonce, rand(n));
      for (let r = 0; r < 64; r++) {
        const bad = Uint8Array.from(big);
        const i = randomInt(bad.length * 8);
        bad[i >> 3]! ^= 1 << (i & 7);
        assert.throws(() => chachaOpen(key, nonce, bad), /authentication failed/, `size ${n}, bit ${i}`);
      }
    }
  });

  it('throws with a wrong key or a wrong nonce', () => {
    for (const n of [0, 16, 100]) {
      const key = rand(32);
      const nonce = rand(12);
      const sealed = chachaSeal(key, nonce, rand(n));
      const otherKey = Uint8Array.from(key);
      otherKey[randomInt(32)]! ^= 1 << randomInt(8);
      const otherNonce = Uint8Array.from(nonce);
      otherNonce[randomInt(12)]! ^= 1 << randomInt(8);
      assert.throws(() => chachaOpen(otherKey, nonce, sealed), /authentication failed/);
      assert.throws(() => chachaOpen(key, otherNonce, sealed), /authentication failed/);
      assert.throws(() => chachaOpen(rand(32), nonce, sealed), /authentication failed/);
    }
  });

  it('throws on input shorter than the 16-byte tag', () => {
    const key = rand(32);
    const nonce = rand(12);
    for (let n = 0; n < 16; n++) assert.throws(() => chachaOpen(key, nonce, rand(n)), /too short/, `length ${n}`);
    // A truncated real seal as well: the tag cannot be found in it.
    const sealed = chachaSeal(key, nonce, new Uint8Array(0));
    assert.throws(() => chachaOpen(key, nonce, sealed.subarray(0, 15)), /too short/);
  });
});
