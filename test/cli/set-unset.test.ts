/** `tsops set`, `tsops unset` and legacy `--set` through the real binary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runCli } from '../helpers/run.js';
import { allEnc, bob, encOf, workspace } from './edit-setup.js';

const PLAIN = 'name: alice\npassword: hunter2\nlist:\n    - one\n    - two\nport: 5432\n';

async function setup() {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  const run = (...argv: string[]) => runCli(argv, { cwd: w.dir, env: w.env });
  return { w, before, run };
}

test('set a string: the value changes in place, the other ciphertexts stay byte-identical', async () => {
  const { w, before, run } = await setup();
  fs.chmodSync(w.path('s.yaml'), 0o640);
  const r = await run('set', 's.yaml', '["password"]', '"correct horse"');
  assert.equal(r.code, 0, r.stderr);
  const after = w.read('s.yaml');
  assert.equal(await w.decrypt('s.yaml'), PLAIN.replace('hunter2', 'correct horse'));
  for (const key of ['name', 'port']) assert.equal(encOf(after, key), encOf(before, key));
  assert.deepEqual(allEnc(after).slice(2, 4), allEnc(before).slice(2, 4));
  assert.match(encOf(after, 'password'), /type:str\]$/);
  assert.equal(fs.statSync(w.path('s.yaml')).mode & 0o777, 0o640);
  assert.deepEqual(w.tmpEntries(), []);
});

test('set a number stores a float as sops does; an object keeps JSON typing (ints stay ints)', async () => {
  const { w, run } = await setup();
  assert.equal((await run('set', 's.yaml', '["port"]', '6543')).code, 0);
  assert.match(encOf(w.read('s.yaml'), 'port'), /type:float\]$/);
  const r = await run('set', 's.yaml', '["db"]', '{"port": 5432, "ratio": 0.5, "enabled": true, "none": null}');
  assert.equal(r.code, 0, r.stderr);
  const text = w.read('s.yaml');
  assert.match(encOf(text, '    port'), /type:int\]$/);
  assert.match(encOf(text, 'ratio'), /type:float\]$/);
  assert.match(encOf(text, 'enabled'), /type:bool\]$/);
  assert.match(await w.decrypt('s.yaml'), /db:\n {4}port: 5432\n {4}ratio: 0\.5\n {4}enabled: true\n {4}none: null\n$/);
});

test('set creates missing maps and lists along the path, and appends past the end of a list', async () => {
  const { w, run } = await setup();
  assert.equal((await run('set', 's.yaml', '["a"]["b"][0]["c"]', '"deep"')).code, 0);
  assert.equal((await run('set', 's.yaml', '["list"][7]', '"three"')).code, 0);
  assert.equal((await run('set', 's.yaml', '["list"][0]', '"ONE"')).code, 0);
  const plain = await w.decrypt('s.yaml');
  assert.match(plain, /list:\n {4}- ONE\n {4}- two\n {4}- three\n/);
  assert.match(plain, /a:\n {4}b:\n {8}- c: deep\n$/);
});

test('set --idempotent writes nothing when the same value (and type) is already there', async () => {
  const { w, run } = await setup();
  const before = w.read('s.yaml');
  const inode = fs.statSync(w.path('s.yaml')).ino;
  const same = await run('set', '--idempotent', 's.yaml', '["password"]', '"hunter2"');
  assert.equal(same.code, 0, same.stderr);
  assert.equal(fs.statSync(w.path('s.yaml')).ino, inode, 'not rewritten');
  assert.equal(w.read('s.yaml'), before);
  // 5432 is an int in the file; JSON 5432 is a float for set, so this is a change.
  const typed = await run('set', '--idempotent', 's.yaml', '["port"]', '5432');
  assert.equal(typed.code, 0);
  assert.notEqual(w.read('s.yaml'), before);
  assert.match(encOf(w.read('s.yaml'), 'port'), /type:float\]$/);
});

test('set without --idempotent rewrites the file even for the same value', async () => {
  const { w, before, run } = await setup();
  const inode = fs.statSync(w.path('s.yaml')).ino;
  assert.equal((await run('set', 's.yaml', '["password"]', '"hunter2"')).code, 0);
  // The atomic replace gives a new inode; the value keeps its ciphertext.
  assert.notEqual(fs.statSync(w.path('s.yaml')).ino, inode);
  assert.equal(encOf(w.read('s.yaml'), 'password'), encOf(before, 'password'));
});

test('set --value-stdin and --value-file keep the value off the command line', async () => {
  const { w } = await setup();
  const viaStdin = await runCli(['set', '--value-stdin', 's.yaml', '["password"]'], { cwd: w.dir, env: w.env, stdin: '"from stdin"\n' });
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.match(await w.decrypt('s.yaml'), /password: from stdin\n/);
  w.write('value.json', '{"user": "u", "pass": "p"}');
  const viaFile = await runCli(['set', '--value-file', 's.yaml', '["creds"]', 'value.json'], { cwd: w.dir, env: w.env });
  assert.equal(viaFile.code, 0, viaFile.stderr);
  assert.match(await w.decrypt('s.yaml'), /creds:\n {4}user: u\n {4}pass: p\n$/);
});

test('set refusals: exit codes as sops, and the file is never touched', async () => {
  const { w, before, run } = await setup();
  const cases: Array<[string[], number, RegExp]> = [
    [['set', 's.yaml', '["x"]', '[1, 2]'], 7, /arrays cannot be set/],
    [['set', 's.yaml', '["x"]', 'not json'], 7, /not valid json/],
    [['set', 's.yaml', '["x"]', '1e400'], 7, /not valid json/],
    [['set', 's.yaml', 'x', '1'], 7, /invalid set index format/],
    [['set', 's.yaml', '[0]', '1'], 7, /first component/],
    [['set', 's.yaml', '["x"]'], 100, /need exactly 3 arguments/],
    [['set', 's.yaml', '["x"]', '1', 'extra'], 100, /need exactly 3 arguments/],
    [['set', '--value-stdin', 's.yaml', '["x"]', '1'], 100, /need exactly 2 arguments/],
    [['set', '--value-stdin', '--value-file', 's.yaml', '["x"]'], 1, /both --value-file and --value-stdin/],
    [['set', 's.yaml', '["sops"]', '1'], 203, /reserved for sops metadata/],
    [['set', 'missing.yaml', '["x"]', '1'], 100, /non-existent file/],
  ];
  for (const [argv, code, message] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, argv.join(' '));
    assert.equal(w.read('s.yaml'), before, argv.join(' '));
  }
});

test('set on a file for another key is exit 128; a MAC mismatch is exit 51 unless --ignore-mac', async () => {
  const { w, before, run } = await setup();
  w.write('bob.yaml', before);
  const other = workspace();
  const forBob = await runCli(['encrypt', '--age', bob.recipient, '--output', w.path('bob.yaml'), w.write('p.yaml', PLAIN)], { cwd: other.dir, env: other.env });
  assert.equal(forBob.code, 0, forBob.stderr);
  assert.equal((await run('set', 'bob.yaml', '["x"]', '1')).code, 128);

  const [one, two] = allEnc(before).slice(2, 4) as [string, string];
  w.write('s.yaml', before.replace(one, '@@').replace(two, one).replace('@@', two));
  assert.equal((await run('set', 's.yaml', '["x"]', '1')).code, 51);
  const r = await run('set', '--ignore-mac', 's.yaml', '["x"]', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(await w.decrypt('s.yaml'), /x: 1\n$/);
});

test('legacy --set "<index> <json>" writes in place', async () => {
  const { w, before, run } = await setup();
  const r = await run('--set', '["password"] {"nested": "yes"}', 's.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.match(await w.decrypt('s.yaml'), /password:\n {4}nested: "?yes"?\n/);
  assert.equal(encOf(w.read('s.yaml'), 'name'), encOf(before, 'name'));
  const bad = await run('--set', '["password"]"x"', 's.yaml');
  assert.equal(bad.code, 7);
  assert.match(bad.stderr, /separated by a space/);
});

test('set on dotenv and JSON files keeps their format', async () => {
  const w = workspace();
  await w.encrypt('s.env', 'A=1\nB=two\n');
  await w.encrypt('s.json', '{"a": {"b": 1}}');
  assert.equal((await runCli(['set', 's.env', '["C"]', '"three"'], { cwd: w.dir, env: w.env })).code, 0);
  assert.equal(await w.decrypt('s.env'), 'A=1\nB=two\nC=three\n');
  const envSops = await runCli(['set', 's.env', '["sops_x"]', '"no"'], { cwd: w.dir, env: w.env });
  assert.equal(envSops.code, 203);
  assert.equal((await runCli(['set', 's.json', '["a"]["c"]', 'true'], { cwd: w.dir, env: w.env })).code, 0);
  assert.deepEqual(JSON.parse(await w.decrypt('s.json')), { a: { b: 1, c: true } });
});

test('unset removes a key or a list element in place; other ciphertexts stay byte-identical', async () => {
  const { w, before, run } = await setup();
  const r = await run('unset', 's.yaml', '["password"]');
  assert.equal(r.code, 0, r.stderr);
  let after = w.read('s.yaml');
  assert.equal(await w.decrypt('s.yaml'), PLAIN.replace('password: hunter2\n', ''));
  assert.equal(encOf(after, 'name'), encOf(before, 'name'));
  assert.equal(encOf(after, 'port'), encOf(before, 'port'));
  assert.equal((await run('unset', 's.yaml', '["list"][0]')).code, 0);
  after = w.read('s.yaml');
  assert.match(await w.decrypt('s.yaml'), /list:\n {4}- two\n/);
  assert.ok(after.includes(allEnc(before)[3]!), 'the remaining list element keeps its ciphertext');
  assert.deepEqual(w.tmpEntries(), []);
});

test('unset of a missing key is exit 1, or success without writing with --idempotent', async () => {
  const { w, before, run } = await setup();
  const missing = await run('unset', 's.yaml', '["nope"]');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /key not found: nope/);
  const outOfRange = await run('unset', 's.yaml', '["list"][5]');
  assert.equal(outOfRange.code, 1);
  assert.match(outOfRange.stderr, /out of bounds/);
  const inode = fs.statSync(w.path('s.yaml')).ino;
  const idem = await run('unset', '--idempotent', 's.yaml', '["nope"]["deeper"]');
  assert.equal(idem.code, 0, idem.stderr);
  assert.equal(fs.statSync(w.path('s.yaml')).ino, inode, 'not rewritten');
  assert.equal(w.read('s.yaml'), before);
});

test('unset refusals: bad index is exit 7, wrong argument count exit 100', async () => {
  const { w, before, run } = await setup();
  assert.equal((await run('unset', 's.yaml', 'password')).code, 7);
  assert.equal((await run('unset', 's.yaml', '')).code, 7);
  assert.equal((await run('unset', 's.yaml')).code, 100);
  assert.equal((await run('unset', 's.yaml', '["a"]', '["b"]')).code, 100);
  assert.equal(w.read('s.yaml'), before);
});
