import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDecipheriv } from 'node:crypto';
import { Stanza, generateHybridIdentity, generateIdentity, identityToRecipient } from 'age-encryption';
import { parse as parseYaml } from 'yaml';
import {
  identityLineKind,
  parseAgeRecipient,
  parseNativeIdentity,
  shortRecipient,
  unwrapKey,
  wrapKey,
} from '../../../src/keys/age/master-key.js';
import type { Identity } from '../../../src/keys/identity.js';
import type { RecipientParser } from '../../../src/keys/recipients.js';
import { isTsopsError } from '../../../src/errors.js';
import { runProcess } from '../../../src/io/spawn.js';
import { tempDir } from '../../helpers/paths.js';
import { interopDir, interopSkip } from '../../helpers/interop.js';

const VECTOR_IDENTITY = 'AGE-SECRET-KEY-1G0Q5K9TV4REQ3ZSQRMTMG8NSWQGYT0T7TZ33RAZEE0GZYVZN0APSU24RK7';
const VECTOR_RECIPIENT = 'age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun';
const VECTOR_ENC = `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBvY2t2NkdLUGRvY3l2OGNy
MVJWcUhCOEZrUG8yeCtnRnhxL0I5NFk4YjJFCmE4SVQ3MEdyZkFqRWpSa2F0NVhF
VDUybzBxdS9nSGpHSVRVMUI0UEVqZkkKLS0tIGJjeGhNQ0Y5L2VZRVVYSm90djFF
bzdnQ3UwTGljMmtrbWNMV1MxYkFzUFUK4xjOZOTGdcbzuwUY/zeBXhcF+Md3e5PQ
EylloI7MNGbadPGb
-----END AGE ENCRYPTED FILE-----
`;

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

