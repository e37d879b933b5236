/**
 * INI files have an implicit `DEFAULT` section (the keys before any `[section]`): it is shown in
 * other formats and in the environment only when the file has such keys.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';

const alice = await generateAgeKeyFile({ pq: false, now: new Date() });

async function encrypted(name: string, plain: string) {
  const dir = tempDir();
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text);
  fs.writeFileSync(path.join(dir, name), plain);
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: keys });
  const enc = await runCli(['encrypt', '--age', alice.recipient, '-i', name], { cwd: dir, env });
  assert.equal(enc.code, 0, enc.stderr);
  return { dir, env };
}

describe('INI DEFAULT section', () => {
  it('--output-type json shows no DEFAULT when no key comes before the first section', async () => {
    const { dir, env } = await encrypted('app.ini', '[db]\nuser = admin\npass = hunter2\n');
    const r = await runCli(['decrypt', '--output-type', 'json', 'app.ini'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.toString()), { db: { user: 'admin', pass: 'hunter2' } });
    // written back as INI nothing changes
    const ini = await runCli(['decrypt', 'app.ini'], { cwd: dir, env });
    assert.equal(ini.stdout.toString(), '[db]\nuser = admin\npass = hunter2\n');
  });

  it('--output-type json keeps DEFAULT, as sops does, when keys come before the first section', async () => {
    const { dir, env } = await encrypted('app.ini', 'region = eu\n[db]\nuser = admin\n');
    const r = await runCli(['decrypt', '--output-type', 'yaml', 'app.ini'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'DEFAULT:\n    region: eu\ndb:\n    user: admin\n');
  });

  it('exec-env takes the keys before any section as variables', async () => {
    const { dir, env } = await encrypted('app.ini', 'TOKEN = abc\nREGION = eu\n');
    const r = await runCli(['exec-env', 'app.ini', 'printf "%s/%s" "$TOKEN" "$REGION"'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'abc/eu');
  });

  it('exec-env refuses a real section by its name, not a phantom DEFAULT', async () => {
    const { dir, env } = await encrypted('app.ini', '[db]\nuser = admin\n');
    const r = await runCli(['exec-env', 'app.ini', 'true'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /offending key db\n/);
    assert.ok(!r.stderr.includes('DEFAULT'), r.stderr);
    assert.ok(!r.stderr.includes('admin'), r.stderr);
  });
});
