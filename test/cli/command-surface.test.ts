/**
 * sops' words that are not file names: help, version, completion, and the commands tsops does not
 * offer (publish, keyservice). Each runs the real binary in a directory whose .sops.yaml would
 * match any file name, so a word taken for a file would show as an edit or a config error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { VERSION } from '../../src/version.js';

const COMMANDS = ['encrypt', 'decrypt', 'edit', 'rotate', 'updatekeys', 'groups', 'set', 'unset', 'exec-env', 'exec-file', 'filestatus', 'keygen', 'ssh-to-age'];

/** A directory with a catch-all rule and an editor that would fail the test if it ran. */
function workDir(): { dir: string; env: Record<string, string | undefined> } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.sops.yaml'), 'creation_rules:\n  - age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n');
  const editor = path.join(dir, 'editor.sh');
  fs.writeFileSync(editor, `#!/bin/sh\necho edited > "${dir}/editor-ran"\n`, { mode: 0o755 });
  return { dir, env: cleanEnv({ EDITOR: editor }) };
}

function untouched(dir: string, names: string[]): void {
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.sops.yaml', 'editor.sh', ...names].sort());
}

test('tsops help lists the commands and exits 0; no file named help is created', async () => {
  const { dir, env } = workDir();
  const r = await runCli(['help'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.toString();
  assert.match(out, /^Usage: tsops/);
  for (const c of [...COMMANDS, 'completion', 'version']) assert.match(out, new RegExp(`^  ${c}\\b`, 'm'), c);
  untouched(dir, []);
});

test('tsops help decrypt prints the options of decrypt, as tsops decrypt --help does', async () => {
  const { dir, env } = workDir();
  const r = await runCli(['help', 'decrypt'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^Usage: tsops decrypt/);
  assert.match(r.stdout.toString(), /--extract <path>/);
  const direct = await runCli(['decrypt', '--help'], { cwd: dir, env });
  assert.equal(r.stdout.toString(), direct.stdout.toString());
  untouched(dir, []);
});

test('tsops help groups add shows the subcommand; an unknown topic is one error line, exit 1, as in sops', async () => {
  const { dir, env } = workDir();
  const r = await runCli(['help', 'groups', 'add'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^Usage: tsops groups add/);
  const bad = await runCli(['help', 'nosuch'], { cwd: dir, env });
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout.length, 0);
  assert.match(bad.stderr, /^tsops: No help topic for 'nosuch'\nhint: /);
  untouched(dir, []);
});

test('tsops version and tsops --version print the version line, as sops version does', async () => {
  const { dir, env } = workDir();
  for (const argv of [['version'], ['--version'], ['-v'], ['version', '--check-for-updates']]) {
    const r = await runCli(argv, { cwd: dir, env });
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout.toString(), `tsops ${VERSION} (sops 3.13.2 compatible)\n`, argv.join(' '));
  }
  untouched(dir, []);
});

for (const word of ['publish', 'keyservice']) {
  test(`tsops ${word}: one line saying tsops does not offer it and what to use, exit 1, nothing touched`, async () => {
    const { dir, env } = workDir();
    // A file of that very name must not be edited or read.
    fs.writeFileSync(path.join(dir, word), 'key: value\n');
    for (const argv of [[word], [word, word], [word, '--network', 'tcp://localhost:5000', 'x.yaml']]) {
      const r = await runCli(argv, { cwd: dir, env });
      assert.equal(r.code, 1, argv.join(' '));
      assert.equal(r.stdout.length, 0);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^tsops: \`${word}\` is not offered by tsops: .*use sops ${word}$`));
    }
    assert.equal(fs.readFileSync(path.join(dir, word), 'utf8'), 'key: value\n');
    untouched(dir, [word]);
  });
}

test('tsops publish does not create a file named publish', async () => {
  const { dir, env } = workDir();
  const r = await runCli(['publish'], { cwd: dir, env });
  assert.equal(r.code, 1);
  untouched(dir, []);
});

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  const file = path.join(tempDir(), `tsops.${shell}`);
  fs.writeFileSync(file, r.stdout);
  return file;
}

const has = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;

test('completion bash: sources without error, registers tsops, and completes commands and options', async () => {
  const file = await script('bash');
  const registered = spawnSync('bash', ['-c', `source ${file} && complete -p tsops`], { encoding: 'utf8' });
  assert.equal(registered.status, 0, registered.stderr);
  assert.equal(registered.stderr, '');
  assert.match(registered.stdout, /-F _tsops tsops$/m);
  // Ask the completion function itself, as bash does on TAB.
  const ask = (...words: string[]) => {
    const r = spawnSync(
      'bash',
      ['-c', `source ${file}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tsops; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', 'tsops', ...words],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '');
  };
  const all = ask('');
  for (const c of [...COMMANDS, 'completion', 'version', 'help']) assert.ok(all.includes(c), `${c} in ${all.join(' ')}`);
  assert.ok(!all.includes('publish') && !all.includes('keyservice'), 'commands tsops does not offer are not completed');
  assert.deepEqual(ask('dec'), ['decrypt']);
  assert.deepEqual(ask('decrypt', '--ext'), ['--extract']);
  assert.deepEqual(ask('groups', ''), ['add', 'delete']);
  assert.deepEqual(ask('groups', 'add', '--ag'), ['--age']);
  assert.deepEqual(ask('rotate', '--add-'), ['--add-age', '--add-pgp']);
  // Only what rotate has: no encrypt-only selector flags.
  assert.deepEqual(ask('rotate', '--encrypted-r'), []);
});

test('completion zsh: loads in zsh with compinit and registers _tsops', { skip: has('zsh') ? false : 'zsh is not installed (.ci/run installs it)' }, async () => {
  const file = await script('zsh');
  const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u && source ${file} && print -r -- $_comps[tsops]`], {
    encoding: 'utf8',
    env: { ...process.env, HOME: tempDir() },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '_tsops');
});

test('completion zsh: names every command with its description', async () => {
  const text = fs.readFileSync(await script('zsh'), 'utf8');
  assert.match(text, /^#compdef tsops/);
  for (const c of COMMANDS) assert.match(text, new RegExp(`'${c}:`), c);
});

test('completion fish: completes commands and a command\'s options in fish', { skip: has('fish') ? false : 'fish is not installed (.ci/run installs it)' }, async () => {
  const file = await script('fish');
  const ask = (line: string) => {
    const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]);
  };
  const all = ask('tsops ');
  for (const c of COMMANDS) assert.ok(all.includes(c), `${c} in ${all.join(' ')}`);
  assert.deepEqual(ask('tsops decrypt --ext'), ['--extract']);
  assert.deepEqual(ask('tsops groups ').sort(), ['add', 'delete']);
});

test('completion fish: the script names every command', async () => {
  const text = fs.readFileSync(await script('fish'), 'utf8');
  for (const c of COMMANDS) assert.match(text, new RegExp(`-a ${c} `), c);
});

test('completion with an unknown or no shell: one-line error, exit 1, nothing on stdout', async () => {
  const r = await runCli(['completion', 'powershell']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.length, 0);
  assert.equal(r.stderr, 'tsops: completion: unknown shell "powershell"; use bash, zsh or fish\n');
  const none = await runCli(['completion']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr.split('\n').filter((l) => l !== '').length, 1, none.stderr);
});