async function identity(secret: string): Promise<Identity> {
  return parseNativeIdentity(secret, 'test');
}

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isTsopsError(e), `expected a TsopsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

describe('age unwrapKey', () => {
  it('decrypts the spec §4.1 vector to "data"', async () => {
    const id = await identity(VECTOR_IDENTITY);
    assert.equal(id.recipient, VECTOR_RECIPIENT);
    assert.equal(text(await unwrapKey(VECTOR_ENC, [id])), 'data');
  });

  it('tolerates surrounding whitespace and CRLF line ends in the armor', async () => {
    const crlf = `\n  \r\n${VECTOR_ENC.replaceAll('\n', '\r\n')}  \n\n`;
    assert.equal(text(await unwrapKey(crlf, [await identity(VECTOR_IDENTITY)])), 'data');
  });

  it('rejects armor whose base64 is not strict', async () => {
    const id = await identity(VECTOR_IDENTITY);
    await rejectsWith(unwrapKey(VECTOR_ENC.replace('EylloI7MNGbadPGb', 'EylloI7MNGbadPG'), [id]), 'INVALID_METADATA', /armored age data/);
    await rejectsWith(unwrapKey(VECTOR_ENC.replace('YWdl', 'YW*l'), [id]), 'INVALID_METADATA', /armored age data/);
    await rejectsWith(unwrapKey(VECTOR_ENC.replace('\nMVJW', '\n\nMVJW'), [id]), 'INVALID_METADATA', /armored age data/);
  });

  it('reports no matching identity when none of the identities opens the file', async () => {
    const other = await identity(await generateIdentity());
    await rejectsWith(unwrapKey(VECTOR_ENC, [other]), 'NO_IDENTITY', /^no identity matched any of the recipients$/);
  });

  it('finds the matching identity among several, whatever their order', async () => {
    const ids = [await identity(await generateIdentity()), await identity(VECTOR_IDENTITY), await identity(await generateHybridIdentity())];
    assert.equal(text(await unwrapKey(VECTOR_ENC, ids)), 'data');
    assert.equal(text(await unwrapKey(VECTOR_ENC, ids.reverse(), VECTOR_RECIPIENT)), 'data');
  });

  it('refuses to work with no identities', async () => {
    await rejectsWith(unwrapKey(VECTOR_ENC, []), 'NO_IDENTITY', /no age identities/);
  });
});

describe('age wrapKey', () => {
  it('writes the armor exactly as sops: header, 64-column padded base64, footer, final newline', async () => {
    const enc = await wrapKey(VECTOR_RECIPIENT, new Uint8Array(32).fill(9));
    assert.ok(enc.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n'));
    assert.ok(enc.endsWith('\n-----END AGE ENCRYPTED FILE-----\n'));
    const lines = enc.split('\n').slice(1, -2);
    assert.ok(lines.length > 2);
    lines.forEach((l, i) => {
      if (i < lines.length - 1) assert.equal(l.length, 64);
      else assert.ok(l.length > 0 && l.length <= 64 && l.length % 4 === 0);
      assert.match(l, /^[A-Za-z0-9+/]+=*$/);
    });
    const binary = Buffer.from(lines.join(''), 'base64');
    assert.equal(binary.toString('base64'), lines.join(''));
    assert.ok(binary.toString('latin1').startsWith('age-encryption.org/v1\n-> X25519 '));
  });

  it('round-trips a data key through an X25519 recipient', async () => {
    const secret = await generateIdentity();
    const recipient = await identityToRecipient(secret);
    const key = new Uint8Array(32).map((_, i) => i);
    const enc = await wrapKey(recipient, key);
    assert.deepEqual(await unwrapKey(enc, [await identity(secret)]), key);
  });

  it('round-trips a Shamir share through a post-quantum hybrid recipient', async () => {
    const secret = await generateHybridIdentity();
    const recipient = await identityToRecipient(secret);
    assert.ok(recipient.startsWith('age1pq1'));
    const share = new Uint8Array(33).map((_, i) => 255 - i);
    const enc = await wrapKey(recipient, share);
    const binary = Buffer.from(enc.split('\n').slice(1, -2).join(''), 'base64').toString('latin1');
    assert.ok(binary.startsWith('age-encryption.org/v1\n-> mlkem768x25519 '));
    assert.deepEqual(await unwrapKey(enc, [await identity(secret)]), share);
  });

  it('writes a fresh encryption each time (age is randomized)', async () => {
    const key = new Uint8Array(32);
    assert.notEqual(await wrapKey(VECTOR_RECIPIENT, key), await wrapKey(VECTOR_RECIPIENT, key));
  });
});

describe('parseAgeRecipient', () => {
  it('trims surrounding whitespace and classifies native kinds', async () => {
    const p = parseAgeRecipient(`  ${VECTOR_RECIPIENT}\n`);
    assert.equal(p.recipient, VECTOR_RECIPIENT);
    assert.equal(p.kind, 'x25519');
    const pq = await identityToRecipient(await generateHybridIdentity());
    assert.equal(parseAgeRecipient(pq).kind, 'mlkem768x25519');
  });

  it('parses each recipient once and reuses it', () => {
    assert.equal(parseAgeRecipient(VECTOR_RECIPIENT), parseAgeRecipient(` ${VECTOR_RECIPIENT}`));
  });

  it('names unknown recipient types as sops does', () => {
    assert.throws(() => parseAgeRecipient('npub1xyz'), (e: unknown) => {
      assert.ok(isTsopsError(e));
      assert.equal(e.code, 'INVALID_RECIPIENT');
      assert.equal(e.message, 'failed to parse input, unknown recipient type: "npub1xyz"');
      return true;
    });
    assert.throws(() => parseAgeRecipient('AGE1LZD99UKLCJNC0E7D860AXEVET2CZ99CE9PQ6TZUZD05L5NR28AMS36NVUN'), /unknown recipient type/);
  });

  it('refuses malformed native recipients', () => {
    const badChecksum = `${VECTOR_RECIPIENT.slice(0, -1)}q`;
    assert.throws(() => parseAgeRecipient(badChecksum), /failed to parse input as Bech32-encoded age public key: malformed recipient/);
    assert.throws(() => parseAgeRecipient('age1pq1qqqq'), /post-quantum public key: malformed recipient/);
  });

  it('refuses malformed age plugin recipients, and SSH recipients without the SSH parsers', () => {
    assert.throws(() => parseAgeRecipient('age1yubikey1qwerty'), /malformed age plugin recipient/);
    assert.throws(() => parseAgeRecipient('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE user@host', []), /unsupported ssh recipient/);
    assert.throws(() => parseAgeRecipient('ssh-rsa AAAAB3NzaC1yc2E user@host', []), /unsupported ssh recipient/);
  });

  it('takes another list of recipient kinds, and wraps with it', async () => {
    // a toy recipient kind whose "stanza" carries the file key under a fixed mask
    const mask = 0x5a;
    const toy: RecipientParser = {
      kind: 'toy',
      matches: (r) => r.startsWith('toy-recipient:'),
      parse: () => ({ wrapFileKey: (fileKey) => [new Stanza(['toy'], fileKey.map((b) => b ^ mask))] }),
    };
    const toyIdentity: Identity = {
      origin: 'toy',
      recipient: undefined,
      secret: {
        unwrapFileKey: (stanzas) => {
          const s = stanzas.find((x) => x.args[0] === 'toy');
          return s ? s.body.map((b) => b ^ mask) : null;
        },
      },
    };
    assert.throws(() => parseAgeRecipient('toy-recipient:one'), /unknown|unsupported|failed/i, 'the standard list has no toy kind');
    const parsed = parseAgeRecipient('toy-recipient:one', [toy]);
    assert.equal(parsed.kind, 'toy');
    const enc = await wrapKey(parsed, new Uint8Array([1, 2, 3]));
    assert.deepEqual(await unwrapKey(enc, [toyIdentity]), new Uint8Array([1, 2, 3]));
  });

  it('abbreviates long recipients for messages', async () => {
    const pq = await identityToRecipient(await generateHybridIdentity());
    const short = shortRecipient(pq);
    assert.ok(short.length < 50);
    assert.ok(short.startsWith(pq.slice(0, 24)) && short.endsWith(pq.slice(-12)));
    assert.equal(shortRecipient(VECTOR_RECIPIENT), VECTOR_RECIPIENT);
  });
});

describe('native identities', () => {
  it('classifies identity lines by their upper-cased prefix', () => {
    assert.equal(identityLineKind('AGE-SECRET-KEY-1ABC'), 'x25519');
    assert.equal(identityLineKind('age-secret-key-pq-1abc'), 'mlkem768x25519');
    assert.equal(identityLineKind('AGE-PLUGIN-YUBIKEY-1ABC'), 'plugin');
    assert.equal(identityLineKind('ssh-ed25519 AAAA'), 'unknown');
  });

  it('derives the recipient of X25519 and post-quantum identities', async () => {
    const pq = await generateHybridIdentity();
    assert.equal((await identity(pq)).recipient, await identityToRecipient(pq));
  });

  it('rejects malformed and lower-case identities without quoting them', async () => {
    const bad = `${VECTOR_IDENTITY.slice(0, -1)}Q`;
    for (const s of [bad, VECTOR_IDENTITY.toLowerCase()]) {
      await assert.rejects(parseNativeIdentity(s, 'SOPS_AGE_KEY line 1'), (e: unknown) => {
        assert.ok(isTsopsError(e));
        assert.equal(e.message, 'malformed secret key at SOPS_AGE_KEY line 1');
        assert.ok(!e.message.toUpperCase().includes('AGE-SECRET-KEY'));
        return true;
      });
    }
  });
});

describe('post-quantum interop fixture', () => {
  it('opens fluxcd algorithms/age-pq.yaml with keys/age-pq.txt and the key decrypts its value', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'fluxcd-kustomize-controller');
    const doc = parseYaml(fs.readFileSync(path.join(dir, 'algorithms', 'age-pq.yaml'), 'utf8')) as {
      stringData: { key: string };
      sops: { age: Array<{ recipient: string; enc: string }> };
    };
    const keyLine = fs
      .readFileSync(path.join(dir, 'keys', 'age-pq.txt'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('AGE-SECRET-KEY-PQ-1')) as string;
    const id = await identity(keyLine);
    const stanza = doc.sops.age[0] as { recipient: string; enc: string };
    assert.equal(id.recipient, stanza.recipient);
    const dataKey = await unwrapKey(stanza.enc, [id]);
    assert.equal(dataKey.length, 32);
    // the data key authenticates the file's value (AES-256-GCM, AAD = key path, spec §1.2)
    const m = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:str\]$/.exec(doc.stringData.key);
    assert.ok(m);
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(m[2] as string, 'base64'));
    decipher.setAAD(Buffer.from('stringData:key:'));
    decipher.setAuthTag(Buffer.from(m[3] as string, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(m[1] as string, 'base64')), decipher.final()]);
    assert.equal(plain.toString('utf8'), 'value');
  });
});

// age >= 1.3 from .ci/install-age (TSOPS_AGE_BIN_DIR) first, else the system's
const ageBinary = [
  ...(process.env['TSOPS_AGE_BIN_DIR'] ? [path.join(process.env['TSOPS_AGE_BIN_DIR'], 'age')] : []),
  '/usr/bin/age',
  '/usr/local/bin/age',
].find((p) => fs.existsSync(p));
const skipAge = ageBinary === undefined ? 'the reference `age` binary is not installed (apt-get install -y age)' : false;

describe('interop with the reference age tool', () => {
  it('age -d decrypts what wrapKey writes', { skip: skipAge }, async () => {
    const dir = tempDir();
    const secret = await generateIdentity();
    const idFile = path.join(dir, 'keys.txt');
    fs.writeFileSync(idFile, `# test key\n${secret}\n`, { mode: 0o600 });
    const key = new Uint8Array(32).map((_, i) => (i * 37) & 0xff);
    const encFile = path.join(dir, 'data.age');
    fs.writeFileSync(encFile, await wrapKey(await identityToRecipient(secret), key));
    const r = await runProcess([ageBinary as string, '-d', '-i', idFile, encFile]);
    assert.equal(r.code, 0, Buffer.from(r.stderr).toString());
    assert.deepEqual(new Uint8Array(r.stdout), key);
  });

  it('unwrapKey decrypts what age -e -a writes', { skip: skipAge }, async () => {
    const secret = await generateIdentity();
    const key = new Uint8Array(32).fill(0xab);
    const r = await runProcess([ageBinary as string, '-e', '-a', '-r', await identityToRecipient(secret)], { input: key });
    assert.equal(r.code, 0, Buffer.from(r.stderr).toString());
    assert.deepEqual(await unwrapKey(Buffer.from(r.stdout).toString('utf8'), [await identity(secret)]), key);
  });
});
