import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, Stanza, generateX25519Identity, identityToRecipient, type Identity, type Recipient } from 'age-encryption';
import { decryptAgeFile, encryptAgeFile } from '../../../src/keys/age/age-file.js';
import { X25519Identity, X25519Recipient, decodeX25519Identity, decodeX25519Recipient } from '../../../src/keys/age/x25519.js';

async function keyPair() {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  return {
    identity,
    recipient,
    ours: { id: new X25519Identity(decodeX25519Identity(identity)), r: new X25519Recipient(decodeX25519Recipient(recipient)) },
  };
}

async function libDecrypt(identity: string, file: Uint8Array): Promise<Uint8Array> {
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(file, 'uint8array');
}

test('files we write open with age-encryption, at every payload size class', async () => {
  const k = await keyPair();
  for (const size of [0, 1, 32, 33, 65536, 65537, 200_000]) {
    const plain = randomBytes(size);
    const file = await encryptAgeFile([k.ours.r], plain);
    assert.deepEqual(Buffer.from(await libDecrypt(k.identity, file)), plain, `size ${size}`);
  }
});

test('files age-encryption writes open with our reader, and a wrong key does not', async () => {
  const k = await keyPair();
  const other = await keyPair();
  for (const size of [0, 32, 65536, 150_000]) {
    const plain = randomBytes(size);
    const e = new Encrypter();
    e.addRecipient(k.recipient);
    const file = await e.encrypt(plain);
    assert.deepEqual(Buffer.from(await decryptAgeFile([k.ours.id], file)), plain, `size ${size}`);
    await assert.rejects(decryptAgeFile([other.ours.id], file), /no identity matched/);
  }
});

test('a stanza body that fills whole 48-byte lines ends with an empty line, and parses back', async () => {
  const fixed: Recipient & Identity = {
    wrapFileKey: (fileKey) => [new Stanza(['test.example/fixed'], new Uint8Array([...fileKey, ...new Uint8Array(32)]))],
    unwrapFileKey: (stanzas) => {
      const s = stanzas.find((x) => x.args[0] === 'test.example/fixed');
      return s ? s.body.subarray(0, 16) : null;
    },
  };
  const file = await encryptAgeFile([fixed], new Uint8Array([1, 2, 3]));
  const text = Buffer.from(file).toString('latin1');
  assert.match(text, /^age-encryption\.org\/v1\n-> test\.example\/fixed\n[A-Za-z0-9+/]{64}\n\n--- /);
  assert.deepEqual(Array.from(await decryptAgeFile([fixed], file)), [1, 2, 3]);
});

test('tampering with the header or the payload is detected', async () => {
  const k = await keyPair();
  const file = await encryptAgeFile([k.ours.r], randomBytes(32));
  const badPayload = Uint8Array.from(file);
  badPayload[badPayload.length - 1]! ^= 1;
  await assert.rejects(decryptAgeFile([k.ours.id], badPayload));
  const text = Buffer.from(file).toString('latin1');
  const macAt = text.indexOf('\n--- ') + 5;
  const badMac = Uint8Array.from(file);
  badMac[macAt] = badMac[macAt] === 0x41 ? 0x42 : 0x41;
  await assert.rejects(decryptAgeFile([k.ours.id], badMac), /HMAC|invalid/);
});

/** A recipient adding one extra stanza of the given arguments (its body a 32-byte filler). */
function extraStanza(args: string[]): Recipient {
  return { wrapFileKey: () => [new Stanza(args, new Uint8Array(32))] };
}

test('a stanza argument with NUL, TAB, DEL, a space run or non-ASCII is a header error, as in age', async () => {
  const k = await keyPair();
  for (const arg of ['a\0b', 'a\tb', 'a\x7fb', 'caf\u00e9', '\u2603', 'x\r']) {
    const file = await encryptAgeFile([extraStanza(['grease', arg]), k.ours.r], randomBytes(32));
    await assert.rejects(decryptAgeFile([k.ours.id], file), /invalid stanza: malformed argument/, JSON.stringify(arg));
  }
  // Every visible ASCII character is allowed.
  const visible = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
  const ok = await encryptAgeFile([extraStanza(['grease', visible]), k.ours.r], new Uint8Array([7]));
  assert.deepEqual(Array.from(await decryptAgeFile([k.ours.id], ok)), [7]);
});

test("an X25519 stanza whose file key has the wrong size fails the file, even when another stanza opens", async () => {
  const k = await keyPair();
  // The user's own key, wrapping a 17-byte "file key": age refuses the file rather than skip it.
  const longKey: Recipient = { wrapFileKey: (fileKey) => k.ours.r.wrapFileKey(new Uint8Array([...fileKey, 0])) };
  const file = await encryptAgeFile([longKey, k.ours.r], randomBytes(32));
  await assert.rejects(decryptAgeFile([k.ours.id], file), /incorrect file key size/);
  // A right-sized stanza for someone else is skipped, as before.
  const other = await keyPair();
  const shared = await encryptAgeFile([other.ours.r, k.ours.r], new Uint8Array([9]));
  assert.deepEqual(Array.from(await decryptAgeFile([k.ours.id], shared)), [9]);
});

test('an scrypt stanza beside another is refused, as age refuses it', async () => {
  const k = await keyPair();
  const file = await encryptAgeFile([extraStanza(['scrypt', 'c2FsdHNhbHRzYWx0c2FsdA', '10']), k.ours.r], randomBytes(32));
  await assert.rejects(decryptAgeFile([k.ours.id], file), /scrypt recipient must be the only one/);
});
