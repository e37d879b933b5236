import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decrypter, armor, identityToRecipient } from 'age-encryption';
import { bech32 } from '@scure/base';
import { parse as parseYaml } from 'yaml';
import { TsopsError } from '../../../src/errors.js';
import {
  convertPublicKeys,
  sshPrivateKeyToAgeIdentity,
  sshPublicKeyToAgeRecipient,
} from '../../../src/keys/ssh/ssh-to-age.js';
import { SshEd25519Identity, sshIdentitiesFromPrivateKey } from '../../../src/keys/ssh/recipients.js';
import { parseOpenSshPrivateKey } from '../../../src/keys/ssh/openssh-key.js';
import { interopDir, interopSkip } from '../../helpers/interop.js';
import { goAgeRsa } from './test-keys.js';

const vectors = path.join(interopDir, 'ssh-to-age');
const sopsNix = path.join(interopDir, 'sops-nix');
const read = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof TsopsError && e.code === code && (re === undefined || re.test(e.message));

test('ssh-to-age vector: id_ed25519 private key converts to its AGE-SECRET-KEY', { skip: interopSkip }, () => {
  assert.equal(
    sshPrivateKeyToAgeIdentity(read(vectors, 'id_ed25519')),
    'AGE-SECRET-KEY-1K3VN4N03PTHJWSJSCCMQCN33RY5FSKQPJ4KRRTG3JMQUYE0TUSEQEDH6V8',
  );
});

test('ssh-to-age vector: id_ed25519.pub converts to its age1 recipient', { skip: interopSkip }, () => {
  assert.equal(
    sshPublicKeyToAgeRecipient(read(vectors, 'id_ed25519.pub')),
    'age17044m9wgakla6pzftf4srtl3h5mcsr85jysgt5fg23zpnta8sfdqhzn452',
  );
});

test('ssh-to-age vector: the passphrase-protected key converts with passphrase "test"', { skip: interopSkip }, () => {
  assert.equal(
    sshPrivateKeyToAgeIdentity(read(vectors, 'id_ed25519_passphrase'), 'test'),
    'AGE-SECRET-KEY-1EJQ0DZ679RZ4MF6KDC8L8F327SHUULYD5XP53C08ZHYT0KQLNWJQHG7X8P',
  );
  assert.equal(
    sshPublicKeyToAgeRecipient(read(vectors, 'id_ed25519_passphrase.pub')),
    'age1pa3t6c94xl4z6k02rt0lw2za7e7tdjsse46xjh8y7tluy59qu5tqaqgauq',
  );
});

test('ssh-to-age vector: the passphrase-protected key without passphrase says one is needed', { skip: interopSkip }, () => {
  assert.throws(
    () => sshPrivateKeyToAgeIdentity(read(vectors, 'id_ed25519_passphrase')),
    (e: unknown) => isCode('NO_IDENTITY')(e) && /passphrase/.test((e as Error).message),
  );
});

test('converted identity and recipient belong together', { skip: interopSkip }, async () => {
  const identity = sshPrivateKeyToAgeIdentity(read(vectors, 'id_ed25519'));
  assert.equal(await identityToRecipient(identity), sshPublicKeyToAgeRecipient(read(vectors, 'id_ed25519.pub')));
});

test('ssh-to-age vector: keyscan output converts its ed25519 keys and skips the rsa lines', { skip: interopSkip }, () => {
  const { recipients, skipped } = convertPublicKeys(read(vectors, 'keyscan.txt'));
  assert.deepEqual(recipients, [
    'age1hjm3aujg9e79f5yth8a2cejzdjg5n9vnu96l05p70uvfpeltnpms7yy3pp',
    'age1v8zjc47jmlqwefyu66s0d4ke98qr4vnuj3cpvs4z9npfdw833dxqwjrhzv',
  ]);
  assert.equal(skipped.length, 2);
  assert.match(skipped[0]!, /^line 2: skipped ssh-rsa key \(eve\.thalheim\.io\)/);
  assert.match(skipped[1]!, /^line 6: skipped ssh-rsa key \(eva\.thalheim\.io\)/);
});

test('convertPublicKeys reads authorized_keys and known_hosts forms, skips revoked keys', { skip: interopSkip }, () => {
  const b64 = read(vectors, 'id_ed25519.pub').split(' ')[1]!;
  const text = [
    '# comment line',
    '',
    `no-pty,command="x y" ssh-ed25519 ${b64} user@host`,
    `@cert-authority *.example.com ssh-ed25519 ${b64}`,
    `@revoked old.example.com ssh-ed25519 ${b64}`,
    `host.example.com ssh-ed25519 ${b64}\r`,
  ].join('\n');
  const { recipients, skipped } = convertPublicKeys(text);
  const expected = 'age17044m9wgakla6pzftf4srtl3h5mcsr85jysgt5fg23zpnta8sfdqhzn452';
  assert.deepEqual(recipients, [expected, expected, expected]);
  assert.deepEqual(skipped, ['line 5: skipped revoked ssh-ed25519 key (old.example.com)']);
});

