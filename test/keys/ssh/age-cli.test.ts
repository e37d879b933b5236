/**
 * Cross-checks against the Go age binary (`age` 1.1.1+ reads SSH keys with -R / -i). Skipped,
 * with the reason, when `age` is not installed (Debian: `apt-get install -y age`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decrypter, Encrypter, armor, type Identity } from 'age-encryption';
import { parseSshRecipient, sshIdentitiesFromPrivateKey } from '../../../src/keys/ssh/recipients.js';
import { sshPrivateKeyToAgeIdentity, sshPublicKeyToAgeRecipient } from '../../../src/keys/ssh/ssh-to-age.js';
import { tempDir } from '../../helpers/paths.js';
import { goAgeRsa, hasBinary, haveSshKeygen, keyCache, writeKey, type GeneratedKey } from './test-keys.js';

const skip = !hasBinary('age')
  ? 'the age binary is not installed (apt-get install -y age)'
  : !haveSshKeygen
    ? 'ssh-keygen is not installed'
    : false;

const dir = tempDir();
const key = keyCache(dir);
let rsa: GeneratedKey | undefined;
const kinds: [string, () => GeneratedKey][] = [
  ['ssh-ed25519', () => key('ed', ['-t', 'ed25519'])],
  // A fixed RSA key (ssh-keygen made it; generating one here is slow): age reads it from a file.
  ['ssh-rsa', () => (rsa ??= writeKey(dir, 'rsa', goAgeRsa))],
];

for (const [kind, make] of kinds) {
  test(`a file this module encrypts to an ${kind} recipient decrypts with age -d -i <ssh key>`, { skip }, async () => {
    const k = make();
    const e = new Encrypter();
    e.addRecipient(parseSshRecipient(k.pub));
    const file = path.join(dir, `${kind}.to-age`);
    fs.writeFileSync(file, armor.encode(await e.encrypt(`for ${kind}`)));
    assert.equal(execFileSync('age', ['-d', '-i', k.path, file], { encoding: 'utf8' }), `for ${kind}`);
  });

  test(`a file age -R <${kind} pub> encrypts decrypts with this module's identities`, { skip }, async () => {
    const k = make();
    const out = execFileSync('age', ['-R', `${k.path}.pub`], { input: `from age ${kind}` });
    const d = new Decrypter();
    for (const id of sshIdentitiesFromPrivateKey(k.text) as Identity[]) d.addIdentity(id);
    assert.equal(await d.decrypt(new Uint8Array(out), 'text'), `from age ${kind}`);
  });
}

test('age agrees on the ssh-to-age conversion: the converted identity opens a file age -r encrypts', { skip }, async () => {
  const k = key('ed', ['-t', 'ed25519']);
  const recipient = sshPublicKeyToAgeRecipient(k.pub);
  const idFile = path.join(dir, 'converted.txt');
  fs.writeFileSync(idFile, `${sshPrivateKeyToAgeIdentity(k.text)}\n`, { mode: 0o600 });
  const out = execFileSync('age', ['-r', recipient], { input: 'converted' });
  assert.equal(execFileSync('age', ['-d', '-i', idFile], { input: out, encoding: 'utf8' }), 'converted');
  const d = new Decrypter();
  for (const id of sshIdentitiesFromPrivateKey(k.text)) d.addIdentity(id);
  assert.equal(await d.decrypt(new Uint8Array(out), 'text'), 'converted');
});
