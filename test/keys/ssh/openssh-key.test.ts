import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, createPublicKey } from 'node:crypto';
import { TsopsError } from '../../../src/errors.js';
import { inspectSshPrivateKey, parseOpenSshPrivateKey, type SshPrivateKey } from '../../../src/keys/ssh/openssh-key.js';
import { formatAuthorizedKey } from '../../../src/keys/ssh/wire.js';
import { tempDir } from '../../helpers/paths.js';
import { interopDir, interopSkip } from '../../helpers/interop.js';
import {
  keyPart,
  noSshKeygen,
  sshKeygen,
  sshKeygenPublic,
  sshKeygenReencode,
  type GeneratedKey,
} from './test-keys.js';

const PASS = 'correct horse';
const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof TsopsError && e.code === code && (re === undefined || re.test(e.message));

const dir = tempDir();
let counter = 0;
const fresh = (): string => `key${counter++}`;
let baseEd: GeneratedKey | undefined;
let baseRsa: GeneratedKey | undefined;
/** One ssh-keygen ed25519 key per file, re-encoded for each variant. */
const ed = (): GeneratedKey => (baseEd ??= sshKeygen(dir, 'ed', ['-t', 'ed25519']));
/** One ssh-keygen RSA-2048 key per file (generating RSA keys is slow). */
const rsa = (): GeneratedKey => (baseRsa ??= sshKeygen(dir, 'rsa', ['-t', 'rsa', '-b', '2048']));
const encryptedEd = new Map<string, GeneratedKey>();
const edWith = (cipher: string): GeneratedKey => {
  let k = encryptedEd.get(cipher);
  if (k === undefined) {
    k = sshKeygenReencode(ed(), dir, fresh(), ['-Z', cipher, '-a', '2'], PASS);
    encryptedEd.set(cipher, k);
  }
  return k;
};

function publicLine(key: SshPrivateKey): string {
  return formatAuthorizedKey(key.publicKey);
}

/** Proves the RSA private key works: it decrypts what its public key encrypted. */
function assertRsaKeyWorks(key: SshPrivateKey): void {
  assert.equal(key.kind, 'rsa');
  if (key.kind !== 'rsa') return;
  const pub = createPublicKey(key.privateKey);
  const msg = Buffer.from('sixteen byte key');
  const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, msg);
  assert.deepEqual(privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ct), msg);
}

test('ssh-keygen ed25519 key without passphrase parses with the public key ssh-keygen prints', { skip: noSshKeygen }, () => {
  const k = ed();
  const key = parseOpenSshPrivateKey(k.text);
  assert.equal(key.kind, 'ed25519');
  assert.equal(key.comment, 'ed@test');
  assert.equal(publicLine(key), sshKeygenPublic(k.path));
  assert.equal(publicLine(key), keyPart(k.pub));
});

test('ssh-keygen rsa-2048 openssh key parses and its private key works', { skip: noSshKeygen }, () => {
  const k = rsa();
  const key = parseOpenSshPrivateKey(k.text);
  assert.equal(publicLine(key), sshKeygenPublic(k.path));
  assert.equal(key.comment, 'rsa@test');
  assertRsaKeyWorks(key);
});

