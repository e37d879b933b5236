import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { yamlStore } from '../../../src/formats/yaml/index.js';
import { Comment, Timestamp, isList, isMap, newList, newMap } from '../../../src/core/tree.js';
import type { MapItem, TreeList, TreeMap, Value } from '../../../src/core/tree.js';

// Strings: unicode, YAML-significant text, multi-line. Excluded are the two inputs sops itself
// cannot write back: a leading line break (go-yaml's literal writer drops it) and a multi-line
// string opening with a space inside a list (go-yaml cannot read its own `|4` there); the YAML
// 1.1 line breaks U+0085/U+2028/U+2029 are left out as well.
const tricky = fc.constantFrom(
  '', ' ', 'a b', ' lead', 'trail ', 'a: b', 'a #b', '#c', '- x', '? q', '123', '-1.5', '0x1F', 'true', 'No', 'null', '~',
  '2024-01-01', '1:20', '---', '...', "it's", 'say "hi"', 'tab\there', 'ünï', '日本', '😀', 'ctrl\u0001', '\ufeffbom',
  'ENC[AES256_GCM,data:abc=,iv:x/y+z=,tag:q==,type:str]', 'multi\nline', 'multi\nline\n', 'keep\n\n', 'sp \nx', 'a\n  b',
);
const anyString = fc
  .oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ maxLength: 12 }))
  .filter((s) => !/[\u0085\u2028\u2029]/.test(s) && !s.startsWith('\n'));

const fixMultiline = (s: string): string => (s.includes('\n') && s.startsWith(' ') ? `x${s}` : s);

const timestamp = fc
  .record({
    y: fc.integer({ min: 1000, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    frac: fc.option(fc.integer({ min: 1, max: 999999999 }), { nil: undefined }),
    zone: fc.constantFrom('Z', '+07:00', '-05:30'),
  })
  .map(({ y, mo, d, h, mi, s, frac, zone }) => {
    const p = (n: number): string => String(n).padStart(2, '0');
    const f = frac === undefined ? '' : `.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
    return new Timestamp(`${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${f}${zone}`);
  });

const scalar: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: anyString.map(fixMultiline) },
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  // -0 prints as `-0`, which reads back as the int 0 and prints as `0` (as in go-yaml): not stable by design.
  fc.double().filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
  timestamp,
  fc.uint8Array({ minLength: 1, maxLength: 90 }).map((b) => Uint8Array.from([0xff, ...b])),
);

const commentText = fc.oneof(fc.constantFrom('', ' note', 'ENC[AES256_GCM,data:x,type:comment]', ' # hash'), fc.string({ maxLength: 10 }).map((s) => s.replace(/[\r\n\u0085\u2028\u2029]/g, '')));
const key = anyString.filter((s) => !s.includes('\n') && s !== '<<' && s.length < 40);

// Comments only where sops' writer puts them back where they were read: head comments before
// entries, an inline comment before an entry with a scalar value, trailing comments after the
// last entry (of a list: after a scalar), no comments at the start of a collection nested
// directly in a list.
const { tree } = fc.letrec<{ tree: TreeMap; map: TreeMap; list: TreeList; value: Value; itemMap: TreeMap; itemList: TreeList }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
  map: collection(tie('value'), true),
  itemMap: collection(tie('value'), false),
  list: listOf(tie('value'), tie('itemMap'), tie('itemList'), true),
  itemList: listOf(tie('value'), tie('itemMap'), tie('itemList'), false),
  tree: collection(tie('value'), true),
})) as unknown as { tree: fc.Arbitrary<TreeMap> };

function collection(value: fc.Arbitrary<Value>, leadingComments: boolean): fc.Arbitrary<TreeMap> {
  const entry = fc.record({ k: key, v: value, heads: fc.array(commentText, { maxLength: 2 }), inline: fc.option(commentText, { nil: undefined }) });
  return fc
    .record({ entries: fc.uniqueArray(entry, { selector: (e) => e.k, maxLength: 4 }), tail: fc.array(commentText, { maxLength: 2 }) })
    .map(({ entries, tail }) => {
      const items: MapItem[] = [];
      entries.forEach((e, i) => {
        if (leadingComments || i > 0) for (const h of e.heads) items.push({ key: new Comment(h), value: null });
        const scalarValue = !isMap(e.v) && !isList(e.v);
        if (e.inline !== undefined && scalarValue) items.push({ key: new Comment(e.inline, true), value: null });
        items.push({ key: e.k, value: e.v });
      });
      if (entries.length > 0) for (const t of tail) items.push({ key: new Comment(t), value: null });
      return newMap(items);
    });
}

function listOf(value: fc.Arbitrary<Value>, itemMap: fc.Arbitrary<TreeMap>, itemList: fc.Arbitrary<TreeList>, leadingComments: boolean): fc.Arbitrary<TreeList> {
  const element = fc.oneof({ depthSize: 'small' }, scalar, itemMap, itemList);
  const entry = fc.record({ v: element, heads: fc.array(commentText, { maxLength: 2 }), inline: fc.option(commentText, { nil: undefined }) });
  void value;
  return fc.record({ entries: fc.array(entry, { maxLength: 4 }), tail: fc.array(commentText, { maxLength: 2 }) }).map(({ entries, tail }) => {
    const items: Array<Value | Comment> = [];
    entries.forEach((e, i) => {
      if (leadingComments || i > 0) for (const h of e.heads) items.push(new Comment(h));
      if (e.inline !== undefined && !isMap(e.v) && !isList(e.v)) items.push(new Comment(e.inline, true));
      items.push(e.v);
    });
    // go-yaml writes the foot of a collection item one level out (a blank line, then the parent's
    // column), so only a scalar last item keeps trailing comments in the list.
    const last = entries.at(-1)?.v;
    if (last !== undefined && !isMap(last) && !isList(last)) for (const t of tail) items.push(new Comment(t));
    return newList(items);
  });
}

/** What sops reads back: an integral float printed without exponent (`%g`) comes back an int. */
function normalize<T extends Value | Comment>(v: T): T {
  if (isMap(v)) return newMap(v.items.map((i) => ({ key: i.key, value: normalize(i.value) }))) as T;
  if (isList(v)) return newList(v.items.map((i) => normalize(i))) as T;
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e6) return BigInt(v) as T;
  return v;
}

const emit = (branches: TreeMap[]): Uint8Array => yamlStore.emitPlain(branches);

test('property: parsePlain(emitPlain(t)) equals t and emitting again gives the same bytes', () => {
  fc.assert(
    fc.property(fc.array(tree, { minLength: 1, maxLength: 2 }), (branches) => {
      const written = emit(branches);
      const back = yamlStore.parsePlain(written);
      assert.deepEqual(back, branches.map((b) => normalize(b)));
      assert.deepEqual(Buffer.from(emit(back)), Buffer.from(written));
    }),
    { numRuns: 200 },
  );
});

test('property: emitEncrypted output parses back to the same data and metadata', () => {
  const metadata = newMap([
    { key: 'lastmodified', value: '2026-05-22T20:16:23Z' },
    { key: 'mac_only_encrypted', value: true },
    { key: 'version', value: '3.13.2' },
  ]);
  fc.assert(
    fc.property(fc.array(tree, { minLength: 1, maxLength: 2 }), (branches) => {
      const parsed = yamlStore.parseEncrypted(yamlStore.emitEncrypted(branches, metadata));
      assert.deepEqual(parsed.metadata, metadata);
      assert.deepEqual(parsed.branches.map((b) => b.items.filter((i) => i.key !== 'sops')), branches.map((b) => normalize(b).items));
    }),
    { numRuns: 50 },
  );
});
