/**
 * Secret hygiene: temp directories with plaintext are removed on every way out, no value and no
 * age secret key appears in messages or `--verbose` logs, data keys are zeroed after use, and
 * new files are created 0600.
 *
 * The editor's temp directory on success, failure, SIGINT, SIGTERM and SIGHUP is covered by
 * test/cli/edit.test.ts, exec-file's on success, failure and SIGTERM by test/cli/exec.test.ts;
 * this suite adds the remaining exec-file cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CommandContext } from '../../src/commands/shared/context.js';
import { withDataKey } from '../../src/commands/shared/data-key.js';
import { parseSopsFile } from '../../src/commands/shared/files.js';
import { storeFor } from '../../src/formats/index.js';
import { fakeIo } from '../helpers/fake-io.js';
import { runCli, runInProcess } from '../helpers/run.js';
import { SAMPLES, alice, bob, encryptSample, leakedMarkers, workspace, type Workspace } from './fixtures.js';

const yamlSample = SAMPLES.find((s) => s.store === 'yaml')!;
/** The encrypted file most runs work on. */
const F = yamlSample.file;
const SECRET_KEY = /AGE-SECRET-KEY-/i;

for (const fifo of [true, false]) {
  for (const [signal, code] of [['INT', 0], ['TERM', 143], ['HUP', 129]] as const) {
    const mode = fifo ? 'a FIFO' : '--no-fifo';
    test(`exec-file (${mode}): SIG${signal} to tsops while the command runs: exit ${code}, the temp directory is removed`, async () => {
      const w = workspace();
      await encryptSample(w, yamlSample);
      // The command signals tsops (its parent), then waits: SIGTERM and SIGHUP are passed on
      // and stop it; SIGINT is left to the terminal, so tsops waits for the command to finish.
      const command = signal === 'INT' ? `kill -INT $PPID; sleep 0.3; test -e {}` : `kill -${signal} $PPID; exec sleep 30`;
      const started = Date.now();
      const r = await runCli(['exec-file', ...(fifo ? [] : ['--no-fifo']), yamlSample.file, command], { cwd: w.dir, env: w.env });
      assert.equal(r.code, code, r.stderr);
      assert.ok(Date.now() - started < 20_000, 'the command was stopped, not waited for');
      assert.deepEqual(fs.readdirSync(w.tmp), [], 'TMPDIR is empty');
      assert.deepEqual(leakedMarkers(r.stderr, yamlSample.markers), []);
    });
  }
}

test('exec-file with a FIFO: a command that fails after reading removes the temp directory too', async () => {
  const w = workspace();
  await encryptSample(w, yamlSample);
  const r = await runCli(['exec-file', yamlSample.file, 'cat {} > /dev/null; exit 9'], { cwd: w.dir, env: w.env });
  assert.equal(r.code, 9, r.stderr);
  assert.deepEqual(fs.readdirSync(w.tmp), []);
});

/** One command line run with --verbose, and where its output may legitimately hold values. */
interface VerboseRun {
  name: string;
  argv: () => string[];
  /** Run through the real binary (commands that start programs print through the terminal). */
  cli?: boolean;
  stdin?: string;
  /** stdout is the plaintext by design (decrypt): only stderr is checked for values. */
  printsValues?: boolean;
  env?: (w: Workspace) => Record<string, string>;
  /** Expected exit code (0 unless this is an error path). */
  code?: number;
  setup?: (w: Workspace) => void | Promise<void>;
}

const NEW_SECRET = 'MRK-new-value-set-on-the-command-line';

