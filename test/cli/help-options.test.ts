/** Each command's --help lists the options it uses; sops' global flags it ignores stay accepted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { VERSION } from '../../src/version.js';

async function listed(command: string[]): Promise<string[]> {
  const r = await runCli([...command, '--help']);
  assert.equal(r.code, 0, r.stderr);
  return [...r.stdout.toString().matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
}

const GLOBAL_UNUSED: Array<[string[], string[]]> = [
  // no .sops.yaml, no output in a sops format, no data key to unwrap
  [['keygen'], ['--config', '--indent', '--decryption-order']],
  [['ssh-to-age'], ['--config', '--indent', '--decryption-order']],
  [['filestatus'], ['--config', '--indent', '--decryption-order']],
  // writes environment variables, not a document
  [['exec-env'], ['--indent']],
  // opens no data key
  [['encrypt'], ['--decryption-order']],
  // accepted as sops does, but nothing to split
  [['set'], ['--shamir-secret-sharing-threshold']],
  [['unset'], ['--shamir-secret-sharing-threshold']],
];

for (const [command, unused] of GLOBAL_UNUSED) {
  test(`tsops ${command.join(' ')} --help leaves out ${unused.join(', ')}`, async () => {
    const options = await listed(command);
    assert.ok(options.includes('--help') && options.length > 1, options.join(' '));
    for (const u of unused) assert.ok(!options.includes(u), `${u} in ${options.join(' ')}`);
  });
}

test('commands that use them still list --config, --indent and --decryption-order', async () => {
  for (const command of [['decrypt'], ['edit'], ['rotate'], ['updatekeys'], ['groups', 'add'], ['exec-file'], ['set']]) {
    const options = await listed(command);
    for (const o of ['--config', '--indent', '--decryption-order']) assert.ok(options.includes(o), `${command.join(' ')}: ${o}`);
  }
  assert.ok((await listed(['encrypt'])).includes('--indent'));
  assert.ok((await listed(['exec-env'])).includes('--config'));
});

test('a global flag left out of a command\'s help is still accepted there, as sops accepts it everywhere', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'plain.yaml'), 'a: b\n');
  const r = await runCli(['filestatus', '--config', '/dev/null', '--indent', '2', '--decryption-order', 'age', 'plain.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), '{"encrypted":false}\n');
  const key = await runCli(['keygen', '--indent', '2', '-o', path.join(dir, 'k.txt')], { cwd: dir, env: cleanEnv() });
  assert.equal(key.code, 0, key.stderr);
  assert.match(fs.readFileSync(path.join(dir, 'k.txt'), 'utf8'), /^AGE-SECRET-KEY-1/m);
});

test('tsops ssh-to-age -version (Mic92\'s flag) and --version print the version and read nothing', async () => {
  for (const flag of ['-version', '--version']) {
    const r = await runCli(['ssh-to-age', flag], { stdin: 'not a key\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `tsops ${VERSION} (sops 3.13.2 compatible)\n`);
    assert.equal(r.stderr, '');
  }
  assert.ok((await listed(['ssh-to-age'])).includes('--version'));
});
