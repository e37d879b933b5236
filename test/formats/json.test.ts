import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { jsonStore } from '../../src/formats/json.js';
import {
  Comment,
  Timestamp,
  isList,
  isMap,
  newList,
  newMap,
  type TreeMap,
  type Value,
} from '../../src/core/tree.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { throwsCode } from '../helpers/assertions.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function parse(text: string | Uint8Array): TreeMap {
  const branches = jsonStore.parsePlain(typeof text === 'string' ? enc.encode(text) : text);
  assert.equal(branches.length, 1);
  return branches[0] as TreeMap;
}

function emit(map: TreeMap, indent?: number): string {
  return dec.decode(jsonStore.emitPlain([map], indent === undefined ? undefined : { indent }));
}

/** The value under `key` in a parsed object. */
function valueOf(text: string | Uint8Array, key = 'a'): Value | undefined {
  return parse(text).items.find((i) => i.key === key)?.value;
}


/** Plain JS form of a tree, for comparing with JSON.parse (numbers as numbers). */
function toPlain(v: Value): unknown {
  if (isMap(v)) return Object.fromEntries(v.items.map((i) => [i.key as string, toPlain(i.value)]));
  if (isList(v)) return v.items.map((x) => toPlain(x as Value));
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out;
}

/** Every file sops wrote in its JSON layout: `.json` files and binary-store files with a sops key. */
const sopsJsonFiles = (interopSkip ? [] : walkFiles(interopDir)).filter((p) => {
  if (p.includes(`${path.sep}derived${path.sep}`)) return false;
  if (!p.endsWith('.json') && !p.endsWith('.txt')) return false;
  const text = fs.readFileSync(p, 'utf8');
  return text.startsWith('{') && text.includes('"sops": {');
});