const VERBOSE_RUNS: readonly VerboseRun[] = [
  { name: 'encrypt (stdin to stdout)', argv: () => ['encrypt', '--verbose', '--age', alice.recipient, '--filename-override', 'x.yaml'], stdin: Buffer.from(yamlSample.plain).toString('utf8') },
  { name: 'encrypt --output', argv: () => ['encrypt', '--verbose', '--age', alice.recipient, '--output', 'out.yaml', 'plain.yaml'], setup: (w) => void w.write('plain.yaml', yamlSample.plain) },
  { name: 'decrypt', argv: () => ['decrypt', '--verbose', F], printsValues: true },
  { name: 'decrypt --extract', argv: () => ['decrypt', '--verbose', '--extract', '["app"]["password"]', F], printsValues: true },
  { name: 'decrypt --output', argv: () => ['decrypt', '--verbose', '--output', 'plain-out.yaml', F] },
  { name: 'edit', argv: () => ['edit', '--verbose', F], env: (w) => ({ EDITOR: editor(w, `sed -i 's/MRK-token-d07/${NEW_SECRET}/' "$1"`) }) },
  { name: 'set', argv: () => ['set', '--verbose', F, '["app"]["password"]', JSON.stringify(NEW_SECRET)] },
  { name: 'set --idempotent (no change)', argv: () => ['set', '--verbose', '--idempotent', F, '["token"]', '"MRK-token-d07"'] },
  { name: 'unset', argv: () => ['unset', '--verbose', F, '["token"]'] },
  { name: 'rotate -i', argv: () => ['rotate', '--verbose', '-i', F] },
  { name: 'rotate --add-age', argv: () => ['rotate', '--verbose', '-i', '--add-age', bob.recipient, F] },
  { name: 'updatekeys -y', argv: () => ['updatekeys', '--verbose', '-y', F], setup: (w) => void w.write('.sops.yaml', `creation_rules:\n  - age: ${alice.recipient},${bob.recipient}\n`) },
  { name: 'groups add', argv: () => ['groups', 'add', '--verbose', '-i', '-f', F, '--age', bob.recipient] },
  { name: 'filestatus', argv: () => ['filestatus', '--verbose', F] },
  { name: 'exec-env', argv: () => ['exec-env', '--verbose', 'secret.env', 'true'], cli: true },
  { name: 'exec-file', argv: () => ['exec-file', '--verbose', F, 'true'], cli: true },
  { name: 'keygen -o', argv: () => ['keygen', '--verbose', '-o', 'new-key.txt'] },
  // Error paths: messages, hints, `cause:` lines and key reports.
  { name: 'decrypt of a damaged value', argv: () => ['decrypt', '--verbose', F], code: 25, setup: (w) => damage(w, (t) => t.replace(/(token: ENC\[AES256_GCM,data:)(.)/, (_m, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`)) },
  { name: 'decrypt with a damaged mac', argv: () => ['decrypt', '--verbose', F], code: 51, setup: (w) => damage(w, (t) => t.replace(/(mac: ENC\[AES256_GCM,data:)(.)/, (_m, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`)) },
  { name: 'decrypt without the key (key report)', argv: () => ['decrypt', '--verbose', F], code: 128, env: () => ({ SOPS_AGE_KEY_FILE: '', SOPS_AGE_KEY: bob.text }) },
  { name: 'decrypt with a broken key file', argv: () => ['decrypt', '--verbose', F], code: 128, env: (w) => ({ SOPS_AGE_KEY_FILE: brokenKeyFile(w) }) },
  { name: 'set with a value that is not JSON', argv: () => ['set', '--verbose', F, '["token"]', NEW_SECRET], code: 7 },
  { name: 'edit returning invalid YAML', argv: () => ['edit', '--verbose', F], code: 2, env: (w) => ({ EDITOR: editor(w, `printf 'a: ${NEW_SECRET}: [\\n  ${NEW_SECRET}\\n' > "$1"`) }) },
  { name: 'edit returning a value its tag cannot decode', argv: () => ['edit', '--verbose', F], code: 2, env: (w) => ({ EDITOR: editor(w, `printf 'a: !!int ${NEW_SECRET}\\n' > "$1"`) }) },
  {
    name: 'edit returning a value its tag cannot decode (library parser)',
    argv: () => ['edit', '--verbose', F],
    code: 2,
    env: (w) => ({ EDITOR: editor(w, `printf 'x: &anchor 1\\na: !!float ${NEW_SECRET}\\n' > "$1"`) }),
  },
  { name: 'edit returning invalid JSON', argv: () => ['edit', '--verbose', 'secret.json'], code: 2, env: (w) => ({ EDITOR: editor(w, `printf '{"a": ${NEW_SECRET}}' > "$1"`) }) },
  {
    name: 'exec-env with a nested value',
    argv: () => ['exec-env', '--verbose', 'nested.yaml', 'true'],
    code: 1,
    cli: true,
    setup: async (w) => {
      w.write('nested.yaml', 'outer:\n    inner: MRK-app-password-9c2\n');
      assert.equal((await w.run(['encrypt', '-i', '--age', alice.recipient, 'nested.yaml'])).code, 0);
    },
  },
];

function editor(w: Workspace, body: string): string {
  const p = w.path('editor.sh');
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

function damage(w: Workspace, change: (text: string) => string): void {
  const text = w.read(yamlSample.file).toString('utf8');
  const changed = change(text);
  assert.notEqual(changed, text);
  w.write(yamlSample.file, changed);
}

/** A key file whose identity line is damaged: the message may name the line, never its text. */
function brokenKeyFile(w: Workspace): string {
  const line = alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  return w.write('broken-keys.txt', `# a key file\n${line.slice(0, -3)}QQQ\n`);
}

test('no value and no secret key in any message or --verbose log, on success and error paths', async (t) => {
  let checked = 0;
  const jsonSample = SAMPLES.find((s) => s.store === 'json')!;
  const markers = [...new Set([...yamlSample.markers, ...jsonSample.markers, NEW_SECRET])];
  const secretKeys = [alice, bob].map((k) => k.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!);
  for (const run of VERBOSE_RUNS) {
    const w = workspace();
    await encryptSample(w, yamlSample);
    await encryptSample(w, jsonSample);
    await encryptSample(w, SAMPLES.find((x) => x.store === 'dotenv')!);
    await run.setup?.(w);
    const env = { ...w.env, ...(run.env?.(w) ?? {}) };
    const settings = { cwd: w.dir, env, stdin: run.stdin };
    const r = run.cli ? await runCli(run.argv(), settings) : await runInProcess(run.argv(), settings);
    assert.equal(r.code, run.code ?? 0, `${run.name}: exit code\n${r.stderr}`);
    const stdout = r.stdout.toString('utf8');
    const shown = run.printsValues ? r.stderr : `${stdout}\n${r.stderr}`;
    assert.deepEqual(leakedMarkers(shown, markers), [], `${run.name}: a value was printed\n${shown}`);
    assert.doesNotMatch(`${stdout}\n${r.stderr}`, SECRET_KEY, `${run.name}: a secret key was printed`);
    for (const k of secretKeys) assert.ok(!`${stdout}${r.stderr}`.includes(k.slice(15, 40)), `${run.name}: key material was printed`);
    checked++;
  }
  t.diagnostic(`secret hygiene: ${checked} command lines with --verbose grepped for ${markers.length} values and the secret keys`);
});

test('the data key handed to a command is zeroed afterwards, when it succeeds and when it fails', async () => {
  const w = workspace();
  const bytes = await encryptSample(w, yamlSample);
  const ctx = new CommandContext(fakeIo({ env: w.env, cwd: w.dir }).io);
  const doc = parseSopsFile(storeFor('yaml'), bytes, yamlSample.file);
  let seen: Uint8Array | undefined;
  const copy = await withDataKey(ctx, doc, yamlSample.file, (key) => {
    seen = key;
    return Buffer.from(key);
  });
  assert.equal(copy.length, 32);
  assert.ok(copy.some((b) => b !== 0), 'the key was real while in use');
  assert.deepEqual([...seen!], new Array<number>(32).fill(0));
  seen = undefined;
  await assert.rejects(
    withDataKey(ctx, doc, yamlSample.file, (key) => {
      seen = key;
      throw new Error('the command failed');
    }),
    /the command failed/,
  );
  assert.deepEqual([...seen!], new Array<number>(32).fill(0));
});

test('new files are created 0600 (encrypt/decrypt --output, keygen -o, ssh-to-age -o); existing files keep their mode', async () => {
  const w = workspace();
  await encryptSample(w, yamlSample);
  w.write('plain.yaml', yamlSample.plain);
  const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN host';
  w.write('host.pub', `${pub}\n`);
  const mode = (name: string): string => (fs.statSync(w.path(name)).mode & 0o777).toString(8);
  const runs: Array<[string, string[]]> = [
    ['enc.yaml', ['encrypt', '--age', alice.recipient, '--output', 'enc.yaml', 'plain.yaml']],
    ['dec.yaml', ['decrypt', '--output', 'dec.yaml', yamlSample.file]],
    ['key.txt', ['keygen', '-o', 'key.txt']],
    ['recipients.txt', ['ssh-to-age', '-i', 'host.pub', '-o', 'recipients.txt']],
  ];
  // a permissive umask must not matter
  const umask = process.umask(0o022);
  try {
    for (const [out, argv] of runs) {
      const r = await w.run(argv);
      assert.equal(r.code, 0, `${argv[0]}: ${r.stderr}`);
      assert.equal(mode(out), '600', `${argv[0]} creates ${out} with mode 0600`);
    }
    // an existing file keeps the mode it has
    fs.chmodSync(w.path('dec.yaml'), 0o644);
    fs.chmodSync(w.path('recipients.txt'), 0o640);
    assert.equal((await w.run(['decrypt', '--output', 'dec.yaml', yamlSample.file])).code, 0);
    assert.equal((await w.run(['ssh-to-age', '-i', 'host.pub', '-o', 'recipients.txt'])).code, 0);
    fs.chmodSync(w.path(yamlSample.file), 0o640);
    assert.equal((await w.run(['rotate', '-i', yamlSample.file])).code, 0);
    assert.deepEqual([mode('dec.yaml'), mode('recipients.txt'), mode(yamlSample.file)], ['644', '640', '640']);
  } finally {
    process.umask(umask);
  }
});
