/**
 * PGP master keys through the real gpg, end to end through the real binary: sops' PGP-only files
 * open, files tsops writes open with gpg alone, rules and flags name PGP keys, mixed PGP + age
 * files open with either key in the chosen order, and every failure names the fingerprint,
 * leaves files alone and shows no key material.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptData, parseEncryptedData } from '../../src/api.js';
import { formatForPath } from '../../src/formats/index.js';
import { getKey } from '../../src/core/tree.js';
import type { KeyGroup } from '../../src/core/keys-model.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import {
  SOPS_TEST_FP as FP,
  gnupgHome,
  gpgDecrypt,
  knownDataKeysDir,
  passphraseHome,
  pgpSkip,
  publicOnlyHome,
  sopsTestKeyFile,
  stopGnupgHomes,
} from '../helpers/gnupg.js';
import { newKey } from './key-management-helpers.js';
import { noScript, runDetached, runWithTerminal } from './tty-run.js';

const skip = pgpSkip;
after(stopGnupgHomes);

const home = skip ? '' : gnupgHome([sopsTestKeyFile]);
const alice = await newKey();
const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ GNUPGHOME: home, ...extra });

function pgpKeys(file: string): Array<{ fp: string; enc: string; created_at: string; fields: string[] }> {
  const doc = parseEncryptedData(fs.readFileSync(file), formatForPath(file));
  return doc.metadata.keyGroups.flatMap((g: KeyGroup) =>
    g.flatMap((k) => {
      if (k.type !== 'pgp') return [];
      const f = (n: string) => String(getKey(k.fields, n) ?? '');
      return [{ fp: f('fp'), enc: f('enc'), created_at: f('created_at'), fields: k.fields.items.map((i) => String(i.key)) }];
    }),
  );
}

/** The data key of a file tsops wrote, recovered with gpg alone, and checked to open the file. */
async function dataKeyByGpg(file: string, gpgHome = home): Promise<Buffer> {
  const keys = pgpKeys(file);
  assert.ok(keys.length > 0, 'the file has a pgp key');
  const dataKey = gpgDecrypt(gpgHome, keys[0]!.enc);
  assert.equal(dataKey.length, 32);
  return dataKey;
}

const PLAIN = 'db:\n    user: admin\n    password: hunter2\nport: 5432\n';