test('interop: every sops JSON-layout file re-emits byte-identically with its metadata as read', { skip: interopSkip }, () => {
  assert.ok(sopsJsonFiles.length >= 6, `found only ${sopsJsonFiles.length} files`);
  for (const file of sopsJsonFiles) {
    const raw = fs.readFileSync(file);
    const text = raw.toString('utf8');
    const doc = jsonStore.parseEncrypted(raw);
    assert.ok(doc.metadata !== undefined, `${file}: metadata found`);
    assert.ok(!jsonStore.looksEncrypted(doc.branches), `${file}: sops key removed from the data`);
    const indent = text.startsWith('{\n\t') ? -1 : (/^\{\n( +)"/.exec(text)?.[1]?.length ?? -1);
    const out = dec.decode(jsonStore.emitEncrypted(doc.branches, doc.metadata, { indent }));
    // sops before 3.8 wrote no final newline; the rest of the file must match exactly.
    const expected = text.endsWith('\n') ? text : text + '\n';
    assert.equal(out, expected, file);
  }
});

test('interop: the 3.13 file round-trips exactly with the default (tab) indent', { skip: interopSkip }, () => {
  const file = path.join(interopDir, 'getsops-sops-v3.13-known-data-keys', 'format.enc.json');
  const raw = fs.readFileSync(file);
  const doc = jsonStore.parseEncrypted(raw);
  assert.deepEqual(
    doc.metadata?.items.map((i) => i.key),
    ['lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version'],
  );
  assert.equal(dec.decode(jsonStore.emitEncrypted(doc.branches, doc.metadata as TreeMap)), raw.toString('utf8'));
});

test('interop: every JSON file parses to the same content JSON.parse sees', { skip: interopSkip }, () => {
  const files = walkFiles(interopDir).filter((p) => p.endsWith('.json'));
  assert.ok(files.length > 10);
  for (const file of files) {
    const raw = fs.readFileSync(file);
    assert.deepEqual(toPlain(parse(raw)), JSON.parse(raw.toString('utf8')), file);
  }
});

test('interop: the humphd plaintext keeps int and float types', { skip: interopSkip }, () => {
  const m = parse(fs.readFileSync(path.join(interopDir, 'humphd-sops-age', 'secret.json')));
  assert.equal(m.items.find((i) => i.key === 'int')?.value, 7n);
  assert.equal(m.items.find((i) => i.key === 'float')?.value, 3.14);
  assert.equal(m.items.find((i) => i.key === 'boolean')?.value, true);
});

test('parse keeps key order and duplicate keys as separate items', () => {
  const m = parse('{"b": 1, "a": 2, "b": 3, "10": 4, "2": 5}');
  assert.deepEqual(
    m.items.map((i) => [i.key, i.value]),
    [['b', 1n], ['a', 2n], ['b', 3n], ['10', 4n], ['2', 5n]],
  );
  assert.equal(emit(m, 0), '{\n"b": 1,\n"a": 2,\n"b": 3,\n"10": 4,\n"2": 5\n}\n');
});

test('parse: integers that fit int64 are exact bigints, everything else is float64', () => {
  assert.equal(valueOf('{"a": 9223372036854775807}'), 9223372036854775807n);
  assert.equal(valueOf('{"a": -9223372036854775808}'), -9223372036854775808n);
  assert.equal(valueOf('{"a": 1234567890123456789}'), 1234567890123456789n);
  assert.equal(valueOf('{"a": 9223372036854775808}'), 9223372036854775808);
  assert.equal(typeof valueOf('{"a": 9223372036854775808}'), 'number');
  assert.equal(typeof valueOf('{"a": -9223372036854775809}'), 'number');
  assert.equal(valueOf('{"a": 1.0}'), 1);
  assert.equal(typeof valueOf('{"a": 1.0}'), 'number');
  assert.equal(valueOf('{"a": 1e3}'), 1000);
  assert.equal(typeof valueOf('{"a": 1e3}'), 'number');
  assert.equal(valueOf('{"a": -0}'), 0n);
  assert.ok(Object.is(valueOf('{"a": -0.0}'), -0));
  assert.equal(valueOf('{"a": 1E-2}'), 0.01);
  assert.equal(valueOf('{"a": 1e-400}'), 0);
});

test('parse: a number beyond float64 range is an error', () => {
  throwsCode(() => parse('{"a": 1e400}'), 'PARSE_INPUT', /out of float64 range/);
  throwsCode(() => parse('{"a": -1' + '0'.repeat(400) + '}'), 'PARSE_INPUT', /out of float64 range/);
});

test('parse: malformed numbers are errors', () => {
  for (const bad of ['{"a": 01}', '{"a": -}', '{"a": 1.}', '{"a": .5}', '{"a": 1e}', '{"a": +1}', '{"a": 0x10}']) {
    throwsCode(() => parse(bad), 'PARSE_INPUT', /invalid json at line 1/);
  }
});

test('parse: string escapes, surrogate pairs and lone surrogates as Go decodes them', () => {
  assert.equal(valueOf(String.raw`{"a": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20AC"}`), 'q" b\\ s/ \b\f\n\r\t é €');
  assert.equal(valueOf(String.raw`{"a": "\ud83d\ude00"}`), '😀');
  assert.equal(valueOf(String.raw`{"a": "\ud800x"}`), '\uFFFDx');
  assert.equal(valueOf(String.raw`{"a": "\udc00\ud800"}`), '\uFFFD\uFFFD');
  assert.equal(valueOf(String.raw`{"a": "\ud800\u0041"}`), '\uFFFDA');
  assert.equal(valueOf('{"a": "plain ✓ 😀"}'), 'plain ✓ 😀');
  assert.equal(valueOf(String.raw`{"k\u0021": 1}`, 'k!'), 1n);
});

test('parse: bad escapes and raw control characters in strings are errors', () => {
  throwsCode(() => parse(String.raw`{"a": "\x"}`), 'PARSE_INPUT', /in string escape code/);
  throwsCode(() => parse(String.raw`{"a": "\u12"}`), 'PARSE_INPUT', /hexadecimal character escape/);
  throwsCode(() => parse('{"a": "line\nbreak"}'), 'PARSE_INPUT', /U\+000A in string literal/);
  throwsCode(() => parse('{"a": "tab\there"}'), 'PARSE_INPUT', /U\+0009 in string literal/);
  throwsCode(() => parse('{"a": "open'), 'PARSE_INPUT', /unexpected end of input in string literal/);
});

test('parse: invalid UTF-8 becomes one U+FFFD per bad byte, as Go does', () => {
  const bytes = new Uint8Array([
    ...enc.encode('{"a": "x'),
    0xff, // never valid
    0xe2, 0x82, // truncated 3-byte sequence: two bad bytes
    0xed, 0xa0, 0x80, // an encoded surrogate: three bad bytes
    ...enc.encode('y"}'),
  ]);
  assert.equal(valueOf(bytes), 'x' + '\uFFFD'.repeat(6) + 'y');
});

test('parse: literals, nesting and empty containers', () => {
  const m = parse('{"t": true, "f": false, "n": null, "o": {}, "l": [], "deep": [[1, [2]], {"x": [{}]}]}');
  assert.deepEqual(
    m.items.map((i) => i.key),
    ['t', 'f', 'n', 'o', 'l', 'deep'],
  );
  assert.deepEqual(
    m,
    newMap([
      { key: 't', value: true },
      { key: 'f', value: false },
      { key: 'n', value: null },
      { key: 'o', value: newMap() },
      { key: 'l', value: newList() },
      {
        key: 'deep',
        value: newList([newList([1n, newList([2n])]), newMap([{ key: 'x', value: newList([newMap()]) }])]),
      },
    ]),
  );
});

test('parse: a top-level array is refused with sops wording and a wrap hint', () => {
  const e = throwsCode(() => parse(' [1, 2]'), 'PARSE_INPUT');
  assert.match(e.message, /^sops only supports json files with a top-level object \(starting with '\{'\), not arrays or other types/);
  assert.match(e.message, /got delimiter \[ instead/);
  assert.match(e.hint ?? '', /\{"data": \[\.\.\.\]\}/);
  assert.equal(e.exitCode, 2);
});

test('parse: top-level scalars are refused without echoing the value', () => {
  for (const [text, kind] of [
    ['"hunter2-secret"', 'a string'],
    ['42', 'an integer'],
    ['4.5', 'a number'],
    ['true', 'a boolean'],
    ['null', 'null'],
  ] as const) {
    const e = throwsCode(() => parse(text), 'PARSE_INPUT', /not other json types/);
    assert.ok(e.message.includes(`got ${kind} instead`), e.message);
    assert.ok(!e.message.includes('hunter2'), 'the value is not in the message');
    assert.match(e.hint ?? '', /wrap it in an object/);
  }
});

test('parse: empty or blank input is an error', () => {
  throwsCode(() => parse(''), 'PARSE_INPUT', /empty \(EOF\)/);
  throwsCode(() => parse(' \n\t\r\n'), 'PARSE_INPUT', /empty \(EOF\)/);
});

test('parse: errors carry line and column', () => {
  throwsCode(() => parse('{\n  "a": 1,\n  "b": x\n}'), 'PARSE_INPUT', /line 3, column 8: invalid character 'x' looking for beginning of value/);
  throwsCode(() => parse('{"a": 1,}'), 'PARSE_INPUT', /line 1, column 9: .*'\}' looking for beginning of object key string/);
  throwsCode(() => parse('{"a" 1}'), 'PARSE_INPUT', /line 1, column 6: .*after object key/);
  throwsCode(() => parse('{"a": 1 "b": 2}'), 'PARSE_INPUT', /column 9: .*after object key:value pair/);
  throwsCode(() => parse('{"a": [1 2]}'), 'PARSE_INPUT', /column 10: .*after array element/);
  throwsCode(() => parse('{"a": [1, 2'), 'PARSE_INPUT', /unexpected end of input/);
  throwsCode(() => parse('{"a": tru}'), 'PARSE_INPUT', /in literal true/);
  throwsCode(() => parse('\uFEFF{}'), 'PARSE_INPUT', /byte order mark/);
});

test('parse: content after the top-level object is an error, as in Go\'s json.Unmarshal; whitespace is fine', () => {
  throwsCode(() => parse('{"a": 1} trailing garbage ['), 'PARSE_INPUT', /^invalid json at line 1, column 10: invalid character 't' after top-level value$/);
  throwsCode(() => parse('{"a": 1}\n{"a": ""}\n'), 'PARSE_INPUT', /line 2, column 1: invalid character '\{' after top-level value/);
  throwsCode(() => parse('{}}'), 'PARSE_INPUT', /after top-level value/);
  assert.deepEqual(parse('{"a": 1} \r\n\t\n'), newMap([{ key: 'a', value: 1n }]));
});

test('parse: nesting deeper than 10000 levels is refused, 5000 is fine', () => {
  const deep = (n: number): string => '{"a": ' + '['.repeat(n) + ']'.repeat(n) + '}';
  throwsCode(() => parse(deep(10000)), 'PARSE_INPUT', /exceeded max depth/);
  let v: Value | undefined = valueOf(deep(5000));
  let depth = 0;
  while (isList(v) && v.items.length > 0) {
    v = v.items[0] as Value;
    depth++;
  }
  assert.equal(depth, 4999);
});

test('emit: Go MarshalIndent layout with tab indent by default and a final newline', () => {
  const m = parse('{"foo": [{"foo": 3, "bar": false}, 2], "e": {}, "l": [], "n": null, "s": "x"}');
  assert.equal(
    emit(m),
    '{\n\t"foo": [\n\t\t{\n\t\t\t"foo": 3,\n\t\t\t"bar": false\n\t\t},\n\t\t2\n\t],\n\t"e": {},\n\t"l": [],\n\t"n": null,\n\t"s": "x"\n}\n',
  );
  assert.equal(emit(m, -1), emit(m));
});

test('emit: indent N is N spaces, 0 is newlines without indentation', () => {
  const m = parse('{"foo": [{"foo": 3, "bar": false}, 2]}');
  assert.equal(
    emit(m, 2),
    '{\n  "foo": [\n    {\n      "foo": 3,\n      "bar": false\n    },\n    2\n  ]\n}\n',
  );
  assert.equal(emit(m, 0), '{\n"foo": [\n{\n"foo": 3,\n"bar": false\n},\n2\n]\n}\n');
  assert.equal(emit(m, 4).split('\n')[1], '    "foo": [');
});

test('emit: an indent below -1 or fractional is refused', () => {
  throwsCode(() => emit(newMap(), -2), 'DUMP_TREE', /indentation -2 is not accepted/);
  throwsCode(() => emit(newMap(), 1.5), 'DUMP_TREE', /indentation 1.5/);
});

test('emit: an empty document is {} on one line', () => {
  assert.equal(emit(newMap()), '{}\n');
  assert.equal(dec.decode(jsonStore.emitPlain([])), '{}\n');
});

test('emit: strings are escaped exactly like Go encoding/json', () => {
  const cases: Array<[string, string]> = [
    ['"', '"\\""'],
    ['\\', '"\\\\"'],
    ['\n', '"\\n"'],
    ['\r', '"\\r"'],
    ['\t', '"\\t"'],
    ['\b', '"\\b"'],
    ['\f', '"\\f"'],
    ['\u0000', '"\\u0000"'],
    ['\u0001', '"\\u0001"'],
    ['\u000b', '"\\u000b"'],
    ['\u001b', '"\\u001b"'],
    ['\u001f', '"\\u001f"'],
    ['<', '"\\u003c"'],
    ['>', '"\\u003e"'],
    ['&', '"\\u0026"'],
    ['\u2028', '"\\u2028"'],
    ['\u2029', '"\\u2029"'],
    ['\u007f', '"\u007f"'],
    ['/', '"/"'],
    ["'", '"\'"'],
    ['é€😀', '"é€😀"'],
    ['\uFFFD', '"\uFFFD"'],
    ['a<b>&c"d', '"a\\u003cb\\u003e\\u0026c\\"d"'],
    // A lone surrogate has no UTF-8 form; it is written as U+FFFD.
    ['x\ud800y', '"x\uFFFDy"'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(dec.decode(jsonStore.emitValue(input)), expected, JSON.stringify(input));
  }
});

test('emit: keys are escaped like values', () => {
  const m = newMap([{ key: '<k>\n&', value: 1n }]);
  assert.equal(emit(m, 0), '{\n"\\u003ck\\u003e\\n\\u0026": 1\n}\n');
});

test('emit: byte values write each invalid UTF-8 byte as the escape \\ufffd', () => {
  const bytes = new Uint8Array([0x61, 0xff, 0xe2, 0x82, 0x3c, 0xc3, 0xa9]);
  assert.equal(dec.decode(jsonStore.emitValue(bytes)), '"a\\ufffd\\ufffd\\ufffd\\u003cé"');
});

test('emit: ints are decimal, floats follow Go (exponent below 1e-6 and from 1e21)', () => {
  const cases: Array<[Value, string]> = [
    [9223372036854775807n, '9223372036854775807'],
    [-9223372036854775808n, '-9223372036854775808'],
    [0n, '0'],
    [5, '5'],
    [1.5, '1.5'],
    [-0, '-0'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [1.5e-10, '1.5e-10'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [1.2345678901234569e23, '1.2345678901234569e+23'],
    [1e-100, '1e-100'],
    [1e100, '1e+100'],
    // Shortest round-trip digits, padded with zeros as Go's %f pads them.
    [9223372036854775808, '9223372036854776000'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1234.56789, '1234.56789'],
  ];
  for (const [v, expected] of cases) assert.equal(dec.decode(jsonStore.emitValue(v)), expected, String(v));
});

test('emit: NaN and infinities are refused naming the key path', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const m = newMap([{ key: 'outer', value: newMap([{ key: 'inner', value: newList(['x', bad]) }]) }]);
    throwsCode(() => emit(m), 'DUMP_TREE', /unsupported float value .* at key path outer\.inner\.1/);
  }
});

test('emit: bools, null and timestamps', () => {
  const m = newMap([
    { key: 't', value: true },
    { key: 'f', value: false },
    { key: 'n', value: null },
    { key: 'ts', value: new Timestamp('2024-01-01T00:00:00Z') },
  ]);
  assert.equal(emit(m, 0), '{\n"t": true,\n"f": false,\n"n": null,\n"ts": "2024-01-01T00:00:00Z"\n}\n');
});

test('emit: comments are dropped from maps and lists', () => {
  const m = newMap([
    { key: new Comment(' head'), value: null },
    { key: 'a', value: newList([new Comment(' in list'), 1n, new Comment(' between'), 2n, new Comment(' last')]) },
    { key: 'only', value: newMap([{ key: new Comment(' c'), value: null }]) },
    { key: 'onlyList', value: newList([new Comment(' c')]) },
    { key: new Comment(' tail'), value: null },
  ]);
  assert.equal(emit(m, 1), '{\n "a": [\n  1,\n  2\n ],\n "only": {},\n "onlyList": []\n}\n');
});

test('emitValue: JSON of the value without a trailing newline, indented', () => {
  assert.equal(dec.decode(jsonStore.emitValue(newList(['a', 1n]))), '[\n\t"a",\n\t1\n]');
  assert.equal(dec.decode(jsonStore.emitValue(newList(['a', 1n]), { indent: 2 })), '[\n  "a",\n  1\n]');
  assert.equal(dec.decode(jsonStore.emitValue(newMap([{ key: 'k', value: 'v' }]))), '{\n\t"k": "v"\n}');
  assert.equal(dec.decode(jsonStore.emitValue(12n)), '12');
  assert.equal(dec.decode(jsonStore.emitValue(true)), 'true');
  assert.equal(dec.decode(jsonStore.emitValue(null)), 'null');
});

test('parseEncrypted: removes the top-level sops map and returns it', () => {
  const doc = jsonStore.parseEncrypted(enc.encode('{"a": "x", "sops": {"version": "3.13.2"}, "b": 1}'));
  assert.deepEqual(doc.branches, [newMap([{ key: 'a', value: 'x' }, { key: 'b', value: 1n }])]);
  assert.deepEqual(doc.metadata, newMap([{ key: 'version', value: '3.13.2' }]));
});

test('parseEncrypted: a file without sops key has no metadata', () => {
  const doc = jsonStore.parseEncrypted(enc.encode('{"a": "x", "nested": {"sops": {}}}'));
  assert.equal(doc.metadata, undefined);
  assert.equal(doc.branches[0]?.items.length, 2);
});

test('parseEncrypted: duplicate or non-map sops entries are refused', () => {
  throwsCode(
    () => jsonStore.parseEncrypted(enc.encode('{"sops": {}, "a": 1, "sops": {}}')),
    'INVALID_METADATA',
    /found duplicate sops entry/,
  );
  throwsCode(
    () => jsonStore.parseEncrypted(enc.encode('{"sops": "nope"}')),
    'INVALID_METADATA',
    /found sops entry that is not a mapping/,
  );
  throwsCode(() => jsonStore.parseEncrypted(enc.encode('[1]')), 'PARSE_INPUT', /top-level object/);
});

test('emitEncrypted: metadata is the last top-level key and the input is not modified', () => {
  const data = newMap([{ key: 'a', value: 'ENC[x]' }]);
  const meta = newMap([
    { key: 'lastmodified', value: '2026-01-01T00:00:00Z' },
    { key: 'version', value: '3.13.2' },
  ]);
  const out = dec.decode(jsonStore.emitEncrypted([data], meta));
  assert.equal(
    out,
    '{\n\t"a": "ENC[x]",\n\t"sops": {\n\t\t"lastmodified": "2026-01-01T00:00:00Z",\n\t\t"version": "3.13.2"\n\t}\n}\n',
  );
  assert.equal(data.items.length, 1);
  const round = jsonStore.parseEncrypted(enc.encode(out));
  assert.deepEqual(round.branches, [data]);
  assert.deepEqual(round.metadata, meta);
});

test('looksEncrypted: only a top-level sops key counts', () => {
  assert.equal(jsonStore.looksEncrypted([parse('{"a": 1, "sops": {}}')]), true);
  assert.equal(jsonStore.looksEncrypted([parse('{"a": {"sops": {}}, "sops_x": 1}')]), false);
  assert.equal(jsonStore.looksEncrypted([]), false);
});

test('parse: a 7.5 MB file of 50,000 ENC[] values parses and re-emits identically', () => {
  const b64 = (n: number, seed: number): string => Buffer.alloc(n, seed % 251).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < 50000; i++) {
    lines.push(
      `\t"key_${i}": "ENC[AES256_GCM,data:${b64(24, i)},iv:${b64(32, i + 1)},tag:${b64(16, i + 2)},type:str]"`,
    );
  }
  const text = '{\n' + lines.join(',\n') + '\n}\n';
  const bytes = enc.encode(text);
  assert.ok(bytes.length > 7_000_000);
  // Speed is measured in bench/, not here.
  const branches = jsonStore.parsePlain(bytes);
  assert.equal(branches[0]?.items.length, 50000);
  assert.equal(dec.decode(jsonStore.emitPlain(branches)), text);
});

/** Random trees whose values survive JSON unchanged (integral floats would come back as ints). */
const jsonKeyOrString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '\u2028', '\u2029', '"', '\\', '\n', '\u0000', '\b', '\f', '\u007f', 'é', '😀', 'a', '/'),
    maxLength: 8,
  }),
);
const leaf: fc.Arbitrary<Value> = fc.oneof(
  jsonKeyOrString,
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((n) => !(Number.isInteger(n) && Math.abs(n) < 2 ** 63)),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec<{ tree: TreeMap; value: Value }>((tie) => ({
  tree: fc
    .array(fc.tuple(jsonKeyOrString, tie('value')), { maxLength: 5 })
    .map((pairs) => newMap(pairs.map(([key, value]) => ({ key, value })))),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('tree'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => newList(items)),
  ),
}));

test('property: random JSON trees round-trip through emitPlain/parsePlain unchanged', () => {
  fc.assert(
    fc.property(tree, fc.constantFrom(undefined, -1, 0, 2, 4), (t, indent) => {
      const out = jsonStore.emitPlain([t], indent === undefined ? undefined : { indent });
      assert.deepEqual(jsonStore.parsePlain(out), [t]);
    }),
    { numRuns: 200 },
  );
});

test('property: emit is stable and agrees with JSON.parse', () => {
  fc.assert(
    fc.property(tree, (t) => {
      const once = jsonStore.emitPlain([t]);
      const twice = jsonStore.emitPlain(jsonStore.parsePlain(once));
      assert.deepEqual(twice, once);
      // Whatever we write is valid JSON to a standard parser (duplicates aside, same layout).
      JSON.parse(dec.decode(once));
    }),
    { numRuns: 200 },
  );
});

