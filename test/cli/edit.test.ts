/**
 * `tsops FILE` / `tsops edit FILE` through the real binary with scripted editors: results on
 * disk, unchanged ciphertexts, exit codes, and an empty TMPDIR on every way out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/run.js';
import { alice, allEnc, bob, encOf, runOnTerminal, workspace } from './edit-setup.js';

const PLAIN = 'name: alice\npassword: hunter2\nlist:\n    - one\n    - two\nport: 5432\n';

/** An editor that replaces hunter2 with correct-horse in place. */
const SED_EDITOR = `sed -i 's/hunter2/correct-horse/' "$1"`;

test('tsops FILE: an edited value is re-encrypted, untouched ciphertexts stay byte-identical', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  fs.chmodSync(w.path('s.yaml'), 0o640);
  w.env['EDITOR'] = w.editor('ed.sh', SED_EDITOR);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const after = w.read('s.yaml');
  assert.equal(await w.decrypt('s.yaml'), PLAIN.replace('hunter2', 'correct-horse'));
  for (const key of ['name', 'port']) assert.equal(encOf(after, key), encOf(before, key), key);
  const listBefore = allEnc(before).slice(2, 4);
  const listAfter = allEnc(after).slice(2, 4);
  assert.deepEqual(listAfter, listBefore);
  assert.notEqual(encOf(after, 'password'), encOf(before, 'password'));
  assert.notEqual(encOf(after, 'mac'), encOf(before, 'mac'));
  assert.equal(fs.statSync(w.path('s.yaml')).mode & 0o777, 0o640, 'mode kept');
  assert.deepEqual(w.tmpEntries(), []);
});

test('tsops edit FILE: saving without changes exits 200 and leaves the file byte-identical', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  const { mtimeMs, ino } = fs.statSync(w.path('s.yaml'));
  w.env['EDITOR'] = w.editor('ed.sh', 'exit 0');
  const r = await runCli(['edit', 's.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 200);
  assert.match(r.stderr, /file has not changed, exiting\./);
  assert.equal(w.read('s.yaml'), before);
  assert.equal(fs.statSync(w.path('s.yaml')).mtimeMs, mtimeMs);
  assert.equal(fs.statSync(w.path('s.yaml')).ino, ino);
  assert.deepEqual(w.tmpEntries(), []);
});

test('the editor gets a 0600 file with the target base name in a 0700 directory under TMPDIR', async () => {
  const w = workspace();
  await w.encrypt('app.yaml', PLAIN);
  const report = w.path('report.txt');
  w.env['EDITOR'] = w.editor(
    'ed.sh',
    `{ basename "$1"; stat -c %a "$1"; stat -c %a "$(dirname "$1")"; dirname "$(dirname "$1")"; grep -c hunter2 "$1"; } > ${report}`,
  );
  const r = await runCli(['edit', 'app.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 200, r.stderr);
  assert.deepEqual(fs.readFileSync(report, 'utf8').trim().split('\n'), ['app.yaml', '600', '700', w.tmp, '1']);
  assert.deepEqual(w.tmpEntries(), []);
});

test('invalid YAML from the editor without a terminal: exit 2 naming the line, nothing written', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.env['EDITOR'] = w.editor('ed.sh', `printf 'a: 1\\nb: [unclosed\\n' > "$1"`);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /s\.yaml: the edited content is not valid: .*line \d/);
  assert.match(r.stderr, /nothing was written/);
  assert.equal(w.read('s.yaml'), before);
  assert.deepEqual(w.tmpEntries(), []);
});

test('a top-level sops key from the editor is refused (exit 203), nothing written', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.env['EDITOR'] = w.editor('ed.sh', `printf 'sops: 1\\na: 2\\n' > "$1"`);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 203, r.stderr);
  assert.match(r.stderr, /reserved for sops metadata/);
  assert.equal(w.read('s.yaml'), before);
  assert.deepEqual(w.tmpEntries(), []);
});

