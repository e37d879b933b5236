/** PGP keys: gpg's messages sorted, fingerprint lists, and wrapping across groups with a real gpg. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptData } from '../../src/api.js';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { KeyGroup } from '../../src/core/keys-model.js';
import { getKey } from '../../src/core/tree.js';
import { isTsopsError } from '../../src/errors.js';
import { fakeIo } from '../helpers/fake-io.js';
import type { Io } from '../../src/io/types.js';
import { unwrapDataKeyPayloads, wrapDataKey } from '../../src/keys/data-key.js';
import { FixedIdentities } from '../../src/keys/identities.js';
import { GnuPG, classifyGpgError, gnupgHome as homeFor, gpgBinary, gpgMessages, shortFingerprint, type PgpService } from '../../src/keys/pgp/gpg.js';
import { formatCreatedAt, newPgpKey, parseFingerprintList, pgpEnc, pgpFingerprint } from '../../src/keys/pgp/key-source.js';
import { SOPS_TEST_FP as FP, gnupgHome, gpgDecrypt, knownDataKeysDir, pgpSkip, sopsTestKeyFile, stopGnupgHomes } from '../helpers/gnupg.js';

after(stopGnupgHomes);

describe('gpg output', () => {
  it('sorts failures: a failed pinentry (which gpg also reports as "No secret key") is an agent failure', () => {
    const noKey = '[GNUPG:] ENC_TO 25294A17CD90507F 1 0\ngpg: encrypted with RSA key, ID 25294A17CD90507F\n[GNUPG:] NO_SECKEY 25294A17CD90507F\ngpg: decryption failed: No secret key\n';
    assert.equal(classifyGpgError(noKey), 'no-secret-key');
    assert.equal(classifyGpgError('gpg: public key decryption failed: Inappropriate ioctl for device\ngpg: decryption failed: No secret key\n'), 'agent');
    assert.equal(classifyGpgError('gpg: X: skipped: No public key\n[GNUPG:] INV_RECP 1 X\ngpg: [stdin]: encryption failed: No public key\n'), 'no-public-key');
    assert.equal(classifyGpgError('gpg: no valid OpenPGP data found.\n'), 'other');
  });

  it('keeps gpg\'s own messages on one bounded line, without status lines', () => {
    assert.equal(gpgMessages('[GNUPG:] NO_SECKEY 1\ngpg: a\n\n  gpg: b  \n'), 'gpg: a; gpg: b');
    assert.ok(gpgMessages(`gpg: ${'x'.repeat(5000)}`).length <= 601);
    const leaked = gpgMessages('gpg: oops\n-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF1n\n-----END PGP PRIVATE KEY BLOCK-----\n');
    assert.doesNotMatch(leaked, /lQOYBF1n|BEGIN PGP PRIVATE/);
  });

  it('uses SOPS_GPG_EXEC, GNUPGHOME (else ~/.gnupg) and the long key id as sops does', () => {
    assert.equal(gpgBinary({}), 'gpg');
    assert.equal(gpgBinary({ SOPS_GPG_EXEC: '/opt/gpg2' }), '/opt/gpg2');
    assert.equal(homeFor({ GNUPGHOME: '/g', HOME: '/h' }), '/g');
    assert.equal(homeFor({ HOME: '/h' }), '/h/.gnupg');
    assert.equal(shortFingerprint(FP), '3D16CEE4A27381B4');
    assert.equal(shortFingerprint('ABCD'), 'ABCD');
  });
});

describe('fingerprints', () => {
  it('splits comma lists, removes spaces, refuses empty elements', () => {
    assert.deepEqual(parseFingerprintList(''), []);
    assert.deepEqual(parseFingerprintList('AB CD, EF'), ['ABCD', 'EF']);
    assert.throws(() => parseFingerprintList('AB,,CD'), (e) => isTsopsError(e) && e.code === 'INVALID_RECIPIENT');
  });

  it('a new key has only its fingerprint; created_at is RFC 3339 in whole seconds', () => {
    const k = newPgpKey('AB CD');
    assert.equal(pgpFingerprint(k), 'ABCD');
    assert.equal(pgpEnc(k), '');
    assert.equal(formatCreatedAt(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05Z');
  });
});

describe('wrapping for PGP keys with gpg', { skip: pgpSkip }, () => {
  const home = pgpSkip ? '' : gnupgHome([sopsTestKeyFile]);
  const io: Io = fakeIo({ env: { ...process.env, GNUPGHOME: home }, now: new Date('2026-05-01T10:00:00Z') }).io;
  const gpg = new GnuPG(io);
  /** The real gpg, counting its decryptions, to see the order keys are tried in. */
  const counting = (): PgpService & { decrypts: number } => {
    const s = { decrypts: 0, now: () => gpg.now(), encrypt: (fp: string, p: Uint8Array) => gpg.encrypt(fp, p), decrypt: (fp: string, e: string) => (s.decrypts++, gpg.decrypt(fp, e)) };
    return s;
  };

  it('a PGP group and an age group share the data key (Shamir); the PGP share opens with gpg alone', async () => {
    const secret = await generateIdentity();
    const recipient = await identityToRecipient(secret);
    const dataKey = randomBytes(32);
    const wrapped = await wrapDataKey([[newPgpKey(FP)], [recipient]], dataKey, 2, { pgp: gpg });
    const pgpKey = wrapped.groups[0]![0]!;
    assert.equal(pgpKey.type, 'pgp');
    if (pgpKey.type !== 'pgp') return;
    assert.equal(getKey(pgpKey.fields, 'created_at'), '2026-05-01T10:00:00Z');
    const share = gpgDecrypt(home, String(getKey(pgpKey.fields, 'enc')));
    assert.equal(share.length, 33, 'a Shamir share: 32 bytes and its x coordinate');
    const ids = await FixedIdentities.fromStrings([secret]);
    const got = await unwrapDataKeyPayloads(wrapped.groups, wrapped.threshold, ids, { pgp: gpg });
    assert.deepEqual(Buffer.from(got.dataKey), dataKey);
    assert.deepEqual(Buffer.from(got.payloads[0]!), share);
  });

  it('tries age first by default and PGP first with decryption order [pgp]', async () => {
    const secret = await generateIdentity();
    const dataKey = randomBytes(32);
    const wrapped = await wrapDataKey([[await identityToRecipient(secret), newPgpKey(FP)]], dataKey, 0, { pgp: gpg });
    const ids = await FixedIdentities.fromStrings([secret]);
    const byDefault = counting();
    await unwrapDataKeyPayloads(wrapped.groups, 0, ids, { pgp: byDefault });
    assert.equal(byDefault.decrypts, 0);
    const pgpFirst = counting();
    const got = await unwrapDataKeyPayloads(wrapped.groups, 0, ids, { pgp: pgpFirst, decryptionOrder: ['pgp'] });
    assert.equal(pgpFirst.decrypts, 1);
    assert.deepEqual(Buffer.from(got.dataKey), dataKey);
  });

  it('keeps the enc of a PGP key when the payloads stay, re-wraps it when they change', async () => {
    const dataKey = randomBytes(32);
    const first = await wrapDataKey([[newPgpKey(FP)]], dataKey, 0, { pgp: gpg });
    const kept = await wrapDataKey(first.groups, dataKey, 0, { pgp: gpg, previousPayloads: [dataKey] });
    assert.equal(kept.groups[0]![0], first.groups[0]![0]);
    const other = randomBytes(32);
    const rewrapped = await wrapDataKey(first.groups, other, 0, { pgp: gpg });
    const k = rewrapped.groups[0]![0]!;
    assert.ok(k.type === 'pgp');
    assert.deepEqual(gpgDecrypt(home, String(getKey(k.fields, 'enc'))), other);
  });

  it('the library opens a sops PGP file through GnuPG given with a provider', async () => {
    const file = path.join(knownDataKeysDir, 'format.enc.yaml');
    const plain = await decryptData(fs.readFileSync(file), { format: 'yaml', provider: await FixedIdentities.fromStrings([]), pgp: gpg });
    assert.equal(Buffer.from(plain).toString('utf8'), 'foo: bar\n');
  });

  it('without GnuPG (library use) a PGP key to wrap is refused, and skipped when unwrapping', async () => {
    await assert.rejects(wrapDataKey([[newPgpKey(FP)]], randomBytes(32), 0), (e) => isTsopsError(e) && e.code === 'UNSUPPORTED');
    const wrapped = await wrapDataKey([[newPgpKey(FP)]], randomBytes(32), 0, { pgp: gpg });
    const groups: KeyGroup[] = wrapped.groups;
    await assert.rejects(unwrapDataKeyPayloads(groups, 0, await FixedIdentities.fromStrings([])), (e) => isTsopsError(e) && e.code === 'NO_IDENTITY');
  });
});
