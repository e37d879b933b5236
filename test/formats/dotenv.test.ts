import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { dotenvStore } from '../../src/formats/dotenv.js';
import { Comment, getKey, isList, isMap, newList, newMap, Timestamp, type MapItem, type TreeMap } from '../../src/core/tree.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { throwsCode } from '../helpers/assertions.js';
import { findFixtureFiles, readDerived } from '../helpers/derived.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function parse(text: string | Uint8Array): MapItem[] {
  const branches = dotenvStore.parsePlain(typeof text === 'string' ? enc.encode(text) : text);
  assert.equal(branches.length, 1);
  return (branches[0] as TreeMap).items;
}

function emit(items: MapItem[]): string {
  return dec.decode(dotenvStore.emitPlain([newMap(items)]));
}



const meta = (m: TreeMap | undefined, key: string): unknown => (m === undefined ? undefined : getKey(m, key));

test('parsePlain applies sops rules literally: first = splits, nothing trimmed or unquoted', () => {
  const items = parse('foo = bar \nexport A="quoted"\nB=x=y\nC=\nD=dos\r\n=empty-key\n');
  assert.deepEqual(items, [
    { key: 'foo ', value: ' bar ' },
    { key: 'export A', value: '"quoted"' },
    { key: 'B', value: 'x=y' },
    { key: 'C', value: '' },
    { key: 'D', value: 'dos\r' },
    { key: '', value: 'empty-key' },
  ]);
});

test('parsePlain skips empty lines, reads # lines as comments and turns \\n into newlines', () => {
  const items = parse('\n# first comment\n\nKEY=line1\\nline2\\n\n#\n  # not a comment=1\n');
  assert.deepEqual(items, [
    { key: new Comment(' first comment'), value: null },
    { key: 'KEY', value: 'line1\nline2\n' },
    { key: new Comment(''), value: null },
    { key: '  # not a comment', value: '1' },
  ]);
});

test('parsePlain of an empty file is one empty branch', () => {
  assert.deepEqual(dotenvStore.parsePlain(new Uint8Array()), [newMap()]);
});

test('a line without = is refused with its line number and without its content', () => {
  const e = throwsCode(() => parse('A=1\n\nsupersecretvalue\n'), 'PARSE_INPUT', /^invalid dotenv input line: 3$/);
  assert.ok(!e.message.includes('supersecret') && !(e.hint ?? '').includes('supersecret'));
});

test('a value that is not UTF-8 is kept as bytes and written back unchanged', () => {
  const input = new Uint8Array([...enc.encode('A=x'), 0xff, 0xfe, ...enc.encode('\nB=é\n')]);
  const items = parse(input);
  assert.deepEqual(items[0], { key: 'A', value: new Uint8Array([0x78, 0xff, 0xfe]) });
  assert.deepEqual(items[1], { key: 'B', value: 'é' });
  assert.deepEqual(dotenvStore.emitPlain([newMap(items)]), input);
});

test('emitPlain writes key=value lines, #comments and newlines as \\n', () => {
  const out = emit([
    { key: new Comment(' a comment'), value: null },
    { key: 'A', value: 'one\ntwo' },
    { key: 'B ', value: ' spaced ' },
    { key: 'C', value: '' },
  ]);
  assert.equal(out, '# a comment\nA=one\\ntwo\nB = spaced \nC=\n');
});

test('emitPlain writes values from other formats with ValToString', () => {
  const out = emit([
    { key: 'bool', value: true },
    { key: 'int', value: 42n },
    { key: 'float', value: 5 },
    { key: 'big', value: 1e6 },
    { key: 'time', value: new Timestamp('2024-01-01T00:00:00Z') },
  ]);
  assert.equal(out, 'bool=true\nint=42\nfloat=5.0\nbig=1E+06\ntime=2024-01-01T00:00:00Z\n');
});

test('emitPlain refuses nested values, naming the key', () => {
  throwsCode(() => emit([{ key: 'nested', value: newMap([{ key: 'x', value: 'y' }]) }]), 'DUMP_TREE',
    /^cannot use complex value in dotenv file; offending key nested$/);
  throwsCode(() => emit([{ key: 'list', value: newList(['a']) }]), 'DUMP_TREE', /offending key list/);
});

test('emitPlain refuses keys the reader would split differently', () => {
  for (const key of ['a=b', 'a\nb', '#a']) {
    throwsCode(() => emit([{ key, value: 'v' }]), 'DUMP_TREE', /cannot write key/);
  }
});

