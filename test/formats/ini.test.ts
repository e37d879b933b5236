import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { iniStore } from '../../src/formats/ini.js';
import { Comment, getKey, isList, isMap, newList, newMap, type MapItem, type TreeMap, type Value } from '../../src/core/tree.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { throwsCode } from '../helpers/assertions.js';
import { findFixtureFiles, readDerived } from '../helpers/derived.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The sections of a parsed file, as [name, items] pairs. */
function parse(text: string | Uint8Array): MapItem[] {
  const branches = iniStore.parsePlain(typeof text === 'string' ? enc.encode(text) : text);
  assert.equal(branches.length, 1);
  return (branches[0] as TreeMap).items;
}

function section(name: string, items: MapItem[]): MapItem {
  return { key: name, value: newMap(items) };
}

const kv = (key: string, value: Value): MapItem => ({ key, value });
const note = (text: string): MapItem => ({ key: new Comment(text), value: null });

function emit(items: MapItem[]): string {
  return dec.decode(iniStore.emitPlain([newMap(items)]));
}



interface Leaf {
  comment: boolean;
  path: string[];
  aad: string;
  value: Value;
}

/** Leaves in walk order; a comment's AAD is the path of the map holding it (spec §1.2). */
function leaves(map: TreeMap, at: string[] = []): Leaf[] {
  return map.items.flatMap((item): Leaf[] => {
    if (item.key instanceof Comment) return [{ comment: true, path: at, aad: at.join(':') + ':', value: item.key.text }];
    const p = [...at, item.key];
    if (isMap(item.value)) return leaves(item.value, p);
    return [{ comment: false, path: p, aad: p.join(':') + ':', value: item.value }];
  });
}

const meta = (m: TreeMap | undefined, key: string): unknown => (m === undefined ? undefined : getKey(m, key));

test('keys before any section live in DEFAULT, which always comes first', () => {
  assert.deepEqual(parse('a = 1\nb: 2\n[s]\nc=3\n'), [
    section('DEFAULT', [kv('a', '1'), kv('b', '2')]),
    section('s', [kv('c', '3')]),
  ]);
  assert.deepEqual(parse('[s]\nc=3\n'), [section('DEFAULT', []), section('s', [kv('c', '3')])]);
  assert.deepEqual(parse(''), [section('DEFAULT', [])]);
});

test('section names keep their spaces; repeated sections stay separate', () => {
  assert.deepEqual(parse('[not private]\na=1\n[x]\nb=2\n[not private]\nc=3\n'), [
    section('DEFAULT', []),
    section('not private', [kv('a', '1')]),
    section('x', [kv('b', '2')]),
    section('not private', [kv('c', '3')]),
  ]);
});

test('keys and values are trimmed; = and : both delimit; the last of a repeated key wins in place', () => {
  assert.deepEqual(parse('[s]\n  key one  =  value one  \nurl: http://h:1/x\nk = first\nz = 0\nk = second\n'), [
    section('DEFAULT', []),
    section('s', [kv('key one', 'value one'), kv('url', 'http://h:1/x'), kv('k', 'second'), kv('z', '0')]),
  ]);
});

test('values may be quoted with "…", \'…\', `…` or """…""" spanning lines', () => {
  const items = parse([
    '[q]',
    'dq = "  spaced  "',
    "sq = 'single'",
    'bq = `has ; and # inside`',
    'ml = """first',
    '  second ; kept',
    'third"""',
    'one = """on one line"""',
    'inner = "a"b"',
    '',
  ].join('\n'));
  assert.deepEqual(items[1], section('q', [
    kv('dq', '  spaced  '),
    kv('sq', 'single'),
    kv('bq', 'has ; and # inside'),
    kv('ml', 'first\n  second ; kept\nthird'),
    kv('one', 'on one line'),
    kv('inner', '"a"b"'),
  ]));
});