test('invalid content on a terminal: the message, then Enter reopens the editor, and the fix is saved', { timeout: 60_000 }, async () => {
  const w = workspace();
  await w.encrypt('s.yaml', PLAIN);
  const count = w.path('count');
  // First run writes broken YAML, the second a valid document.
  w.env['EDITOR'] = w.editor(
    'ed.sh',
    `n=$(cat ${count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${count}
if [ $n = 1 ]; then printf 'a: [\\n' > "$1"; else printf 'fixed: true\\n' > "$1"; fi`,
  );
  let pressed = 0;
  const r = await runOnTerminal(['s.yaml'], { cwd: w.dir, env: w.env }, (screen) => {
    if (screen.includes('Press Enter') && pressed === 0) {
      pressed++;
      return '\r';
    }
    return undefined;
  });
  assert.equal(r.code, 0, r.screen);
  assert.match(r.screen, /the edited content is not valid: .*line/);
  assert.equal(fs.readFileSync(count, 'utf8').trim(), '2');
  assert.equal(await w.decrypt('s.yaml'), 'fixed: true\n');
  assert.deepEqual(w.tmpEntries(), []);
});

for (const [keys, what, code] of [
  ['\x04', 'end of input (Ctrl-D)', 2],
  ['\x03', 'Ctrl-C', 130],
] as const) {
  test(`invalid content on a terminal, then ${what} at the prompt: exit ${code}, nothing written`, { timeout: 60_000 }, async () => {
    const w = workspace();
    const before = await w.encrypt('s.yaml', PLAIN);
    w.env['EDITOR'] = w.editor('ed.sh', `printf 'a: [\\n' > "$1"`);
    let sent = false;
    const r = await runOnTerminal(['s.yaml'], { cwd: w.dir, env: w.env }, (screen) => {
      if (!sent && screen.includes('Press Enter')) {
        sent = true;
        return keys;
      }
      return undefined;
    });
    assert.ok(sent, r.screen);
    assert.equal(r.code, code, r.screen);
    assert.equal(w.read('s.yaml'), before);
    assert.deepEqual(w.tmpEntries(), []);
  });
}

test('an editor killed by a signal is an editor failure: exit 201, nothing written', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.env['EDITOR'] = w.editor('ed.sh', `${SED_EDITOR}\nkill -KILL $$`);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 201, r.stderr);
  assert.match(r.stderr, /could not run editor/);
  assert.equal(w.read('s.yaml'), before);
  assert.deepEqual(w.tmpEntries(), []);
});

test('an editor exiting non-zero is exit 201, even after changing the file', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.env['EDITOR'] = w.editor('ed.sh', `${SED_EDITOR}\nexit 3`);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 201);
  assert.match(r.stderr, /exited with status 3/);
  assert.equal(w.read('s.yaml'), before);
  assert.deepEqual(w.tmpEntries(), []);
});

for (const [signal, signo] of [['TERM', 15], ['INT', 2], ['HUP', 1]] as const) {
  test(`SIG${signal} to tsops while the editor runs: the editor is stopped, exit ${128 + signo}, temp dir removed`, async () => {
    const w = workspace();
    const before = await w.encrypt('s.yaml', PLAIN);
    // The editor changes the file, then signals tsops (its parent) and waits to be stopped.
    w.env['EDITOR'] = w.editor('ed.sh', `${SED_EDITOR}\nkill -${signal} $PPID\nexec sleep 30`);
    const started = Date.now();
    const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 128 + signo, r.stderr);
    assert.match(r.stderr, new RegExp(`user canceled operation \\(SIG${signal}\\)`));
    assert.ok(Date.now() - started < 20_000, 'the editor was stopped, not waited for');
    assert.equal(w.read('s.yaml'), before);
    assert.deepEqual(w.tmpEntries(), []);
  });
}

test('no editor at all (no SOPS_EDITOR/EDITOR, no vim/nano/vi on PATH): exit 201', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  const emptyBin = w.path('empty-bin');
  fs.mkdirSync(emptyBin);
  w.env['PATH'] = emptyBin;
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 201);
  assert.match(r.stderr, /no editor available/);
  assert.equal(w.read('s.yaml'), before);
  assert.deepEqual(w.tmpEntries(), []);
});

test('without EDITOR the first of vim, nano, vi on PATH is used', async () => {
  const w = workspace();
  await w.encrypt('s.yaml', PLAIN);
  const bin = w.path('bin');
  fs.mkdirSync(bin);
  const marker = w.path('marker');
  fs.writeFileSync(path.join(bin, 'nano'), `#!/bin/sh\necho nano > ${marker}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'vi'), `#!/bin/sh\necho vi > ${marker}\n`, { mode: 0o755 });
  // Only our directory: a real vim elsewhere on this machine must not be found.
  w.env['PATH'] = bin;
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 200, r.stderr);
  assert.equal(fs.readFileSync(marker, 'utf8').trim(), 'nano');
});