test('a comment spanning lines is written as one # line per line', () => {
  assert.equal(emit([{ key: new Comment(' one\n two'), value: null }]), '# one\n# two\n');
});

test('every .env file in the interop fixtures parses to the values and metadata its records describe', { skip: interopSkip }, () => {
  const files = findFixtureFiles(interopDir, '.env');
  assert.ok(files.length >= 5, `found ${files.length} dotenv fixtures`);
  for (const file of files) {
    const doc = dotenvStore.parseEncrypted(fs.readFileSync(file));
    const name = path.relative(interopDir, file);
    assert.ok(doc.metadata !== undefined, `${name}: metadata`);
    assert.equal(doc.branches.length, 1);
    const items = (doc.branches[0] as TreeMap).items;
    assert.ok(items.every((i) => typeof i.key !== 'string' || !i.key.startsWith('sops_')), `${name}: sops_ lines removed`);
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
    const leaves = items.map((i) =>
      i.key instanceof Comment
        ? { comment: true, aad: ':', value: i.key.text }
        : { comment: false, path: [i.key], aad: `${i.key}:`, value: i.value });
    assert.equal(leaves.length, derived.values.length, `${name}: value count`);
    derived.values.forEach((d, n) => {
      const leaf = leaves[n];
      assert.ok(leaf !== undefined);
      assert.equal(leaf.comment, d.comment);
      if (!d.comment) assert.deepEqual(leaf.path, d.path);
      if (d.unencrypted !== undefined) assert.equal(leaf.value, d.unencrypted);
      else {
        assert.equal(leaf.aad, d.aad);
        assert.match(String(leaf.value), new RegExp(`^ENC\\[AES256_GCM,data:.*,type:${d.type}\\]$`));
      }
    });
  }
});

test('the sops 3.13 fixture has key "foo " and its pgp metadata, and re-emits byte for byte', { skip: interopSkip }, () => {
  const file = path.join(interopDir, 'getsops-sops-v3.13-known-data-keys', 'format.enc.env');
  const data = fs.readFileSync(file);
  const doc = dotenvStore.parseEncrypted(data);
  const items = (doc.branches[0] as TreeMap).items;
  assert.deepEqual(items.map((i) => i.key), ['foo ']);
  assert.ok(doc.metadata !== undefined);
  assert.deepEqual(doc.metadata.items.map((i) => i.key), ['lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version']);
  const pgp = meta(doc.metadata, 'pgp');
  assert.ok(isList(pgp) && isMap(pgp.items[0]));
  assert.equal(getKey(pgp.items[0], 'fp'), 'FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4');
  assert.match(String(getKey(pgp.items[0], 'enc')), /^-----BEGIN PGP MESSAGE-----\n\nwcBM/);
  assert.equal(meta(doc.metadata, 'version'), '3.13.1');
  assert.deepEqual(dotenvStore.emitEncrypted(doc.branches, doc.metadata), new Uint8Array(data));
});

test('every .env fixture re-emits byte for byte from its parsed data and metadata', { skip: interopSkip }, () => {
  for (const file of findFixtureFiles(interopDir, '.env')) {
    const data = fs.readFileSync(file);
    const doc = dotenvStore.parseEncrypted(data);
    assert.ok(doc.metadata !== undefined);
    assert.equal(dec.decode(dotenvStore.emitEncrypted(doc.branches, doc.metadata)), data.toString('utf8'), file);
  }
});

