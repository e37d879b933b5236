/**
 * The programs .ci/run installs for the tests (age and its plugins, ssh-keygen, script, GnuPG,
 * zsh, fish): their tests skip where one is missing, which is right on a developer's machine
 * but would let a CI run pass without them. Under CI (env CI set) this test fails for each one
 * missing; elsewhere it skips, naming them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ci = process.env['CI'] !== undefined && process.env['CI'] !== '';

/** Found on PATH, or in TSOPS_AGE_BIN_DIR where the plugin tests look for age and its plugins. */
function found(program: string, dir?: string): boolean {
  const where = dir === undefined ? program : path.join(dir, program);
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', where], { stdio: 'ignore' }).status === 0;
}

const ageDir = process.env['TSOPS_AGE_BIN_DIR'];
const wanted: [string, boolean][] = [
  ['age', found('age')],
  ['age-keygen', found('age-keygen')],
  ['age-plugin-tagtest (TSOPS_AGE_BIN_DIR)', ageDir !== undefined && found('age-plugin-tagtest', ageDir)],
  ['ssh-keygen', found('ssh-keygen')],
  ['script', found('script')],
  ['gpg', found('gpg')],
  ['zsh', found('zsh')],
  ['fish', found('fish')],
];
const missing = wanted.filter(([, ok]) => !ok).map(([name]) => name);

test('the programs .ci/run installs are there (required when CI is set)', {
  skip: missing.length > 0 && !ci ? `not installed here: ${missing.join(', ')} (.ci/run installs them)` : false,
}, () => {
  assert.deepEqual(missing, [], `missing under CI: ${missing.join(', ')}`);
});
