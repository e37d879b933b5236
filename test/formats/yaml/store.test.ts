import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { interopDir, interopSkip } from '../../helpers/interop.js';
import { yamlStore, yamlIndent } from '../../../src/formats/yaml/index.js';
import { Comment, Timestamp, getKey, isList, isMap, newList, newMap } from '../../../src/core/tree.js';
import type { TreeMap, Value } from '../../../src/core/tree.js';
import { TsopsError } from '../../../src/errors.js';

const bytes = (s: string): Uint8Array => Buffer.from(s);
const text = (b: Uint8Array): string => Buffer.from(b).toString();
const plain = (s: string): TreeMap[] => yamlStore.parsePlain(bytes(s));
const roundTrip = (s: string, indent?: number): string => text(yamlStore.emitPlain(plain(s), indent === undefined ? {} : { indent }));

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** The indentation a file was written with (the first indented line). */
const indentOf = (s: string): number => /\n( +)\S/.exec(s)?.[1]?.length ?? 4;
const dataPart = (s: string): string => s.slice(0, s.indexOf('\nsops:') + 1);

// Written by sops ≤ 3.6 with go-yaml v2 (`-   ` list items, single-quoted dates): only the data
// part (everything above `sops:`) is go-yaml v3 output.
const OLD_METADATA_LAYOUT = new Set(['comments.enc.yaml']);

const fixtures = interopSkip ? [] : yamlFiles(interopDir);

test('the interop folder holds the YAML fixtures the tests expect', { skip: interopSkip }, () => {
  assert.ok(fixtures.length >= 20, `found ${fixtures.length}`);
});

for (const file of fixtures.filter((f) => !f.includes('-raw-'))) {
  const rel = path.relative(interopDir, file);
  const original = fs.readFileSync(file, 'utf8');
  test(`interop ${rel}: parseEncrypted then emitEncrypted reproduces the sops-written bytes`, () => {
    const { branches, metadata } = yamlStore.parseEncrypted(bytes(original));
    if (metadata === undefined) {
      // Config files and a Kubernetes Secret wrapping a sops file: plain YAML, nothing to re-emit.
      assert.ok(!original.includes('\nsops:'), 'a file with a sops block must yield metadata');
      assert.deepEqual(branches, plain(original));
      return;
    }
    assert.ok(!branches.some((b) => getKey(b, 'sops') !== undefined), 'sops key removed from the data');
    const out = text(yamlStore.emitEncrypted(branches, metadata, { indent: indentOf(original) }));
    assert.equal(dataPart(out), dataPart(original));
    if (!OLD_METADATA_LAYOUT.has(path.basename(file))) assert.equal(out, original);
  });
}

interface DerivedValue {
  path: string[];
  comment: boolean;
  unencrypted?: string | boolean;
  plaintext?: string;
}

/** Leaf values in tree order with their key path (list indices are not part of it). */
function leaves(v: Value, at: string[], out: Array<{ path: string[]; value: Value }>): void {
  if (isMap(v)) {
    for (const i of v.items) if (typeof i.key === 'string') leaves(i.value, [...at, i.key], out);
  } else if (isList(v)) {
    for (const i of v.items) if (!(i instanceof Comment)) leaves(i, at, out);
  } else {
    out.push({ path: at, value: v });
  }
}

