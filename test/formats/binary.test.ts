import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { binaryStore } from '../../src/formats/binary.js';
import { jsonStore } from '../../src/formats/json.js';
import { newList, newMap, type TreeMap } from '../../src/core/tree.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { throwsCode } from '../helpers/assertions.js';

const enc = new TextEncoder();
const dec = new TextDecoder();


function dataOf(bytes: Uint8Array): unknown {
  const branches = binaryStore.parsePlain(bytes);
  assert.equal(branches.length, 1);
  const items = (branches[0] as TreeMap).items;
  assert.equal(items.length, 1);
  assert.equal(items[0]?.key, 'data');
  return items[0]?.value;
}

const fixtures = [
  ['getsops-sops-pr1031-examples', 'example.txt'],
  ['fluxcd-kustomize-controller', 'files', 'file.txt'],
  ['fluxcd-kustomize-controller', 'inside', 'secret.inner-decoded.json'],
];

test('interop: sops binary-store files parse to one encrypted data value plus metadata', { skip: interopSkip }, () => {
  for (const parts of fixtures) {
    const file = path.join(interopDir, ...parts);
    const raw = fs.readFileSync(file);
    const doc = binaryStore.parseEncrypted(raw);
    assert.equal(doc.branches.length, 1, file);
    const items = doc.branches[0]?.items ?? [];
    assert.deepEqual(items.map((i) => i.key), ['data'], file);
    assert.match(String(items[0]?.value), /^ENC\[AES256_GCM,data:.*,type:str\]$/, file);
    assert.ok(doc.metadata?.items.some((i) => i.key === 'version'), `${file}: metadata`);
    // Writing it back gives the file (sops of that era wrote no final newline).
    const out = dec.decode(binaryStore.emitEncrypted(doc.branches, doc.metadata as TreeMap));
    assert.equal(out, raw.toString('utf8') + '\n', file);
  }
});

test('parsePlain: valid UTF-8 is text, a BOM is kept', () => {
  assert.equal(dataOf(enc.encode('hello\nworld\n')), 'hello\nworld\n');
  assert.equal(dataOf(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), '\uFEFFa');
  assert.equal(dataOf(new Uint8Array([0, 0x61, 0])), '\u0000a\u0000');
  assert.equal(dataOf(enc.encode('{"looks": "like json"}')), '{"looks": "like json"}');
});

test('parsePlain: invalid UTF-8 stays as the exact bytes', () => {
  const bytes = new Uint8Array([0x61, 0xff, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0x00]);
  const v = dataOf(bytes);
  assert.ok(v instanceof Uint8Array);
  assert.deepEqual(v, bytes);
  bytes[0] = 0x62;
  assert.equal((v as Uint8Array)[0], 0x61, 'the tree does not alias the input buffer');
});

test('parsePlain: empty input is one branch with an empty string', () => {
  assert.deepEqual(binaryStore.parsePlain(new Uint8Array()), [newMap([{ key: 'data', value: '' }])]);
});

test('emitPlain: writes the data bytes exactly, no newline added', () => {
  assert.deepEqual(binaryStore.emitPlain([newMap([{ key: 'data', value: 'no newline' }])]), enc.encode('no newline'));
  const raw = new Uint8Array([0xff, 0x00, 0xfe]);
  assert.deepEqual(binaryStore.emitPlain([newMap([{ key: 'x', value: 'y' }, { key: 'data', value: raw }])]), raw);
  assert.deepEqual(binaryStore.emitPlain([newMap([{ key: 'data', value: '' }])]), new Uint8Array());
});

test('emitPlain: a tree without data is refused with the sops message and hint', () => {
  const e = throwsCode(
    () => binaryStore.emitPlain([newMap([{ key: 'other', value: 'x' }])]),
    'DUMP_TREE',
    /^error emitting binary store: no binary data found in tree$/,
  );
  assert.equal(
    e.hint,
    'this is likely not an encrypted binary file? if not, use --output-type to select the correct output type',
  );
  assert.equal(e.exitCode, 4);
});

test('emitPlain: non-string data and multiple branches are refused', () => {
  throwsCode(
    () => binaryStore.emitPlain([newMap([{ key: 'data', value: newList() }])]),
    'DUMP_TREE',
    /'data' key in tree does not have a string value/,
  );
  throwsCode(() => binaryStore.emitPlain([newMap(), newMap()]), 'DUMP_TREE', /exactly one tree branch/);
  throwsCode(() => binaryStore.emitPlain([]), 'DUMP_TREE', /exactly one tree branch/);
});

test('emitEncrypted: the JSON layout, tab-indented by default, indent option honoured', () => {
  const data = [newMap([{ key: 'data', value: 'ENC[x]' }])];
  const meta = newMap([{ key: 'version', value: '3.13.2' }]);
  assert.equal(
    dec.decode(binaryStore.emitEncrypted(data, meta)),
    '{\n\t"data": "ENC[x]",\n\t"sops": {\n\t\t"version": "3.13.2"\n\t}\n}\n',
  );
  assert.equal(
    dec.decode(binaryStore.emitEncrypted(data, meta, { indent: 4 })),
    '{\n    "data": "ENC[x]",\n    "sops": {\n        "version": "3.13.2"\n    }\n}\n',
  );
});

test('parseEncrypted: reads what emitEncrypted wrote', () => {
  const data = [newMap([{ key: 'data', value: 'ENC[x]' }])];
  const meta = newMap([{ key: 'version', value: '3.13.2' }]);
  const doc = binaryStore.parseEncrypted(binaryStore.emitEncrypted(data, meta));
  assert.deepEqual(doc, { branches: data, metadata: meta });
});

test('emitValue: extracting from a binary file is refused', () => {
  throwsCode(() => binaryStore.emitValue('x'), 'DUMP_TREE', /not structured/);
});

test('looksEncrypted: never, even with a sops key', () => {
  const encrypted = jsonStore.parsePlain(enc.encode('{"data": "ENC[x]", "sops": {}}'));
  assert.equal(binaryStore.looksEncrypted(encrypted), false);
  assert.equal(binaryStore.looksEncrypted(binaryStore.parsePlain(enc.encode('x'))), false);
});

/** Byte arrays with the awkward pieces over-represented: BOMs, NULs, broken sequences. */
const awkwardBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 16 }),
      fc.constantFrom(
        [0xef, 0xbb, 0xbf],
        [0x00],
        [0xff],
        [0xe2, 0x82],
        [0xed, 0xa0, 0x80],
        [0xf0, 0x9f, 0x98, 0x80],
        [0xc3, 0xa9],
        [0x0d, 0x0a],
      ).map((b) => new Uint8Array(b)),
      fc.string({ unit: 'binary', maxLength: 8 }).map((s) => enc.encode(s)),
    ),
    { maxLength: 8 },
  )
  .map((chunks) => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  });

test('property: any bytes round-trip parsePlain → emitPlain exactly', () => {
  fc.assert(
    fc.property(fc.oneof(awkwardBytes, fc.uint8Array({ maxLength: 64 })), (bytes) => {
      assert.deepEqual(binaryStore.emitPlain(binaryStore.parsePlain(bytes)), bytes);
    }),
    { numRuns: 200 },
  );
});
