/** `tsops rotate` and legacy `-r`: new data key, recipients added and removed, refusals, exit codes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { gnupgHome, gpgAvailable } from '../helpers/gnupg.js';
import { runCli } from '../helpers/run.js';
import { cleanEnv } from '../helpers/run.js';
import {
  copyFixture,
  dataKeyHex,
  encValues,
  encryptTo,
  interopKey,
  metadataOf,
  newKey,
  recipientsOf,
  run,
} from './key-management-helpers.js';
import { interopSkip } from '../helpers/interop.js';

const alice = await newKey();
const bob = await newKey();
const carol = await newKey();
/** Swap the two list items' ciphertexts: both decrypt (same AAD) but the MAC no longer matches. */
function swapListItems(file: string): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l === 'list:');
  [lines[at + 1], lines[at + 2]] = [lines[at + 2]!, lines[at + 1]!];
  fs.writeFileSync(file, lines.join('\n'));
}

const PLAIN = 'db:\n    user: admin\n    password: hunter2\nport: 5432\nlist:\n    - one\n    - two\n';

describe('tsops rotate', () => {
  it('writes to stdout a file with a new data key whose values decrypt to the same document', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient, bob.recipient]);
    const before = fs.readFileSync(file);
    const r = await run(['rotate', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(file), before, 'the file itself is not touched without -i');
    const out = path.join(dir, 'out.yaml');
    fs.writeFileSync(out, r.stdout);
    assert.notEqual(await dataKeyHex(out, [alice]), await dataKeyHex(file, [alice]));
    assert.equal(await dataKeyHex(out, [bob]), await dataKeyHex(out, [alice]));
    const dec = await run(['decrypt', 'out.yaml'], { cwd: dir, keys: [bob] });
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(dec.stdout.toString(), PLAIN);
  });

  it('-i replaces every ciphertext, keeps the version and sets a new lastmodified', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const oldValues = encValues(file);
    const oldMeta = metadataOf(file);
    const now = new Date('2031-02-03T04:05:06Z');
    const r = await run(['rotate', '-i', 'app.yaml'], { cwd: dir, keys: [alice], now });
    assert.equal(r.code, 0, r.stderr);
    const newValues = encValues(file);
    assert.equal(newValues.length, oldValues.length);
    newValues.forEach((v, i) => assert.notEqual(v, oldValues[i]));
    const meta = metadataOf(file);
    assert.equal(meta.lastModified, '2031-02-03T04:05:06Z');
    assert.equal(meta.version, oldMeta.version);
    assert.notEqual(meta.mac, oldMeta.mac);
    const dec = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(dec.stdout.toString(), PLAIN, 'the MAC verifies');
  });

  it('reuses each value IV, as sops does, so only the data key changes', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const ivs = (f: string) => encValues(f).map((v) => /iv:([^,]+)/.exec(v)![1]);
    const before = ivs(file);
    assert.equal((await run(['rotate', '-i', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 0);
    assert.deepEqual(ivs(file), before);
  });

  it('--rm-age: the removed recipient can no longer open the file, the others still can', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient, bob.recipient]);
    const r = await run(['rotate', '-i', '--rm-age', bob.recipient, 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient]]);
    const asBob = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [bob] });
    assert.equal(asBob.code, 128);
    assert.equal(asBob.stdout.length, 0);
    const asAlice = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(asAlice.stdout.toString(), PLAIN);
  });

  it('--add-age: the added recipient can open the file; it joins the first group', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const r = await run(['rotate', '-i', '--add-age', `${bob.recipient}, ${carol.recipient}`, 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient, carol.recipient]]);
    const asCarol = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [carol] });
    assert.equal(asCarol.code, 0, asCarol.stderr);
    assert.equal(asCarol.stdout.toString(), PLAIN);
  });

  it('adding a recipient the first group already has does not duplicate it; an unknown --rm-age is warned about', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const r = await run(['rotate', '-i', '--add-age', alice.recipient, '--rm-age', carol.recipient, 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient]]);
    assert.match(r.stderr, new RegExp(`warning: app.yaml: --rm-age ${carol.recipient} is not a recipient`));
  });

  it('keeps Shamir key groups: new shares, and both groups are still needed', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    assert.equal((await run(['groups', 'add', '-i', '-f', 'app.yaml', '--age', bob.recipient], { cwd: dir, keys: [alice] })).code, 0);
    const before = metadataOf(file);
    assert.equal(before.keyGroups.length, 2);
    const r = await run(['rotate', '-i', '--add-age', carol.recipient, 'app.yaml'], { cwd: dir, keys: [alice, bob] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, carol.recipient], [bob.recipient]]);
    assert.equal(metadataOf(file).shamirThreshold, 2);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [carol] })).code, 128, 'one share is not enough');
    const dec = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [carol, bob] });
    assert.equal(dec.stdout.toString(), PLAIN);
  });

  it('rotates a file written by sops with one openable recipient of three (humphd-sops-age)', { skip: interopSkip }, async () => {
    const dir = tempDir();
    const key = interopKey('humphd-sops-age', 'key.txt');
    for (const name of ['secret.enc.yaml', 'secret.enc.json', 'secret.enc.env']) {
      const file = copyFixture('humphd-sops-age', name, dir);
      const plain = await run(['decrypt', name], { cwd: dir, keys: [key] });
      const others = recipientsOf(file)[0]!.slice(1);
      assert.equal(others.length, 2);
      const r = await run(['rotate', '-i', '--rm-age', others[0]!, name], { cwd: dir, keys: [key] });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(recipientsOf(file)[0]!.length, 2);
      assert.ok(!fs.readFileSync(file, 'utf8').includes(others[0]!));
      const after = await run(['decrypt', name], { cwd: dir, keys: [key] });
      assert.equal(after.code, 0, after.stderr);
      assert.deepEqual(after.stdout, plain.stdout, `${name} decrypts to the same document`);
    }
  });

  it('re-wraps for the pgp keys of a file (sops-nix) instead of dropping them; without their public keys it writes nothing', { skip: interopSkip }, async () => {
    const dir = tempDir();
    const file = copyFixture('sops-nix', 'secrets.yaml', dir);
    const before = fs.readFileSync(file);
    const r = await run(['rotate', '-i', 'secrets.yaml'], {
      cwd: dir,
      keys: [interopKey('sops-nix', 'age-keys.txt')],
      env: { GNUPGHOME: gnupgHome(), SOPS_GPG_EXEC: gpgAvailable ? undefined : '/nonexistent/gpg' },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /secrets\.yaml: .*pgp key (7FB89715AADA920D65D25E63F9BA9DEBD03F57C0|2504791468B153B8A3963CC97BA53D1919C5DFD4)/i);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('--add-age/--rm-age on a missing file is exit 49; a missing file alone is exit 100', async () => {
    const dir = tempDir();
    const add = await run(['rotate', '--add-age', alice.recipient, 'nope.yaml'], { cwd: dir });
    assert.equal(add.code, 49);
    assert.match(add.stderr, /cannot add or remove keys on non-existent file ".*nope\.yaml", use the `edit` subcommand instead/);
    const plain = await run(['rotate', 'nope.yaml'], { cwd: dir });
    assert.equal(plain.code, 100);
    assert.equal((await run(['rotate'], { cwd: dir })).code, 100);
  });

  it('refuses -i with --output (exit 8) and a malformed --add-age before unwrapping anything', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    assert.equal((await run(['rotate', '-i', '--output', 'x.yaml', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 8);
    const bad = await run(['rotate', '-i', '--add-age', 'age1notakey', 'app.yaml'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /age1notakey/);
    assert.doesNotMatch(bad.stderr, /data key/);
  });

  it('checks the MAC: a tampered file is exit 51 and is left alone', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    swapListItems(file);
    const tampered = fs.readFileSync(file);
    const r = await run(['rotate', '-i', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 51, r.stderr);
    assert.deepEqual(fs.readFileSync(file), tampered);
  });

  it('without a usable identity: exit 128 and the file is unchanged', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const before = fs.readFileSync(file);
    const r = await run(['rotate', '-i', 'app.yaml'], { cwd: dir, keys: [carol] });
    assert.equal(r.code, 128);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('a .sops.yaml whose rules do not match the file is an error, as in sops (§7.3)', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: ^secrets/\n    age: ${alice.recipient}\n`);
    const r = await run(['rotate', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no matching creation rules found/);
  });

  it('--output writes another file and --output-type converts the format', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const r = await run(['rotate', '--output', 'app.json', '--output-type', 'json', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    const dec = await run(['decrypt', '--output-type', 'json', 'app.json'], { cwd: dir, keys: [alice] });
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(JSON.parse(dec.stdout.toString()).db.password, 'hunter2');
  });
});

describe('legacy -r', () => {
  it('rotates in place with --rm-age through the real binary', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient, bob.recipient]);
    const env = cleanEnv({ SOPS_AGE_KEY: alice.secret });
    const r = await runCli(['-r', '-i', '--rm-age', bob.recipient, 'app.yaml'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient]]);
    const asBob = await runCli(['-d', 'app.yaml'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: bob.secret }) });
    assert.equal(asBob.code, 128);
  });

  it('wins over -d, and takes --ignore-mac', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    swapListItems(file);
    const strict = await run(['-d', '-r', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.notEqual(strict.code, 0);
    const r = await run(['-d', '-r', '--ignore-mac', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^sops:$/m, 'the output is an encrypted file');
  });

  it('--add-age on a missing file is exit 49 in any mode', async () => {
    const dir = tempDir();
    const r = await run(['-d', '--add-age', alice.recipient, 'missing.yaml'], { cwd: dir });
    assert.equal(r.code, 49);
    assert.match(r.stderr, /use `--age` instead/);
    assert.equal((await run(['-r', 'missing.yaml'], { cwd: dir })).code, 100);
  });
});
