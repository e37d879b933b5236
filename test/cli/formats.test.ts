/**
 * dotenv, INI and binary files through the CLI, and conversions between all five formats
 * (spec §3.3 layouts, §6.3–6.6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, runInProcess } from '../helpers/run.js';

const key = await generateAgeKeyFile({ pq: false, now: new Date() });
const dir = tempDir();
const keyFile = path.join(dir, 'keys.txt');
fs.writeFileSync(keyFile, key.text);
const env = cleanEnv({ SOPS_AGE_KEY_FILE: keyFile, SOPS_AGE_RECIPIENTS: key.recipient });

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

async function encrypt(p: string, ...flags: string[]): Promise<string> {
  const r = await runInProcess(['encrypt', ...flags, p], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString();
}

test('dotenv: values encrypted line by line, metadata as sops_ lines, round trip exact', async () => {
  const plain = '# database\nDB_USER=admin\nDB_PASS=p@ss=word\nMULTI=line1\\nline2\nEMPTY=\n';
  const f = file('app.env', plain);
  const enc = await encrypt(f);
  const lines = enc.trimEnd().split('\n');
  assert.match(lines[0]!, /^#ENC\[AES256_GCM,.*type:comment\]$/);
  assert.match(lines[1]!, /^DB_USER=ENC\[AES256_GCM,.*type:str\]$/);
  assert.equal(lines[4], 'EMPTY=');
  const meta = lines.filter((l) => l.startsWith('sops_'));
  assert.deepEqual(meta.map((l) => l.split('=')[0]), [
    'sops_age__list_0__map_enc',
    'sops_age__list_0__map_recipient',
    'sops_lastmodified',
    'sops_mac',
    'sops_unencrypted_suffix',
    'sops_version',
  ]);
  assert.match(meta[0]!, /^sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n.*\\n-----END AGE ENCRYPTED FILE-----\\n$/);
  for (const l of lines) assert.match(l, /^(#.*|[^=\n]+=[^\n]*)$/, 'every line is KEY=VALUE or a comment');
  const enc2 = file('app.enc.env', enc);
  const d = await runInProcess(['decrypt', enc2], { env });
  assert.equal(d.stdout.toString(), plain);
});

test('INI: sections encrypted, [sops] section with aligned =, round trip', async () => {
  const plain = '[database]\nuser = admin\npassword = s3cret\n\n[not private]\nhost = example.org\n';
  const f = file('app.ini', plain);
  const enc = await encrypt(f);
  assert.match(enc, /^\[database\]\nuser {5}= ENC\[AES256_GCM,.*\]\npassword = ENC\[/);
  assert.match(enc, /\n\[not private\]\nhost = ENC\[/);
  const sopsSection = enc.slice(enc.indexOf('[sops]'));
  const metaLines = sopsSection.trimEnd().split('\n').slice(1);
  const eqColumns = new Set(metaLines.map((l) => l.indexOf(' = ')));
  assert.equal(eqColumns.size, 1, 'the = signs of [sops] are aligned');
  assert.match(sopsSection, /age__list_0__map_enc\s+= -----BEGIN AGE ENCRYPTED FILE-----\\n/);
  const d = await runInProcess(['decrypt', file('app.enc.ini', enc)], { env });
  assert.equal(d.code, 0, d.stderr);
  // go-ini's writer aligns the = of each section, so sops' plaintext output does too.
  assert.equal(d.stdout.toString(), plain.replace('user = admin', 'user     = admin'));
});

test('binary: any bytes under "data", JSON layout, exact bytes back (random data)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      const f = file('blob.bin', bytes);
      const enc = await encrypt(f);
      const doc = JSON.parse(enc);
      assert.deepEqual(Object.keys(doc), bytes.length === 0 ? ['data', 'sops'] : ['data', 'sops']);
      if (bytes.length > 0) assert.match(doc.data, /^ENC\[AES256_GCM,.*type:str\]$/);
      assert.equal(doc.sops.unencrypted_suffix, undefined, 'binary files carry no selector');
      assert.match(enc, /^\{\n\t"data": /);
      const d = await runInProcess(['decrypt', file('blob.enc', enc)], { env: cleanEnv({ SOPS_AGE_KEY_FILE: keyFile }) });
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(new Uint8Array(d.stdout), bytes);
    }),
    { numRuns: 25 },
  );
  const big = randomBytes(200_000);
  const f = file('cert.der', big);
  const enc = await encrypt(f);
  const d = await runCli(['decrypt', '--input-type', 'binary', file('cert.der.enc', enc)], { env });
  assert.ok(Buffer.compare(d.stdout, big) === 0);
});

test('conversions: YAML → JSON → YAML, dotenv → JSON, JSON → dotenv, YAML → INI', async () => {
  const y = file('c.yaml', 'name: x\nport: 8080\nnested:\n    a: b\n');
  const asJson = await runInProcess(['encrypt', '--output-type', 'json', y], { env });
  assert.equal(asJson.code, 0, asJson.stderr);
  assert.match(asJson.stdout.toString(), /^\{\n\t"name": "ENC/);
  const encJson = file('c.enc.json', asJson.stdout);
  const backYaml = await runInProcess(['decrypt', '--output-type', 'yaml', encJson], { env });
  assert.equal(backYaml.stdout.toString(), 'name: x\nport: 8080\nnested:\n    a: b\n');

  const e = file('d.env', 'A=1\nB=two\n');
  const encEnv = file('d.enc.env', await encrypt(e));
  const envToJson = await runInProcess(['decrypt', '--output-type', 'json', encEnv], { env });
  assert.equal(envToJson.stdout.toString(), '{\n\t"A": "1",\n\t"B": "two"\n}\n');

  const j = file('f.json', '{"PORT": 8080, "DEBUG": true, "RATIO": 1.5, "NAME": "n"}');
  const encFlat = file('f.enc.json', await encrypt(j));
  const jsonToEnv = await runInProcess(['decrypt', '--output-type', 'dotenv', encFlat], { env });
  assert.equal(jsonToEnv.code, 0, jsonToEnv.stderr);
  assert.equal(jsonToEnv.stdout.toString(), 'PORT=8080\nDEBUG=true\nRATIO=1.5\nNAME=n\n');

  const nested = await runInProcess(['decrypt', '--output-type', 'dotenv', encJson], { env });
  assert.notEqual(nested.code, 0);
  assert.match(nested.stderr, /complex value/);

  const sec = file('s.yaml', 'section:\n    key: value\n');
  const toIni = await runInProcess(['encrypt', '--output-type', 'ini', sec], { env });
  assert.equal(toIni.code, 0, toIni.stderr);
  assert.match(toIni.stdout.toString(), /^\[section\]\nkey = ENC\[/);
});

test('type by extension as sops: unknown extensions are binary; --input-type overrides', async () => {
  const f = file('notes.txt', 'a: 1\n');
  const asBinary = JSON.parse(await encrypt(f));
  assert.ok(typeof asBinary.data === 'string');
  const asYaml = await encrypt(f, '--input-type', 'yaml', '--output-type', 'yaml');
  assert.match(asYaml, /^a: ENC\[/);
});
