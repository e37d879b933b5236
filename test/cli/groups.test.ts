/** `tsops groups add` / `tsops groups delete`: Shamir key groups added and removed, data key kept. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tempDir } from '../helpers/paths.js';
import { gnupgHome, gpgAvailable } from '../helpers/gnupg.js';
import {
  copyFixture,
  dataKeyHex,
  encryptTo,
  interopKey,
  metadataOf,
  newKey,
  recipientsOf,
  run,
  yamlParts,
} from './key-management-helpers.js';
import { interopSkip } from '../helpers/interop.js';

const alice = await newKey();
const bob = await newKey();
const carol = await newKey();
const dave = await newKey();
const PLAIN = 'token: s3cret\nport: 8080\n';

async function twoGroups(): Promise<{ dir: string; file: string }> {
  const dir = tempDir();
  const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
  const r = await run(['groups', 'add', '-i', '--file', 'app.yaml', '--age', bob.recipient], { cwd: dir, keys: [alice] });
  assert.equal(r.code, 0, r.stderr);
  return { dir, file };
}

describe('tsops groups add', () => {
  it('adds a group: the same data key is split, both groups are needed, values and MAC untouched', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const key = await dataKeyHex(file, [alice]);
    const before = yamlParts(file);
    const r = await run(['groups', 'add', '-i', '--file', 'app.yaml', '--age', bob.recipient, '--age', carol.recipient], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    assert.deepEqual(recipientsOf(file), [[alice.recipient], [bob.recipient, carol.recipient]]);
    assert.equal(metadataOf(file).shamirThreshold, 2, 'a stored threshold of 0 becomes the group count');
    assert.deepEqual(yamlParts(file), before);
    assert.equal(await dataKeyHex(file, [alice, carol]), key);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 128);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [bob] })).code, 128);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice, bob] })).stdout.toString(), PLAIN);
    assert.match(fs.readFileSync(file, 'utf8'), /^ {4}key_groups:\n {8}- age:/m);
  });

  it('takes comma lists and a threshold; writes to stdout without -i', async () => {
    const { dir, file } = await twoGroups();
    const before = fs.readFileSync(file);
    const r = await run(
      ['groups', 'add', '-f', 'app.yaml', '--age', `${carol.recipient},${dave.recipient}`, '--shamir-secret-sharing-threshold', '2'],
      { cwd: dir, keys: [alice, bob] },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(file), before);
    fs.writeFileSync(file, r.stdout);
    assert.deepEqual(recipientsOf(file), [[alice.recipient], [bob.recipient], [carol.recipient, dave.recipient]]);
    assert.equal(metadataOf(file).shamirThreshold, 2);
    for (const pair of [[alice, dave], [bob, carol], [alice, bob]]) {
      const dec = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: pair });
      assert.equal(dec.stdout.toString(), PLAIN);
    }
  });

  it('refuses a group without keys, a malformed recipient and a missing --file', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const empty = await run(['groups', 'add', '-f', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /the new key group has no keys/);
    const bad = await run(['groups', 'add', '-f', 'app.yaml', '--age', 'age1bad'], { cwd: dir, keys: [alice] });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /age1bad/);
    assert.equal((await run(['groups', 'add', '--age', bob.recipient], { cwd: dir })).code, 100);
    assert.notEqual((await run(['groups', 'add', '-f', 'app.yaml', '--age', bob.recipient, 'extra'], { cwd: dir, keys: [alice] })).code, 0);
  });

  it('refuses a threshold above the group count', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const r = await run(['groups', 'add', '-f', 'app.yaml', '--age', bob.recipient, '--shamir-secret-sharing-threshold', '3'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /impossible to satisfy: Shamir threshold is 3, but we only have 2 key groups/);
  });

  it('a file with pgp keys (sops-nix) whose public keys gpg lacks: their shares cannot be re-wrapped, nothing is written', { skip: interopSkip }, async () => {
    const dir = tempDir();
    const file = copyFixture('sops-nix', 'secrets.yaml', dir);
    const before = fs.readFileSync(file);
    const r = await run(['groups', 'add', '-i', '-f', 'secrets.yaml', '--age', bob.recipient], {
      cwd: dir,
      keys: [interopKey('sops-nix', 'age-keys.txt')],
      env: { GNUPGHOME: gnupgHome(), SOPS_GPG_EXEC: gpgAvailable ? undefined : '/nonexistent/gpg' },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /secrets\.yaml: .*pgp key (7FB89715AADA920D65D25E63F9BA9DEBD03F57C0|2504791468B153B8A3963CC97BA53D1919C5DFD4)/i);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('without an identity for the file: exit 128', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    assert.equal((await run(['groups', 'add', '-f', 'app.yaml', '--age', bob.recipient], { cwd: dir, keys: [carol] })).code, 128);
  });

  it('works on a file written by sops (humphd-sops-age, one openable recipient of three)', { skip: interopSkip }, async () => {
    const dir = tempDir();
    const key = interopKey('humphd-sops-age', 'key.txt');
    const file = copyFixture('humphd-sops-age', 'secret.enc.json', dir);
    const mac = metadataOf(file).mac;
    const r = await run(['groups', 'add', '-i', '-f', 'secret.enc.json', '--age', bob.recipient], { cwd: dir, keys: [key] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(recipientsOf(file).length, 2);
    assert.equal(metadataOf(file).mac, mac);
    const dec = await run(['decrypt', 'secret.enc.json'], { cwd: dir, keys: [key, bob] });
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(JSON.parse(dec.stdout.toString()).int, 7);
  });
});

describe('tsops groups delete', () => {
  it('deletes a group by 0-based index, keeping the data key, values and MAC', async () => {
    const { dir, file } = await twoGroups();
    assert.equal((await run(['groups', 'add', '-i', '-f', 'app.yaml', '--age', carol.recipient], { cwd: dir, keys: [alice, bob] })).code, 0);
    assert.equal(metadataOf(file).shamirThreshold, 2);
    const key = await dataKeyHex(file, [alice, bob]);
    const before = yamlParts(file);
    const r = await run(['groups', 'delete', '-i', '-f', 'app.yaml', '1'], { cwd: dir, keys: [alice, carol] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient], [carol.recipient]]);
    assert.deepEqual(yamlParts(file), before);
    assert.equal(await dataKeyHex(file, [alice, carol]), key);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice, bob] })).code, 128, 'the deleted group no longer counts');
  });

  it('refuses to leave fewer groups than the threshold, unless it is lowered', async () => {
    const { dir, file } = await twoGroups();
    const before = fs.readFileSync(file);
    const r = await run(['groups', 'delete', '-i', '-f', 'app.yaml', '1'], { cwd: dir, keys: [alice, bob] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /removing this key group will make the Shamir threshold impossible to satisfy: Shamir threshold is 2, but we only have 1 key groups/);
    assert.deepEqual(fs.readFileSync(file), before);
    const lowered = await run(['groups', 'delete', '-i', '-f', 'app.yaml', '--shamir-secret-sharing-threshold', '1', '1'], { cwd: dir, keys: [alice, bob] });
    assert.equal(lowered.code, 0, lowered.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient]]);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] })).stdout.toString(), PLAIN);
  });

  it('refuses a bad or out-of-range index and deleting the only group', async () => {
    const { dir } = await twoGroups();
    const bad = await run(['groups', 'delete', '-f', 'app.yaml', 'x'], { cwd: dir, keys: [alice, bob] });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /failed to parse \[index\] argument/);
    assert.equal((await run(['groups', 'delete', '-f', 'app.yaml'], { cwd: dir })).code, 1);
    const range = await run(['groups', 'delete', '-f', 'app.yaml', '2'], { cwd: dir, keys: [alice, bob] });
    assert.match(range.stderr, /there is no key group 2: the file has 2/);
    const single = tempDir();
    await encryptTo(single, 'one.yaml', PLAIN, [alice.recipient]);
    const only = await run(['groups', 'delete', '-f', 'one.yaml', '0'], { cwd: single, keys: [alice] });
    assert.equal(only.code, 1);
    assert.match(only.stderr, /cannot delete the only key group/);
  });
});
