/**
 * `--verbose` through the real binary: the config file, the matching rule, the identity sources,
 * the recipient that opened the data key and what was written are logged on stderr, and no
 * value, identity or data key ever is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { dataKeyHex, newKey, type AgeKey } from './key-management-helpers.js';

const alice = await newKey();
const bob = await newKey();
const SECRET = 'hunter2-verbose-secret';

function setup() {
  const dir = tempDir();
  const keyFile = path.join(dir, 'alice.txt');
  fs.writeFileSync(keyFile, `${alice.secret}\n`);
  const configPath = path.join(dir, '.sops.yaml');
  fs.writeFileSync(configPath, `creation_rules:\n  - path_regex: ^other/\n    age: ${bob.recipient}\n  - path_regex: ^secrets/\n    age: ${alice.recipient}\n`);
  fs.mkdirSync(path.join(dir, 'secrets'));
  const file = path.join(dir, 'secrets', 'app.yaml');
  fs.writeFileSync(file, `db:\n    password: ${SECRET}\n`);
  return { dir, keyFile, configPath, file, env: cleanEnv({ SOPS_AGE_KEY_FILE: keyFile }) };
}

/** stderr holds neither the plaintext, nor an identity, nor the data key (hex or base64). */
function assertNoSecrets(stderr: string, dataKeys: string[], keys: AgeKey[] = [alice, bob]): void {
  assert.ok(!stderr.includes(SECRET), `plaintext in stderr:\n${stderr}`);
  assert.ok(!/AGE-SECRET-KEY/i.test(stderr), 'an identity in stderr');
  for (const k of keys) assert.ok(!stderr.includes(k.secret.slice(20)), 'an identity in stderr');
  for (const hex of dataKeys) {
    assert.ok(!stderr.includes(hex), 'the data key (hex) in stderr');
    assert.ok(!stderr.includes(Buffer.from(hex, 'hex').toString('base64')), 'the data key (base64) in stderr');
  }
}

function debugLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('[tsops] '));
}