function write(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('PGP files written by sops 3.13', { skip }, () => {
  const dataKeys = skip ? {} : (JSON.parse(fs.readFileSync(path.join(knownDataKeysDir, 'data-keys.json'), 'utf8')) as Record<string, string>);
  const recorded: Record<string, string> = {
    'format.enc.yaml': 'foo: bar\n',
    'format.enc.env': 'foo = bar\n',
    'format.enc.ini': '[foo]\nbar = baz\n',
  };
  for (const name of Object.keys(dataKeys)) {
    it(`${name} decrypts through gpg to what its known data key gives, byte for byte`, async () => {
      const file = path.join(knownDataKeysDir, name);
      const r = await runCli(['decrypt', file], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const expected = await decryptData(fs.readFileSync(file), { format: formatForPath(file), dataKey: Buffer.from(dataKeys[name]!, 'hex') });
      assert.deepEqual(r.stdout, Buffer.from(expected));
      if (recorded[name] !== undefined) assert.equal(r.stdout.toString('utf8'), recorded[name]);
      if (name === 'format.enc.json') assert.deepEqual(JSON.parse(r.stdout.toString('utf8')), { foo: 'bar' });
    });
  }

  it('without the secret key: exit 128, a report naming the fingerprint and what gpg said, no key material', async () => {
    const file = path.join(knownDataKeysDir, 'format.enc.yaml');
    const r = await runCli(['decrypt', file], { env: env({ GNUPGHOME: gnupgHome() }) });
    assert.equal(r.code, 128);
    assert.match(r.stderr, new RegExp(`${FP}: FAILED`));
    assert.match(r.stderr.replace(/\n\s*\| /g, ' '), new RegExp(`failed to decrypt sops data key with pgp key ${FP}: no secret key for it in the keyring`));
    assert.match(r.stderr, /hint: .*secret key of one of the PGP fingerprints/);
    assert.doesNotMatch(r.stderr, /BEGIN PGP|9f6aeda6|\[GNUPG:\]/i);
    assert.equal(r.stdout.length, 0);
  });

  it('without gpg: one line naming gpg and SOPS_GPG_EXEC, exit 128', async () => {
    const file = path.join(knownDataKeysDir, 'format.enc.yaml');
    const r = await runCli(['decrypt', file], { env: env({ SOPS_GPG_EXEC: '/nonexistent/bin/gpg' }) });
    assert.equal(r.code, 128);
    assert.match(r.stderr.replace(/\n\s*\| /g, ' '), new RegExp(`gpg \\("/nonexistent/bin/gpg"\\) not found, needed for the pgp key ${FP}: install GnuPG or set SOPS_GPG_EXEC to the gpg binary`));
  });

  it('a passphrase-protected key with no terminal for pinentry: an agent or pinentry failure, exit 128', async () => {
    const passphrase = 'correct horse battery staple';
    const r = await runDetached(['decrypt', path.join(knownDataKeysDir, 'format.enc.yaml')], {
      env: env({ GNUPGHOME: passphraseHome(passphrase), DISPLAY: undefined, WAYLAND_DISPLAY: undefined, GPG_TTY: undefined }),
    });
    assert.equal(r.code, 128);
    const text = r.stderr.replace(/\n\s*\| /g, ' ');
    assert.match(text, new RegExp(`failed to decrypt sops data key with pgp key ${FP}: gpg-agent or pinentry failed`));
    assert.ok(!r.stderr.includes(passphrase));
    assert.equal(r.stdout.length, 0);
  });

  it('an agent or pinentry failure is named as such, with the fingerprint', async () => {
    const dir = tempDir();
    const fake = write(dir, 'gpg', '#!/bin/sh\necho "gpg: public key decryption failed: No pinentry" >&2\necho "gpg: decryption failed: No secret key" >&2\nexit 2\n');
    fs.chmodSync(fake, 0o755);
    const r = await runCli(['decrypt', path.join(knownDataKeysDir, 'format.enc.yaml')], { env: env({ SOPS_GPG_EXEC: fake }) });
    assert.equal(r.code, 128);
    assert.match(r.stderr.replace(/\n\s*\| /g, ' '), new RegExp(`pgp key ${FP}: gpg-agent or pinentry failed \\(for a pinentry on this terminal: export GPG_TTY=\\$\\(tty\\)\\): gpg: public key decryption failed: No pinentry`));
  });

  it('a gpg that hangs with no terminal attached is stopped after TSOPS_GPG_TIMEOUT seconds', async () => {
    const dir = tempDir();
    const fake = write(dir, 'gpg', '#!/bin/sh\nexec sleep 30\n');
    fs.chmodSync(fake, 0o755);
    const started = Date.now();
    const r = await runCli(['decrypt', path.join(knownDataKeysDir, 'format.enc.yaml')], { env: env({ SOPS_GPG_EXEC: fake, TSOPS_GPG_TIMEOUT: '1' }) });
    assert.equal(r.code, 128);
    assert.ok(Date.now() - started < 10_000, 'bounded in time');
    assert.match(r.stderr.replace(/\n\s*\| /g, ' '), new RegExp(`gpg did not finish decrypting for the pgp key ${FP} within 1 s`));
  });
});

describe('gpg on a terminal', { skip: skip || noScript }, () => {
  it('is not stopped while a person may be answering its pinentry', async () => {
    const dir = tempDir();
    // stands for a pinentry answered (wrongly) after 2.5 s, longer than the limit without a terminal
    const fake = write(dir, 'gpg', '#!/bin/sh\nsleep 2.5\necho "gpg: decryption failed: No secret key" >&2\nexit 2\n');
    fs.chmodSync(fake, 0o755);
    const t = await runWithTerminal(['decrypt', path.join(knownDataKeysDir, 'format.enc.yaml')], [], {
      env: env({ SOPS_GPG_EXEC: fake, TSOPS_GPG_TIMEOUT: '1' }),
    });
    assert.equal(t.code, 128);
    const screen = t.screen.replace(/\r/g, '').replace(/\n\s*\| /g, ' ');
    assert.match(screen, /no secret key for it in the keyring: gpg: decryption failed: No secret key/);
    assert.doesNotMatch(screen, /did not finish/);
  });
});

describe('encrypting to PGP keys', { skip }, () => {
  it('--pgp: the enc is an armored message gpg alone decrypts to the data key of the file', async () => {
    const dir = tempDir();
    write(dir, 'app.yaml', PLAIN);
    const now = Date.now();
    const r = await runCli(['encrypt', '-i', '--pgp', FP, 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, 'app.yaml');
    const [key, ...rest] = pgpKeys(file);
    assert.equal(rest.length, 0);
    assert.deepEqual(key!.fields, ['created_at', 'enc', 'fp']);
    assert.equal(key!.fp, FP);
    assert.match(key!.enc, /^-----BEGIN PGP MESSAGE-----\n\n[\s\S]+\n-----END PGP MESSAGE-----$/);
    assert.match(key!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(key!.created_at) - now) < 60_000);
    const dataKey = await dataKeyByGpg(file);
    const plain = await decryptData(fs.readFileSync(file), { format: 'yaml', dataKey });
    assert.equal(Buffer.from(plain).toString('utf8'), PLAIN);
    const dec = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(dec.stdout.toString('utf8'), PLAIN);
  });

  it('SOPS_PGP_FP names the keys too (comma list, spaces in fingerprints removed)', async () => {
    const dir = tempDir();
    write(dir, 'app.json', '{"a": "b"}');
    const spaced = FP.replace(/(.{4})/g, '$1 ').trim();
    const r = await runCli(['encrypt', 'app.json'], { cwd: dir, env: env({ SOPS_PGP_FP: spaced }) });
    assert.equal(r.code, 0, r.stderr);
    const out = write(dir, 'app.enc.json', r.stdout.toString('utf8'));
    assert.deepEqual(pgpKeys(out).map((k) => k.fp), [FP]);
    await dataKeyByGpg(out);
  });

  it('encrypts with only the public key in the keyring', async () => {
    const dir = tempDir();
    write(dir, 'app.yaml', PLAIN);
    const r = await runCli(['encrypt', '--pgp', FP, 'app.yaml'], { cwd: dir, env: env({ GNUPGHOME: publicOnlyHome() }) });
    assert.equal(r.code, 0, r.stderr);
    await dataKeyByGpg(write(dir, 'app.enc.yaml', r.stdout.toString('utf8')));
  });

  it('without gpg: exactly one line naming gpg, SOPS_GPG_EXEC and the fingerprint, exit 1, nothing written', async () => {
    const dir = tempDir();
    const file = write(dir, 'app.yaml', PLAIN);
    const r = await runCli(['encrypt', '-i', '--pgp', FP, 'app.yaml'], { cwd: dir, env: env({ SOPS_GPG_EXEC: '/nonexistent/bin/gpg' }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tsops: gpg ("/nonexistent/bin/gpg") not found, needed for the pgp key ${FP}: install GnuPG or set SOPS_GPG_EXEC to the gpg binary\n`);
    assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
  });

  it('a public key not in the keyring: exit 1 naming the fingerprint, and the file is left as it was', async () => {
    const dir = tempDir();
    const file = write(dir, 'app.yaml', PLAIN);
    const missing = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
    const r = await runCli(['encrypt', '-i', '--pgp', missing, '--age', alice.recipient, 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^tsops: could not encrypt data key with PGP key ${missing}: .*No public key`, 'm'));
    assert.match(r.stderr, new RegExp(`hint: import the public key ${missing} into the keyring`));
    assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
    assert.deepEqual(fs.readdirSync(dir), ['app.yaml']);
  });

  it('creation rules: pgp as a comma string and in key_groups, Shamir across a PGP group and an age group', async () => {
    const dir = tempDir();
    write(dir, '.sops.yaml', `creation_rules:\n  - path_regex: one\\.yaml$\n    pgp: '${FP}'\n  - path_regex: two\\.yaml$\n    shamir_threshold: 2\n    key_groups:\n      - pgp:\n          - ${FP}\n      - age:\n          - ${alice.recipient}\n`);
    write(dir, 'one.yaml', PLAIN);
    write(dir, 'two.yaml', PLAIN);
    for (const f of ['one.yaml', 'two.yaml']) {
      const r = await runCli(['encrypt', '-i', f], { cwd: dir, env: env() });
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(pgpKeys(path.join(dir, 'one.yaml')).map((k) => k.fp), [FP]);
    const two = parseEncryptedData(fs.readFileSync(path.join(dir, 'two.yaml')), 'yaml').metadata;
    assert.equal(two.shamirThreshold, 2);
    assert.deepEqual(two.keyGroups.map((g) => g.map((k) => k.type)), [['pgp'], ['age']]);
    // both shares are needed: gpg alone, or the age key alone, cannot open it
    const both = await runCli(['decrypt', 'two.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(both.code, 0, both.stderr);
    assert.equal(both.stdout.toString('utf8'), PLAIN);
    const gpgOnly = await runCli(['decrypt', 'two.yaml'], { cwd: dir, env: env() });
    assert.equal(gpgOnly.code, 128);
    assert.match(gpgOnly.stderr, new RegExp(`Group 0: SUCCESS\n  ${FP}: SUCCESS`));
    const ageOnly = await runCli(['decrypt', 'two.yaml'], { cwd: dir, env: env({ GNUPGHOME: gnupgHome(), SOPS_AGE_KEY: alice.secret }) });
    assert.equal(ageOnly.code, 128);
  });

  it('a rule with no keys, key_groups: [] or an empty group fails with sops\' exact words, exit 1', async () => {
    for (const rule of ['  - path_regex: ""\n', '  - key_groups: []\n', '  - key_groups:\n      - {}\n']) {
      const dir = tempDir();
      write(dir, '.sops.yaml', `creation_rules:\n${rule}`);
      const file = write(dir, 'app.yaml', PLAIN);
      const r = await runCli(['encrypt', '-i', 'app.yaml'], { cwd: dir, env: env() });
      assert.equal(r.code, 1, rule);
      assert.equal(r.stderr, 'Could not generate data key: [empty key group provided]\n', rule);
      assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
    }
  });
});

describe('files with PGP and age keys', { skip }, () => {
  async function mixed(): Promise<{ dir: string; file: string }> {
    const dir = tempDir();
    write(dir, 'app.yaml', PLAIN);
    const r = await runCli(['encrypt', '-i', '--pgp', FP, '--age', alice.recipient, 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    return { dir, file: path.join(dir, 'app.yaml') };
  }

  it('open with the age key alone or with gpg alone', async () => {
    const { dir } = await mixed();
    const ageOnly = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ GNUPGHOME: gnupgHome(), SOPS_AGE_KEY: alice.secret }) });
    assert.equal(ageOnly.code, 0, ageOnly.stderr);
    assert.equal(ageOnly.stdout.toString('utf8'), PLAIN);
    const gpgOnly = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(gpgOnly.code, 0, gpgOnly.stderr);
    assert.equal(gpgOnly.stdout.toString('utf8'), PLAIN);
  });

  it('--decryption-order and SOPS_DECRYPTION_ORDER decide whether gpg or age is tried first', async () => {
    const { dir } = await mixed();
    const log = path.join(dir, 'gpg.log');
    const wrapper = write(dir, 'gpg-logged', `#!/bin/sh\necho run >> "${log}"\nexec gpg "$@"\n`);
    fs.chmodSync(wrapper, 0o755);
    const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    const e = env({ SOPS_AGE_KEY: alice.secret, SOPS_GPG_EXEC: wrapper });
    const byDefault = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: e });
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.equal(runs(), 0, 'age first by default: gpg is not run');
    const flag = await runCli(['decrypt', '--decryption-order', 'pgp,age', 'app.yaml'], { cwd: dir, env: e });
    assert.equal(flag.code, 0, flag.stderr);
    assert.equal(runs(), 1, 'pgp first: gpg opened it');
    const fromEnv = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: { ...e, SOPS_DECRYPTION_ORDER: 'pgp' } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(runs(), 2);
    const ageFirst = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: { ...e, SOPS_DECRYPTION_ORDER: 'age,pgp' } });
    assert.equal(ageFirst.code, 0);
    assert.equal(runs(), 2);
  });

  it('the no-key report lists the PGP key beside the age recipient', async () => {
    const { dir } = await mixed();
    const r = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ GNUPGHOME: gnupgHome() }) });
    assert.equal(r.code, 128);
    assert.match(r.stderr, new RegExp(`Group 0: FAILED\n  ${alice.recipient.slice(0, 20)}[^\n]*: FAILED[\\s\\S]*\n  ${FP}: FAILED`));
  });
});