test('a trailing backslash continues the value on the next line', () => {
  assert.deepEqual(parse('[s]\nk = one \\\n   two\\\n three\nn = 1\n')[1], section('s', [kv('k', 'one twothree'), kv('n', '1')]));
});

test('; and # start comments, also inline; a key comment comes after its key', () => {
  const items = parse([
    '; file comment',
    '# second line',
    '[s] ; on the header',
    '; about a',
    'a = 1 ; inline',
    '#about b',
    'b = 2',
    'c = 3',
    '; trailing comments are lost',
    '',
  ].join('\n'));
  assert.deepEqual(items, [
    section('DEFAULT', []),
    section('s', [
      note('file comment\n# second line\n; on the header'),
      kv('a', '1'),
      note('about a\n; inline'),
      kv('b', '2'),
      note('about b'),
      kv('c', '3'),
    ]),
  ]);
});

test('a comment before the first section belongs to that section (example.ini layout)', () => {
  assert.deepEqual(parse('; ENC[comment]\n[name]\nfirst = x\n'), [
    section('DEFAULT', []),
    section('name', [note('ENC[comment]'), kv('first', 'x')]),
  ]);
});

test('comments in DEFAULT attach to keys; CRLF line ends are trimmed from values', () => {
  assert.deepEqual(parse('; c\r\na = 1\r\n[s]\r\nb = "2"\r\n'), [
    section('DEFAULT', [kv('a', '1'), note('c')]),
    section('s', [kv('b', '2')]),
  ]);
});

test('a byte order mark is ignored', () => {
  assert.deepEqual(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('a=1\n')])), [section('DEFAULT', [kv('a', '1')])]);
});

test('malformed lines are refused with their line number and without their content', () => {
  const cases: Array<[string, RegExp]> = [
    ['a=1\nsecretline\n', /^could not parse ini input: line 2: key-value delimiter not found$/],
    ['[s]\n= secret\n', /line 2: empty key name/],
    ['\n[secret\n', /line 2: unclosed section/],
    ['[]\n', /line 1: empty section name/],
    ['[s]\nk = """secret\nstill secret\n', /line 2: missing closing """/],
    ['[s]\n"secret = 1\n', /line 2: missing closing key quote/],
  ];
  for (const [text, message] of cases) {
    const e = throwsCode(() => parse(text), 'PARSE_INPUT', message);
    assert.ok(!e.message.includes('secret'));
  }
});

test('emitPlain aligns = per section, drops the empty leading DEFAULT and separates sections', () => {
  const out = emit([
    section('DEFAULT', []),
    section('name', [kv('firstName', 'John'), kv('age', '25.4')]),
    section('not private', [kv('x', 'y')]),
  ]);
  assert.equal(out, '[name]\nfirstName = John\nage       = 25.4\n\n[not private]\nx = y\n');
});

test('a leading DEFAULT with keys has no header; a later DEFAULT does', () => {
  assert.equal(emit([section('DEFAULT', [kv('a', '1')]), section('s', [kv('b', '2')])]), 'a = 1\n\n[s]\nb = 2\n');
  assert.equal(emit([section('s', [kv('b', '2')]), section('DEFAULT', [kv('a', '1')])]), '[s]\nb = 2\n\n[DEFAULT]\na = 1\n');
  assert.equal(emit([section('default', [kv('a', '1')])]), '[default]\na = 1\n');
});

test('emitPlain quotes values as go-ini does', () => {
  const out = emit([section('q', [
    kv('nl', 'a\nb'),
    kv('tick', 'a`b'),
    kv('semi', 'a;b'),
    kv('hash', '#x'),
    kv('space', ' a '),
    kv('plain', 'a b'),
    kv('empty', ''),
  ])]);
  assert.equal(out, [
    '[q]',
    'nl    = """a\nb"""',
    'tick  = """a`b"""',
    'semi  = `a;b`',
    'hash  = `#x`',
    'space = " a "',
    'plain = a b',
    'empty = ',
    '',
  ].join('\n'));
});