for (const cipher of [
  'aes256-ctr',
  'aes256-cbc',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes128-gcm@openssh.com',
  '3des-cbc',
]) {
  test(`ssh-keygen ed25519 key encrypted with ${cipher} parses with the passphrase`, { skip: noSshKeygen }, () => {
    const k = edWith(cipher);
    assert.match(k.text, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const info = inspectSshPrivateKey(k.text);
    assert.equal(info.encrypted, true);
    assert.equal(info.publicKey && formatAuthorizedKey(info.publicKey), keyPart(k.pub));
    const key = parseOpenSshPrivateKey(k.text, PASS);
    assert.equal(publicLine(key), sshKeygenPublic(k.path, PASS));
    assert.equal(key.comment, 'ed@test');
  });

  test(`ssh-keygen key encrypted with ${cipher}: wrong passphrase is a clear error`, { skip: noSshKeygen }, () => {
    const k = edWith(cipher);
    assert.throws(() => parseOpenSshPrivateKey(k.text, 'wrong'), isCode('NO_IDENTITY', /wrong passphrase/));
  });
}

test('an encrypted key without passphrase says a passphrase is needed', { skip: noSshKeygen }, () => {
  const k = edWith('aes256-ctr');
  assert.throws(() => parseOpenSshPrivateKey(k.text), isCode('NO_IDENTITY', /passphrase-protected/));
  assert.throws(() => parseOpenSshPrivateKey(k.text, ''), isCode('NO_IDENTITY', /passphrase-protected/));
});

test('ssh-keygen rsa openssh key encrypted with aes256-ctr parses and works', { skip: noSshKeygen }, () => {
  const k = sshKeygenReencode(rsa(), dir, fresh(), ['-Z', 'aes256-ctr', '-a', '2'], PASS);
  const key = parseOpenSshPrivateKey(k.text, PASS);
  assert.equal(publicLine(key), sshKeygenPublic(k.path, PASS));
  assertRsaKeyWorks(key);
});

for (const [format, label] of [
  ['PEM', 'RSA PRIVATE KEY'],
  ['PKCS8', 'PRIVATE KEY'],
] as const) {
  test(`ssh-keygen rsa key in ${format} format parses`, { skip: noSshKeygen }, () => {
    const k = sshKeygenReencode(rsa(), dir, fresh(), ['-m', format], '');
    assert.ok(k.text.startsWith(`-----BEGIN ${label}-----`));
    assert.deepEqual(inspectSshPrivateKey(k.text), { format: 'pem', encrypted: false, publicKey: undefined });
    const key = parseOpenSshPrivateKey(k.text);
    assert.equal(publicLine(key), keyPart(k.pub));
    assertRsaKeyWorks(key);
  });

  test(`ssh-keygen passphrase-protected rsa key in ${format} format needs and takes the passphrase`, { skip: noSshKeygen }, () => {
    const k = sshKeygenReencode(rsa(), dir, fresh(), ['-m', format], PASS);
    assert.equal(inspectSshPrivateKey(k.text).encrypted, true);
    assert.throws(() => parseOpenSshPrivateKey(k.text), isCode('NO_IDENTITY', /passphrase-protected/));
    assert.throws(() => parseOpenSshPrivateKey(k.text, 'wrong passphrase'), isCode('NO_IDENTITY', /wrong passphrase/));
    const key = parseOpenSshPrivateKey(k.text, PASS);
    assert.equal(publicLine(key), keyPart(k.pub));
    assertRsaKeyWorks(key);
  });
}

test('a PKCS#8 ed25519 key parses to the same public key', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const key = parseOpenSshPrivateKey(pem);
  assert.equal(key.kind, 'ed25519');
  if (key.kind !== 'ed25519') return;
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  assert.deepEqual(Buffer.from(key.publicKey.key), raw);
});

test('the ssh-to-age passphrase vector (bcrypt, 16 rounds, aes256-ctr) parses and matches its .pub', { skip: interopSkip }, () => {
  const dir = path.join(interopDir, 'ssh-to-age');
  const key = parseOpenSshPrivateKey(fs.readFileSync(path.join(dir, 'id_ed25519_passphrase')), 'test');
  assert.equal(publicLine(key), keyPart(fs.readFileSync(path.join(dir, 'id_ed25519_passphrase.pub'), 'utf8')));
});

test('ecdsa keys are unsupported', { skip: noSshKeygen }, () => {
  const k = sshKeygen(dir, fresh(), ['-t', 'ecdsa']);
  assert.throws(() => parseOpenSshPrivateKey(k.text), isCode('UNSUPPORTED', /ecdsa-sha2-nistp256/));
  const pem = sshKeygenReencode(k, dir, fresh(), ['-m', 'PEM'], '');
  assert.throws(() => parseOpenSshPrivateKey(pem.text), isCode('UNSUPPORTED', /EC PRIVATE KEY/));
});

test('text without a private key block is rejected', () => {
  assert.throws(() => parseOpenSshPrivateKey('hello'), isCode('UNSUPPORTED', /no PEM block/));
  assert.throws(() => inspectSshPrivateKey('ssh-ed25519 AAAA'), isCode('UNSUPPORTED'));
});

test('a corrupted openssh key is rejected, not misread', { skip: interopSkip }, () => {
  const text = fs.readFileSync(path.join(interopDir, 'ssh-to-age', 'id_ed25519'), 'utf8');
  const lines = text.trim().split('\n');
  const body = Buffer.from(lines.slice(1, -1).join(''), 'base64');
  // Flip a byte of the private ed25519 seed: the stored public key no longer matches.
  const tampered = Buffer.from(body);
  const at = tampered.length - 60;
  tampered[at] = tampered[at]! ^ 1;
  const pem = `${lines[0]}\n${tampered.toString('base64')}\n${lines.at(-1)}\n`;
  assert.throws(() => parseOpenSshPrivateKey(pem), isCode('UNSUPPORTED', /invalid openssh private key/));
  // Truncation.
  const short = `${lines[0]}\n${body.subarray(0, body.length - 40).toString('base64')}\n${lines.at(-1)}\n`;
  assert.throws(() => parseOpenSshPrivateKey(short), isCode('UNSUPPORTED', /invalid openssh private key/));
});

test('CRLF line endings and surrounding text are tolerated', { skip: interopSkip }, () => {
  const text = fs.readFileSync(path.join(interopDir, 'ssh-to-age', 'id_ed25519'), 'utf8');
  const crlf = `\r\n  \r\n${text.replace(/\n/g, '\r\n')}`;
  assert.equal(publicLine(parseOpenSshPrivateKey(crlf)), publicLine(parseOpenSshPrivateKey(text)));
});
