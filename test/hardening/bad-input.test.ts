/**
 * Bad input: every command is fed every input of a corpus of broken files (bad-input-corpus.ts)
 * and must answer with its exit code and a one-line message naming the file (and the line,
 * where the input has one), optionally followed by a `hint:` line — or, for exit 128 only, the
 * report of every key tried. Never a stack trace, never a hang (each trial has a timeout),
 * and nothing written.
 *
 * Deep nesting has a documented limit per store: YAML refuses mappings and sequences nested
 * deeper than 500 levels (MAX_YAML_DEPTH), JSON deeper than 10000 (Go's limit, MAX_JSON_DEPTH),
 * the sops metadata deeper than 64 (MAX_METADATA_DEPTH); the tree walk and the JSON writer keep
 * their own stacks, so documents within the limits never exhaust the call stack.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv } from '../helpers/run.js';
import { COMMAND_NAMES, buildCorpus, commandLine, type BadInput, type CommandName } from './bad-input-corpus.js';
import { alice, STACK_LINE, snapshot, snapshotDiff } from './fixtures.js';
import { TrialRunner, type TrialResult } from './trial-runner.js';

const TIMEOUT_MS = 15_000;
const runner = new TrialRunner(TIMEOUT_MS);
let corpus: BadInput[] = [];
let trials = 0;

before(async () => {
  corpus = await buildCorpus();
});
after(() => runner.close());

function setUp(input: BadInput): { dir: string; env: Record<string, string | undefined> } {
  const dir = tempDir('tsops-bad-input-');
  fs.writeFileSync(path.join(dir, input.file), input.content);
  fs.writeFileSync(path.join(dir, '.sops.yaml'), input.config);
  fs.mkdirSync(path.join(dir, 'tmp'));
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text, { mode: 0o600 });
  const editor = path.join(dir, 'editor.sh');
  fs.writeFileSync(editor, '#!/bin/sh\ntouch "$(dirname "$0")/ran-editor"\necho "k: edited" > "$1"\n', { mode: 0o755 });
  return { dir, env: cleanEnv({ SOPS_AGE_KEY_FILE: keys, TMPDIR: path.join(dir, 'tmp'), EDITOR: editor }) };
}

/** The properties every refusal has, whatever the input. */
function checkRefusal(input: BadInput, command: CommandName, r: TrialResult, changes: string[]): void {
  const what = `${input.name} / ${command}`;
  const expected = input.expect[command];
  assert.equal(r.hung, false, `${what}: hung`);
  assert.equal(r.code, expected, `${what}: exit code\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK_LINE, `${what}: a stack trace`);
  assert.doesNotMatch(r.stderr, /unexpected error|RangeError|TypeError|call stack/i, `${what}: an unexpected error`);
  if (expected === 0) return;
  assert.deepEqual(changes, [], `${what}: nothing written`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  // updatekeys announces each file before it works on it, as sops does
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('Syncing keys for file '));
  assert.match(lines[0]!, /^tsops: /, `${what}: the message`);
  if (expected !== 128) {
    const extra = lines.slice(1);
    assert.ok(extra.length <= 1 && extra.every((l) => l.startsWith('hint: ')), `${what}: one line plus an optional hint\n${r.stderr}`);
  } else {
    assert.ok(lines.length > 2, `${what}: the key report`);
  }
  const names = input.name.startsWith('.sops.yaml') ? ['.sops.yaml', input.file] : [input.file];
  assert.ok(names.some((n) => lines[0]!.includes(n)), `${what}: the message names the file\n${lines[0]}`);
  if (input.line !== undefined && input.lineFor?.includes(command)) {
    assert.match(lines[0]!, new RegExp(`line:? ${input.line}\\b`), `${what}: the message names line ${input.line}`);
  }
}

test('every command refuses every broken input: exit code, one-line message with file (and line), no trace, no hang, nothing written', { timeout: 600_000 }, async (t) => {
  const problems: string[] = [];
  for (const input of corpus) {
    for (const command of COMMAND_NAMES) {
      const { dir, env } = setUp(input);
      const beforeRun = snapshot(dir);
      const r = await runner.run(commandLine(command, input.file, dir), dir, env);
      const changes = snapshotDiff(beforeRun, snapshot(dir));
      trials++;
      if (process.env['HARDENING_TABLE']) {
        const first = r.stderr.split('\n').filter((l) => !l.startsWith('Syncing'))[0] ?? '';
        fs.appendFileSync(process.env['HARDENING_TABLE'], `${input.name} | ${command} | ${r.code} (want ${input.expect[command]}) | ${r.ms}ms | ${changes.join(',')} | ${first.slice(0, 160)}\n`);
      }
      try {
        checkRefusal(input, command, r, changes);
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
  }
  t.diagnostic(`bad inputs: ${corpus.length} inputs × ${COMMAND_NAMES.length} commands = ${trials} trials`);
  assert.deepEqual(problems, []);
});

/** A map nested `levels` deep (the root counts) in block YAML, with a value at the bottom. */
function nestedYaml(levels: number): string {
  const lines = ['top: value'];
  for (let i = 1; i < levels; i++) lines.push(`${'  '.repeat(i - 1)}k${i}:`);
  lines.push(`${'  '.repeat(levels - 1)}leaf: secret-deep-value`);
  return `${lines.join('\n')}\n`;
}

/** A JSON object whose `a` holds arrays nested so that the document is `levels` deep. */
function nestedJson(levels: number): string {
  return `{"top": "value", "a": ${'['.repeat(levels - 1)}"secret-deep-value"${']'.repeat(levels - 1)}}`;
}

test('documents nested to the limits go through every command; one level more is a clean refusal', { timeout: 300_000 }, async (t) => {
  const problems: string[] = [];
  let count = 0;
  const check = async (
    what: string,
    files: Record<string, string>,
    argv: string[],
    expected: number,
    extra: (r: TrialResult, dir: string) => string | undefined = () => undefined,
  ): Promise<void> => {
    const dir = tempDir('tsops-deep-');
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: .*\n    age: ${alice.recipient}\n`);
    const keys = path.join(dir, 'keys.txt');
    fs.writeFileSync(keys, alice.text, { mode: 0o600 });
    const editor = path.join(dir, 'editor.sh');
    // an edit that keeps the depth: the first value changes
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i "s/\\"top\\": \\"value\\"/\\"top\\": \\"edited\\"/; s/^top: value/top: edited/" "$1"\n', { mode: 0o755 });
    const env = cleanEnv({ SOPS_AGE_KEY_FILE: keys, EDITOR: editor, TMPDIR: dir });
    const snap = snapshot(dir);
    const r = await runner.run(argv, dir, env);
    count++;
    if (process.env['HARDENING_TABLE']) fs.appendFileSync(process.env['HARDENING_TABLE'], `${what} | ${r.code} | ${r.ms}ms\n`);
    const fail = (why: string): void => void problems.push(`${what}: ${why}\n${r.stderr.slice(0, 300)}`);
    if (r.hung) return fail('hung');
    if (r.code !== expected) return fail(`exit ${r.code}, expected ${expected}`);
    if (STACK_LINE.test(r.stderr) || /unexpected error|RangeError|call stack/i.test(r.stderr)) return fail('a crash');
    if (expected !== 0 && snapshotDiff(snap, snapshot(dir)).length > 0) return fail('wrote something');
    const bad = extra(r, dir);
    if (bad !== undefined) fail(bad);
  };
  const encryptedCopy = async (name: string, plain: string): Promise<string> => {
    const dir = tempDir('tsops-deep-');
    fs.writeFileSync(path.join(dir, name), plain);
    const r = await runner.run(['encrypt', '--age', alice.recipient, name], dir, cleanEnv());
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    return r.stdout;
  };
  const decryptsTo = (name: string, want: (plain: string) => boolean) => (_r: TrialResult, dir: string): string | undefined => {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    return text.includes('secret-deep-value') ? 'the file holds plaintext' : want(text) ? undefined : 'unexpected content';
  };

  // YAML: 500 levels are read, encrypted, edited and written back; 501 are refused.
  const y500 = nestedYaml(500);
  const y500enc = await encryptedCopy('d.yaml', y500);
  await check('yaml 500 / encrypt -i', { 'd.yaml': y500 }, ['encrypt', '-i', 'd.yaml'], 0, decryptsTo('d.yaml', (s) => s.includes('sops:')));
  await check('yaml 501 / encrypt', { 'd.yaml': nestedYaml(501) }, ['encrypt', '-i', 'd.yaml'], 2);
  // flow collections (the library parser) have the same limit
  const flow = (levels: number): string => `a: ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}\n`;
  await check('yaml flow 500 / encrypt -i', { 'd.yaml': flow(500) }, ['encrypt', '-i', 'd.yaml'], 0);
  await check('yaml flow 501 / encrypt', { 'd.yaml': flow(501) }, ['encrypt', '-i', 'd.yaml'], 2);
  const leaf = `\n${'    '.repeat(499)}leaf: secret-deep-value\n`;
  await check('yaml 500 / decrypt', { 'd.yaml': y500enc }, ['decrypt', 'd.yaml'], 0, (r) => (r.stdout.endsWith(leaf) ? undefined : 'round trip'));
  await check('yaml 500 / decrypt to json', { 'd.yaml': y500enc }, ['decrypt', '--output-type', 'json', 'd.yaml'], 0);
  const y500commands = [
    ['rotate', '-i', 'd.yaml'],
    ['edit', 'd.yaml'],
    ['set', 'd.yaml', '["top"]', '"new"'],
    ['unset', 'd.yaml', '["top"]'],
    ['exec-file', 'd.yaml', 'grep -q secret-deep-value {}'],
  ];
  for (const argv of y500commands) await check(`yaml 500 / ${argv[0]}`, { 'd.yaml': y500enc }, argv, 0);

  // JSON: Go's 10000 levels are read, walked and written back as JSON (a file that deep is 50 MB
  // of indentation, so the other commands run on 3000 levels, deeper than a recursive walk gets).
  await check('json 10000 / encrypt -i', { 'd.json': nestedJson(10_000) }, ['encrypt', '-i', 'd.json'], 0, decryptsTo('d.json', (s) => s.includes('"sops"')));
  await check('json 10001 / encrypt', { 'd.json': nestedJson(10_001) }, ['encrypt', '-i', 'd.json'], 2);
  const jenc = await encryptedCopy('d.json', nestedJson(3_000));
  await check('json 3000 / decrypt', { 'd.json': jenc }, ['decrypt', 'd.json'], 0, (r) => (r.stdout.includes('secret-deep-value') ? undefined : 'no value'));
  await check('json 3000 / decrypt to yaml', { 'd.json': jenc }, ['decrypt', '--output-type', 'yaml', 'd.json'], 4);
  await check('json 3000 / extract as ini', { 'd.json': jenc }, ['decrypt', '--extract', '["a"]', '--output-type', 'ini', 'd.json'], 0);
  await check('json 3000 / rotate', { 'd.json': jenc }, ['rotate', '-i', 'd.json'], 0);
  await check('json 3000 / edit', { 'd.json': jenc }, ['edit', 'd.json'], 0);
  await check('json 3000 / exec-file', { 'd.json': jenc }, ['exec-file', 'd.json', 'grep -q secret-deep-value {}'], 0);
  await check('json / set a value deeper than JSON allows', { 'd.json': jenc }, ['set', 'd.json', '["a"]', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`], 7);
  await check('json / set a value that makes the file deeper than JSON allows', { 'd.json': jenc }, ['set', 'd.json', '["a"]["b"]["c"]', `{"x": ${'['.repeat(9_998)}1${']'.repeat(9_998)}}`], 4);
  // --idempotent compares the deep value with the one in the file, and writes nothing
  const deepValue = `{"x": ${'['.repeat(4_000)}1${']'.repeat(4_000)}}`;
  const withValue = await encryptedCopy('v.json', `{"b": ${deepValue}}`);
  await check('json / set --idempotent the deep value already there', { 'v.json': withValue }, ['set', '--idempotent', 'v.json', '["b"]', deepValue], 0, (_r, dir) =>
    fs.readFileSync(path.join(dir, 'v.json'), 'utf8') === withValue ? undefined : 'the file was rewritten',
  );

  // A set path of 20,000 keys builds a tree deeper than any store writes: refused, nothing written.
  const longPath = '["k"]'.repeat(20_000);
  await check('json / set a 20,000-key path', { 'd.json': jenc }, ['set', 'd.json', longPath, '1'], 4);
  await check('yaml / set a 20,000-key path', { 'd.yaml': y500enc }, ['set', 'd.yaml', longPath, '1'], 4);
  await check('yaml / extract a 20,000-key path', { 'd.yaml': y500enc }, ['decrypt', '--extract', longPath, 'd.yaml'], 1);

  // Metadata has a tight limit: sops' own layout is 5 levels deep.
  const pgp = `"pgp": [{"fp": "x", "created_at": "2024-01-01T00:00:00Z", "enc": "x", "extra": ${'['.repeat(5_000)}${']'.repeat(5_000)}}],`;
  const deepMetadata = (await encryptedCopy('m.json', '{"a": 1}')).replace(/"sops": \{/, `"sops": {${pgp}`);
  for (const command of ['decrypt', 'rotate', 'filestatus', 'updatekeys']) {
    const argv = command === 'rotate' ? ['rotate', '-i', 'm.json'] : command === 'updatekeys' ? ['updatekeys', '-y', 'm.json'] : [command, 'm.json'];
    await check(`json metadata 5000 deep / ${command}`, { 'm.json': deepMetadata }, argv, 1);
  }
  const flatKey = `sops_${Array.from({ length: 20_000 }, (_, i) => `k${i}`).join('__map_')}=x\n`;
  await check('dotenv metadata key 20,000 levels deep / decrypt', { 'm.env': `A=b\n${flatKey}` }, ['decrypt', 'm.env'], 1);
  t.diagnostic(`deep documents: ${count} trials`);
  trials += count;
  assert.deepEqual(problems, []);
});

test('the bad-input trials ran', (t) => {
  assert.ok(trials > 0);
  t.diagnostic(`bad-input trials: ${trials} (the corpus × every command, plus deep documents)`);
});