test('values and keys go-ini would misread are quoted so they read back', () => {
  const items = [section('DEFAULT', []), section('s', [
    kv('cont', 'ends with \\'),
    kv('dq', '"quoted"'),
    kv('sq', "'quoted'"),
    kv('triple', '"""x'),
    kv('spaced quote', ' "a" '),
    kv('a:b', 'colon key'),
    kv('#hash', 'hash key'),
    kv('[br', 'bracket key'),
    kv('eq=key', '1'),
    kv('both"`', '2'),
  ])];
  assert.deepEqual(parse(emit(items)), items);
});

test('comments are written as "; text" lines before their section or key', () => {
  const out = emit([
    section('DEFAULT', []),
    section('s', [note('section note'), kv('a', '1'), note(' about a\n; more'), kv('bb', '2'), note('#hashed')]),
  ]);
  assert.equal(out, '; section note\n[s]\n; about a\n; more\na  = 1\n# hashed\nbb = 2\n');
  assert.deepEqual(parse(out), [
    section('DEFAULT', []),
    section('s', [note('section note'), kv('a', '1'), note('about a\n; more'), kv('bb', '2'), note('hashed')]),
  ]);
});

test('non-string values are written with ValToString; nested values and non-map sections are refused', () => {
  assert.equal(emit([section('s', [kv('b', true), kv('i', 7n), kv('f', 5), kv('n', null)])]), '[s]\nb = true\ni = 7\nf = 5.0\nn = <nil>\n');
  throwsCode(() => emit([section('s', [kv('x', newList(['a']))])]), 'DUMP_TREE', /^cannot use complex value in ini file; offending key s\.x$/);
  throwsCode(() => emit([kv('top', 'scalar')]), 'DUMP_TREE', /section "top".*section values should always be tree branches/);
  throwsCode(() => emit([section('', [kv('a', '1')])]), 'DUMP_TREE', /empty name/);
  for (const key of ['', '-', ' padded', 'padded ', 'a\nb', 'a`b"']) {
    throwsCode(() => emit([section('s', [kv(key, '1')])]), 'DUMP_TREE', /cannot write ini key .* go-ini cannot read it back/);
  }
});

test('a value that is not UTF-8 is kept as bytes and written back unchanged', () => {
  const input = new Uint8Array([...enc.encode('[s]\nk = a'), 0xff, ...enc.encode('b\nu = é\n')]);
  const items = parse(input);
  assert.deepEqual(items[1], section('s', [kv('k', new Uint8Array([0x61, 0xff, 0x62])), kv('u', 'é')]));
  assert.deepEqual(iniStore.emitPlain([newMap(items)]), input);
});

test('every .ini file in the interop fixtures parses to the values and metadata its records describe', { skip: interopSkip }, () => {
  const files = findFixtureFiles(interopDir, '.ini');
  assert.ok(files.length >= 2, `found ${files.length} ini fixtures`);
  for (const file of files) {
    const name = path.relative(interopDir, file);
    const doc = iniStore.parseEncrypted(fs.readFileSync(file));
    assert.ok(doc.metadata !== undefined, `${name}: metadata`);
    const branch = doc.branches[0] as TreeMap;
    assert.ok(branch.items.every((i) => i.key !== 'sops'), `${name}: [sops] removed`);
    assert.match(String(meta(doc.metadata, 'mac')), /^ENC\[AES256_GCM,.*type:str\]$/);
    assert.match(String(meta(doc.metadata, 'lastmodified')), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const derived = readDerived(file);
    if (derived === undefined) continue;
    const age = meta(doc.metadata, 'age');
    assert.ok(isList(age), `${name}: age list`);
    assert.equal(age.items.length, derived.stanzas.length);
    for (const stanza of derived.stanzas) {
      const entry: unknown = age.items[stanza.idx];
      assert.ok(isMap(entry));
      assert.equal(getKey(entry, 'recipient'), stanza.recipient);
      assert.match(String(getKey(entry, 'enc')), /^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]*\n-----END AGE ENCRYPTED FILE-----\n$/);
    }
    const got = leaves(branch);
    assert.equal(got.length, derived.values.length, `${name}: value count`);
    derived.values.forEach((d, n) => {
      const leaf = got[n] as Leaf;
      assert.equal(leaf.comment, d.comment, `${name}: leaf ${n}`);
      if (!d.comment) assert.deepEqual(leaf.path, d.path);
      if (d.unencrypted !== undefined) assert.equal(leaf.value, d.unencrypted);
      else {
        assert.equal(leaf.aad, d.aad);
        assert.match(String(leaf.value), new RegExp(`^ENC\\[AES256_GCM,data:.*,type:${d.type}\\]$`));
      }
    });
  }
});