for (const raw of fixtures.filter((f) => f.includes('-raw-'))) {
  const encrypted = raw.replace('-raw-', '-');
  const derivedFile = path.join(path.dirname(raw), 'derived', `${path.basename(encrypted)}.derived.json`);
  test(`interop ${path.relative(interopDir, raw)}: parsePlain reads the upstream plaintext sops encrypted`, () => {
    const [branch, ...rest] = plain(fs.readFileSync(raw, 'utf8'));
    assert.equal(rest.length, 0);
    const got: Array<{ path: string[]; value: Value }> = [];
    leaves(branch!, [], got);
    const derived = (JSON.parse(fs.readFileSync(derivedFile, 'utf8')) as { values: DerivedValue[] }).values;
    const expected = derived.filter((d) => !d.comment && (d.unencrypted ?? d.plaintext) !== undefined);
    const used = new Set<number>();
    for (const d of expected) {
      // List elements share their key path, so match derived values to leaves in order.
      const at = got.findIndex((g, i) => !used.has(i) && g.path.join('\0') === d.path.join('\0'));
      assert.ok(at >= 0, `path ${d.path.join('.')} present`);
      used.add(at);
      const v = got[at]!.value;
      const want = d.unencrypted ?? d.plaintext;
      const shown = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
      if (typeof want === 'boolean') assert.equal(v, want, d.path.join('.'));
      // Upstream encrypted 00-raw after a shell expanded `$$` to its process id.
      else if (shown.includes('$$')) assert.match(want!, new RegExp(`^${shown.replace(/[$]/g, '\\$').replace('\\$\\$', '\\d+')}$`));
      else assert.equal(shown, want, d.path.join('.'));
    }
    assert.equal(got.length, derived.length, 'same number of leaves as sops walked');
  });
}

// ---- comments (spec §6.1) ----

test('the spec §6.1 comment example round-trips byte for byte', () => {
  const src = 'key1: value1 # inline comment\nkey2: value2\n# head comment\nkey3: value3 # another inline\n';
  assert.equal(roundTrip(src), src);
  const [b] = plain(src);
  assert.deepEqual(b!.items, [
    { key: new Comment(' inline comment', true), value: null },
    { key: 'key1', value: 'value1' },
    { key: 'key2', value: 'value2' },
    { key: new Comment(' head comment'), value: null },
    { key: new Comment(' another inline', true), value: null },
    { key: 'key3', value: 'value3' },
  ]);
});

test('a comment indented inside a nested map stays in that map; one at the parent column heads the next key', () => {
  const src = 'app2:\n    db:\n        user: x\n        #ENC[inner]\n    # outer\n    key: z\n';
  const [b] = plain(src);
  const app2 = getKey(b!, 'app2') as TreeMap;
  const db = getKey(app2, 'db') as TreeMap;
  assert.deepEqual(db.items[1], { key: new Comment('ENC[inner]'), value: null });
  assert.deepEqual(app2.items[1], { key: new Comment(' outer'), value: null });
  assert.equal(roundTrip(src), src);
});

test('comments between a key and its nested block open the block, whatever their column', () => {
  const [b] = plain('a:\n# low\n    b: 1\n');
  assert.deepEqual((getKey(b!, 'a') as TreeMap).items[0], { key: new Comment(' low'), value: null });
});

test('a comment after a key with a nested block is a plain comment before that key', () => {
  const [b] = plain('a: # on key\n    b: 1\n');
  assert.deepEqual(b!.items[0], { key: new Comment(' on key'), value: null });
});

test('comments in lists become list elements: head, inline before the item, foot', () => {
  const src = 'list:\n    # head\n    - a # inline\n    # between\n    - b\n    # foot\nnext: 1\n';
  const [b] = plain(src);
  assert.deepEqual((getKey(b!, 'list') as { items: unknown[] }).items, [
    new Comment(' head'),
    new Comment(' inline', true),
    'a',
    new Comment(' between'),
    'b',
    new Comment(' foot'),
  ]);
  assert.equal(roundTrip(src), src);
});

test('comments at document start and end are the first and last items of the branch', () => {
  const src = '# top\na: 1\n# bottom\n';
  const [b] = plain(src);
  assert.deepEqual(b!.items[0], { key: new Comment(' top'), value: null });
  assert.deepEqual(b!.items[2], { key: new Comment(' bottom'), value: null });
  assert.equal(roundTrip(src), src);
});

