import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateHybridIdentity, generateIdentity, identityToRecipient } from 'age-encryption';
import type { AgeMasterKey, ForeignMasterKey, KeyGroup } from '../../src/core/keys-model.js';
import { newMap } from '../../src/core/tree.js';
import { ExitCode, TsopsError, isTsopsError } from '../../src/errors.js';
import { fakeIo } from '../helpers/fake-io.js';
import {
  decryptDataKeyWithIdentities,
  masterKeyName,
  unwrapDataKey,
  unwrapDataKeyPayloads,
  wrapDataKey,
} from '../../src/keys/data-key.js';
import { FixedIdentities, IdentityLoader } from '../../src/keys/identities.js';
import { formatAgeKeyError, formatDataKeyFailure, wordWrap } from '../../src/keys/key-report.js';
import { redactSecrets } from '../../src/keys/secret-guard.js';
import { tempDir } from '../helpers/paths.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { ageFixtures, keyFilesFor } from './interop-fixtures.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function newKey(pq = false): Promise<{ secret: string; recipient: string }> {
  const secret = pq ? await generateHybridIdentity() : await generateIdentity();
  return { secret, recipient: await identityToRecipient(secret) };
}

function identityLines(files: string[]): string[] {
  return files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('AGE-SECRET-KEY')));
}

function pgpKey(fp: string): ForeignMasterKey {
  return {
    type: 'pgp',
    fields: newMap([
      { key: 'created_at', value: '2020-07-12T08:03:51Z' },
      { key: 'enc', value: '-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n' },
      { key: 'fp', value: fp },
    ]),
  };
}

