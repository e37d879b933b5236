/**
 * The two YAML parsers agree: over generated documents and every YAML interop fixture, the
 * fast block parser's tree (comments included) and its non-string-key report equal the library
 * parser's, and an input the fast parser refuses the library refuses with the same error,
 * unless the fast parser declines (throws `Unsupported`, so the library parser is the one used).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { interopDir, interopSkip } from '../../helpers/interop.js';
import { parseFast } from '../../../src/formats/yaml/parse/fast.js';
import { parseWithLibrary } from '../../../src/formats/yaml/parse/library.js';
import { Unsupported } from '../../../src/formats/yaml/parse/result.js';
import type { ParsedYaml } from '../../../src/formats/yaml/parse/result.js';
import { TsopsError } from '../../../src/errors.js';
import { yamlStore } from '../../../src/formats/yaml/index.js';
import { Comment, isList, isMap, newList, newMap } from '../../../src/core/tree.js';
import type { TreeMap, Value } from '../../../src/core/tree.js';

type Outcome = { kind: 'tree'; parsed: ParsedYaml } | { kind: 'error'; code: string; message: string } | { kind: 'declined' };

function run(parse: (text: string) => ParsedYaml, text: string): Outcome {
  try {
    return { kind: 'tree', parsed: parse(text) };
  } catch (e) {
    if (e instanceof Unsupported) return { kind: 'declined' };
    if (e instanceof TsopsError) return { kind: 'error', code: e.code, message: e.message };
    throw e;
  }
}

function stripValue(v: Value): Value {
  if (isMap(v)) return newMap(v.items.filter((i) => !(i.key instanceof Comment)).map((i) => ({ key: i.key, value: stripValue(i.value) })));
  if (isList(v)) return newList(v.items.filter((i): i is Value => !(i instanceof Comment)).map(stripValue));
  return v;
}

const withoutComments = (p: ParsedYaml): ParsedYaml => ({ ...p, branches: p.branches.map((b) => stripValue(b) as TreeMap) });

/** A document's comments in order, wherever they are attached. */
function commentsOf(v: Value): Comment[] {
  if (isMap(v)) return v.items.flatMap((i) => (i.key instanceof Comment ? [i.key] : commentsOf(i.value)));
  if (isList(v)) return v.items.flatMap((i) => (i instanceof Comment ? [i] : commentsOf(i)));
  return [];
}

/**
 * Compare the parsers on one text; returns whether the fast parser declined. Both always keep
 * the same values and the same comments in the same order; `exact` also asks that each comment
 * sit in the same collection, which the library parser does not match in every layout (a
 * comment after an indentless sequence, before the next key, stays in the sequence).
 */
function agree(text: string, exact = false): boolean {
  const fast = run(parseFast, text);
  if (fast.kind === 'declined') return true;
  const library = run(parseWithLibrary, text);
  assert.ok(library.kind !== 'declined', 'the library parser never declines');
  if (fast.kind === 'error') {
    // The same refusal; the messages may name different faults of a document with several.
    assert.equal(library.kind, 'error', `the library parser read what the fast parser refused: ${fast.message}`);
    assert.equal((library as { code: string }).code, fast.code);
  } else {
    assert.equal(library.kind, 'tree', `the library parser failed where the fast parser did not: ${library.kind === 'error' ? library.message : ''}`);
    const lib = (library as { parsed: ParsedYaml }).parsed;
    assert.deepStrictEqual(withoutComments(lib), withoutComments(fast.parsed), 'the values differ');
    assert.deepStrictEqual(lib.branches.map(commentsOf), fast.parsed.branches.map(commentsOf), 'the comments differ');
    if (exact) assert.deepStrictEqual(lib, fast.parsed);
  }
  return false;
}

// ---- generated documents ----

const indentFor = (n: number): string => ' '.repeat(n);

/** Scalars as they stand in the source, of every kind the store reads. */
const wordChars = 'abcdefghijklmnopqrstuvwxyzABC0123456789_-./';
const word = fc.string({ unit: fc.constantFrom(...wordChars.split('')), minLength: 1, maxLength: 8 }).filter((s) => /^[a-zA-Z_]/.test(s));
// No YAML 1.1 line breaks (U+0085, U+2028, U+2029) and no control characters inside quoted text.
const lineText = fc
  .oneof(fc.string({ maxLength: 10 }), fc.string({ unit: 'grapheme', maxLength: 6 }))
  .map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ''));