test('comments before --- end the previous document; comments after it start the next', () => {
  const [d1, d2] = plain('a: 1\n# end of one\n---\n# start of two\nb: 2\n');
  assert.deepEqual(d1!.items.at(-1), { key: new Comment(' end of one'), value: null });
  assert.deepEqual(d2!.items[0], { key: new Comment(' start of two'), value: null });
});

test('a comment line keeps everything after # (leading space, no space, empty), blank lines dropped', () => {
  const [b] = plain('a: 1\n#no space\n#\n\n#   spaces\n');
  assert.deepEqual(b!.items.slice(1).map((i) => (i.key as Comment).text), ['no space', '', '   spaces']);
});

test('an encrypted comment in a list is an ordinary list string', () => {
  const [b] = plain('l:\n    - ENC[AES256_GCM,data:x,iv:y,tag:z,type:comment]\n    - v\n');
  assert.deepEqual((getKey(b!, 'l') as { items: unknown[] }).items, ['ENC[AES256_GCM,data:x,iv:y,tag:z,type:comment]', 'v']);
});

test('emitted comments: heads at the entry column, inline after the value, trailing as foot', () => {
  const tree = newMap([
    { key: new Comment(' first'), value: null },
    { key: 'a', value: newMap([{ key: 'x', value: '1' }, { key: new Comment('ENC[c]'), value: null }]) },
    { key: new Comment(' line', true), value: null },
    { key: 'b', value: 2n },
    { key: 'l', value: newList([new Comment(' lh'), 'e1', new Comment(' li', true), 'e2', new Comment(' lf')]) },
    { key: new Comment(' last'), value: null },
  ]);
  assert.equal(
    text(yamlStore.emitPlain([tree])),
    '# first\na:\n    x: "1"\n    #ENC[c]\nb: 2 # line\nl:\n    # lh\n    - e1\n    - e2 # li\n    # lf\n# last\n',
  );
});

// ---- documents, errors, aliases ----

test('each YAML document is one branch; an empty document is an empty branch', () => {
  const docs = plain('a: 1\n---\n---\nb: 2\n');
  assert.equal(docs.length, 3);
  assert.deepEqual(docs[1], newMap());
  assert.equal(getKey(docs[2]!, 'b'), 2n);
  assert.equal(text(yamlStore.emitPlain(docs)), 'a: 1\n---\n{}\n---\nb: 2\n');
});

test('empty input has zero branches; input of only comments is an error like sops EOF', () => {
  assert.deepEqual(plain(''), []);
  assert.throws(() => plain('# nothing\n\n'), (e: unknown) => e instanceof TsopsError && e.code === 'PARSE_INPUT');
  assert.equal(text(yamlStore.emitPlain([])), '');
});

test('a duplicate key in the first document is an error naming both lines', () => {
  assert.throws(
    () => plain('a: 1\nhello: x\nhello: y\n'),
    (e: unknown) => e instanceof TsopsError && e.code === 'PARSE_INPUT' && /line 3: mapping key "hello" already defined at line 2/.test(e.message),
  );
  assert.throws(() => plain('a:\n  b: 1\n  b: 2\n'), /line 3/);
});

test('duplicate keys in later documents are accepted, as sops only checks the first', () => {
  const docs = plain('a: 1\n---\nb: 1\nb: 2\n');
  assert.equal(docs[1]!.items.length, 2);
});

test('a top-level sequence or scalar is rejected', () => {
  assert.throws(() => plain('- a\n- b\n'), (e: unknown) => e instanceof TsopsError && /sequences are not supported/.test(e.message));
  assert.throws(() => plain('just text\n'), (e: unknown) => e instanceof TsopsError && /values are not supported/.test(e.message));
  assert.throws(() => plain('a: 1\n---\n[1, 2]\n'), /sequences are not supported/);
  assert.deepEqual(plain('~\n'), [newMap()]);
});