test('the sops 3.13 fixture holds [foo] bar and re-emits byte for byte', { skip: interopSkip }, () => {
  const data = fs.readFileSync(path.join(interopDir, 'getsops-sops-v3.13-known-data-keys', 'format.enc.ini'));
  const doc = iniStore.parseEncrypted(data);
  assert.deepEqual(doc.branches[0]?.items.map((i) => i.key), ['DEFAULT', 'foo']);
  assert.deepEqual(leaves(doc.branches[0] as TreeMap).map((l) => l.aad), ['foo:bar:']);
  assert.ok(doc.metadata !== undefined);
  assert.deepEqual(doc.metadata.items.map((i) => i.key), ['lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version']);
  const pgp = meta(doc.metadata, 'pgp');
  assert.ok(isList(pgp) && isMap(pgp.items[0]));
  assert.match(String(getKey(pgp.items[0], 'enc')), /^-----BEGIN PGP MESSAGE-----\n\nwcBM[\s\S]*\n-----END PGP MESSAGE-----$/);
  assert.deepEqual(iniStore.emitEncrypted(doc.branches, doc.metadata), new Uint8Array(data));
});

test('the sops 3.7.1 example.ini data sections re-emit byte for byte', { skip: interopSkip }, () => {
  const text = fs.readFileSync(path.join(interopDir, 'getsops-sops-pr1031-examples', 'example.ini'), 'utf8');
  const doc = iniStore.parseEncrypted(enc.encode(text));
  const dataPart = text.slice(0, text.indexOf('\n[sops]\n'));
  assert.equal(dec.decode(iniStore.emitPlain(doc.branches)), dataPart);
});

test('metadata in the 3.13.0/3.13.1 """ multi-line form is read too', () => {
  const armor = '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n';
  const file = `[s]\nk = v\n\n[sops]\nage__list_0__map_enc       = """${armor}"""\nage__list_0__map_recipient = age1x\nversion = 3.13.0\n`;
  const doc = iniStore.parseEncrypted(enc.encode(file));
  const age = meta(doc.metadata, 'age');
  assert.ok(isList(age) && isMap(age.items[0]));
  assert.equal(getKey(age.items[0], 'enc'), armor);
  assert.equal(getKey(age.items[0], 'recipient'), 'age1x');
  assert.deepEqual(doc.branches, [newMap([section('DEFAULT', []), section('s', [kv('k', 'v')])])]);
});

test('emitEncrypted appends an aligned [sops] section with newlines written as \\n', () => {
  const metadata = newMap([
    { key: 'age', value: newList([newMap([kv('enc', 'line1\nline2\n'), kv('recipient', 'age1x')])]) },
    kv('mac_only_encrypted', true),
    kv('shamir_threshold', 3n),
    kv('version', '3.13.2'),
  ]);
  const out = dec.decode(iniStore.emitEncrypted([newMap([section('DEFAULT', []), section('s', [kv('k', 'ENC[x]')])])], metadata));
  assert.equal(out, [
    '[s]',
    'k = ENC[x]',
    '',
    '[sops]',
    'age__list_0__map_enc       = line1\\nline2\\n',
    'age__list_0__map_recipient = age1x',
    'mac_only_encrypted         = true',
    'shamir_threshold           = 3',
    'version                    = 3.13.2',
    '',
  ].join('\n'));
  const back = iniStore.parseEncrypted(enc.encode(out));
  const age = meta(back.metadata, 'age');
  assert.ok(isList(age) && isMap(age.items[0]));
  assert.equal(getKey(age.items[0], 'enc'), 'line1\nline2\n');
  assert.equal(meta(back.metadata, 'shamir_threshold'), '3');
});