const plainScalar = fc.oneof(
  word,
  fc.constantFrom(
    'hello world', 'a#b', 'a:b', 'http://x.y/z?q=1', '123', '-17', '+5', '0x1F', '0o17', '017', '0b101', '1_000',
    '9223372036854775807', '9223372036854775808', '18446744073709551616', '1.5', '.5', '-1e3', '1e400', '.inf', '-.Inf',
    '.NaN', 'true', 'False', 'TRUE', 'yes', 'No', 'on', 'off', '~', 'null', 'Null', '2024-01-01', '2024-02-30',
    '2024-01-01T10:20:30Z', '2024-01-01 10:20:30.5 +02:00', '2001-12-14t21:59:43.10-05:00', '1:20', '190:20:30.15',
    'ENC[AES256_GCM,data:abc=,iv:x/y+z=,tag:q==,type:str]', 'x-y', 'a - b', 'a ? b', 'a,b', 'tab\there', 'ünï 日本 😀',
  ),
);
const doubleQuoted = fc.oneof(
  lineText.map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\t\\n\\x41\\u00e9\\U0001F600\\0\\a\\e\\N\\_\\L\\P\\/"', '"with # hash"', '"a: b"', '""'),
);
const singleQuoted = fc.oneof(lineText.map((s) => `'${s.replaceAll("'", "''")}'`), fc.constantFrom("''", "'it''s'", "'# not a comment'"));
const tagged = fc.constantFrom(
  '!!str 123', '!!str', '!!int 42', '!!int 0x10', '!!int abc', '!!float 1', '!!float 2.5', '!!bool true', '!!bool yes',
  '!!null ~', '!!timestamp 2024-01-01', '!!timestamp nope', '!!binary aGVsbG8=', '!!binary //79', '!!binary a===',
  '!custom value', '!custom "quoted"', '!!str "quoted"', "!!str 'single'",
);
const emptyFlow = fc.constantFrom('[]', '{}', '[ ]', '{ }');
// Syntax the fast parser leaves to the library; rare, so most documents stay on the fast path.
const declined = fc.constantFrom('[1, 2]', '{a: 1}', '*undefined', '&bad.name x', '!<tag:yaml.org,2002:str> x', '"multi', '@reserved', '"\\ud800"', '"bad \\q"');
// A few names, so that aliases often find an anchor defined before them (or still open around them).
const anchorName = fc.constantFrom('a', 'b', 'key-1', 'k_2');
const anchoredScalar = fc.tuple(anchorName, fc.oneof(plainScalar, doubleQuoted, singleQuoted, emptyFlow)).map(([n, v]) => `&${n} ${v}`);
const alias = anchorName.map((n) => `*${n}`);
// Some collections carry an anchor (`key: &a` above the block): one in `1 + rarity`.
const collectionAnchor = (rarity: number): fc.Arbitrary<string | undefined> =>
  fc.oneof({ weight: rarity, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anchorName });

const inlineScalar = fc.oneof(
  { weight: 60, arbitrary: plainScalar },
  { weight: 20, arbitrary: doubleQuoted },
  { weight: 15, arbitrary: singleQuoted },
  { weight: 10, arbitrary: tagged },
  { weight: 5, arbitrary: emptyFlow },
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: anchoredScalar },
  { weight: 3, arbitrary: alias },
  { weight: 1, arbitrary: declined },
);

const blockScalar = fc.record({
  header: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('|', '|-', '|+', '|2', '|-2', '|+1') }, { weight: 1, arbitrary: fc.constantFrom('>', '>-') }),
  // No line of only spaces: under an explicit indentation indicator the library reads a block
  // of only such a line as empty, where go-yaml (and the fast parser) keep its extra spaces.
  lines: fc.array(fc.oneof(fc.constantFrom('text', '  indented', '', 'a # not a comment', 'x: y', '- z'), lineText.filter((l) => l.trim() !== '' || l === '')), {
    minLength: 0,
    maxLength: 4,
  }),
  trailing: fc.nat({ max: 2 }),
});

const comment = fc.oneof(fc.constantFrom(' note', '', '#double', ' ENC[AES256_GCM,data:x,type:comment]'), lineText.map((s) => s.replace(/\s+$/, '')));