test('aliases are expanded into independent copies; << is an ordinary key', () => {
  const [b] = plain('base: &b\n  x: 1\ncopy: *b\nmerged:\n  <<: *b\n  y: 2\n');
  const base = getKey(b!, 'base') as TreeMap;
  const copy = getKey(b!, 'copy') as TreeMap;
  assert.deepEqual(copy, base);
  assert.notEqual(copy, base);
  copy.items[0]!.value = 'changed';
  assert.equal(getKey(base, 'x'), 1n);
  const merged = getKey(b!, 'merged') as TreeMap;
  assert.deepEqual(merged.items.map((i) => i.key), ['<<', 'y']);
});

test('a merge key whose value is not a mapping fails in the first document, like sops', () => {
  assert.throws(() => plain('<<: 0.5\n'), /map merge requires map/);
});

test('flow collections, folded and multi-line scalars parse through the general path', () => {
  const [b] = plain('f: {a: 1, b: [x, "y"]}\nfold: >\n  one\n  two\nmulti: first\n  second\n');
  const f = getKey(b!, 'f') as TreeMap;
  assert.equal(getKey(f, 'a'), 1n);
  assert.deepEqual((getKey(f, 'b') as { items: unknown[] }).items, ['x', 'y']);
  assert.equal(getKey(b!, 'fold'), 'one two\n');
  assert.equal(getKey(b!, 'multi'), 'first second');
});

test('syntax errors are PARSE_INPUT errors with a line number', () => {
  assert.throws(
    () => plain('a: [1, 2\nb: 3\n'),
    (e: unknown) => e instanceof TsopsError && e.code === 'PARSE_INPUT' && /line \d+/.test(e.message) && !e.message.includes('\n'),
  );
});

test('invalid UTF-8 input is a PARSE_INPUT error', () => {
  assert.throws(() => yamlStore.parsePlain(new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0x0a])), /utf-8/);
});

test('non-string keys: parsePlain refuses them (exit 23), files with metadata refuse to decrypt (exit 25)', () => {
  assert.throws(() => plain('1: x\n'), (e: unknown) => e instanceof TsopsError && e.code === 'ENCRYPT_TREE' && /line 1/.test(e.message));
  assert.throws(() => plain('a:\n  true: y\n'), (e: unknown) => e instanceof TsopsError && e.code === 'ENCRYPT_TREE');
  assert.throws(
    () => yamlStore.parseEncrypted(bytes('1: x\nsops:\n    version: 3.13.2\n')),
    (e: unknown) => e instanceof TsopsError && e.code === 'DECRYPT_TREE',
  );
  assert.deepEqual(plain('"1": x\nyes: y\n')[0]!.items.map((i) => i.key), ['1', 'yes']);
});

// ---- encrypted files ----

const META = newMap([
  { key: 'age', value: newList([newMap([{ key: 'enc', value: '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n' }, { key: 'recipient', value: 'age1xyz' }])]) },
  { key: 'lastmodified', value: '2026-05-22T20:16:23Z' },
  { key: 'mac', value: 'ENC[AES256_GCM,data:m,iv:i,tag:t,type:str]' },
  { key: 'unencrypted_suffix', value: '_unencrypted' },
  { key: 'version', value: '3.13.2' },
]);

const META_TEXT =
  'sops:\n    age:\n        - enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            YWdl\n            -----END AGE ENCRYPTED FILE-----\n' +
  '          recipient: age1xyz\n    lastmodified: "2026-05-22T20:16:23Z"\n    mac: ENC[AES256_GCM,data:m,iv:i,tag:t,type:str]\n' +
  '    unencrypted_suffix: _unencrypted\n    version: 3.13.2\n';

test('emitEncrypted appends the metadata as the last key of every document, sops layout', () => {
  const docs = [newMap([{ key: 'a', value: 'x' }]), newMap([{ key: 'b', value: 'z' }])];
  assert.equal(text(yamlStore.emitEncrypted(docs, META)), `a: x\n${META_TEXT}---\nb: z\n${META_TEXT}`);
});