test('emitEncrypted refuses a data section named sops', () => {
  throwsCode(
    () => iniStore.emitEncrypted([newMap([section('sops', [kv('a', '1')])])], newMap([kv('version', '3.13.2')])),
    'DUMP_TREE',
    /^found key "sops" in encrypted data, which is a reserved key used for sops metadata$/,
  );
});

test('looksEncrypted is true for a section named sops', () => {
  assert.equal(iniStore.looksEncrypted([newMap([section('sops', [])])]), true);
  assert.equal(iniStore.looksEncrypted([newMap([section('sops_x', [])])]), false);
});

test('emitValue encodes an extracted non-string value as JSON', () => {
  assert.equal(dec.decode(iniStore.emitValue(true)), 'true');
  assert.equal(dec.decode(iniStore.emitValue(12n)), '12');
  assert.equal(dec.decode(iniStore.emitValue(newList(['a<', 1.5]))), '["a\\u003c",1.5]');
});

test('property: random INI documents round-trip through emitPlain and parsePlain', () => {
  const nameChar = fc.constantFrom(...'abcXYZ019 _-.:;#=[]"\'`\\é'.split(''));
  // go-ini trims keys and cannot hold a newline in a key or section name; `-` is its auto-increment key.
  const keyArb = fc.string({ unit: nameChar, minLength: 1, maxLength: 8 })
    .filter((k) => k.trim() === k && k !== '-' && !(k.includes('`') && (k.endsWith('"') || k.includes('"""'))));
  const sectionArb = fc.string({ unit: nameChar, minLength: 1, maxLength: 8 })
    .filter((s) => s.toUpperCase() !== 'DEFAULT' && !s.includes(']'));
  const valueChar = fc.oneof(nameChar, fc.constantFrom('\n', '\t', ' ', '\r', 'ü'));
  // go-ini reads a """ block up to the last """ on its first line, so a value with a newline
  // cannot have """ before it.
  const valueArb = fc.string({ unit: valueChar, maxLength: 12 })
    .filter((v) => !(v.includes('\n') && v.slice(0, v.lastIndexOf('\n')).includes('"""')));
  const commentArb = fc.string({ unit: fc.constantFrom(...'ab c;#'.split('')), minLength: 1, maxLength: 6 })
    .map((c) => c.replace(/^[;# ]+/, '').trim())
    .filter((c) => c !== '');
  const keysArb = fc.uniqueArray(fc.tuple(keyArb, valueArb, fc.option(commentArb)), { selector: (t) => t[0], maxLength: 5 })
    .map((keys) => keys.flatMap(([k, v, c]): MapItem[] => (c === null ? [kv(k, v)] : [kv(k, v), note(c)])));
  const sectionItemsArb = fc.tuple(fc.option(commentArb), keysArb)
    .map(([c, items]) => (c === null || items.length === 0 ? items : [note(c), ...items]));
  const docArb = fc.tuple(keysArb, fc.array(fc.tuple(sectionArb, sectionItemsArb), { maxLength: 4 }))
    .map(([defaults, sections]) => [section('DEFAULT', defaults), ...sections.map(([n, items]) => section(n, items))]);
  fc.assert(
    fc.property(docArb, (doc) => {
      assert.deepEqual(parse(iniStore.emitPlain([newMap(doc)])), doc);
    }),
    { numRuns: 200 },
  );
});