test('emitEncrypted appends sops_-prefixed flattened metadata in the given order', () => {
  const metadata = newMap([
    { key: 'age', value: newList([newMap([
      { key: 'enc', value: '-----BEGIN AGE ENCRYPTED FILE-----\nabc\n-----END AGE ENCRYPTED FILE-----\n' },
      { key: 'recipient', value: 'age1xyz' },
    ])]) },
    { key: 'hc_vault', value: newList() },
    { key: 'lastmodified', value: '2026-05-22T20:16:23Z' },
    { key: 'mac', value: 'ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]' },
    { key: 'mac_only_encrypted', value: true },
    { key: 'shamir_threshold', value: 2n },
    { key: 'version', value: '3.13.2' },
  ]);
  const data = newMap([
    { key: new Comment('ENC[AES256_GCM,data:c,iv:i,tag:t,type:comment]'), value: null },
    { key: 'A', value: 'ENC[AES256_GCM,data:a,iv:i,tag:t,type:str]' },
    { key: 'EMPTY', value: '' },
  ]);
  const out = dec.decode(dotenvStore.emitEncrypted([data], metadata));
  assert.equal(out, [
    '#ENC[AES256_GCM,data:c,iv:i,tag:t,type:comment]',
    'A=ENC[AES256_GCM,data:a,iv:i,tag:t,type:str]',
    'EMPTY=',
    'sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nabc\\n-----END AGE ENCRYPTED FILE-----\\n',
    'sops_age__list_0__map_recipient=age1xyz',
    'sops_lastmodified=2026-05-22T20:16:23Z',
    'sops_mac=ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]',
    'sops_mac_only_encrypted=true',
    'sops_shamir_threshold=2',
    'sops_version=3.13.2',
    '',
  ].join('\n'));
  // The layout a dotenv parser (godotenv in sops-nix) accepts: comment or KEY=VALUE lines only,
  // metadata keys made of [A-Za-z0-9_.].
  for (const line of out.slice(0, -1).split('\n')) assert.match(line, /^(#[^\n]*|[^=\n]+=[^\n]*)$/);
  for (const line of out.split('\n').filter((l) => l.startsWith('sops_'))) assert.match(line, /^[A-Za-z0-9_.]+=/);
  const back = dotenvStore.parseEncrypted(enc.encode(out));
  assert.deepEqual(back.branches, [data]);
  assert.ok(back.metadata !== undefined);
  assert.equal(meta(back.metadata, 'mac_only_encrypted'), 'true');
  assert.equal(meta(back.metadata, 'shamir_threshold'), '2');
  const age = meta(back.metadata, 'age');
  assert.ok(isList(age) && isMap(age.items[0]));
  assert.equal(getKey(age.items[0], 'enc'), '-----BEGIN AGE ENCRYPTED FILE-----\nabc\n-----END AGE ENCRYPTED FILE-----\n');
});

test('emitEncrypted refuses data keys with the reserved sops_ prefix', () => {
  throwsCode(
    () => dotenvStore.emitEncrypted([newMap([{ key: 'sops_thing', value: 'x' }])], newMap([{ key: 'version', value: '3.13.2' }])),
    'DUMP_TREE',
    /^found key "sops_thing" in encrypted data, which starts with the reserved key prefix "sops_"$/,
  );
});

test('parseEncrypted takes sops_ lines from anywhere and has no metadata without them', () => {
  const doc = dotenvStore.parseEncrypted(enc.encode('sops_version=3.13.2\nA=1\nsops_mac=m\n'));
  assert.deepEqual(doc.branches, [newMap([{ key: 'A', value: '1' }])]);
  assert.deepEqual(doc.metadata, newMap([{ key: 'version', value: '3.13.2' }, { key: 'mac', value: 'm' }]));
  assert.equal(dotenvStore.parseEncrypted(enc.encode('A=1\n')).metadata, undefined);
});

test('looksEncrypted is true when any key starts with sops_', () => {
  assert.equal(dotenvStore.looksEncrypted([newMap([{ key: 'A', value: '1' }, { key: 'sops_mac', value: 'x' }])]), true);
  assert.equal(dotenvStore.looksEncrypted([newMap([{ key: 'A', value: '1' }, { key: 'sops', value: 'x' }])]), false);
  assert.equal(dotenvStore.looksEncrypted([]), false);
});

test('emitValue writes strings as they are and refuses anything else', () => {
  assert.deepEqual(dotenvStore.emitValue('a\nb'), enc.encode('a\nb'));
  throwsCode(() => dotenvStore.emitValue(3n), 'DUMP_TREE', /only supports emitting strings, got int/);
  throwsCode(() => dotenvStore.emitValue(newList(['a'])), 'DUMP_TREE', /got list/);
});

test('property: random dotenv documents round-trip through emitPlain and parsePlain', () => {
  const keyArb = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !k.includes('=') && !k.includes('\n') && !k.startsWith('#'));
  // Any text, newlines included; a literal backslash-n cannot be told apart from a newline.
  const valueArb = fc.string({ unit: 'binary', maxLength: 20 }).filter((v) => !v.includes('\\n') && !/\p{Cs}/u.test(v));
  const commentArb = fc.string({ maxLength: 12 }).filter((c) => !c.includes('\n')).map((c) => new Comment(c));
  const itemArb = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(keyArb, valueArb).map(([key, value]): MapItem => ({ key, value })) },
    { weight: 1, arbitrary: commentArb.map((key): MapItem => ({ key, value: null })) },
  );
  fc.assert(
    fc.property(fc.array(itemArb, { maxLength: 8 }), (items) => {
      assert.deepEqual(parse(dotenvStore.emitPlain([newMap(items)])), items);
    }),
    { numRuns: 200 },
  );
});
