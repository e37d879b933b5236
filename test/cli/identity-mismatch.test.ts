/** When identities are found but none opens the file, the report says so rather than "did not find keys". */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';

const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
const mallory = await generateAgeKeyFile({ pq: false, now: new Date() });

test('a key file of the wrong person is counted and named, not reported as missing (real binary)', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'app.yaml'), 'token: abc\n');
  const enc = await runCli(['encrypt', '--age', alice.recipient, '-i', 'app.yaml'], { cwd: dir, env: cleanEnv() });
  assert.equal(enc.code, 0, enc.stderr);
  const keys = path.join(dir, 'mallory.txt');
  fs.writeFileSync(keys, mallory.text);
  const r = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY_FILE: keys }) });
  assert.equal(r.code, 128, r.stderr);
  const text = r.stderr.replace(/\n\s*\| /g, ' ');
  assert.ok(!text.includes('Did not find keys'), r.stderr);
  assert.ok(text.includes(`The 1 identity found (in SOPS_AGE_KEY_FILE (${keys})) does not match this recipient.`), r.stderr);
  assert.ok(!r.stderr.includes('AGE-SECRET-KEY'), 'no identity in the report');

  // with no identity anywhere, sops' wording stays
  const none = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: cleanEnv() });
  assert.equal(none.code, 128);
  assert.ok(none.stderr.replace(/\n\s*\| /g, ' ').includes('Did not find keys in locations'), none.stderr);
});
