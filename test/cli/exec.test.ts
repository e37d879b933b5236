/** `tsops exec-env`, `tsops exec-file` and `tsops filestatus` through the real binary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runCli } from '../helpers/run.js';
import { workspace } from './edit-setup.js';

const PLAIN = 'USER_NAME: alice\nPASSWORD: hunter2\nPORT: 5432\nRATIO: 0.5\nDEBUG: true\n';

async function setup() {
  const w = workspace({ FROM_PARENT: 'parent-value' });
  await w.encrypt('s.yaml', PLAIN);
  const run = (...argv: string[]) => runCli(argv, { cwd: w.dir, env: w.env });
  return { w, run };
}

test('exec-env: top-level values become environment variables, non-strings as sops writes them', async () => {
  const { w, run } = await setup();
  const r = await run('exec-env', 's.yaml', 'printf "%s|%s|%s|%s|%s|%s" "$USER_NAME" "$PASSWORD" "$PORT" "$RATIO" "$DEBUG" "$FROM_PARENT"');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'alice|hunter2|5432|0.5|true|parent-value');
  assert.deepEqual(w.tmpEntries(), []);
});

test('exec-env --pristine: only the file values, not the parent environment', async () => {
  const { run } = await setup();
  const r = await run('exec-env', '--pristine', 's.yaml', 'printf "%s|%s" "$PASSWORD" "${FROM_PARENT-unset}"');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'hunter2|unset');
});

test('exec-env with several files merges their values, later files winning', async () => {
  const { run, w } = await setup();
  await w.encrypt('second.yaml', 'PASSWORD: override\nEXTRA: more\n');
  const r = await run('exec-env', 's.yaml', 'second.yaml', 'printf "%s|%s" "$PASSWORD" "$EXTRA"');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'override|more');
});

test("exec-env passes the command's exit status through", async () => {
  const { run } = await setup();
  const r = await run('exec-env', 's.yaml', 'echo child says >&2; exit 42');
  assert.equal(r.code, 42);
  // The child's own output only: tsops adds nothing when a command merely fails.
  assert.equal(r.stderr, 'child says\n');
});

test('exec-env refuses nested values naming the key only, and runs nothing', async () => {
  const w = workspace();
  await w.encrypt('n.yaml', 'OK: 1\nDB:\n    password: hunter2\n');
  const marker = w.path('ran');
  const r = await runCli(['exec-env', 'n.yaml', `touch ${marker}`], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot use complex value in environment; offending key DB/);
  assert.ok(!r.stderr.includes('hunter2'));
  assert.equal(fs.existsSync(marker), false);
});

test('exec-env: wrong argument count is an error; a dotenv file works too', async () => {
  const w = workspace();
  await w.encrypt('s.env', 'TOKEN=abc\n');
  assert.equal((await runCli(['exec-env', 's.env'], { cwd: w.dir, env: w.env })).code, 1);
  const r = await runCli(['exec-env', 's.env', 'echo "$TOKEN"'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'abc\n');
});

test('exec-file: {} is a FIFO holding the decrypted document; the temp directory is removed', async () => {
  const { w, run } = await setup();
  const r = await run('exec-file', 's.yaml', 'test -p {} && stat -c %a {} && cat {}');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), `600\n${PLAIN}`);
  assert.deepEqual(w.tmpEntries(), []);
});

test('exec-file --no-fifo: a 0600 regular file in a 0700 directory, every {} replaced', async () => {
  const { w, run } = await setup();
  const r = await run('exec-file', '--no-fifo', 's.yaml', 'test -f {} && stat -c %a {} "$(dirname {})" && cat {} && basename {}');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.toString().split('\n');
  assert.deepEqual(lines.slice(0, 2), ['600', '700']);
  assert.ok(r.stdout.toString().includes(PLAIN));
  assert.match(lines[lines.length - 2]!, /^tmp-file\d+$/);
  assert.deepEqual(w.tmpEntries(), []);
});

test('exec-file --filename and --output-type: the file has that name and format', async () => {
  const { w, run } = await setup();
  const r = await run('exec-file', '--filename', 'config.json', '--output-type', 'json', 's.yaml', 'basename {} && cat {}');
  assert.equal(r.code, 0, r.stderr);
  const [name, ...json] = r.stdout.toString().split('\n');
  assert.equal(name, 'config.json');
  assert.deepEqual(JSON.parse(json.join('\n')), { USER_NAME: 'alice', PASSWORD: 'hunter2', PORT: 5432, RATIO: 0.5, DEBUG: true });
  assert.deepEqual(w.tmpEntries(), []);
  const escape = await run('exec-file', '--filename', '../out.yaml', 's.yaml', 'cat {}');
  assert.equal(escape.code, 8, escape.stderr);
  assert.equal(fs.existsSync(w.path('out.yaml')), false);
});

test("exec-file: a command that never opens the FIFO neither hangs nor leaves anything; its status passes through", async () => {
  const { w, run } = await setup();
  const started = Date.now();
  const r = await run('exec-file', 's.yaml', 'exit 7');
  assert.equal(r.code, 7);
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(w.tmpEntries(), []);
  const noFifo = await run('exec-file', '--no-fifo', 's.yaml', 'exit 3');
  assert.equal(noFifo.code, 3);
  assert.deepEqual(w.tmpEntries(), []);
});

test('exec-file: SIGTERM to tsops is passed to the command, and the temp directory is still removed', async () => {
  const { w, run } = await setup();
  // $PPID of the shell is tsops; the command signals it and then waits to be stopped.
  const r = await run('exec-file', '--no-fifo', 's.yaml', 'kill -TERM $PPID; exec sleep 30');
  assert.equal(r.code, 143, r.stderr);
  assert.deepEqual(w.tmpEntries(), []);
});

test('exec-env: SIGINT to tsops is left to the command (Ctrl-C reaches it via the terminal); tsops waits for it', async () => {
  const { w, run } = await setup();
  const r = await run('exec-env', 's.yaml', 'kill -INT $PPID; sleep 0.3; echo "survived $USER_NAME"; exit 5');
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stdout.toString(), 'survived alice\n');
  assert.deepEqual(w.tmpEntries(), []);
});

test('filestatus: {"encrypted":true} for a sops file, false for plaintext or an incomplete sops file', async () => {
  const w = workspace();
  const enc = await w.encrypt('s.yaml', 'a: 1\n');
  w.write('plain.yaml', 'a: 1\n');
  w.write('plain.json', '{"a": 1}');
  w.write('nomac.yaml', enc.replace(/mac: ENC\[[^\]]+\]/, 'mac: ""'));
  const status = async (...argv: string[]) => {
    const r = await runCli(['filestatus', ...argv], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.toString();
  };
  assert.equal(await status('s.yaml'), '{"encrypted":true}\n');
  assert.equal(await status('plain.yaml'), '{"encrypted":false}\n');
  assert.equal(await status('plain.json'), '{"encrypted":false}\n');
  assert.equal(await status('nomac.yaml'), '{"encrypted":false}\n');
  w.write('s.data', enc);
  assert.equal(await status('--input-type', 'yaml', 's.data'), '{"encrypted":true}\n');
});

test('filestatus: an unreadable or unparsable file is exit 1', async () => {
  const w = workspace();
  w.write('bad.yaml', 'a: [\n');
  const bad = await runCli(['filestatus', 'bad.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot check file status/);
  const missing = await runCli(['filestatus', 'missing.yaml'], { cwd: w.dir, env: w.env });
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout.length, 0);
});
