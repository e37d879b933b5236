import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, privateDecrypt, randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, Stanza, armor, type Identity, type Recipient } from 'age-encryption';
import { base64nopad } from '@scure/base';
import { TsopsError } from '../../../src/errors.js';
import { parseOpenSshPrivateKey } from '../../../src/keys/ssh/openssh-key.js';
import {
  SshConvertedX25519Identity,
  SshEd25519Identity,
  SshEd25519Recipient,
  SshRsaIdentity,
  SshRsaRecipient,
  parseSshRecipient,
  sshEd25519Identities,
  sshIdentitiesFromPrivateKey,
  sshKeyTag,
} from '../../../src/keys/ssh/recipients.js';
import { sshPrivateKeyToAgeIdentity, sshPublicKeyToAgeRecipient } from '../../../src/keys/ssh/ssh-to-age.js';
import { tempDir } from '../../helpers/paths.js';
import { goAgeEd25519, goAgeRsa, keyCache, noSshKeygen, sshKeygen, sshKeygenReencode, type GeneratedKey } from './test-keys.js';

const dir = tempDir();
let counter = 0;
const fresh = (): string => `key${counter++}`;
const key = keyCache(dir);
const edA = (): GeneratedKey => key('edA', ['-t', 'ed25519']);
const edB = (): GeneratedKey => key('edB', ['-t', 'ed25519']);
const rsaA = (): GeneratedKey => key('rsaA', ['-t', 'rsa', '-b', '2048']);
/** A second RSA key: the fixed one, since generating RSA keys is slow. */
const rsaB = (): GeneratedKey => ({ path: '', text: goAgeRsa.key, pub: goAgeRsa.pub });

const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof TsopsError && e.code === code && (re === undefined || re.test(e.message));

async function encrypt(recipients: (string | Recipient)[], text: string): Promise<Uint8Array> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(text);
}

async function decrypt(identities: (string | Identity)[], file: Uint8Array): Promise<string> {
  const d = new Decrypter();
  for (const i of identities) d.addIdentity(i);
  return d.decrypt(file, 'text');
}

/** The header stanzas of an age file, parsed from its text header. */
function stanzasOf(file: Uint8Array): { args: string[]; body: Uint8Array }[] {
  const text = Buffer.from(file).toString('latin1');
  const header = text.slice(0, text.indexOf('\n---'));
  const out: { args: string[]; body: Uint8Array }[] = [];
  const lines = header.split('\n').slice(1);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('-> ')) continue;
    let body = '';
    for (i++; i < lines.length; i++) {
      body += lines[i];
      if (lines[i]!.length < 64) break;
    }
    out.push({ args: line.slice(3).split(' '), body: base64nopad.decode(body) });
  }
  return out;
}

/** The expected tag computed independently from the .pub line. */
function expectedTag(pub: string): string {
  const wire = Buffer.from(pub.split(' ')[1]!, 'base64');
  return createHash('sha256').update(wire).digest().subarray(0, 4).toString('base64').replace(/=+$/, '');
}

test('a file age 1.1.1 encrypted to an ssh-ed25519 key decrypts with the ssh key', async () => {
  const ids = sshIdentitiesFromPrivateKey(goAgeEd25519.key);
  assert.equal(await decrypt(ids, armor.decode(goAgeEd25519.armored)), goAgeEd25519.plaintext);
});

test('a file age 1.1.1 encrypted to an ssh-rsa key decrypts with the ssh key', async () => {
  const ids = sshIdentitiesFromPrivateKey(goAgeRsa.key);
  assert.equal(await decrypt(ids, armor.decode(goAgeRsa.armored)), goAgeRsa.plaintext);
});

test('the age 1.1.1 files carry the stanza tags this module computes', () => {
  const ed = stanzasOf(armor.decode(goAgeEd25519.armored));
  assert.deepEqual(ed.map((s) => s.args.slice(0, 2)), [['ssh-ed25519', expectedTag(goAgeEd25519.pub)]]);
  const rsa = stanzasOf(armor.decode(goAgeRsa.armored));
  assert.deepEqual(rsa.map((s) => s.args), [['ssh-rsa', expectedTag(goAgeRsa.pub)]]);
  assert.equal(parseSshRecipient(goAgeEd25519.pub).tag, expectedTag(goAgeEd25519.pub));
  assert.equal(sshKeyTag(Buffer.from(goAgeRsa.pub.split(' ')[1]!, 'base64')), expectedTag(goAgeRsa.pub));
});