test('SOPS_EDITOR wins over EDITOR and is split like a shell: quoted path, arguments, file last', async () => {
  const w = workspace();
  await w.encrypt('s.yaml', PLAIN);
  const args = w.path('args');
  const spaced = w.path('my editor');
  fs.mkdirSync(spaced);
  const script = path.join(spaced, 'ed.sh');
  fs.writeFileSync(script, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > ${args}\n${SED_EDITOR.replace('"$1"', '"$3"')}\n`, { mode: 0o755 });
  w.env['EDITOR'] = w.editor('wrong.sh', 'exit 9');
  w.env['SOPS_EDITOR'] = `'${script}' --wait "two words"`;
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const got = fs.readFileSync(args, 'utf8').trim().split('\n');
  assert.deepEqual(got.slice(0, 2), ['--wait', 'two words']);
  assert.equal(path.basename(got[2]!), 's.yaml');
  assert.match(await w.decrypt('s.yaml'), /correct-horse/);
});

test('a new file starts from the YAML example, encrypted to the creation rule; the example is what the editor sees', async () => {
  const w = workspace();
  w.write('.sops.yaml', `creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: ${bob.recipient},${alice.recipient}\n`);
  fs.mkdirSync(w.path('secrets'));
  const seen = w.path('seen');
  w.env['EDITOR'] = w.editor('ed.sh', `cp "$1" ${seen}\nsed -i 's/example_value$/changed/' "$1"`);
  const r = await runCli(['secrets/new.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const example = fs.readFileSync(seen, 'utf8');
  for (const part of ['hello: Welcome to SOPS!', 'example_key: example_value', '# Example comment', 'example_array:', 'example_number: 1234.56789', 'example_booleans:']) {
    assert.ok(example.includes(part), part);
  }
  const text = w.read('secrets/new.yaml');
  assert.ok(text.includes(bob.recipient) && text.includes(alice.recipient));
  assert.ok(!text.includes('Welcome'));
  assert.match(await w.decrypt('secrets/new.yaml'), /example_key: changed\n/);
  assert.equal(fs.statSync(w.path('secrets/new.yaml')).mode & 0o777, 0o600);
  assert.deepEqual(w.tmpEntries(), []);
});

test('a new file left as the example is not created (exit 200)', async () => {
  const w = workspace();
  w.env['EDITOR'] = w.editor('ed.sh', 'exit 0');
  const r = await runCli(['edit', '--age', alice.recipient, 'new.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 200);
  assert.equal(fs.existsSync(w.path('new.yaml')), false);
  assert.deepEqual(w.tmpEntries(), []);
});

test('a new file without keys (no rule, no --age) fails before the editor runs', async () => {
  const w = workspace();
  const marker = w.path('marker');
  w.env['EDITOR'] = w.editor('ed.sh', `touch ${marker}`);
  const r = await runCli(['new.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no keys provided/);
  assert.equal(fs.existsSync(marker), false);
  assert.equal(fs.existsSync(w.path('new.yaml')), false);
});

for (const [file, check] of [
  ['new.env', 'example_key=example_value'],
  ['new.json', '"example_key": "example_value"'],
  ['new.ini', 'example_key'],
  ['new.bin', 'Welcome to SOPS! Edit this file as you please!'],
] as const) {
  test(`a new ${path.extname(file)} file starts from that format's example and round-trips`, async () => {
    const w = workspace();
    const seen = w.path('seen');
    w.env['EDITOR'] = w.editor('ed.sh', `cp "$1" ${seen}\nsed -i 's/Welcome to/Hello to/' "$1"`);
    const r = await runCli(['edit', '--age', alice.recipient, file], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.readFileSync(seen, 'utf8').includes(check));
    assert.match(await w.decrypt(file), /Hello to SOPS!/);
    assert.ok(!w.read(file).includes('Hello to'));
    assert.deepEqual(w.tmpEntries(), []);
  });
}

