/**
 * Tampering: every store's encrypted file is mutated in the ways an attacker (or a bad merge)
 * could, and every command that reads values must refuse it, print no plaintext, and leave the
 * file as it was.
 *
 * Which exit code a mutation yields follows from what authenticates what (spec §1, §2):
 * - 25 (a value fails to decrypt): anything that breaks one value's AES-GCM authentication —
 *   a flipped byte of its `data`, `iv` or `tag`, base64 that is no longer valid, two values
 *   swapped between keys or a key renamed (the key path is the value's additional data), a
 *   plaintext value injected where the rules expect an encrypted one.
 * - 51 (MAC mismatch): changes that leave every value authentic but change the document — list
 *   items swapped (items share their list's key path), a value deleted, a plaintext value
 *   injected under an `_unencrypted` key — and any damage to the `mac` itself or to
 *   `lastmodified`, the additional data the MAC is encrypted with.
 * Binary files hold a single value, so swaps do not apply to them. Their metadata has no
 * selector, which reads as sops' default `_unencrypted` suffix, so an injected `_unencrypted`
 * key is a MAC mismatch there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseMetadata } from '../../src/core/metadata.js';
import type { FormatName } from '../../src/formats/index.js';
import { storeFor } from '../../src/formats/index.js';
import { runCli } from '../helpers/run.js';
import { SAMPLES, STACK_LINE, encryptSample, leakedMarkers, snapshot, snapshotDiff, workspace, type Sample, type Workspace } from './fixtures.js';

type Code = 25 | 51;

interface Mutation {
  name: string;
  /** The exit code every command must give, per store; a store without an entry is skipped. */
  expect: Partial<Record<FormatName, Code>>;
  apply(text: string, store: FormatName): string;
}

const ALL = (code: Code): Record<FormatName, Code> => ({ yaml: code, json: code, dotenv: code, ini: code, binary: code });
const STRUCTURED = (code: Code): Partial<Record<FormatName, Code>> => ({ yaml: code, json: code });

/** The key of the value the byte-level mutations target, per store. */
const TARGET: Record<FormatName, string> = { yaml: 'token', json: 'token', dotenv: 'TOKEN', ini: 'token', binary: 'data' };

/** The two keys whose values are swapped (same map or section). */
const PAIR: Record<FormatName, [string, string] | undefined> = {
  yaml: ['name', 'password'],
  json: ['name', 'password'],
  dotenv: ['NAME', 'PASSWORD'],
  ini: ['name', 'password'],
  binary: undefined,
};

const ENC = /ENC\[AES256_GCM,data:([^,\]]*),iv:([^,\]]*),tag:([^,\]]*),type:([^\]]*)\]/;