describe('changing the PGP keys of a file', { skip }, () => {
  async function ageFile(): Promise<string> {
    const dir = tempDir();
    write(dir, 'app.yaml', PLAIN);
    const r = await runCli(['encrypt', '-i', '--age', alice.recipient, 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    return dir;
  }

  it('--add-pgp / --rm-pgp on a missing file is exit 49, in both command styles', async () => {
    const dir = tempDir();
    for (const argv of [['rotate', '--add-pgp', FP, 'nope.yaml'], ['-r', '--rm-pgp', FP, 'nope.yaml']]) {
      const r = await runCli(argv, { cwd: dir, env: env() });
      assert.equal(r.code, 49, argv.join(' '));
      assert.match(r.stderr, /cannot add or remove keys on non-existent file/);
    }
  });

  it('rotate --add-pgp adds the key with a new data key; --rm-pgp removes it', async () => {
    const dir = await ageFile();
    const file = path.join(dir, 'app.yaml');
    const add = await runCli(['rotate', '-i', '--add-pgp', FP, 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(add.code, 0, add.stderr);
    const dataKey = await dataKeyByGpg(file);
    assert.equal(Buffer.from(await decryptData(fs.readFileSync(file), { format: 'yaml', dataKey })).toString('utf8'), PLAIN);
    // rotating a file with a PGP key re-wraps the new data key for it
    const again = await runCli(['rotate', '-i', 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(again.code, 0, again.stderr);
    const rotatedKey = await dataKeyByGpg(file);
    assert.notDeepEqual(rotatedKey, dataKey);
    const rm = await runCli(['rotate', '-i', '--rm-pgp', FP, 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(pgpKeys(file), []);
    const dec = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(dec.code, 128, 'gpg alone no longer opens it');
  });

  it('groups add --pgp adds a PGP group holding a share of the same data key', async () => {
    const dir = await ageFile();
    const file = path.join(dir, 'app.yaml');
    const r = await runCli(['groups', 'add', '-i', '-f', 'app.yaml', '--pgp', FP], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(r.code, 0, r.stderr);
    const md = parseEncryptedData(fs.readFileSync(file), 'yaml').metadata;
    assert.deepEqual(md.keyGroups.map((g) => g.map((k) => k.type)), [['age'], ['pgp']]);
    assert.equal(md.shamirThreshold, 2);
    const both = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(both.code, 0, both.stderr);
    assert.equal(both.stdout.toString('utf8'), PLAIN);
    // the age key alone now holds only one of the two shares needed
    const ageOnly = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ GNUPGHOME: gnupgHome(), SOPS_AGE_KEY: alice.secret }) });
    assert.equal(ageOnly.code, 128);
  });

  it('updatekeys adds the rule\'s PGP key (same data key, values untouched) and drops it again', async () => {
    const dir = await ageFile();
    const file = path.join(dir, 'app.yaml');
    const valuesOf = (text: string) => text.split('\nsops:')[0];
    const before = fs.readFileSync(file, 'utf8');
    write(dir, '.sops.yaml', `creation_rules:\n  - age: ${alice.recipient}\n    pgp: ${FP}\n`);
    const add = await runCli(['updatekeys', '-y', 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout.toString('utf8') + add.stderr, new RegExp(`\\+\\+\\+ ${FP}`));
    const after1 = fs.readFileSync(file, 'utf8');
    assert.equal(valuesOf(after1), valuesOf(before));
    const dataKey = await dataKeyByGpg(file);
    assert.equal(Buffer.from(await decryptData(fs.readFileSync(file), { format: 'yaml', dataKey })).toString('utf8'), PLAIN);
    write(dir, '.sops.yaml', `creation_rules:\n  - age: ${alice.recipient}\n`);
    const drop = await runCli(['updatekeys', '-y', 'app.yaml'], { cwd: dir, env: env() });
    assert.equal(drop.code, 0, drop.stderr);
    assert.deepEqual(pgpKeys(file), []);
    assert.equal(valuesOf(fs.readFileSync(file, 'utf8')), valuesOf(before));
  });

  it('set, edit and exec-env work on a PGP-only file with gpg alone', async () => {
    const dir = tempDir();
    const flat = 'user: admin\nport: 5432\n';
    write(dir, 'app.yaml', flat);
    assert.equal((await runCli(['encrypt', '-i', '--pgp', FP, 'app.yaml'], { cwd: dir, env: env() })).code, 0);
    const set = await runCli(['set', 'app.yaml', '["port"]', '6543'], { cwd: dir, env: env() });
    assert.equal(set.code, 0, set.stderr);
    const editor = write(dir, 'editor.sh', '#!/bin/sh\nsed -i "s/admin/root/" "$1"\n');
    fs.chmodSync(editor, 0o755);
    const edit = await runCli(['edit', 'app.yaml'], { cwd: dir, env: env({ EDITOR: editor }) });
    assert.equal(edit.code, 0, edit.stderr);
    const exec = await runCli(['exec-env', 'app.yaml', 'echo "$user $port"'], { cwd: dir, env: env() });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout.toString('utf8'), 'root 6543\n');
    assert.deepEqual(pgpKeys(path.join(dir, 'app.yaml')).map((k) => k.fp), [FP]);
  });
});
