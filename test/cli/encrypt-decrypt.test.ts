/** `tsops encrypt` / `tsops decrypt` through the real binary: success paths, refusals, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, runInProcess } from '../helpers/run.js';

const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
const bob = await generateAgeKeyFile({ pq: false, now: new Date() });

function workspace(config?: string) {
  const dir = tempDir();
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text);
  if (config !== undefined) fs.writeFileSync(path.join(dir, '.sops.yaml'), config);
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: keys });
  return { dir, env, write: (name: string, content: string | Uint8Array) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  } };
}

const RULES = `keys:
  - &alice ${alice.recipient}
  - &bob ${bob.recipient}
creation_rules:
  - path_regex: secrets/bob/.*
    age: *bob
  - path_regex: secrets/.*\\.(yaml|json|env|ini)$
    key_groups:
      - age: [*alice, *bob]
`;

test('encrypt -i then decrypt with the key from .sops.yaml rules (real binary)', async () => {
  const w = workspace(RULES);
  const file = w.write('secrets/app.yaml', 'db:\n    password: hunter2\n');
  const enc = await runCli(['encrypt', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(enc.code, 0, enc.stderr);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!text.includes('hunter2'));
  assert.ok(text.includes(alice.recipient) && text.includes(bob.recipient));
  const dec = await runCli(['decrypt', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(dec.code, 0, dec.stderr);
  assert.equal(dec.stdout.toString(), 'db:\n    password: hunter2\n');
});

test('the first matching rule wins: a file under secrets/bob is readable by bob only', async () => {
  const w = workspace(RULES);
  w.write('secrets/bob/x.yaml', 'a: 1\n');
  const enc = await runInProcess(['encrypt', '-i', 'secrets/bob/x.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(enc.code, 0, enc.stderr);
  const text = fs.readFileSync(path.join(w.dir, 'secrets/bob/x.yaml'), 'utf8');
  assert.ok(text.includes(bob.recipient) && !text.includes(alice.recipient));
  const dec = await runInProcess(['decrypt', 'secrets/bob/x.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(dec.code, 128);
  assert.match(dec.stderr, /failed to get the data key/);
  assert.match(dec.stderr, new RegExp(bob.recipient.slice(0, 20)));
});

test('rules are found from a subdirectory, paths matched relative to the config', async () => {
  const w = workspace(RULES);
  w.write('secrets/sub.json', '{"k": "v"}');
  const r = await runInProcess(['encrypt', 'sub.json'], { cwd: path.join(w.dir, 'secrets'), env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.toString().includes(alice.recipient));
});

test('no matching rule, no config, bad config: one-line errors, nothing written', async () => {
  const w = workspace(RULES);
  const plain = w.write('other/x.yaml', 'a: 1\n');
  const none = await runInProcess(['encrypt', '-i', 'other/x.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no matching creation rules found/);
  assert.equal(fs.readFileSync(plain, 'utf8'), 'a: 1\n');

  const bare = workspace();
  bare.write('x.yaml', 'a: 1\n');
  const nokeys = await runInProcess(['encrypt', 'x.yaml'], { cwd: bare.dir, env: bare.env });
  assert.equal(nokeys.code, 1);
  assert.match(nokeys.stderr, /no keys provided/);

  const broken = workspace('creation_rules:\n  - path_regex: "(unclosed"\n    age: ' + alice.recipient + '\n');
  broken.write('x.yaml', 'a: 1\n');
  const bad = await runInProcess(['encrypt', 'x.yaml'], { cwd: broken.dir, env: broken.env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /\.sops\.yaml.*path_regex/);
  assert.ok(!bad.stderr.includes('    at '), 'no stack trace');

  const notYaml = workspace('creation_rules: [\n');
  notYaml.write('x.yaml', 'a: 1\n');
  const ny = await runInProcess(['decrypt', 'x.yaml'], { cwd: notYaml.dir, env: notYaml.env });
  assert.notEqual(ny.code, 0);
  assert.match(ny.stderr, /\.sops\.yaml/);
});

test('--age overrides the rules; SOPS_AGE_RECIPIENTS does too', async () => {
  const w = workspace(RULES);
  w.write('secrets/a.yaml', 'a: 1\n');
  const r = await runInProcess(['encrypt', '--age', bob.recipient, 'secrets/a.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.toString().includes(bob.recipient) && !r.stdout.toString().includes(alice.recipient));
  const e = await runInProcess(['encrypt', 'secrets/a.yaml'], { cwd: w.dir, env: { ...w.env, SOPS_AGE_RECIPIENTS: bob.recipient } });
  assert.ok(e.stdout.toString().includes(bob.recipient) && !e.stdout.toString().includes(alice.recipient));
});

test('refusals: already encrypted (203), empty YAML (92), missing file (100), -i with --output (8), stdin without name (8)', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'a: 1\n');
  const once = await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env });
  assert.equal(once.code, 0, once.stderr);
  const before = fs.readFileSync(f);
  const twice = await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env });
  assert.equal(twice.code, 203);
  assert.deepEqual(fs.readFileSync(f), before);

  const empty = w.write('empty.yaml', '');
  assert.equal((await runInProcess(['encrypt', '--age', alice.recipient, empty], { env: w.env })).code, 92);
  assert.equal((await runInProcess(['encrypt', '--age', alice.recipient, path.join(w.dir, 'nope.yaml')], { env: w.env })).code, 100);
  assert.equal((await runInProcess(['decrypt', path.join(w.dir, 'nope.yaml')], { env: w.env })).code, 100);
  assert.equal((await runInProcess(['encrypt', '-i', '--output', 'x', '--age', alice.recipient, f], { env: w.env })).code, 8);
  assert.equal((await runInProcess(['encrypt', '--age', alice.recipient], { env: w.env, stdin: 'a: 1\n' })).code, 8);
  const arr = w.write('arr.json', '[1, 2]');
  const a = await runInProcess(['encrypt', '--age', alice.recipient, arr], { env: w.env });
  assert.equal(a.code, 2);
  assert.match(a.stderr, /top-level object/);
  const seq = w.write('seq.yaml', '- a\n- b\n');
  assert.notEqual((await runInProcess(['encrypt', '--age', alice.recipient, seq], { env: w.env })).code, 0);
});

test('stdin: encrypt with --filename-override, decrypt with --input-type', async () => {
  const w = workspace();
  const enc = await runCli(['encrypt', '--age', alice.recipient, '--filename-override', 'x.json'], { env: w.env, stdin: '{"a": "b"}' });
  assert.equal(enc.code, 0, enc.stderr);
  assert.match(enc.stdout.toString(), /^\{\n\t"a": "ENC\[/);
  const dec = await runCli(['decrypt', '--input-type', 'json', '--output-type', 'json'], { env: w.env, stdin: enc.stdout });
  assert.equal(dec.code, 0, dec.stderr);
  assert.equal(dec.stdout.toString(), '{\n\t"a": "b"\n}\n');
});

test('--extract prints a string raw, a map as a document, a number via the store; bad paths exit 91', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'db:\n    user: u\n    port: 5432\nlist:\n    - x\n    - y\n');
  const enc = await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env });
  assert.equal(enc.code, 0);
  const x = (p: string) => runInProcess(['decrypt', '--extract', p, f], { env: w.env });
  assert.equal((await x('["db"]["user"]')).stdout.toString(), 'u');
  assert.equal((await x('["list"][1]')).stdout.toString(), 'y');
  assert.equal((await x('["db"]')).stdout.toString(), 'user: u\nport: 5432\n');
  assert.equal((await x('["db"]["port"]')).stdout.toString(), '5432\n');
  assert.equal((await x('db')).code, 91);
  const missing = await x('["nope"]');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not found/);
});

test('--output writes a new file; -i decrypt replaces in place keeping the mode', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'k: v\n');
  fs.chmodSync(f, 0o640);
  const out = path.join(w.dir, 'a.enc.yaml');
  assert.equal((await runInProcess(['encrypt', '--age', alice.recipient, '--output', out, f], { env: w.env })).code, 0);
  assert.match(fs.readFileSync(out, 'utf8'), /k: ENC\[/);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.equal((await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env })).code, 0);
  assert.equal(fs.statSync(f).mode & 0o777, 0o640);
  assert.equal((await runInProcess(['decrypt', '-i', f], { env: w.env })).code, 0);
  assert.equal(fs.readFileSync(f, 'utf8'), 'k: v\n');
  assert.equal(fs.statSync(f).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(w.dir).filter((n) => n.includes('.tmp')), []);
});

test('a tampered value exits 25, a changed MAC exits 51, --ignore-mac skips only the MAC', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'a: secret-one\nb: secret-two\n');
  await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env });
  const text = fs.readFileSync(f, 'utf8');
  const swapped = text.replace(/^a: (ENC\[.*\])$/m, 'a: PLACEHOLDER').replace(/^b: (ENC\[.*\])$/m, (_m, b) => `b: ${b}`);
  // Swap a and b: each value fails its AAD.
  const a = /^a: (ENC\[.*\])$/m.exec(text)![1]!;
  const b = /^b: (ENC\[.*\])$/m.exec(text)![1]!;
  fs.writeFileSync(f, swapped.replace('PLACEHOLDER', b).replace(/^b: .*$/m, `b: ${a}`));
  const r = await runInProcess(['decrypt', f], { env: w.env });
  assert.equal(r.code, 25);
  assert.ok(!r.stderr.includes('secret-'));
  // A clear value injected beside the encrypted ones changes the MAC.
  fs.writeFileSync(f, text.replace(/^sops:/m, 'c_unencrypted: injected\nsops:'));
  const m = await runInProcess(['decrypt', f], { env: w.env });
  assert.equal(m.code, 51);
  assert.equal(m.stdout.length, 0);
  const ignored = await runInProcess(['decrypt', '--ignore-mac', f], { env: w.env });
  assert.equal(ignored.code, 0);
  assert.match(ignored.stdout.toString(), /c_unencrypted: injected/);
});

test('legacy flags: -e and -d, single-dash long flags', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'k: v\n');
  const e = await runCli(['-e', '-i', '-age', alice.recipient, f], { env: w.env });
  assert.equal(e.code, 0, e.stderr);
  const d = await runCli(['-d', f], { env: w.env });
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout.toString(), 'k: v\n');
  const v = await runCli(['--version'], { env: w.env });
  assert.match(v.stdout.toString(), /^tsops \d+\.\d+\.\d+/);
  const none = await runCli([], { env: w.env });
  assert.notEqual(none.code, 0);
});

test('--indent and stores: in .sops.yaml shape the output', async () => {
  const w = workspace(`stores:\n  yaml:\n    indent: 2\n  json:\n    indent: 3\ncreation_rules:\n  - age: ${alice.recipient}\n`);
  w.write('a.yaml', 'a:\n    b: c\n');
  w.write('a.json', '{"a": {"b": "c"}}');
  const y = await runInProcess(['encrypt', 'a.yaml'], { cwd: w.dir, env: w.env });
  assert.match(y.stdout.toString(), /^a:\n {2}b: ENC/);
  const j = await runInProcess(['encrypt', 'a.json'], { cwd: w.dir, env: w.env });
  assert.match(j.stdout.toString(), /^\{\n {3}"a": \{\n {6}"b": "ENC/);
  const i = await runInProcess(['--indent', '6', 'encrypt', 'a.yaml'], { cwd: w.dir, env: w.env });
  assert.match(i.stdout.toString(), /^a:\n {6}b: ENC/);
});

test('selectors: --encrypted-regex leaves other keys clear, two selectors exit 8', async () => {
  const w = workspace();
  const f = w.write('k8s.yaml', 'kind: Secret\nstringData:\n    password: p\n');
  const r = await runInProcess(['encrypt', '--age', alice.recipient, '--encrypted-regex', '^(data|stringData)$', f], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^kind: Secret$/m);
  assert.match(r.stdout.toString(), /password: ENC\[/);
  assert.match(r.stdout.toString(), /encrypted_regex: \^\(data\|stringData\)\$/);
  const two = await runInProcess(['encrypt', '--age', alice.recipient, '--encrypted-regex', 'x', '--unencrypted-suffix', '_u', f], { env: w.env });
  assert.equal(two.code, 8);
});

test('multi-document YAML: a sops block per document, one MAC', async () => {
  const w = workspace();
  const f = w.write('multi.yaml', 'a: 1\n---\nb: 2\n');
  const r = await runInProcess(['encrypt', '--age', alice.recipient, f], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString();
  assert.equal(text.match(/^sops:$/gm)?.length, 2);
  fs.writeFileSync(f, text);
  const d = await runInProcess(['decrypt', f], { env: w.env });
  assert.equal(d.stdout.toString(), 'a: 1\n---\nb: 2\n');
});

test('shamir: two groups with threshold 2 need both keys', async () => {
  const w = workspace();
  const f = w.write('s.yaml', 'k: v\n');
  const cfg = path.join(w.dir, 'shamir.yaml');
  fs.writeFileSync(cfg, `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [${alice.recipient}]\n      - age: [${bob.recipient}]\n`);
  const r = await runInProcess(['encrypt', '-i', '--config', cfg, f], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const text = fs.readFileSync(f, 'utf8');
  assert.match(text, /key_groups:/);
  assert.match(text, /shamir_threshold: 2/);
  const onlyAlice = await runInProcess(['decrypt', f], { env: w.env });
  assert.equal(onlyAlice.code, 128);
  const both = await runInProcess(['decrypt', f], { env: cleanEnv({ SOPS_AGE_KEY: `${alice.text}\n${bob.text}` }) });
  assert.equal(both.code, 0, both.stderr);
  assert.equal(both.stdout.toString(), 'k: v\n');
});

test('several files in one call: encrypt -i and decrypt -i each in place, stdout in order, failures counted', async () => {
  const w = workspace();
  const a = w.write('a.yaml', 'a: 1\n');
  const b = w.write('b.json', '{"b": 2}');
  const enc = await runCli(['encrypt', '-i', '--age', alice.recipient, a, b], { env: w.env });
  assert.equal(enc.code, 0, enc.stderr);
  assert.match(fs.readFileSync(a, 'utf8'), /^a: ENC\[/);
  assert.match(fs.readFileSync(b, 'utf8'), /"b": "ENC\[/);
  const out = await runCli(['decrypt', a, b], { env: w.env });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout.toString(), 'a: 1\n{\n\t"b": 2\n}\n');
  assert.equal((await runInProcess(['decrypt', '--output', path.join(w.dir, 'x'), a, b], { env: w.env })).code, 8);
  const plain = w.write('plain.yaml', 'p: 1\n');
  const mixed = await runInProcess(['decrypt', '-i', a, plain, b], { env: w.env });
  assert.equal(mixed.code, 1);
  assert.match(mixed.stderr, /plain\.yaml: sops metadata not found/);
  assert.equal(fs.readFileSync(a, 'utf8'), 'a: 1\n');
  assert.equal(fs.readFileSync(b, 'utf8'), '{\n\t"b": 2\n}\n');
});

test('--decryption-order is accepted like sops: known types pass, a duplicate exits 112', async () => {
  const w = workspace();
  const f = w.write('a.yaml', 'k: v\n');
  await runInProcess(['encrypt', '-i', '--age', alice.recipient, f], { env: w.env });
  const ok = await runInProcess(['decrypt', '--decryption-order', 'age,pgp', f], { env: w.env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.toString(), 'k: v\n');
  const dup = await runInProcess(['decrypt', '--decryption-order', 'age,age', f], { env: w.env });
  assert.equal(dup.code, 112);
  const env = await runInProcess(['decrypt', f], { env: { ...w.env, SOPS_DECRYPTION_ORDER: 'pgp,pgp' } });
  assert.equal(env.code, 112);
  assert.equal(env.stdout.length, 0);
});