test('ssh-ed25519 stanza layout: -> ssh-ed25519 <tag> <32-byte share>, 32-byte body', { skip: noSshKeygen }, async () => {
  const k = edA();
  const file = await encrypt([parseSshRecipient(k.pub)], 'x');
  const stanzas = stanzasOf(file);
  assert.equal(stanzas.length, 1);
  const [s] = stanzas;
  assert.equal(s!.args.length, 3);
  assert.equal(s!.args[0], 'ssh-ed25519');
  assert.equal(s!.args[1], expectedTag(k.pub));
  assert.equal(s!.args[1]!.length, 6);
  assert.equal(base64nopad.decode(s!.args[2]!).length, 32);
  assert.equal(s!.body.length, 32);
});

test('ssh-rsa stanza layout: -> ssh-rsa <tag>, body is RSA-OAEP-SHA-256 with the age label', { skip: noSshKeygen }, () => {
  const k = rsaA();
  const fileKey = new Uint8Array(randomBytes(16));
  const stanzas = parseSshRecipient(k.pub).wrapFileKey(fileKey) as Stanza[];
  assert.equal(stanzas.length, 1);
  const s = stanzas[0]!;
  assert.deepEqual(s.args, ['ssh-rsa', expectedTag(k.pub)]);
  assert.equal(s.body.length, 256);
  const priv = parseOpenSshPrivateKey(k.text);
  assert.equal(priv.kind, 'rsa');
  if (priv.kind !== 'rsa') return;
  const opts = { key: priv.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  const label = Buffer.from('age-encryption.org/v1/ssh-rsa');
  assert.deepEqual(new Uint8Array(privateDecrypt({ ...opts, oaepLabel: label }, s.body)), fileKey);
  assert.throws(() => privateDecrypt({ ...opts, oaepLabel: Buffer.from('other') }, s.body));
});

test('ed25519: a file encrypted to the ssh recipient decrypts with the matching key only', { skip: noSshKeygen }, async () => {
  const file = await encrypt([parseSshRecipient(edA().pub)], 'secret ed');
  assert.equal(await decrypt(sshIdentitiesFromPrivateKey(edA().text), file), 'secret ed');
  await assert.rejects(decrypt(sshIdentitiesFromPrivateKey(edB().text), file), /no identity matched/);
});

test('rsa: a file encrypted to the ssh recipient decrypts with the matching key only', { skip: noSshKeygen }, async () => {
  const file = await encrypt([parseSshRecipient(rsaA().pub)], 'secret rsa');
  assert.equal(await decrypt(sshIdentitiesFromPrivateKey(rsaA().text), file), 'secret rsa');
  await assert.rejects(decrypt(sshIdentitiesFromPrivateKey(rsaB().text), file), /no identity matched/);
});

test('a stanza with another key\'s tag gives null, not an error', { skip: noSshKeygen }, async () => {
  const edStanzas = (parseSshRecipient(edA().pub) as SshEd25519Recipient).wrapFileKey(new Uint8Array(16));
  const rsaStanzas = (parseSshRecipient(rsaA().pub) as SshRsaRecipient).wrapFileKey(new Uint8Array(16));
  const [edId] = sshIdentitiesFromPrivateKey(edB().text);
  const [rsaId] = sshIdentitiesFromPrivateKey(rsaB().text);
  assert.equal(await edId!.unwrapFileKey([...edStanzas, ...rsaStanzas]), null);
  assert.equal(await rsaId!.unwrapFileKey([...edStanzas, ...rsaStanzas]), null);
});

test('a stanza with our tag that does not open is an error', { skip: noSshKeygen }, async () => {
  const [edStanza] = parseSshRecipient(edA().pub).wrapFileKey(new Uint8Array(16)) as Stanza[];
  const badEd = new Stanza(edStanza!.args, Uint8Array.from(edStanza!.body, (b, i) => (i === 0 ? b ^ 1 : b)));
  const [edId] = sshIdentitiesFromPrivateKey(edA().text);
  await assert.rejects(Promise.resolve(edId!.unwrapFileKey([badEd])), /failed to decrypt ssh-ed25519 stanza/);
  const [rsaStanza] = parseSshRecipient(rsaA().pub).wrapFileKey(new Uint8Array(16)) as Stanza[];
  const badRsa = new Stanza(rsaStanza!.args, Uint8Array.from(rsaStanza!.body, (b, i) => (i === 5 ? b ^ 1 : b)));
  const [rsaId] = sshIdentitiesFromPrivateKey(rsaA().text);
  await assert.rejects(Promise.resolve(rsaId!.unwrapFileKey([badRsa])), /failed to decrypt ssh-rsa stanza/);
});

test('malformed ssh stanzas are errors', { skip: noSshKeygen }, async () => {
  const [edId] = sshIdentitiesFromPrivateKey(edA().text);
  const tag = expectedTag(edA().pub);
  await assert.rejects(Promise.resolve(edId!.unwrapFileKey([new Stanza(['ssh-ed25519', tag], new Uint8Array(32))])), /invalid ssh-ed25519 stanza/);
  await assert.rejects(
    Promise.resolve(edId!.unwrapFileKey([new Stanza(['ssh-ed25519', tag, 'AAAA'], new Uint8Array(32))])),
    /invalid ssh-ed25519 stanza/,
  );
  // An all-zero share is a low-order point: X25519 gives all zeros, which is refused.
  const zero = base64nopad.encode(new Uint8Array(32));
  await assert.rejects(Promise.resolve(edId!.unwrapFileKey([new Stanza(['ssh-ed25519', tag, zero], new Uint8Array(32))])), /invalid ssh-ed25519 stanza/);
  const [rsaId] = sshIdentitiesFromPrivateKey(rsaA().text);
  await assert.rejects(Promise.resolve(rsaId!.unwrapFileKey([new Stanza(['ssh-rsa'], new Uint8Array(256))])), /invalid ssh-rsa stanza/);
});

test('one ed25519 ssh key opens both its native ssh-ed25519 stanza and its converted X25519 stanza', { skip: noSshKeygen }, async () => {
  const k = edA();
  const ids = sshIdentitiesFromPrivateKey(k.text);
  assert.equal(ids.length, 2);
  assert.ok(ids[0] instanceof SshEd25519Identity);
  assert.ok(ids[1] instanceof SshConvertedX25519Identity);
  const converted = await encrypt([sshPublicKeyToAgeRecipient(k.pub)], 'via ssh-to-age');
  assert.equal(stanzasOf(converted)[0]!.args[0], 'X25519');
  assert.equal(await decrypt(ids, converted), 'via ssh-to-age');
  const native = await encrypt([parseSshRecipient(k.pub)], 'via ssh-ed25519');
  assert.equal(await decrypt(ids, native), 'via ssh-ed25519');
  // Each identity opens only its own stanza kind.
  await assert.rejects(decrypt([ids[0]!], converted), /no identity matched/);
  await assert.rejects(decrypt([ids[1]!], native), /no identity matched/);
});

test('the converted identity exposes the ssh-to-age key and recipient', { skip: noSshKeygen }, async () => {
  const k = edA();
  const priv = parseOpenSshPrivateKey(k.text);
  assert.equal(priv.kind, 'ed25519');
  if (priv.kind !== 'ed25519') return;
  const { native, converted } = sshEd25519Identities(priv);
  assert.equal(await converted.ageIdentity(), sshPrivateKeyToAgeIdentity(k.text));
  assert.equal(converted.recipient, sshPublicKeyToAgeRecipient(k.pub));
  assert.equal(native.recipient, k.pub.split(' ').slice(0, 2).join(' '));
  // The converted string works as a plain age identity too.
  const file = await encrypt([converted.recipient], 'plain age');
  assert.equal(await decrypt([await converted.ageIdentity()], file), 'plain age');
});

test('the converted identity skips X25519 stanzas for other keys', { skip: noSshKeygen }, async () => {
  const other = await encrypt([sshPublicKeyToAgeRecipient(edB().pub)], 'not for A');
  await assert.rejects(decrypt(sshIdentitiesFromPrivateKey(edA().text), other), /no identity matched/);
});

test('an encrypted key with a passphrase string gives working identities', { skip: noSshKeygen }, async () => {
  const k = sshKeygenReencode(edA(), dir, fresh(), ['-a', '2'], 'pass phrase');
  const file = await encrypt([parseSshRecipient(k.pub)], 'protected');
  assert.equal(await decrypt(sshIdentitiesFromPrivateKey(k.text, { passphrase: 'pass phrase' }), file), 'protected');
  assert.throws(() => sshIdentitiesFromPrivateKey(k.text), isCode('NO_IDENTITY', /passphrase/));
  assert.throws(() => sshIdentitiesFromPrivateKey(k.text, { passphrase: 'nope' }), isCode('NO_IDENTITY', /wrong passphrase/));
});

test('a passphrase function is asked once, and only when a stanza is ours', { skip: noSshKeygen }, async () => {
  const k = sshKeygenReencode(edA(), dir, fresh(), ['-a', '2'], 'pass phrase');
  let asked = 0;
  const ids = sshIdentitiesFromPrivateKey(k.text, {
    passphrase: () => {
      asked++;
      return 'pass phrase';
    },
  });
  assert.equal(asked, 0);
  const [native] = ids;
  // Someone else's ssh-ed25519 stanza: no prompt.
  assert.equal(await native!.unwrapFileKey(parseSshRecipient(edB().pub).wrapFileKey(new Uint8Array(16)) as Stanza[]), null);
  assert.equal(asked, 0);
  const native1 = await encrypt([parseSshRecipient(k.pub)], 'one');
  const native2 = await encrypt([parseSshRecipient(k.pub)], 'two');
  assert.equal(await decrypt(ids, native1), 'one');
  assert.equal(await decrypt(ids, native2), 'two');
  assert.equal(asked, 1);
});

test('a lazy passphrase for a protected PEM rsa key uses the given public key', { skip: noSshKeygen }, async () => {
  const k = sshKeygenReencode(rsaA(), dir, fresh(), ['-m', 'PEM'], 'pass phrase');
  assert.throws(() => sshIdentitiesFromPrivateKey(k.text, { passphrase: () => 'pass phrase' }), isCode('NO_IDENTITY', /public key is needed/));
  const ids = sshIdentitiesFromPrivateKey(k.text, { passphrase: async () => 'pass phrase', publicKeyText: k.pub });
  assert.ok(ids[0] instanceof SshRsaIdentity);
  const file = await encrypt([parseSshRecipient(k.pub)], 'pem rsa');
  assert.equal(await decrypt(ids, file), 'pem rsa');
});

test('a lazy passphrase that is wrong fails when the stanza is opened', { skip: noSshKeygen }, async () => {
  const k = sshKeygenReencode(edA(), dir, fresh(), ['-a', '2'], 'pass phrase');
  const ids = sshIdentitiesFromPrivateKey(k.text, { passphrase: () => 'wrong' });
  const file = await encrypt([parseSshRecipient(k.pub)], 'x');
  await assert.rejects(decrypt(ids, file), isCode('NO_IDENTITY', /wrong passphrase/));
});

test('parseSshRecipient accepts comments and rejects other key types and small rsa keys', { skip: noSshKeygen }, () => {
  assert.ok(parseSshRecipient(`${edA().pub} with a comment`) instanceof SshEd25519Recipient);
  assert.ok(parseSshRecipient(`  ${rsaA().pub}  `) instanceof SshRsaRecipient);
  const ec = sshKeygen(dir, fresh(), ['-t', 'ecdsa']);
  assert.throws(() => parseSshRecipient(ec.pub), isCode('INVALID_RECIPIENT', /ecdsa-sha2-nistp256/));
  const small = sshKeygen(dir, fresh(), ['-t', 'rsa', '-b', '1024']);
  assert.throws(() => parseSshRecipient(small.pub), isCode('INVALID_RECIPIENT', /too small/));
  assert.throws(() => parseSshRecipient('ssh-ed25519 AAAA'), isCode('INVALID_RECIPIENT'));
});
