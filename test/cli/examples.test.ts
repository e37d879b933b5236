/** The README's quick start and the shipped examples stay true. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { parseConfig } from '../../src/config/parse.js';
import { parseAgeRecipient } from '../../src/keys/age/master-key.js';

const examples = path.join(repoRoot, 'examples');

test('examples/secrets/demo.yaml decrypts with the demo key, as the quick start shows', async () => {
  const r = await runCli(['decrypt', 'secrets/demo.yaml'], {
    cwd: examples,
    env: cleanEnv({ SOPS_AGE_KEY_FILE: path.join(examples, 'keys.txt') }),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /password: correct-horse-battery-staple/);
  assert.match(fs.readFileSync(path.join(examples, 'secrets', 'demo.yaml'), 'utf8'), /password: ENC\[AES256_GCM,/);
});

test('examples/secrets/demo.yaml does not decrypt without a key (exit 128)', async () => {
  const r = await runCli(['decrypt', 'secrets/demo.yaml'], { cwd: examples, env: cleanEnv() });
  assert.equal(r.code, 128);
  assert.equal(r.stdout.length, 0);
});

test('.sops.yaml.example parses and lists only valid age recipients', () => {
  const file = path.join(repoRoot, '.sops.yaml.example');
  const config = parseConfig(fs.readFileSync(file, 'utf8'), file);
  const ids = config.creationRules!.flatMap((r) => r.keyGroups.flat().map((k) => k.id));
  assert.ok(ids.length >= 8);
  for (const id of ids) assert.doesNotThrow(() => parseAgeRecipient(id), id);
});