/** The `ENC[...]` stored under `key` (the first such key in the file). */
function encUnder(text: string, key: string): string {
  const m = new RegExp(`(?:^|[\\s"{,])${key}"?\\s*[:=]\\s*"?(ENC\\[[^\\]]+\\])`, 'm').exec(text);
  if (!m) throw new Error(`no encrypted value under ${key}`);
  return m[1]!;
}

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `exactly one occurrence of ${from.slice(0, 40)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

type Part = 'data' | 'iv' | 'tag';
const PART_INDEX: Record<Part, number> = { data: 1, iv: 2, tag: 3 };

/** Change one part of an ENC value: flip a byte (still valid base64) or break its base64. */
function damagePart(enc: string, part: Part, how: 'flip' | 'break'): string {
  const m = ENC.exec(enc)!;
  const b64 = m[PART_INDEX[part]]!;
  let damaged: string;
  if (how === 'flip') {
    const bytes = Buffer.from(b64, 'base64');
    bytes[bytes.length >> 1]! ^= 0x01;
    damaged = bytes.toString('base64');
  } else {
    // A character outside the alphabet: strict readers refuse it, lenient ones would skip it.
    damaged = `${b64.slice(0, 4)}!${b64.slice(4)}`;
  }
  const parts = [m[1]!, m[2]!, m[3]!];
  parts[PART_INDEX[part] - 1] = damaged;
  return `ENC[AES256_GCM,data:${parts[0]},iv:${parts[1]},tag:${parts[2]},type:${m[4]}]`;
}

function macOf(text: string, store: FormatName): string {
  const parsed = storeFor(store).parseEncrypted(Buffer.from(text));
  return parseMetadata(parsed.metadata!).mac;
}

function lastModifiedOf(text: string, store: FormatName): string {
  const parsed = storeFor(store).parseEncrypted(Buffer.from(text));
  return parseMetadata(parsed.metadata!).lastModified;
}

/** JSON-layout files (json, binary) are edited as objects; key order is kept by JSON.parse. */
function editJson(text: string, edit: (doc: Record<string, unknown>) => Record<string, unknown>): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  return `${JSON.stringify(edit(doc), null, '\t')}\n`;
}

function renameKey(text: string, store: FormatName): string {
  switch (store) {
    case 'yaml':
      return replaceOnce(text, '\ntoken: ', '\ntokem: ');
    case 'dotenv':
      return replaceOnce(text, '\nTOKEN=', '\nTOKEM=');
    case 'ini':
      return replaceOnce(text, '\ntoken = ', '\ntokem = ');
    case 'json':
    case 'binary': {
      const key = TARGET[store];
      return editJson(text, (doc) => Object.fromEntries(Object.entries(doc).map(([k, v]) => [k === key ? `${key}x` : k, v])));
    }
  }
}

function deleteValue(text: string, store: FormatName): string {
  const enc = encUnder(text, TARGET[store]);
  switch (store) {
    case 'yaml':
      return replaceOnce(text, `token: ${enc}\n`, '');
    case 'dotenv':
      return replaceOnce(text, `TOKEN=${enc}\n`, '');
    case 'ini':
      return replaceOnce(text, `token = ${enc}\n`, '');
    case 'json':
    case 'binary': {
      const key = TARGET[store];
      return editJson(text, (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key)));
    }
  }
}

function injectPlain(text: string, store: FormatName, key: string): string {
  switch (store) {
    case 'yaml':
      return replaceOnce(text, '\nsops:\n', `\n${key}: injected-value\nsops:\n`);
    case 'dotenv':
      return `${key.toUpperCase().replace('_UNENCRYPTED', '_unencrypted')}=injected-value\n${text}`;
    case 'ini':
      return replaceOnce(text, '[app]\n', `[app]\n${key} = injected-value\n`);
    case 'json':
    case 'binary':
      return editJson(text, (doc) => ({ [key]: 'injected-value', ...doc }));
  }
}

function swapValues(text: string, store: FormatName): string {
  const [a, b] = PAIR[store]!;
  const ea = encUnder(text, a);
  const eb = encUnder(text, b);
  return replaceOnce(replaceOnce(text, ea, '\u0000A'), eb, ea).replace('\u0000A', eb);
}

function swapListItems(text: string): string {
  // the list items are the three string values after the two under `app` (in yaml and json)
  const items = [...text.matchAll(/ENC\[[^\]]+type:str\]/g)].map((m) => m[0]);
  const [first, second] = [items[2]!, items[3]!];
  return replaceOnce(replaceOnce(text, first, '\u0000A'), second, first).replace('\u0000A', second);
}

function changeLastModified(text: string, store: FormatName): string {
  const lm = lastModifiedOf(text, store);
  const changed = lm.replace(/:(\d\d)(Z|[+-])/, (_, s: string, z: string) => `:${String((Number(s) + 1) % 60).padStart(2, '0')}${z}`);
  assert.notEqual(changed, lm);
  return replaceOnce(text, lm, changed);
}

const MUTATIONS: readonly Mutation[] = [
  ...(['data', 'iv', 'tag'] as const).flatMap((part): Mutation[] => [
    { name: `flip a byte of a value's ${part}`, expect: ALL(25), apply: (t, s) => { const e = encUnder(t, TARGET[s]); return replaceOnce(t, e, damagePart(e, part, 'flip')); } },
    { name: `break the base64 of a value's ${part}`, expect: ALL(25), apply: (t, s) => { const e = encUnder(t, TARGET[s]); return replaceOnce(t, e, damagePart(e, part, 'break')); } },
  ]),
  { name: 'flip a byte of the mac', expect: ALL(51), apply: (t, s) => { const m = macOf(t, s); return replaceOnce(t, m, damagePart(m, 'data', 'flip')); } },
  { name: "flip a byte of the mac's tag", expect: ALL(51), apply: (t, s) => { const m = macOf(t, s); return replaceOnce(t, m, damagePart(m, 'tag', 'flip')); } },
  { name: 'break the base64 of the mac', expect: ALL(51), apply: (t, s) => { const m = macOf(t, s); return replaceOnce(t, m, damagePart(m, 'data', 'break')); } },
  { name: 'swap two values', expect: { yaml: 25, json: 25, dotenv: 25, ini: 25 }, apply: swapValues },
  { name: 'swap two list items', expect: STRUCTURED(51), apply: (t) => swapListItems(t) },
  { name: 'rename a key', expect: ALL(25), apply: renameKey },
  { name: 'delete a value', expect: ALL(51), apply: deleteValue },
  { name: 'inject a plaintext value', expect: ALL(25), apply: (t, s) => injectPlain(t, s, 'injected') },
  { name: 'inject a plaintext value under an _unencrypted key', expect: ALL(51), apply: (t, s) => injectPlain(t, s, 'injected_unencrypted') },
  { name: 'change lastmodified', expect: ALL(51), apply: changeLastModified },
];

/** The set path of a value that exists in every sample of a store. */
const SET_PATH: Record<FormatName, string> = {
  yaml: '["token"]',
  json: '["token"]',
  dotenv: '["TOKEN"]',
  ini: '["other"]["token"]',
  binary: '["data"]',
};

interface Command {
  name: string;
  /** argv for the tampered file `f`; `w` gives paths for marker files the command must not create. */
  argv(f: string, store: FormatName, w: Workspace): string[];
  env?(w: Workspace): Record<string, string>;
}

