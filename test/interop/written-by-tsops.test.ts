/**
 * Files tsops writes follow the sops format to the letter (spec §12): checked here by an
 * independent reader (the `yaml` package / JSON.parse, age-encryption, node:crypto — none of
 * tsops' own parsing or crypto code), by the reference `age` tool, and by sops-age, a third-party
 * TypeScript sops decoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decrypter, armor } from 'age-encryption';
import { parse as parseYaml } from 'yaml';
import { decryptSops } from 'sops-age';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, runInProcess } from '../helpers/run.js';

const PLAIN_YAML = `# top comment
name: alice
count: 42
ratio: 0.25
enabled: true
empty: ""
nothing: null
nested:
    list:
        - one
        - 2
        - false
    deeper:
        secret: s3cr3t
public_unencrypted: visible
`;

const ENC_RE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/]+={0,2}),iv:([A-Za-z0-9+/]+={0,2}),tag:([A-Za-z0-9+/]+={0,2}),type:(str|int|float|bool|comment)\]$/;

async function setup() {
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  const keyFile = path.join(dir, 'keys.txt');
  fs.writeFileSync(keyFile, key.text, { mode: 0o600 });
  return { dir, key, keyFile, env: cleanEnv({ SOPS_AGE_KEY_FILE: keyFile }) };
}

async function independentDataKey(enc: string, identityText: string): Promise<Uint8Array> {
  const d = new Decrypter();
  const secret = identityText.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  d.addIdentity(secret);
  return d.decrypt(armor.decode(enc), 'uint8array');
}

function gcmOpen(key: Uint8Array, value: string, aad: string): { plain: Buffer; type: string; ivLen: number; tagLen: number } {
  const m = ENC_RE.exec(value);
  assert.ok(m, `not an ENC value: ${value.slice(0, 40)}`);
  const iv = Buffer.from(m[2]!, 'base64');
  const tag = Buffer.from(m[3]!, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  const plain = Buffer.concat([d.update(Buffer.from(m[1]!, 'base64')), d.final()]);
  return { plain, type: m[4]!, ivLen: iv.length, tagLen: tag.length };
}

test('encrypted YAML follows the compatibility checklist (independent reader)', async () => {
  const { dir, key, env } = await setup();
  const plainFile = path.join(dir, 'app.yaml');
  fs.writeFileSync(plainFile, PLAIN_YAML);
  const r = await runCli(['encrypt', '--age', key.recipient, plainFile], { env });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString();
  const doc = parseYaml(text) as Record<string, any>;

  // Metadata: last key, sorted, typed, version, lastmodified without fractions.
  assert.equal(Object.keys(doc).at(-1), 'sops');
  const sops = doc['sops'];
  assert.deepEqual(Object.keys(sops), [...Object.keys(sops)].sort());
  assert.deepEqual(Object.keys(sops), ['age', 'lastmodified', 'mac', 'unencrypted_suffix', 'version']);
  assert.equal(sops.version, '3.13.2');
  assert.match(sops.lastmodified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(sops.unencrypted_suffix, '_unencrypted');
  assert.deepEqual(Object.keys(sops.age[0]), ['enc', 'recipient']);
  assert.equal(sops.age[0].recipient, key.recipient);
  assert.ok(sops.age[0].enc.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n'));
  assert.ok(sops.age[0].enc.endsWith('-----END AGE ENCRYPTED FILE-----\n'));
  for (const line of sops.age[0].enc.split('\n').slice(1, -2)) assert.ok(line.length <= 64);
  // YAML layout: indent 4, non-compact sequences, literal block for enc, quoted lastmodified.
  assert.match(text, /^nested:\n {4}list:\n {8}- ENC\[/m);
  assert.match(text, /^sops:\n {4}age:\n {8}- enc: \|\n {12}-----BEGIN AGE ENCRYPTED FILE-----\n/m);
  assert.match(text, /^ {4}lastmodified: "\d{4}-/m);
  assert.match(text, /^#ENC\[AES256_GCM,/m);

  const dataKey = await independentDataKey(sops.age[0].enc, key.text);
  assert.equal(dataKey.length, 32);
  const expect: Array<[unknown, string, string, string]> = [
    [doc['name'], 'name:', 'alice', 'str'],
    [doc['count'], 'count:', '42', 'int'],
    [doc['ratio'], 'ratio:', '0.25', 'float'],
    [doc['enabled'], 'enabled:', 'True', 'bool'],
    [doc['nested'].list[0], 'nested:list:', 'one', 'str'],
    [doc['nested'].list[1], 'nested:list:', '2', 'int'],
    [doc['nested'].list[2], 'nested:list:', 'False', 'bool'],
    [doc['nested'].deeper.secret, 'nested:deeper:secret:', 's3cr3t', 'str'],
  ];
  const macInput: Buffer[] = [];
  for (const [value, aad, plain, type] of expect) {
    const o = gcmOpen(dataKey, value as string, aad);
    assert.equal(o.plain.toString(), plain);
    assert.equal(o.type, type);
    assert.equal(o.ivLen, 32);
    assert.equal(o.tagLen, 16);
  }
  // Empty string and null stay as they are; the _unencrypted key stays clear.
  assert.equal(doc['empty'], '');
  assert.equal(doc['nothing'], null);
  assert.equal(doc['public_unencrypted'], 'visible');
  // The top-level comment is encrypted with AAD ":".
  const comment = /^#(ENC\[.*\])$/m.exec(text)![1]!;
  const c = gcmOpen(dataKey, comment, ':');
  assert.equal(c.plain.toString(), ' top comment');
  assert.equal(c.type, 'comment');
  // MAC: SHA-512 of all plaintext values in document order (empty string and clear values included).
  for (const p of ['alice', '42', '0.25', 'True', '', 'one', '2', 'False', 's3cr3t', 'visible']) macInput.push(Buffer.from(p));
  const mac = createHash('sha512').update(Buffer.concat(macInput)).digest('hex').toUpperCase();
  const stored = gcmOpen(dataKey, sops.mac, sops.lastmodified);
  assert.equal(stored.plain.toString(), mac);
});

test('encrypted JSON: tab indent, Go escaping, exact int64, metadata sorted', async () => {
  const { dir, key, env } = await setup();
  const plainFile = path.join(dir, 'app.json');
  fs.writeFileSync(plainFile, '{"big": 9223372036854775807, "html": "<a&b>", "list": [1.5, "x"], "obj": {}}');
  const r = await runCli(['encrypt', '--age', key.recipient, plainFile], { env });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString();
  assert.match(text, /^\{\n\t"big": "ENC\[/);
  assert.match(text, /\n\t\t"age": \[\n\t\t\t\{\n\t\t\t\t"enc": "-----BEGIN AGE ENCRYPTED FILE-----\\n/);
  assert.ok(text.endsWith('}\n'));
  assert.match(text, /"obj": \{\}/);
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc.sops), [...Object.keys(doc.sops)].sort());
  const dataKey = await independentDataKey(doc.sops.age[0].enc, key.text);
  assert.equal(gcmOpen(dataKey, doc.big, 'big:').plain.toString(), '9223372036854775807');
  assert.equal(gcmOpen(dataKey, doc.big, 'big:').type, 'int');
  assert.equal(gcmOpen(dataKey, doc.html, 'html:').plain.toString(), '<a&b>');
  assert.equal(gcmOpen(dataKey, doc.list[0], 'list:').type, 'float');
  const dec = await runCli(['decrypt', path.join(dir, 'out.json')], { env });
  assert.notEqual(dec.code, 0); // no such file yet: exit 100
  fs.writeFileSync(path.join(dir, 'out.json'), text);
  const back = await runCli(['decrypt', path.join(dir, 'out.json')], { env });
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout.toString(), '{\n\t"big": 9223372036854775807,\n\t"html": "\\u003ca\\u0026b\\u003e",\n\t"list": [\n\t\t1.5,\n\t\t"x"\n\t],\n\t"obj": {}\n}\n');
});

test('the reference age tool opens the data key tsops wrapped', async (t) => {
  if (spawnSync('age', ['--version']).status !== 0) {
    t.skip('the age binary is not installed (.ci/run installs it)');
    return;
  }
  const { dir, key, keyFile, env } = await setup();
  const plainFile = path.join(dir, 's.yaml');
  fs.writeFileSync(plainFile, 'a: b\n');
  const r = await runInProcess(['encrypt', '--age', key.recipient, plainFile], { env });
  assert.equal(r.code, 0, r.stderr);
  const enc = (parseYaml(r.stdout.toString()) as any).sops.age[0].enc as string;
  const age = spawnSync('age', ['-d', '-i', keyFile], { input: enc });
  assert.equal(age.status, 0, age.stderr.toString());
  assert.equal(age.stdout.length, 32);
  assert.deepEqual(new Uint8Array(age.stdout), await independentDataKey(enc, key.text));
});

test('sops-age, an independent sops decoder, decrypts YAML, JSON and dotenv files tsops wrote', async () => {
  const { dir, key, env } = await setup();
  const secretKey = key.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  const cases: Array<[string, string, 'yaml' | 'json' | 'env', unknown]> = [
    ['a.yaml', 'user: alice\nport: 5432\nnested:\n    list: [x, y]\n', 'yaml', { user: 'alice', port: 5432, nested: { list: ['x', 'y'] } }],
    ['a.json', '{"user": "bob", "ok": true, "n": {"f": 1.5}}', 'json', { user: 'bob', ok: true, n: { f: 1.5 } }],
    ['a.env', 'USER=carol\nTOKEN=abc=def\n', 'env', { USER: 'carol', TOKEN: 'abc=def' }],
  ];
  for (const [name, content, fileType, expected] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const r = await runInProcess(['encrypt', '--age', key.recipient, file], { env });
    assert.equal(r.code, 0, r.stderr);
    const got = await decryptSops(r.stdout.toString(), { fileType, secretKey });
    assert.deepEqual(got, expected, name);
  }
});
