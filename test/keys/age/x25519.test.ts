import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { x25519 } from '@noble/curves/ed25519.js';
import { base64nopad, bech32 } from '@scure/base';
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { Stanza } from '../../../src/keys/age/stanza.js';
import {
  X25519Identity,
  X25519Recipient,
  decodeX25519Identity,
  decodeX25519Recipient,
  encodeAgeRecipient,
} from '../../../src/keys/age/x25519.js';
import { repoRoot } from '../../helpers/paths.js';

const rand = (n: number) => new Uint8Array(randomBytes(n));

/** The AGE-SECRET-KEY-1… string of a scalar, built independently of the code under test. */
const identityString = (scalar: Uint8Array) => bech32.encodeFromBytes('AGE-SECRET-KEY-', scalar).toUpperCase();

/** Random scalars, plus ones whose clamped bits (low 3, top 2) are set or cleared. */
function scalars(): Uint8Array[] {
  const out = [new Uint8Array(32), new Uint8Array(32).fill(0xff), rand(32)];
  for (let i = 0; i < 200; i++) {
    const s = rand(32);
    if (i % 4 === 1) s[0]! |= 0x07;
    if (i % 4 === 2) s[31]! |= 0xc0;
    if (i % 4 === 3) {
      s[0]! &= 0xf8;
      s[31]! = (s[31]! & 0x3f) | 0x40;
    }
    out.push(s);
  }
  return out;
}

describe('X25519 keys', () => {
  it('derives the same public key as noble x25519, including scalars that need clamping', () => {
    for (const s of scalars()) {
      assert.deepEqual(new X25519Identity(s).publicKey, x25519.getPublicKey(s), Buffer.from(s).toString('hex'));
    }
  });

  it('encodes the same age1 recipient as age-encryption derives from the identity string', async () => {
    for (const s of scalars().slice(0, 40)) {
      const identity = identityString(s);
      const ours = encodeAgeRecipient(new X25519Identity(s).publicKey);
      assert.equal(ours, await identityToRecipient(identity));
      // And the decoders invert the encodings.
      assert.deepEqual(decodeX25519Recipient(ours), x25519.getPublicKey(s));
      assert.deepEqual(decodeX25519Identity(identity), s);
    }
  });

  it('refuses identity and recipient strings of the wrong kind, case or length', () => {
    const s = rand(32);
    const identity = identityString(s);
    const recipient = encodeAgeRecipient(x25519.getPublicKey(s));
    // age only accepts upper-case identities.
    assert.throws(() => decodeX25519Identity(identity.toLowerCase()), /malformed/);
    assert.throws(() => decodeX25519Identity(recipient));
    assert.throws(() => decodeX25519Identity(bech32.encodeFromBytes('AGE-SECRET-KEY-', rand(31)).toUpperCase()), /malformed/);
    assert.throws(() => decodeX25519Identity(bech32.encodeFromBytes('AGE-SECRET-KEY-PQ-', s).toUpperCase()), /malformed/);
    assert.throws(() => decodeX25519Recipient(identity), /malformed/);
    assert.throws(() => decodeX25519Recipient(bech32.encodeFromBytes('age', rand(33))), /malformed/);
    assert.throws(() => decodeX25519Recipient(bech32.encodeFromBytes('agex', rand(32))), /malformed/);
    // A changed character breaks the checksum.
    const at = 10 + randomInt(recipient.length - 10);
    const flipped = recipient.slice(0, at) + (recipient[at] === 'q' ? 'p' : 'q') + recipient.slice(at + 1);
    assert.throws(() => decodeX25519Recipient(flipped));
  });
});