async function failureOf(p: Promise<unknown>): Promise<TsopsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isTsopsError(e), `expected a TsopsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('unwrapDataKey on files written by sops', () => {
  const fixtures = ageFixtures();

  it('finds the age fixtures', { skip: interopSkip }, () => {
    assert.ok(fixtures.length >= 20, `only ${fixtures.length} fixtures`);
  });

  for (const fx of fixtures) {
    it(`${fx.name} unwraps to the data key its derived JSON records`, async () => {
      const keys = keyFilesFor(fx);
      assert.ok(keys.length > 0);
      const dataKey = await decryptDataKeyWithIdentities([fx.group], 0, identityLines(keys));
      assert.equal(hex(dataKey), fx.dataKeyHex);
    });

    it(`${fx.name}: each stanza opens or not as the derived JSON says`, async () => {
      const ids = await FixedIdentities.fromStrings(identityLines(keyFilesFor(fx)));
      const ageKeys = fx.group.filter((k): k is AgeMasterKey => k.type === 'age');
      assert.deepEqual(
        ageKeys.map((k) => k.recipient),
        fx.stanzas.map((s) => s.recipient),
      );
      for (const [i, key] of ageKeys.entries()) {
        const opened = await unwrapDataKey([[key]], 0, ids).then(
          (k) => hex(k) === fx.dataKeyHex,
          () => false,
        );
        assert.equal(opened, fx.stanzas[i]?.ok, `stanza ${i} (${key.recipient})`);
      }
    });
  }

  it("opens humphd's file with its one key among three recipients, through SOPS_AGE_KEY_FILE", { skip: interopSkip }, async () => {
    const fx = fixtures.find((f) => f.name === path.join('humphd-sops-age', 'secret.enc.yaml'));
    assert.ok(fx);
    const loader = new IdentityLoader(
      fakeIo({ env: { SOPS_AGE_KEY_FILE: path.join(interopDir, 'humphd-sops-age', 'key.txt') } }).io,
      { platform: 'linux' },
    );
    assert.equal(hex(await unwrapDataKey([fx.group], 0, loader)), fx.dataKeyHex);
  });

  it('opens sops-nix secrets.yaml with the ssh-derived age key alone, skipping its PGP keys', { skip: interopSkip }, async () => {
    const fx = fixtures.find((f) => f.name === path.join('sops-nix', 'secrets.yaml'));
    assert.ok(fx);
    assert.equal(fx.group.filter((k) => k.type === 'pgp').length, 2);
    const derived = identityLines([path.join(interopDir, 'sops-nix', 'ssh-ed25519-key.derived-age-key.txt')]);
    assert.equal(hex(await decryptDataKeyWithIdentities([fx.group], 0, derived)), fx.dataKeyHex);
  });

  it('opens the post-quantum fluxcd fixture with keys/age-pq.txt', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'fluxcd-kustomize-controller');
    const { readFixtureGroup } = await import('./interop-fixtures.js');
    const group = readFixtureGroup(path.join(dir, 'algorithms', 'age-pq.yaml'), 'yaml');
    const key = await decryptDataKeyWithIdentities([group], 0, identityLines([path.join(dir, 'keys', 'age-pq.txt')]));
    assert.equal(key.length, 32);
    // the classical key of the same folder does not open it
    await failureOf(decryptDataKeyWithIdentities([group], 0, identityLines([path.join(dir, 'keys', 'age.txt')])));
  });
});

describe('wrapDataKey', () => {
  it('wraps the full data key for every recipient of a single group', async () => {
    const [a, b] = [await newKey(), await newKey(true)];
    const dataKey = new Uint8Array(32).map((_, i) => i + 1);
    const wrapped = await wrapDataKey([[a.recipient, ` ${b.recipient} `]], dataKey, 0);
    assert.equal(wrapped.threshold, 0);
    assert.equal(wrapped.groups.length, 1);
    const group = wrapped.groups[0] as KeyGroup;
    assert.deepEqual(
      group.map((k) => (k.type === 'age' ? k.recipient : '')),
      [a.recipient, b.recipient],
    );
    for (const k of [a, b]) assert.deepEqual(await decryptDataKeyWithIdentities(wrapped.groups, 0, [k.secret]), dataKey);
    for (const k of group) assert.ok(k.type === 'age' && k.enc.endsWith('-----END AGE ENCRYPTED FILE-----\n'));
  });

  it('re-wraps existing age keys with a new enc', async () => {
    const a = await newKey();
    const dataKey = new Uint8Array(32).fill(3);
    const first = await wrapDataKey([[a.recipient]], dataKey, 0);
    const again = await wrapDataKey(first.groups, dataKey, 0);
    const [k1, k2] = [first.groups[0]?.[0], again.groups[0]?.[0]] as AgeMasterKey[];
    assert.notEqual(k1?.enc, k2?.enc);
    assert.deepEqual(await decryptDataKeyWithIdentities(again.groups, 0, [a.secret]), dataKey);
  });

  it('splits across groups so that a threshold of groups recovers the key and fewer do not', async () => {
    const keys = [await newKey(), await newKey(true), await newKey()];
    const dataKey = new Uint8Array(32).map((_, i) => 200 - i);
    const wrapped = await wrapDataKey(
      keys.map((k) => [k.recipient]),
      dataKey,
      2,
    );
    assert.equal(wrapped.threshold, 2);
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const ids = pair.map((i) => keys[i]?.secret as string);
      assert.deepEqual(await decryptDataKeyWithIdentities(wrapped.groups, 2, ids), dataKey);
    }
    const e = await failureOf(decryptDataKeyWithIdentities(wrapped.groups, 2, [keys[1]?.secret as string]));
    assert.equal(e.code, 'NO_IDENTITY');
    assert.match((e.details ?? '').replaceAll('\n', ' '), /Shamir threshold of 2, but only 1 part\(s\) were successfully recovered/);
    assert.match(e.details ?? '', /Group 0: FAILED[\s\S]*Group 1: SUCCESS[\s\S]*Group 2: FAILED/);
  });

  it('wraps 33-byte shares ending with x = group index + 1', async () => {
    const keys = [await newKey(), await newKey()];
    const wrapped = await wrapDataKey(
      keys.map((k) => [k.recipient]),
      new Uint8Array(32),
      0,
    );
    const ids = await FixedIdentities.fromStrings(keys.map((k) => k.secret));
    const { payloads } = await unwrapDataKeyPayloads(wrapped.groups, 2, ids);
    assert.deepEqual(
      payloads.map((p) => [p.length, p[32]]),
      [
        [33, 1],
        [33, 2],
      ],
    );
  });

  it('stores N as the threshold when 0 is asked with N groups, and then needs every group', async () => {
    const keys = [await newKey(), await newKey(), await newKey()];
    const wrapped = await wrapDataKey(
      keys.map((k) => [k.recipient]),
      new Uint8Array(32).fill(1),
      0,
    );
    assert.equal(wrapped.threshold, 3);
    await failureOf(decryptDataKeyWithIdentities(wrapped.groups, 3, [keys[0]?.secret as string, keys[1]?.secret as string]));
    assert.deepEqual(
      await decryptDataKeyWithIdentities(
        wrapped.groups,
        3,
        keys.map((k) => k.secret),
      ),
      new Uint8Array(32).fill(1),
    );
  });

  it('refuses missing or empty groups and thresholds Shamir cannot meet', async () => {
    const a = await newKey();
    const key = new Uint8Array(32);
    await assert.rejects(wrapDataKey([], key, 0), /no key groups provided/);
    await assert.rejects(wrapDataKey([[a.recipient], []], key, 0), /empty key group provided/);
    await assert.rejects(wrapDataKey([[a.recipient], [a.recipient]], key, 3), /parts cannot be less than threshold/);
    await assert.rejects(wrapDataKey([[a.recipient], [a.recipient]], key, 1), /threshold must be at least 2/);
    await assert.rejects(wrapDataKey([['age1bogus']], key, 0), /malformed recipient/);
  });

  it('refuses to drop a foreign key when the data key would have to be re-wrapped for it', async () => {
    const a = await newKey();
    const e = await failureOf(wrapDataKey([[a.recipient, pgpKey('ABCD1234')]], new Uint8Array(32), 0));
    assert.equal(e.code, 'UNSUPPORTED');
    assert.match(e.message, /cannot wrap the data key for the pgp key ABCD1234 in key group 0/);
  });

  it('carries foreign keys unchanged when the data key and group payloads are kept (one group)', async () => {
    const a = await newKey();
    const pgp = pgpKey('FP1');
    const dataKey = new Uint8Array(32).fill(5);
    const original = await wrapDataKey([[a.recipient]], dataKey, 0);
    const group = [...(original.groups[0] as KeyGroup), pgp];
    const ids = await FixedIdentities.fromStrings([a.secret]);
    const { payloads } = await unwrapDataKeyPayloads([group], 0, ids);
    const b = await newKey();
    const updated = await wrapDataKey([[...group, b.recipient]], dataKey, 0, { previousPayloads: payloads });
    assert.equal(updated.groups[0]?.[1], pgp);
    assert.deepEqual(await decryptDataKeyWithIdentities(updated.groups, 0, [b.secret]), dataKey);
    await assert.rejects(wrapDataKey([group], new Uint8Array(32).fill(6), 0, { previousPayloads: payloads }), /do not match the data key/);
  });

  it('carries foreign keys across Shamir groups by reusing every group share, even of unopened groups', async () => {
    const [a, b, c] = [await newKey(), await newKey(), await newKey()];
    const dataKey = new Uint8Array(32).map((_, i) => i * 3);
    const original = await wrapDataKey([[a.recipient], [b.recipient], [c.recipient]], dataKey, 2);
    const allIds = await FixedIdentities.fromStrings([a.secret, b.secret, c.secret]);
    const truth = await unwrapDataKeyPayloads(original.groups, 2, allIds);
    // only groups 0 and 1 can be opened; group 2's share is re-derived
    const partial = await unwrapDataKeyPayloads(original.groups, 2, await FixedIdentities.fromStrings([a.secret, b.secret]));
    assert.deepEqual(partial.payloads.map(hex), truth.payloads.map(hex));

    const pgp = pgpKey('FP2');
    const groups = [[a.recipient], [b.recipient, pgp], [c.recipient]];
    const updated = await wrapDataKey(groups, dataKey, 2, { previousPayloads: partial.payloads });
    assert.equal(updated.groups[1]?.[1], pgp);
    const after = await unwrapDataKeyPayloads(updated.groups, 2, allIds);
    assert.deepEqual(after.payloads.map(hex), truth.payloads.map(hex));
    assert.deepEqual(after.dataKey, dataKey);
  });
});

describe('the data-key failure report (exit 128)', () => {
  it('names each group and master key with its outcome, and holds no key material', async () => {
    const [a, pq, stranger] = [await newKey(), await newKey(true), await newKey()];
    const wrapped = await wrapDataKey([[a.recipient, pq.recipient]], new Uint8Array(32), 0);
    const group = [...(wrapped.groups[0] as KeyGroup), pgpKey('85D77543B3D624B63CEA9E6DBC17301B491B3F21')];
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'keys.txt'), `# someone else\n${stranger.secret}\n`);
    const io = fakeIo({ env: { SOPS_AGE_KEY_FILE: path.join(dir, 'keys.txt'), SOPS_AGE_KEY: 'not-a-key', HOME: dir } }).io;
    const e = await failureOf(unwrapDataKey([group], 0, new IdentityLoader(io, { platform: 'linux' })));
    assert.equal(e.code, 'NO_IDENTITY');
    assert.equal(e.exitCode, ExitCode.CouldNotRetrieveKey);
    assert.equal(e.message, 'failed to get the data key required to decrypt the sops file');
    const details = e.details ?? '';
    assert.match(details, /^Group 0: FAILED\n/);
    assert.ok(details.includes(`  ${a.recipient}: FAILED\n    - | failed to create reader for decrypting sops data key`));
    assert.ok(details.includes(`  ${pq.recipient.slice(0, 24)}…${pq.recipient.slice(-12)}: FAILED`));
    assert.ok(details.includes('  85D77543B3D624B63CEA9E6DBC17301B491B3F21: FAILED\n    - | unsupported key type pgp'));
    assert.match(details, /no identity matched any of the recipients/);
    assert.match(details.replaceAll('\n', ' '), /Recovery failed because no master key was able to decrypt the file/);
    assert.match(details, /Identity sources consulted:\n {2}SOPS_AGE_KEY: error: failed to parse 'SOPS_AGE_KEY' age identities: unknown identity type \(line 1\)/);
    assert.ok(details.includes(`SOPS_AGE_KEY_FILE (${path.join(dir, 'keys.txt')}): 1 identity for ${stranger.recipient}`));
    assert.ok(details.includes(`${path.join(dir, '.config', 'sops', 'age', 'keys.txt')}: not found`));
    const everything = `${e.message}\n${details}\n${e.hint ?? ''}`;
    for (const s of [a.secret, pq.secret, stranger.secret]) assert.ok(!everything.includes(s));
    assert.ok(!/AGE-SECRET-KEY/i.test(everything));
    for (const line of details.split('\n')) assert.ok(!line.includes('| ') || line.length <= 72, `long line: ${line}`);
  });

  it("says where no keys were found, as sops' message does, when no identity is available", async () => {
    const a = await newKey();
    const wrapped = await wrapDataKey([[a.recipient]], new Uint8Array(32), 0);
    const home = tempDir();
    const e = await failureOf(unwrapDataKey(wrapped.groups, 0, new IdentityLoader(fakeIo({ env: { HOME: home } }).io, { platform: 'linux' })));
    const flat = (e.details ?? '').replace(/\n\s+\| /g, ' ');
    assert.ok(
      flat.includes(
        `- | failed to load age identities. Did not find keys in locations 'SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY_CMD', and '${path.join(home, '.config', 'sops', 'age', 'keys.txt')}'.`,
      ),
      flat,
    );
  });

  it('tries passphrase-protected files only after the other identities did not match', async () => {
    const { Encrypter } = await import('age-encryption');
    const [a, b] = [await newKey(), await newKey()];
    const enc = new Encrypter();
    enc.setPassphrase('pw');
    enc.setScryptWorkFactor(10);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'locked.age'), await enc.encrypt(`${b.secret}\n`));
    let asked = 0;
    const loader = () =>
      new IdentityLoader(
        fakeIo({ env: { SOPS_AGE_KEY: a.secret, SOPS_AGE_KEY_FILE: path.join(dir, 'locked.age') } }).io,
        {
          platform: 'linux',
          askPassphrase: async () => {
            asked++;
            return 'pw';
          },
        },
      );
    const dataKey = new Uint8Array(32).fill(8);
    const forA = await wrapDataKey([[a.recipient]], dataKey, 0);
    assert.deepEqual(await unwrapDataKey(forA.groups, 0, loader()), dataKey);
    assert.equal(asked, 0);
    const forB = await wrapDataKey([[b.recipient], [a.recipient]], dataKey, 0);
    const l = loader();
    assert.deepEqual(await unwrapDataKey(forB.groups, 2, l), dataKey);
    assert.equal(asked, 1);
  });

  it('lists foreign keys after age keys, in the default decryption order', async () => {
    const a = await newKey();
    const wrapped = await wrapDataKey([[a.recipient]], new Uint8Array(32), 0);
    const kms: ForeignMasterKey = {
      type: 'kms',
      fields: newMap([{ key: 'arn', value: 'arn:aws:kms:eu-west-1:1:key/x' }]),
    };
    const group = [kms, pgpKey('FP'), ...(wrapped.groups[0] as KeyGroup)];
    const e = await failureOf(decryptDataKeyWithIdentities([group], 0, []));
    const names = (e.details ?? '').split('\n').filter((l) => /^ {2}\S.*: (FAILED|SUCCESS)$/.test(l));
    assert.deepEqual(names, [`  ${a.recipient}: FAILED`, '  FP: FAILED', '  arn:aws:kms:eu-west-1:1:key/x: FAILED']);
    assert.equal(masterKeyName(kms), 'arn:aws:kms:eu-west-1:1:key/x');
  });
});