function hasLine(stderr: string, re: RegExp): void {
  assert.ok(debugLines(stderr).some((l) => re.test(l)), `no line matching ${re} in:\n${stderr}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('--verbose', () => {
  it('encrypt -i: config file, matched rule with its index and path_regex, recipients, the file written', async () => {
    const w = setup();
    const r = await runCli(['encrypt', '--verbose', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    hasLine(r.stderr, new RegExp(`config file: ${esc(w.configPath)}$`));
    hasLine(r.stderr, /creation rule 1 \(path_regex "\^secrets\/"\) matched "secrets\/app\.yaml"/);
    hasLine(r.stderr, new RegExp(`data key wrapped for key group 0: ${alice.recipient}$`));
    hasLine(r.stderr, new RegExp(`file written successfully: ${esc(w.file)}$`));
    assertNoSecrets(r.stderr, [await dataKeyHex(w.file, [alice])]);
  });

  it('decrypt: identity sources by name and path, the recipient that opened the key, output to stdout', async () => {
    const w = setup();
    assert.equal((await runCli(['encrypt', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env })).code, 0);
    const r = await runCli(['decrypt', '--verbose', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.toString().includes(SECRET));
    hasLine(r.stderr, new RegExp(`config file: ${esc(w.configPath)}$`));
    hasLine(r.stderr, new RegExp(`identity source: SOPS_AGE_KEY_FILE \\(${esc(w.keyFile)}\\): 1 identity for ${alice.recipient}$`));
    hasLine(r.stderr, /identity source: SOPS_AGE_KEY: not set$/);
    hasLine(r.stderr, /identity source: SOPS_AGE_KEY_CMD: not set$/);
    hasLine(r.stderr, new RegExp(`secrets/app\\.yaml: data key opened by the age recipient ${alice.recipient} \\(key group 0\\)$`));
    hasLine(r.stderr, /output written to stdout$/);
    assertNoSecrets(r.stderr, [await dataKeyHex(w.file, [alice])]);
  });

  it('rotate -i, set, exec-env and updatekeys log the same and leak nothing', async () => {
    const w = setup();
    assert.equal((await runCli(['encrypt', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env })).code, 0);
    const keys = [await dataKeyHex(w.file, [alice])];

    const rot = await runCli(['rotate', '--verbose', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(rot.code, 0, rot.stderr);
    keys.push(await dataKeyHex(w.file, [alice]));
    hasLine(rot.stderr, /creation rule 1 \(path_regex "\^secrets\/"\) matched/);
    hasLine(rot.stderr, new RegExp(`data key opened by the age recipient ${alice.recipient}`));
    hasLine(rot.stderr, new RegExp(`data key wrapped for key group 0: ${alice.recipient}$`));
    hasLine(rot.stderr, new RegExp(`file written successfully: ${esc(w.file)}$`));
    assertNoSecrets(rot.stderr, keys);

    const set = await runCli(['set', '--verbose', 'secrets/app.yaml', '["db"]["user"]', '"admin-verbose"'], { cwd: w.dir, env: w.env });
    assert.equal(set.code, 0, set.stderr);
    hasLine(set.stderr, new RegExp(`data key opened by the age recipient ${alice.recipient}`));
    hasLine(set.stderr, new RegExp(`file written successfully: ${esc(w.file)}$`));
    assertNoSecrets(set.stderr, keys);
    assert.ok(!set.stderr.includes('admin-verbose'), 'the new value is not logged');

    const exec = await runCli(['exec-env', '--verbose', 'secrets/app.yaml', 'true'], { cwd: w.dir, env: w.env });
    // a nested map cannot go into the environment; what matters is that nothing leaks on the way
    assert.equal(exec.code, 1);
    hasLine(exec.stderr, new RegExp(`data key opened by the age recipient ${alice.recipient}`));
    assertNoSecrets(exec.stderr, keys);

    fs.writeFileSync(w.configPath, `creation_rules:\n  - path_regex: ^secrets/\n    age: ${alice.recipient},${bob.recipient}\n`);
    const up = await runCli(['updatekeys', '--verbose', '-y', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(up.code, 0, up.stderr);
    hasLine(up.stderr, new RegExp(`config file: ${esc(w.configPath)}$`));
    hasLine(up.stderr, /creation rule 0 \(path_regex "\^secrets\/"\) matched "secrets\/app\.yaml"/);
    hasLine(up.stderr, new RegExp(`identity source: SOPS_AGE_KEY_FILE \\(${esc(w.keyFile)}\\)`));
    hasLine(up.stderr, new RegExp(`data key opened by the age recipient ${alice.recipient}`));
    hasLine(up.stderr, new RegExp(`data key wrapped for key group 0: ${alice.recipient}, ${bob.recipient}$`));
    hasLine(up.stderr, new RegExp(`file written successfully: ${esc(w.file)}$`));
    assertNoSecrets(up.stderr, keys);
  });

  it('exec-file and edit log the decrypted file and what was written, and nothing secret', async () => {
    const w = setup();
    assert.equal((await runCli(['encrypt', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env })).code, 0);
    const keys = [await dataKeyHex(w.file, [alice])];
    const ef = await runCli(['exec-file', '--verbose', '--no-fifo', 'secrets/app.yaml', 'cat {} > /dev/null'], { cwd: w.dir, env: w.env });
    assert.equal(ef.code, 0, ef.stderr);
    hasLine(ef.stderr, /decrypted for the command at .* \(0600 file, removed afterwards\)$/);
    assertNoSecrets(ef.stderr, keys);

    const editor = path.join(w.dir, 'editor.sh');
    fs.writeFileSync(editor, '#!/bin/sh\necho "extra: added" >> "$1"\n', { mode: 0o700 });
    const ed = await runCli(['edit', '--verbose', 'secrets/app.yaml'], { cwd: w.dir, env: { ...w.env, EDITOR: editor } });
    assert.equal(ed.code, 0, ed.stderr);
    hasLine(ed.stderr, new RegExp(`data key opened by the age recipient ${alice.recipient}`));
    hasLine(ed.stderr, new RegExp(`file written successfully: ${esc(w.file)}$`));
    assertNoSecrets(ed.stderr, keys);
  });

  it('without --verbose none of it is printed', async () => {
    const w = setup();
    const r = await runCli(['encrypt', '-i', 'secrets/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});