describe('X25519 stanzas', () => {
  // age-file.test.ts checks our recipient and identity inside our own file writer and reader;
  // here the library writes and reads the file, so only our stanza code is on trial.
  it('stanzas we wrap are unwrapped by age-encryption’s identity', async () => {
    for (let i = 0; i < 10; i++) {
      const s = rand(32);
      const plain = rand(randomInt(0, 100));
      const e = new Encrypter();
      e.addRecipient(new X25519Recipient(x25519.getPublicKey(s)));
      const file = await e.encrypt(plain);
      const d = new Decrypter();
      d.addIdentity(identityString(s));
      assert.deepEqual(await d.decrypt(file, 'uint8array'), plain);
    }
  });

  it('stanzas age-encryption wraps are unwrapped by our identity', async () => {
    for (let i = 0; i < 10; i++) {
      const s = rand(32);
      const plain = rand(randomInt(0, 100));
      const e = new Encrypter();
      e.addRecipient(await identityToRecipient(identityString(s)));
      const file = await e.encrypt(plain);
      const d = new Decrypter();
      d.addIdentity(new X25519Identity(s));
      assert.deepEqual(await d.decrypt(file, 'uint8array'), plain);
    }
  });

  it('writes one X25519 stanza: a 32-byte share and a 32-byte body', () => {
    const id = new X25519Identity(rand(32));
    const stanzas = new X25519Recipient(id.publicKey).wrapFileKey(rand(16));
    assert.equal(stanzas.length, 1);
    const [s] = stanzas;
    assert.equal(s!.args.length, 2);
    assert.equal(s!.args[0], 'X25519');
    assert.equal(base64nopad.decode(s!.args[1]!).length, 32);
    assert.equal(s!.body.length, 32);
  });

  it('uses a fresh ephemeral share for every wrap', () => {
    const id = new X25519Identity(rand(32));
    const r = new X25519Recipient(id.publicKey);
    const fileKey = rand(16);
    const shares = new Set<string>();
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const [s] = r.wrapFileKey(fileKey);
      shares.add(s!.args[1]!);
      bodies.add(base64nopad.encode(s!.body));
      assert.deepEqual(id.unwrapFileKey([s!]), fileKey);
    }
    assert.equal(shares.size, 20, 'a share was reused');
    assert.equal(bodies.size, 20, 'a body was reused');
  });

  it('returns null for stanzas meant for another identity, or of another kind', () => {
    const mine = new X25519Identity(rand(32));
    const other = new X25519Recipient(x25519.getPublicKey(rand(32)));
    const fileKey = rand(16);
    assert.equal(mine.unwrapFileKey(other.wrapFileKey(fileKey)), null);
    assert.equal(mine.unwrapFileKey([new Stanza(['scrypt', 'AAAA', '10'], rand(32))]), null);
    assert.equal(mine.unwrapFileKey([]), null);
    // Its own stanza is still found after a foreign one.
    const own = new X25519Recipient(mine.publicKey).wrapFileKey(fileKey);
    assert.deepEqual(mine.unwrapFileKey([...other.wrapFileKey(fileKey), ...own]), fileKey);
  });

  // Low-order u-coordinates (0, 1, an order-8 point, p-1, p, p+1); noble confirms each below.
  const LOW_ORDER = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  ].map((h) => new Uint8Array(Buffer.from(h, 'hex')));

  it('refuses a stanza whose share is a low-order point', () => {
    const id = new X25519Identity(rand(32));
    for (const u of LOW_ORDER) {
      assert.throws(() => x25519.getSharedSecret(rand(32), u), Error, 'noble accepts this point');
      const stanza = new Stanza(['X25519', base64nopad.encode(u)], rand(32));
      assert.throws(() => id.unwrapFileKey([stanza]), Error, Buffer.from(u).toString('hex'));
    }
  });

  it('names a low-order share as such in the error', () => {
    const id = new X25519Identity(rand(32));
    const stanza = new Stanza(['X25519', base64nopad.encode(new Uint8Array(32))], rand(32));
    assert.throws(() => id.unwrapFileKey([stanza]), /low-order/);
  });

  it('does not hang when many keys are made and collected under a tiny young generation', () => {
    // Node 20 can deadlock when a JWK export of an X25519 key meets garbage collection of the job
    // that generated it; a 1 MB semi-space makes collections frequent. Wraps with ephemeral keys
    // from generateKeyPairSync hang about 1 run in 20 at 3000 rounds but most runs at 15000.
    const moduleUrl = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'keys', 'age', 'x25519.js')).href;
    const script = `
      import { randomBytes } from 'node:crypto';
      const { X25519Identity, X25519Recipient } = await import(${JSON.stringify(moduleUrl)});
      const id = new X25519Identity(randomBytes(32));
      const r = new X25519Recipient(id.publicKey);
      for (let i = 0; i < 15000; i++) {
        const fileKey = randomBytes(16);
        const got = id.unwrapFileKey(r.wrapFileKey(fileKey));
        if (!got || !fileKey.equals(got)) { console.error('round ' + i + ' did not round-trip'); process.exit(1); }
      }
      console.log('ok');
    `;
    const res = spawnSync(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(res.signal, null, `killed by ${res.signal} (hung?)`);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), 'ok');
  });
});