const keyText = fc.oneof(
  { weight: 8, arbitrary: word },
  {
    weight: 3,
    arbitrary: fc.constantFrom('"quoted key"', "'single key'", '"esc\\tkey"', 'with space', 'ENC', 'key_1', 'a.b', 'sops'),
  },
  { weight: 1, arbitrary: fc.constantFrom('1', 'true', 'null', '2024-01-01', '1.5', '0x10', '~', '<<') },
);

type Node =
  | { kind: 'scalar'; text: string }
  | { kind: 'block'; header: string; lines: string[]; trailing: number }
  | { kind: 'map'; entries: Entry[]; anchor: string | undefined }
  | { kind: 'seq'; items: Item[]; indentless: boolean; anchor: string | undefined };

interface Decor {
  /** Full-line comments before the entry, each with a column offset (negative: at column 0). */
  heads: Array<{ text: string; shift: number }>;
  blankBefore: boolean;
  inline: string | undefined;
}
interface Entry extends Decor {
  key: string;
  value: Node;
}
interface Item extends Decor {
  value: Node;
}

const decor = fc.record({
  heads: fc.array(fc.record({ text: comment, shift: fc.constantFrom(0, 0, 0, 2, -1) }), { maxLength: 2 }),
  blankBefore: fc.boolean(),
  inline: fc.option(comment, { nil: undefined, freq: 3 }),
});

const nodes = (anchorRarity: number) => fc.letrec<{ node: Node; map: Node; seq: Node; leaf: Node }>((tie) => ({
  leaf: fc.oneof(
    { weight: 6, arbitrary: inlineScalar.map((text): Node => ({ kind: 'scalar', text })) },
    { weight: 1, arbitrary: blockScalar.map((b): Node => ({ kind: 'block', ...b })) },
  ),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('map'), tie('seq')),
  map: fc
    .array(fc.record({ key: keyText, value: tie('node') }).chain((e) => decor.map((d): Entry => ({ ...e, ...d }))), { minLength: 1, maxLength: 4 })
    .chain((entries) => collectionAnchor(anchorRarity).map((anchor): Node => ({ kind: 'map', entries, anchor }))),
  seq: fc
    .record({
      items: fc.array(tie('node').chain((value) => decor.map((d): Item => ({ value, ...d }))), { minLength: 1, maxLength: 3 }),
      indentless: fc.boolean(),
      anchor: collectionAnchor(anchorRarity),
    })
    .map(({ items, indentless, anchor }): Node => ({ kind: 'seq', items, indentless, anchor })),
}));
// Comments around an anchored block send a document to the library: such blocks are rare here.
const { node } = nodes(30);

/** The source lines of a node's value after `key:` or `-` (the first element completes that line). */
function renderValue(v: Node, indent: number, step: number, inline: string | undefined, inSeq: boolean): string[] {
  const tail = inline === undefined ? '' : ` #${inline}`;
  switch (v.kind) {
    case 'scalar':
      return [`${v.text === '' ? '' : ' ' + v.text}${tail}`];
    case 'block': {
      const body = v.lines.map((l) => (l === '' ? '' : indentFor(indent + step) + l));
      return [` ${v.header}${tail}`, ...body, ...Array<string>(v.trailing).fill('')];
    }
    // The fast parser leaves a comment after an anchor (`key: &a # c`) to the library: none is drawn there.
    case 'map':
      return [v.anchor === undefined ? tail : anchorOf(v), ...renderMap(v.entries, indent + step, step)];
    case 'seq':
      return [v.anchor === undefined ? tail : anchorOf(v), ...renderSeq(v.items, v.indentless && !inSeq ? indent : indent + step, step)];
  }
}

/**
 * Points each alias drawn before any anchor of its name at the anchor defined last before it (or
 * makes it a plain scalar when there is none yet), so that most aliases resolve.
 */
function linkAliases(text: string): string {
  const defined: string[] = [];
  return text.replace(/(?<=^|\s)([&*])([A-Za-z0-9_-]+)(?=\s|$)/gm, (all, sigil: string, name: string) => {
    if (sigil === '&') {
      defined.push(name);
      return all;
    }
    if (defined.includes(name)) return all;
    return defined.length > 0 ? `*${defined[defined.length - 1]}` : 'x';
  });
}

