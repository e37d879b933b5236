/**
 * The library API and the command line share one pipeline: what `tsops encrypt` refuses,
 * `encryptData` refuses with the same error code, exit code and words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptData, encryptData } from '../src/api.js';
import { TsopsError } from '../src/errors.js';
import { generateAgeKeyFile } from '../src/keys/age/keygen.js';
import { tempDir } from './helpers/paths.js';
import { cleanEnv, runInProcess } from './helpers/run.js';

const identityOf = (text: string): string => text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-')) ?? '';

async function refusal(fn: () => Promise<unknown>): Promise<TsopsError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof TsopsError, `expected a TsopsError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

for (const format of ['yaml', 'json', 'dotenv', 'ini'] as const) {
  test(`encryptData refuses its own ${format} output as tsops encrypt does`, async () => {
    const key = await generateAgeKeyFile({ pq: false, now: new Date() });
    const plain = { yaml: 'a: 1\n', json: '{\n\t"a": 1\n}\n', dotenv: 'a=1\n', ini: '[s]\na = 1\n' }[format];
    const once = await encryptData(Buffer.from(plain), { format, recipients: [key.recipient] });
    const api = await refusal(() => encryptData(once, { format, recipients: [key.recipient] }));

    const dir = tempDir();
    const file = path.join(dir, `f.${format === 'dotenv' ? 'env' : format}`);
    fs.writeFileSync(file, once);
    const cli = await runInProcess(['encrypt', '--age', key.recipient, file], { env: cleanEnv(), cwd: dir });
    assert.equal(cli.code, api.exitCode, cli.stderr);
    // The command's message is the same words behind the file's name.
    assert.ok(cli.stderr.includes(`${file}: ${api.message}`), `${cli.stderr} lacks "${api.message}"`);
    // And what was refused still decrypts to the original: nothing was layered on top.
    assert.equal(Buffer.from(await decryptData(once, { format, identities: [identityOf(key.text)] })).toString(), plain);
  });
}

test('encryptData refuses an empty document and a document with a key "sops" as the command does', async () => {
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  const empty = await refusal(() => encryptData(Buffer.from(''), { format: 'yaml', recipients: [key.recipient] }));
  assert.equal(empty.code, 'EMPTY_FILE');
  const reserved = await refusal(() => encryptData(Buffer.from('a: 1\n---\nsops: 2\n'), { format: 'yaml', recipients: [key.recipient] }));
  assert.match(reserved.message, /document 2 has a key "sops"/);
});

test('the library opens a sops file as the command does: a version that is not a semver is refused alike', async () => {
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  const enc = Buffer.from(await encryptData(Buffer.from('a: 1\n'), { format: 'yaml', recipients: [key.recipient] }))
    .toString()
    .replace(/version: 3\.13\.2/, 'version: banana');
  const api = await refusal(() => decryptData(Buffer.from(enc), { format: 'yaml', identities: [identityOf(key.text)] }));
  const dir = tempDir();
  const file = path.join(dir, 'f.yaml');
  fs.writeFileSync(file, enc);
  const cli = await runInProcess(['decrypt', file], { env: cleanEnv({ SOPS_AGE_KEY: identityOf(key.text) }), cwd: dir });
  assert.equal(cli.code, api.exitCode, cli.stderr);
  assert.ok(cli.stderr.includes(api.message), `${cli.stderr} lacks "${api.message}"`);
});