test('convertPublicKeys names the line that holds no key', { skip: interopSkip }, () => {
  assert.throws(
    () => convertPublicKeys(`${read(vectors, 'id_ed25519.pub').trim()}\nnot a key at all\n`),
    (e: unknown) => isCode('INVALID_RECIPIENT')(e) && /^line 2: no ssh public key found/.test((e as Error).message),
  );
});

test('a non-ed25519 public key does not convert to a recipient', { skip: interopSkip }, () => {
  const rsaLine = read(vectors, 'keyscan.txt').split('\n')[1]!.replace(/^\S+ /, '');
  assert.throws(() => sshPublicKeyToAgeRecipient(rsaLine), isCode('UNSUPPORTED'));
});

test('an rsa private key does not convert to an age identity', () => {
  assert.throws(() => sshPrivateKeyToAgeIdentity(goAgeRsa.key), isCode('UNSUPPORTED', /only ed25519 keys convert/));
});

/** Decodes an AGE-SECRET-KEY string to its 32 bytes. */
function secretBytes(identity: string): Uint8Array {
  return bech32.fromWords(bech32.decode(identity.toLowerCase() as `${string}1${string}`, false).words);
}

function clamp(k: Uint8Array): Uint8Array {
  const c = Uint8Array.from(k);
  c[0]! &= 248;
  c[31]! &= 127;
  c[31]! |= 64;
  return c;
}

test('sops-nix ssh key converts to the same X25519 key as its derived age key', { skip: interopSkip }, async () => {
  const converted = sshPrivateKeyToAgeIdentity(read(sopsNix, 'ssh-ed25519-key'));
  const derived = read(sopsNix, 'ssh-ed25519-key.derived-age-key.txt')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
  // The fixture stores the clamped scalar; ssh-to-age (and this conversion) store it unclamped.
  // X25519 clamps before use, so both are the same key.
  assert.deepEqual(clamp(secretBytes(converted)), secretBytes(derived));
  const recipient = 'age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs';
  assert.equal(await identityToRecipient(converted), recipient);
  assert.equal(await identityToRecipient(derived), recipient);
  assert.equal(sshPublicKeyToAgeRecipient(read(sopsNix, 'ssh-ed25519-key.pub')), recipient);
});

interface AgeEntry {
  recipient: string;
  enc: string;
}

function sopsNixEntries(): AgeEntry[] {
  const doc = parseYaml(read(sopsNix, 'secrets.yaml')) as { sops: { age: AgeEntry[] } };
  return doc.sops.age;
}

test('sops-nix secrets.yaml: the ssh key opens the stanza of its converted recipient', { skip: interopSkip }, async () => {
  const expected = (JSON.parse(read(path.join(sopsNix, 'derived'), 'secrets.yaml.derived.json')) as { data_key_hex: string })
    .data_key_hex;
  const entry = sopsNixEntries().find((e) => e.recipient.startsWith('age1a8pk4akr'))!;
  const d = new Decrypter();
  for (const id of sshIdentitiesFromPrivateKey(read(sopsNix, 'ssh-ed25519-key'))) d.addIdentity(id);
  const raw = await d.decrypt(armor.decode(entry.enc));
  assert.equal(Buffer.from(raw).toString('hex'), expected);
});

test('sops-nix secrets.yaml: the ssh key does not open the other age stanza, nor as a native ssh identity', { skip: interopSkip }, async () => {
  const entries = sopsNixEntries();
  const other = entries.find((e) => e.recipient.startsWith('age1yt3tfq'))!;
  const d = new Decrypter();
  for (const id of sshIdentitiesFromPrivateKey(read(sopsNix, 'ssh-ed25519-key'))) d.addIdentity(id);
  await assert.rejects(d.decrypt(armor.decode(other.enc)), /no identity matched/);
  const own = entries.find((e) => e.recipient.startsWith('age1a8pk4akr'))!;
  const key = parseOpenSshPrivateKey(read(sopsNix, 'ssh-ed25519-key'));
  assert.equal(key.kind, 'ed25519');
  if (key.kind !== 'ed25519') return;
  const nativeOnly = new Decrypter();
  nativeOnly.addIdentity(SshEd25519Identity.fromPrivateKey(key));
  await assert.rejects(nativeOnly.decrypt(armor.decode(own.enc)), /no identity matched/);
});