test('parseEncrypted takes the metadata from the first document and drops sops keys everywhere', () => {
  const { branches, metadata } = yamlStore.parseEncrypted(bytes(`a: x\n${META_TEXT}---\nb: y\n${META_TEXT}`));
  assert.deepEqual(metadata, META);
  assert.deepEqual(branches, [newMap([{ key: 'a', value: 'x' }]), newMap([{ key: 'b', value: 'y' }])]);
});

test('parseEncrypted keeps typed metadata values and reports missing metadata as undefined', () => {
  const { metadata } = yamlStore.parseEncrypted(bytes('a: 1\nsops:\n    mac_only_encrypted: true\n    shamir_threshold: 2\n'));
  assert.equal(getKey(metadata!, 'mac_only_encrypted'), true);
  assert.equal(getKey(metadata!, 'shamir_threshold'), 2n);
  assert.equal(yamlStore.parseEncrypted(bytes('a: 1\n')).metadata, undefined);
});

test('a sops entry that is not a mapping is rejected', () => {
  assert.throws(() => yamlStore.parseEncrypted(bytes('sops: 3\n')), (e: unknown) => e instanceof TsopsError && /not a mapping/.test(e.message));
});

test('looksEncrypted is true only for a top-level sops key in the first document', () => {
  assert.equal(yamlStore.looksEncrypted(plain('sops:\n    version: 1\n')), true);
  assert.equal(yamlStore.looksEncrypted(plain('a:\n    sops: 1\n')), false);
  assert.equal(yamlStore.looksEncrypted(plain('a: 1\n---\nsops: 1\n')), false);
  assert.equal(yamlStore.looksEncrypted([]), false);
});

// ---- indentation ----

test('indent: default 4, 2 and 3 honoured, outside 2..9 becomes 2, negative is an error', () => {
  const src = 'a:\n    b:\n        - c: 1\n          d: 2\n';
  assert.equal(roundTrip(src), src);
  assert.equal(roundTrip(src, 2), 'a:\n  b:\n    - c: 1\n      d: 2\n');
  assert.equal(roundTrip(src, 3), 'a:\n   b:\n      - c: 1\n        d: 2\n');
  assert.equal(roundTrip(src, 12), roundTrip(src, 2));
  assert.equal(roundTrip(src, 1), roundTrip(src, 2));
  assert.equal(yamlIndent({ indent: 0 }), 4);
  assert.throws(
    () => yamlStore.emitPlain(plain(src), { indent: -1 }),
    (e: unknown) => e instanceof TsopsError && e.code === 'DUMP_TREE' && e.message === 'yaml negative indentation not accepted',
  );
});

test('a literal block keeps its content one level below the owning key, also inside list items', () => {
  const src = 'k: |\n    line1\n    line2\nl:\n    - |-\n      x\n      y\n';
  assert.equal(roundTrip(src), src);
  assert.equal(getKey(plain(src)[0]!, 'k'), 'line1\nline2\n');
});

// ---- emitValue ----

test('emitValue writes a value as go-yaml Marshal does, with a final newline', () => {
  const v = (x: Value): string => text(yamlStore.emitValue(x));
  assert.equal(v('plain'), 'plain\n');
  assert.equal(v('123'), '"123"\n');
  assert.equal(v(42n), '42\n');
  assert.equal(v(1.5), '1.5\n');
  assert.equal(v(true), 'true\n');
  assert.equal(v(null), 'null\n');
  assert.equal(v(new Timestamp('2024-01-01T00:00:00Z')), '2024-01-01T00:00:00Z\n');
  assert.equal(v(newList(['a', 1n])), '- a\n- 1\n');
  assert.equal(v(newList([])), '[]\n');
  assert.equal(v('multi\nline'), '|-\n    multi\n    line\n');
});
