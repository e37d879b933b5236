/** `tsops rotate -i FILE…`: several files in one process, one identity load, failures reported in order. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binPath, tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { dataKeyHex, encryptTo, newKey } from './key-management-helpers.js';

const alice = await newKey();
const PLAIN = 'db:\n    password: hunter2\n';

/** A SOPS_AGE_KEY_CMD that logs each run, so a test can count how often identities were loaded. */
function keyCommand(dir: string): { env: Record<string, string | undefined>; runs: () => number } {
  const log = path.join(dir, 'runs.log');
  const script = path.join(dir, 'key-cmd.sh');
  fs.writeFileSync(script, `#!/bin/sh\necho run >> '${log}'\nprintf '%s\\n' '${alice.secret}'\n`, { mode: 0o700 });
  return {
    env: cleanEnv({ SOPS_AGE_KEY_CMD: script }),
    runs: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

describe('tsops rotate with several files', () => {
  it('-i gives every file a new data key in one process that loads the identities once', async () => {
    const dir = tempDir();
    const names = ['a.yaml', 'sub/b.yaml', 'c.json'];
    const files = await Promise.all(names.map((n) => encryptTo(dir, n, n.endsWith('.json') ? '{"k": "v"}' : PLAIN, [alice.recipient])));
    const before = await Promise.all(files.map((f) => dataKeyHex(f, [alice])));
    const k = keyCommand(dir);
    const r = await runCli(['rotate', '-i', ...names], { cwd: dir, env: k.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    const after = await Promise.all(files.map((f) => dataKeyHex(f, [alice])));
    after.forEach((key, i) => assert.notEqual(key, before[i], names[i]));
    assert.equal(k.runs(), 1, 'the key command ran once for the three files');
    const dec = await runCli(['decrypt', 'a.yaml', 'sub/b.yaml'], { cwd: dir, env: k.env });
    assert.equal(dec.stdout.toString(), PLAIN + PLAIN);
  });

  it('works behind find | xargs, as sops-nix guides use it', async () => {
    const dir = tempDir();
    const files = await Promise.all(['secrets/a.yaml', 'secrets/x/b.yaml'].map((n) => encryptTo(dir, n, PLAIN, [alice.recipient])));
    const before = await Promise.all(files.map((f) => dataKeyHex(f, [alice])));
    const k = keyCommand(dir);
    const sh = spawnSync('sh', ['-c', `find secrets -name '*.yaml' | xargs "${process.execPath}" "${binPath}" rotate -i`], {
      cwd: dir,
      env: k.env as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    assert.equal(sh.status, 0, sh.stderr);
    const after = await Promise.all(files.map((f) => dataKeyHex(f, [alice])));
    after.forEach((key, i) => assert.notEqual(key, before[i]));
    assert.equal(k.runs(), 1);
  });

  it('a failing file is reported and the others are still rotated; the exit code is the failure\'s', async () => {
    const dir = tempDir();
    const good = await Promise.all(['a.yaml', 'c.yaml'].map((n) => encryptTo(dir, n, PLAIN, [alice.recipient])));
    fs.writeFileSync(path.join(dir, 'plain.yaml'), 'token: abc\n');
    const before = await Promise.all(good.map((f) => dataKeyHex(f, [alice])));
    const k = keyCommand(dir);
    const r = await runCli(['rotate', '-i', 'a.yaml', 'plain.yaml', 'missing.yaml', 'c.yaml'], { cwd: dir, env: k.env });
    // the first failure decides the exit code: sops metadata not found
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('tsops:'));
    assert.match(lines[0]!, /plain\.yaml: sops metadata not found/);
    assert.match(lines[1]!, /missing\.yaml/);
    assert.ok(!r.stderr.includes('abc'), 'no plaintext in the report');
    assert.equal(fs.readFileSync(path.join(dir, 'plain.yaml'), 'utf8'), 'token: abc\n');
    const after = await Promise.all(good.map((f) => dataKeyHex(f, [alice])));
    after.forEach((key, i) => assert.notEqual(key, before[i]));
  });

  it('reads the .sops.yaml once for the run and prints each file\'s messages in file order', async () => {
    const dir = tempDir();
    const bob = await newKey();
    const names = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'];
    for (const n of names) await encryptTo(dir, n, PLAIN, [alice.recipient, bob.recipient]);
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'token: abc\n');
    // the rule lists alice only, so each rotated file warns that bob gets the new data key too
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `stors: {}\ncreation_rules:\n  - path_regex: .*\n    age: ${alice.recipient}\n`);
    const r = await runCli(['rotate', '-i', ...names], { cwd: dir, env: keyCommand(dir).env });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('tsops:'));
    assert.equal(lines.filter((l) => l.includes('unknown key "stors"')).length, 1, r.stderr);
    const perFile = lines.filter((l) => !l.includes('"stors"')).map((l) => /(\w)\.yaml:/.exec(l)?.[1]);
    assert.deepEqual(perFile, ['a', 'b', 'c', 'd'], r.stderr);
    assert.match(lines.find((l) => l.includes('b.yaml'))!, /sops metadata not found/);
    for (const n of ['a.yaml', 'c.yaml', 'd.yaml']) {
      const dec = await runCli(['decrypt', n], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: bob.secret }) });
      assert.equal(dec.stdout.toString(), PLAIN, n);
    }
  });

  it('refuses several files without -i (exit 8) and changes nothing', async () => {
    const dir = tempDir();
    const files = await Promise.all(['a.yaml', 'b.yaml'].map((n) => encryptTo(dir, n, PLAIN, [alice.recipient])));
    const before = files.map((f) => fs.readFileSync(f));
    const r = await runCli(['rotate', 'a.yaml', 'b.yaml'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(r.code, 8);
    assert.match(r.stderr, /rotate of 2 files needs -i/);
    assert.equal(r.stdout.length, 0);
    files.forEach((f, i) => assert.deepEqual(fs.readFileSync(f), before[i]));
  });
});