const anchorOf = (v: { anchor: string | undefined }): string => (v.anchor === undefined ? '' : ` &${v.anchor}`);

function renderHeads(d: Decor, indent: number): string[] {
  const out = d.blankBefore ? [''] : [];
  for (const h of d.heads) out.push(`${indentFor(h.shift < 0 ? 0 : indent + h.shift)}#${h.text}`);
  return out;
}

function renderMap(entries: Entry[], indent: number, step: number): string[] {
  const out: string[] = [];
  for (const e of entries) {
    out.push(...renderHeads(e, indent));
    const [first, ...rest] = renderValue(e.value, indent, step, e.inline, false);
    out.push(`${indentFor(indent)}${e.key}:${first}`, ...rest);
  }
  return out;
}

function renderSeq(items: Item[], indent: number, step: number): string[] {
  const out: string[] = [];
  for (const it of items) {
    out.push(...renderHeads(it, indent));
    const v = it.value;
    // A mapping or sequence item without decoration starts on the dash's line (`- a: 1`, `- - x`).
    if ((v.kind === 'map' || v.kind === 'seq') && it.inline === undefined && v.anchor === undefined) {
      const inner = v.kind === 'map' ? renderMap(v.entries, indent + 2, step) : renderSeq(v.items, indent + 2, step);
      const at = inner.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
      if (at === 0) {
        out.push(`${indentFor(indent)}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
        continue;
      }
    }
    const [first, ...rest] = renderValue(v, indent, step, it.inline, true);
    out.push(`${indentFor(indent)}-${first}`, ...rest);
  }
  return out;
}

const document = fc.record({
  entries: fc.array(fc.record({ key: keyText, value: node }).chain((e) => decor.map((d): Entry => ({ ...e, ...d }))), { minLength: 0, maxLength: 5 }),
  trailingComments: fc.array(comment, { maxLength: 2 }),
});

const yamlText = fc
  .record({
    docs: fc.array(document, { minLength: 1, maxLength: 3 }),
    step: fc.constantFrom(2, 4, 3),
    firstMarker: fc.boolean(),
    markerComment: fc.option(comment, { nil: undefined, freq: 4 }),
    finalNewline: fc.boolean(),
  })
  .map(({ docs, step, firstMarker, markerComment, finalNewline }) => {
    const parts = docs.map((d, i) => {
      const marker = i > 0 || firstMarker ? [`---${markerComment === undefined ? '' : ` #${markerComment}`}`] : [];
      // Comments at the end of a document that another follows are left out: the library gives
      // all but the first of them to the next document, or loses them (after `key:` and no value).
      const last = i === docs.length - 1;
      const foot = last ? d.trailingComments.map((c) => `#${c}`) : [];
      if (d.entries.length === 0) return [...marker, '{}', ...foot].join('\n');
      return [...marker, ...renderMap(d.entries, 0, step), ...foot].join('\n');
    });
    return linkAliases(parts.join('\n') + (finalNewline ? '\n' : ''));
  });

test('the fast parser and the library parser read generated documents alike', () => {
  let total = 0;
  let declinedCount = 0;
  fc.assert(
    fc.property(yamlText, (text) => {
      total++;
      if (agree(text)) declinedCount++;
    }),
    { numRuns: 1500 },
  );
  // Agreement proves nothing if the fast parser declines everything: most documents stay on it.
  assert.ok(declinedCount / total < 0.5, `the fast parser declined ${declinedCount} of ${total} documents`);
});

/** The node without comments or blank lines around its entries and items. */
function bare(v: Node): Node {
  const none = { heads: [], blankBefore: false, inline: undefined };
  if (v.kind === 'map') return { ...v, entries: v.entries.map((e) => ({ ...e, ...none, value: bare(e.value) })) };
  if (v.kind === 'seq') return { ...v, items: v.items.map((i) => ({ ...i, ...none, value: bare(i.value) })) };
  return v;
}

// Without comments, which the fast parser leaves to the library around anchored blocks.
const bareText = fc
  .array(fc.record({ key: keyText, value: nodes(4).node }), { minLength: 1, maxLength: 8 })
  .map((entries) => linkAliases(`${renderMap(entries.map((e) => ({ ...e, value: bare(e.value), heads: [], blankBefore: false, inline: undefined })), 0, 2).join('\n')}\n`));

test('the fast parser and the library parser read anchors and aliases alike', () => {
  let total = 0;
  let withAlias = 0;
  fc.assert(
    fc.property(bareText, (text) => {
      total++;
      if (!agree(text, true) && /(^|[ -])\*[a-z]/m.test(text)) withAlias++;
    }),
    { numRuns: 1500 },
  );
  // Most of them are read by the fast parser, aliases and all.
  assert.ok(withAlias > total / 10, `the fast parser read only ${withAlias} of ${total} documents with an alias`);
});

// ---- cases the generated documents found, read alike to the comment's place ----

// Each was read differently by the library parser, which the store uses for any document with
// an anchor, a flow collection or a folded block; the fast parser reads them as go-yaml does.
const REGRESSIONS: Array<[string, string]> = [
  ['an empty comment is `#`, not `# `', '#\na: 1\n# \nb: 2\n#\n'],
  ['a comment before a list in a list is an item of the outer list', 'l:\n  - x\n  #\n  - - y\n'],
  ['a comment before a mapping in a list is an item of the list', 'l:\n  - a: 1\n    b: 2\n  # at dash col\n  - c: 3\n'],
  ['a comment after a lone dash opens the collection below it', 'l:\n- # c\n  a: 1\n- # d\n  - x\n'],
  ['a comment on a key line before a nested mapping comes before the key', 'a: # c\n  # opens\n  b: 1\n'],
  ['a comment on a key line before a nested list comes before the key', 'k: # on key\n  - a\n'],
  ['a comment after `key:` with no value is not a line comment', 'a: # note\nb: 1\n'],
  ['a comment after a lone dash heads the next item', 'l:\n- # note\n- x\n'],
  ['a block scalar header comment is a line comment', 'a: | # note\n  x\nl:\n  - |- # item\n    y\n'],
  ['an empty block scalar header comment is kept', 'a: | #\n  x\nl:\n  - | #\n    y\n'],
  ['a literal block on the last line without a line break has none', 'a: 1\nb: |\n  x'],
  ['a keep block on the last line without a line break has none', 'a: |+\n  x'],
];

for (const [name, text] of REGRESSIONS) {
  test(`the parsers agree: ${name}`, () => {
    assert.equal(agree(text, true), false, 'the fast parser reads this document');
    // Through the store: a folded block sends the document to the library parser, with the same tree.
    const viaFast = yamlStore.parsePlain(Buffer.from(`z: x\n${text}`));
    const viaLibrary = yamlStore.parsePlain(Buffer.from(`z: >-\n  x\n${text}`));
    assert.deepStrictEqual(viaLibrary, viaFast);
  });
}

test('a flow collection nested past the limit is refused by the fast parser, at the level the library refuses', () => {
  for (const [prefix, limit] of [['a: ', 499], ['a:\n  b: ', 498], ['l:\n  - x: ', 497]] as const) {
    for (const n of [limit, limit + 1, 20_000]) {
      const text = `${prefix}${'['.repeat(n)}1${']'.repeat(n)}\n`;
      const fast = run(parseFast, text);
      // Within the limit the library reads it; past it, neither parser recurses into it.
      assert.equal(fast.kind, n === limit ? 'declined' : 'error', `${n} levels under ${JSON.stringify(prefix)}`);
      if (n !== 20_000) assert.equal(agree(text), n === limit);
    }
  }
  // Brackets in quoted scalars are text.
  assert.equal(run(parseFast, `a: ["${'['.repeat(600)}", {b: '${'{'.repeat(600)}'}]\n`).kind, 'declined');
});

// ---- the interop fixtures ----

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

test('the fast parser and the library parser read every YAML interop fixture alike', { skip: interopSkip }, () => {
  const files = yamlFiles(interopDir);
  assert.ok(files.length > 0, `no YAML fixture under ${interopDir}`);
  let fastPath = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    try {
      if (!agree(text)) fastPath++;
    } catch (e) {
      throw new Error(`${path.relative(interopDir, file)}: ${(e as Error).message}`, { cause: e });
    }
  }
  // sops writes block YAML, which is what the fast parser is for.
  assert.ok(fastPath >= files.length / 2, `the fast parser read only ${fastPath} of ${files.length} fixtures`);
});