test('--show-master-keys: the metadata is editable and re-read from the edited file', async () => {
  const w = workspace();
  await w.encrypt('s.yaml', PLAIN);
  const seen = w.path('seen');
  // Switch the selector: only `password` stays encrypted.
  w.env['EDITOR'] = w.editor('ed.sh', `cp "$1" ${seen}\nsed -i 's/^    unencrypted_suffix: _unencrypted$/    encrypted_regex: ^password$/' "$1"`);
  const r = await runCli(['edit', '-s', 's.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const shown = fs.readFileSync(seen, 'utf8');
  assert.ok(shown.includes('password: hunter2') && shown.includes(`recipient: ${alice.recipient}`) && shown.includes('mac: ENC['));
  const after = w.read('s.yaml');
  assert.match(after, /^name: alice$/m);
  assert.match(after, /^password: ENC\[/m);
  assert.match(after, /encrypted_regex: \^password\$/);
  assert.equal(await w.decrypt('s.yaml'), PLAIN);
  assert.deepEqual(w.tmpEntries(), []);
});

test('--show-master-keys: removing the sops section is refused without a terminal, nothing written', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.env['EDITOR'] = w.editor('ed.sh', `printf 'a: 1\\n' > "$1"`);
  const r = await runCli(['edit', '--show-master-keys', 's.yaml'], { cwd: w.dir, env: w.env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /sops metadata is missing/);
  assert.equal(w.read('s.yaml'), before);
});

test('a MAC mismatch stops the edit (exit 51) unless --ignore-mac', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  // Swap two list ciphertexts: each still decrypts (same AAD path), but the MAC no longer matches.
  const [one, two] = allEnc(before).slice(2, 4) as [string, string];
  w.write('s.yaml', before.replace(one, '@@').replace(two, one).replace('@@', two));
  w.env['EDITOR'] = w.editor('ed.sh', SED_EDITOR);
  const refused = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(refused.code, 51, refused.stderr);
  const r = await runCli(['edit', '--ignore-mac', 's.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await w.decrypt('s.yaml'), PLAIN.replace('hunter2', 'correct-horse').replace('- one\n    - two', '- two\n    - one'));
});

test('an older file version is raised to ours on edit; an unparsable one is exit 1 (as sops loading it) before the editor runs', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.write('s.yaml', before.replace(/version: .*/, 'version: 3.7.3'));
  w.env['EDITOR'] = w.editor('ed.sh', SED_EDITOR);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(w.read('s.yaml'), /version: 3\.13\.2/);

  w.write('s.yaml', before.replace(/version: .*/, 'version: not-a-version'));
  const marker = w.path('marker');
  w.env['EDITOR'] = w.editor('ed2.sh', `touch ${marker}`);
  const bad = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /version "not-a-version" is not a semantic version/);
  assert.equal(fs.existsSync(marker), false);
});

test('a newer file version is kept', async () => {
  const w = workspace();
  const before = await w.encrypt('s.yaml', PLAIN);
  w.write('s.yaml', before.replace(/version: .*/, 'version: 4.0.0'));
  w.env['EDITOR'] = w.editor('ed.sh', SED_EDITOR);
  const r = await runCli(['s.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(w.read('s.yaml'), /version: 4\.0\.0/);
});

test('--input-type/--output-type: a YAML document in a file with another extension', async () => {
  const w = workspace();
  await w.encrypt('secret.txt', PLAIN, ['--input-type', 'yaml', '--output-type', 'yaml']);
  const seen = w.path('seen');
  w.env['EDITOR'] = w.editor('ed.sh', `head -c 5 "$1" > ${seen}\n${SED_EDITOR}`);
  const r = await runCli(['edit', '--input-type', 'yaml', '--output-type', 'yaml', 'secret.txt'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(seen, 'utf8'), 'name:');
  assert.match(w.read('secret.txt'), /^password: ENC\[/m);
  assert.equal(await w.decrypt('secret.txt', ['--input-type', 'yaml', '--output-type', 'yaml']), PLAIN.replace('hunter2', 'correct-horse'));
});

test('editing a file that is not encrypted is refused before the editor runs', async () => {
  const w = workspace();
  w.write('plain.yaml', PLAIN);
  const marker = w.path('marker');
  w.env['EDITOR'] = w.editor('ed.sh', `touch ${marker}`);
  const r = await runCli(['plain.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /sops metadata not found/);
  assert.equal(fs.existsSync(marker), false);
  assert.equal(w.read('plain.yaml'), PLAIN);
});