describe('report formatting', () => {
  it('wraps words at the width and keeps long words whole', () => {
    assert.equal(wordWrap('aaa bbb ccc', 7), 'aaa bbb\nccc');
    assert.equal(wordWrap('x '.repeat(3) + 'y'.repeat(12), 5), 'x x x\nyyyyyyyyyyyy');
  });

  it('redacts identities and private key blocks', () => {
    const s = redactSecrets(
      'a AGE-SECRET-KEY-1QQQQ b age-secret-key-pq-1zzz c AGE-PLUGIN-YUBIKEY-1ABC d -----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n-----END OPENSSH PRIVATE KEY----- e',
    );
    assert.equal(s, 'a [redacted] b [redacted] c [redacted] d [redacted] e');
  });

  it("joins unused locations the way sops' formatError does", () => {
    const o = (location: string) => ({ location, status: 'not-set' as const, count: 0, recipients: [] });
    assert.equal(formatAgeKeyError('m', undefined, [o('A')]), "m. Did not find keys in location 'A'.");
    assert.equal(formatAgeKeyError('m', 'why', [o('A'), o('B')]), "m: why. Did not find keys in locations 'A' and 'B'.");
    assert.equal(
      formatAgeKeyError('m', undefined, [
        o('A'),
        { location: 'B', status: 'error', count: 0, recipients: [], message: 'bad' },
        o('C'),
        o('D'),
      ]),
      "m. Errors while loading age identities: bad. Did not find keys in locations 'A', 'C', and 'D'.",
    );
  });

  it('counts and names the identities found instead of saying none were found when some were', () => {
    const o = (location: string) => ({ location, status: 'not-set' as const, count: 0, recipients: [] });
    const loaded = (location: string, count: number, detail?: string) => ({
      location,
      status: 'loaded' as const,
      count,
      recipients: [],
      ...(detail === undefined ? {} : { detail }),
    });
    assert.equal(
      formatAgeKeyError('m', 'why', [o('A'), loaded('SOPS_AGE_KEY_FILE', 1, 'k.txt'), o('C')]),
      'm: why. The 1 identity found (in SOPS_AGE_KEY_FILE (k.txt)) does not match this recipient.',
    );
    assert.equal(
      formatAgeKeyError('m', undefined, [loaded('SOPS_AGE_KEY', 2), o('B'), loaded('/h/keys.txt', 1)]),
      'm. The 3 identities found (in SOPS_AGE_KEY and /h/keys.txt) do not match this recipient.',
    );
  });

  it('lays out a successful group with its key and the Shamir trailer', () => {
    const text = formatDataKeyFailure({
      groups: [
        { ok: true, keys: [{ name: 'age1a', ok: true, errors: [] }] },
        { ok: false, keys: [{ name: 'age1b', ok: false, errors: ['first reason', 'second reason'] }] },
      ],
      threshold: 2,
      sources: [],
    });
    assert.equal(
      text.split('\n\nRecovery')[0],
      'Group 0: SUCCESS\n  age1a: SUCCESS\n\nGroup 1: FAILED\n  age1b: FAILED\n    - | first reason\n\n    - | second reason',
    );
    assert.match(text.replaceAll('\n', ' '), /Shamir threshold of 2, but only 1 part\(s\)/);
  });
});
