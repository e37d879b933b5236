import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { armor } from 'age-encryption';
import { base64, base64nopad } from '@scure/base';
import { TsopsError } from '../../src/errors.js';
import { parseAgeRecipient, unwrapKey, wrapKey } from '../../src/keys/age/master-key.js';
import type { Identity } from '../../src/keys/identity.js';
import { parseSshRecipientLine } from '../../src/keys/recipients.js';
import { SshEd25519Recipient, SshRsaRecipient, sshIdentitiesFromPrivateKey } from '../../src/keys/ssh/recipients.js';
import { concatBytes, encodeMpint, encodeSshString } from '../../src/keys/ssh/wire.js';
import { tempDir } from '../helpers/paths.js';
import { goAgeEd25519, goAgeRsa, noSshKeygen, sshKeygen } from './ssh/test-keys.js';

const isInvalid = (re?: RegExp) => (e: unknown) =>
  e instanceof TsopsError && e.code === 'INVALID_RECIPIENT' && (re === undefined || re.test(e.message));

function identitiesOf(privateKey: string): Identity[] {
  return sshIdentitiesFromPrivateKey(privateKey).map((secret) => ({
    origin: 'test key',
    recipient: (secret as { recipient?: string }).recipient,
    secret,
  }));
}

/** The `-> …` stanza lines of an armored age file. */
function stanzaLines(armored: string): string[] {
  const text = Buffer.from(armor.decode(armored)).toString('latin1');
  return text
    .slice(0, text.indexOf('\n---'))
    .split('\n')
    .filter((l) => l.startsWith('-> '));
}

function tagOf(publicKeyLine: string): string {
  const wire = base64.decode(publicKeyLine.split(/\s+/)[1] as string);
  return base64nopad.encode(createHash('sha256').update(wire).digest().subarray(0, 4));
}

const dataKey = new Uint8Array(32).map((_, i) => 200 - i);

describe('SSH recipients through parseAgeRecipient', () => {
  it('accepts an ssh-ed25519 line with a comment, keeping the trimmed line as the recipient', () => {
    const parsed = parseAgeRecipient(`  ${goAgeEd25519.pub}\t`);
    assert.equal(parsed.recipient, goAgeEd25519.pub);
    assert.equal(parsed.kind, 'ssh-ed25519');
  });

  it('accepts an ssh-rsa line and an ssh-ed25519 line without a comment', () => {
    assert.equal(parseAgeRecipient(goAgeRsa.pub).kind, 'ssh-rsa');
    const bare = goAgeEd25519.pub.split(' ').slice(0, 2).join(' ');
    assert.equal(parseAgeRecipient(bare).recipient, bare);
  });

  it('wraps for ssh-ed25519 as one "-> ssh-ed25519 <tag> <share>" stanza that the private key opens', async () => {
    const enc = await wrapKey(goAgeEd25519.pub, dataKey);
    const lines = stanzaLines(enc);
    assert.equal(lines.length, 1);
    const [, type, tag, share] = (lines[0] as string).split(' ');
    assert.equal(type, 'ssh-ed25519');
    assert.equal(tag, tagOf(goAgeEd25519.pub));
    assert.equal(base64nopad.decode(share as string).length, 32);
    assert.deepEqual(await unwrapKey(enc, identitiesOf(goAgeEd25519.key)), dataKey);
  });

  it('wraps for ssh-rsa as one "-> ssh-rsa <tag>" stanza that the private key opens', async () => {
    const enc = await wrapKey(goAgeRsa.pub, dataKey);
    const lines = stanzaLines(enc);
    assert.deepEqual(lines, [`-> ssh-rsa ${tagOf(goAgeRsa.pub)}`]);
    assert.deepEqual(await unwrapKey(enc, identitiesOf(goAgeRsa.key)), dataKey);
  });

  it('round-trips with keys made by ssh-keygen, and another key does not open the file', { skip: noSshKeygen }, async () => {
    const dir = tempDir();
    const a = sshKeygen(dir, 'a', ['-t', 'ed25519']);
    const b = sshKeygen(dir, 'b', ['-t', 'ed25519']);
    const enc = await wrapKey(a.pub, dataKey);
    assert.deepEqual(await unwrapKey(enc, identitiesOf(a.text)), dataKey);
    await assert.rejects(unwrapKey(enc, identitiesOf(b.text)), /no identity matched/);
  });

  it('refuses a truncated key, naming the recipient kind', () => {
    assert.throws(() => parseAgeRecipient('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE user@host'), isInvalid(/age-ssh public key/));
    assert.throws(() => parseAgeRecipient('ssh-ed25519'), isInvalid(/age-ssh public key/));
  });

  it('refuses other ssh key types with the supported ones in the hint', () => {
    const wire = concatBytes(encodeSshString('ssh-dss'), encodeMpint(new Uint8Array([7])), encodeMpint(new Uint8Array([9])));
    const line = `ssh-dss ${base64.encode(wire)} old@host`;
    assert.throws(
      () => parseAgeRecipient(line),
      (e: unknown) => isInvalid(/"ssh-dss" is not supported/)(e) && /ssh-ed25519 and ssh-rsa/.test((e as TsopsError).hint ?? ''),
    );
  });

  it('refuses an RSA key under 2048 bits', { skip: noSshKeygen }, () => {
    const small = sshKeygen(tempDir(), 'small', ['-t', 'rsa', '-b', '1024']);
    assert.throws(() => parseAgeRecipient(small.pub), isInvalid(/too small/));
  });

  it('still refuses malformed age plugin recipients and unknown kinds', () => {
    assert.throws(() => parseAgeRecipient('age1yubikey1qwerty'), isInvalid(/plugin/));
    assert.throws(() => parseAgeRecipient('ecdsa-sha2-nistp256 AAAA'), isInvalid(/unknown recipient type/));
  });
});

describe('parseSshRecipientLine', () => {
  it('builds the recipient class of the key type', () => {
    assert.ok(parseSshRecipientLine(goAgeEd25519.pub) instanceof SshEd25519Recipient);
    assert.ok(parseSshRecipientLine(goAgeRsa.pub) instanceof SshRsaRecipient);
  });

  it('refuses host names or options before the key', () => {
    assert.throws(() => parseSshRecipientLine(`host.example ${goAgeEd25519.pub}`), isInvalid(/text before the key type/));
    assert.throws(() => parseSshRecipientLine(`@cert-authority *.example ${goAgeEd25519.pub}`), isInvalid(/text before/));
  });

  it('refuses a type field that does not name the key it holds', () => {
    const edData = goAgeEd25519.pub.split(' ')[1] as string;
    assert.throws(() => parseSshRecipientLine(`ssh-rsa ${edData}`), isInvalid());
  });
});
