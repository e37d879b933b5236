import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, Stanza, generateX25519Identity, identityToRecipient, type Identity, type Recipient } from 'age-encryption';
import { decryptAgeFile, encryptAgeFile } from '../../src/keys/age-file.js';
import { X25519Identity, X25519Recipient, decodeX25519Identity, decodeX25519Recipient } from '../../src/keys/x25519.js';

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