const COMMANDS: readonly Command[] = [
  { name: 'decrypt', argv: (f) => ['decrypt', f] },
  {
    name: 'edit',
    argv: (f) => ['edit', f],
    // the editor must never start: if it did, it would leave a marker and change the content
    env: (w) => ({ EDITOR: w.path('editor.sh') }),
  },
  { name: 'set', argv: (f, s) => ['set', f, SET_PATH[s], '"replaced"'] },
  { name: 'rotate -i', argv: (f) => ['rotate', '-i', f] },
  { name: 'exec-env', argv: (f, _s, w) => ['exec-env', f, `touch ${w.path('ran-exec-env')}`] },
  { name: 'exec-file', argv: (f, _s, w) => ['exec-file', '--no-fifo', f, `cp {} ${w.path('leaked')}; touch ${w.path('ran-exec-file')}`] },
];

interface Trial {
  sample: Sample;
  mutation: Mutation;
  command: Command;
}

let trials = 0;
let cliTrials = 0;

/** Check one refusal: code, a one-line message naming the file, no plaintext, nothing written. */
function checkRefusal(
  r: { code: number; stdout: Buffer; stderr: string },
  t: Trial,
  w: Workspace,
  before: Map<string, string>,
  tampered: Buffer,
): void {
  const what = `${t.sample.store} / ${t.mutation.name} / ${t.command.name}`;
  const expected = t.mutation.expect[t.sample.store];
  assert.equal(r.code, expected, `${what}: exit code\n${r.stderr}`);
  const out = r.stdout.toString('utf8');
  assert.deepEqual(leakedMarkers(out + r.stderr, t.sample.markers), [], `${what}: plaintext printed\n${out}\n${r.stderr}`);
  assert.equal(out, '', `${what}: nothing on stdout`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, new RegExp(`^tsops: ${t.sample.file}: `), `${what}: the message names the file`);
  assert.ok(lines.length <= 2 && (lines.length === 1 || lines[1]!.startsWith('hint: ')), `${what}: one line plus a hint\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK_LINE, what);
  assert.deepEqual(w.read(t.sample.file), tampered, `${what}: the file is byte-identical`);
  assert.deepEqual(snapshotDiff(before, snapshot(w.dir)), [], `${what}: nothing written`);
}

for (const sample of SAMPLES) {
  test(`${sample.store}: every mutation is refused by decrypt, edit, set, rotate, exec-env and exec-file`, async () => {
    const w = workspace();
    const original = (await encryptSample(w, sample)).toString('utf8');
    fs.writeFileSync(w.path('editor.sh'), `#!/bin/sh\ntouch ${w.path('ran-editor')}\necho 'edited: true' > "$1"\n`, { mode: 0o755 });
    const mutations = MUTATIONS.filter((m) => m.expect[sample.store] !== undefined);
    assert.ok(mutations.length >= 13, 'most mutations apply to every store');
    for (const mutation of mutations) {
      const tampered = Buffer.from(mutation.apply(original, sample.store));
      assert.notDeepEqual(tampered, Buffer.from(original), `${mutation.name} changes the file`);
      w.write(sample.file, tampered);
      const before = snapshot(w.dir);
      for (const command of COMMANDS) {
        const r = await w.run(command.argv(sample.file, sample.store, w), command.env?.(w));
        checkRefusal(r, { sample, mutation, command }, w, before, tampered);
        trials++;
      }
    }
    assert.deepEqual(fs.readdirSync(w.tmp), [], 'no temp files left');
  });
}

test('through the real binary too: a damaged value is exit 25 and a damaged mac exit 51, for every store', async () => {
  const picks = [MUTATIONS[0]!, MUTATIONS.find((m) => m.name === 'flip a byte of the mac')!];
  await Promise.all(
    SAMPLES.map(async (sample) => {
      const w = workspace();
      const original = (await encryptSample(w, sample)).toString('utf8');
      for (const mutation of picks) {
        const tampered = Buffer.from(mutation.apply(original, sample.store));
        w.write(sample.file, tampered);
        const before = snapshot(w.dir);
        for (const command of [COMMANDS[0]!, COMMANDS[3]!]) {
          const r = await runCli(command.argv(sample.file, sample.store, w), { cwd: w.dir, env: w.env });
          checkRefusal(r, { sample, mutation, command }, w, before, tampered);
          cliTrials++;
        }
      }
    }),
  );
});

test('the untampered files are accepted by the same commands (the trials can fail)', async () => {
  for (const sample of SAMPLES) {
    const w = workspace();
    await encryptSample(w, sample);
    const r = await w.run(['decrypt', sample.file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout, Buffer.from(sample.plain));
    const set = await w.run(['set', sample.file, SET_PATH[sample.store], '"replaced"']);
    assert.equal(set.code, 0, set.stderr);
    const rotate = await w.run(['rotate', '-i', sample.file]);
    assert.equal(rotate.code, 0, rotate.stderr);
  }
});

test('tamper trial count', (t) => {
  assert.ok(trials > 0);
  t.diagnostic(`tamper trials: ${trials} in-process (mutation × command × store) + ${cliTrials} through the binary, all refused`);
});
