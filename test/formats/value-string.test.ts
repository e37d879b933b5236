import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFlatText,
  flatTextValue,
  flatWriter,
  formatFloatValue,
  formatGoFloatG,
  valueToString,
  valueToText,
} from '../../src/formats/value-string.js';
import { newList, newMap, Timestamp } from '../../src/core/tree.js';
import { TsopsError } from '../../src/errors.js';

test("formatGoFloatG matches Go's strconv.FormatFloat(f, 'G', -1, 64)", () => {
  const table: Array<[number, string]> = [
    [0, '0'],
    [-0, '-0'],
    [5, '5'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1234.56789, '1234.56789'],
    [123456, '123456'],
    [999999, '999999'],
    [1e6, '1E+06'],
    [1234567, '1.234567E+06'],
    [-2.5e10, '-2.5E+10'],
    [1e21, '1E+21'],
    [1e100, '1E+100'],
    [1.7976931348623157e308, '1.7976931348623157E+308'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [0.00001, '1E-05'],
    [1.5e-7, '1.5E-07'],
    [5e-324, '5E-324'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [f, expected] of table) assert.equal(formatGoFloatG(f), expected, `for ${f}`);
});

test('formatFloatValue forces one decimal when the text could be read as an integer', () => {
  const table: Array<[number, string]> = [
    [5, '5.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [100000, '100000.0'],
    [-42, '-42.0'],
    [1e6, '1E+06'],
    [1.25, '1.25'],
    [1e-5, '1E-05'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [f, expected] of table) assert.equal(formatFloatValue(f), expected, `for ${f}`);
});

test('valueToString converts every scalar like sops ValToString', () => {
  const table: Array<[Parameters<typeof valueToString>[0], string]> = [
    ['plain text', 'plain text'],
    ['', ''],
    ['multi\nline', 'multi\nline'],
    [true, 'true'],
    [false, 'false'],
    [0n, '0'],
    [-9223372036854775808n, '-9223372036854775808'],
    [9223372036854775807n, '9223372036854775807'],
    [5, '5.0'],
    [1234.56789, '1234.56789'],
    [1e6, '1E+06'],
    [null, '<nil>'],
    [new Timestamp('2024-01-01T00:00:00Z'), '2024-01-01T00:00:00Z'],
    [new Timestamp('2006-01-02T15:04:05+07:06'), '2006-01-02T15:04:05+07:06'],
    // Go's time.RFC3339 layout drops fractional seconds.
    [new Timestamp('2020-01-01T10:00:00.5Z'), '2020-01-01T10:00:00Z'],
    [new TextEncoder().encode('héllo'), 'héllo'],
    [new Uint8Array([0x61, 0xff, 0x62]), 'a\uFFFDb'],
  ];
  for (const [value, expected] of table) assert.equal(valueToString(value, 'k', 'dotenv'), expected);
});

test('valueToText keeps byte strings as bytes and converts everything else to text', () => {
  const raw = new Uint8Array([0x61, 0xff, 0x62]);
  assert.equal(valueToText(raw, 'k', 'dotenv'), raw);
  assert.equal(valueToText(7n, 'k', 'dotenv'), '7');
});

test('maps and lists are refused with the offending key and without their content', () => {
  for (const value of [newMap([{ key: 'inner', value: 'secret-one' }]), newList(['secret-two'])]) {
    assert.throws(
      () => valueToString(value, 'outer.key', 'ini'),
      (e: unknown) => {
        assert.ok(e instanceof TsopsError);
        assert.equal(e.code, 'DUMP_TREE');
        assert.equal(e.message, 'cannot use complex value in ini file; offending key outer.key');
        assert.ok(e.hint !== undefined);
        return true;
      },
    );
  }
});

test('decodeFlatText decodes UTF-8 and falls back to one character per byte', () => {
  assert.deepEqual(decodeFlatText(new TextEncoder().encode('\uFEFFa=é')), { text: '\uFEFFa=é', bytes: false });
  const bad = decodeFlatText(new Uint8Array([0x61, 0x3d, 0xff]));
  assert.deepEqual(bad, { text: 'a=\u00ff', bytes: true });
  assert.deepEqual(flatTextValue('\u00ff', true), new Uint8Array([0xff]));
  assert.equal(flatTextValue('\u00c3\u00a9', true), 'é');
});

test('flatWriter writes byte strings unchanged next to UTF-8 text', () => {
  const w = flatWriter(true);
  const out = w.encode(w.text('é=') + w.text(new Uint8Array([0xff, 0x00])));
  assert.deepEqual(out, new Uint8Array([0xc3, 0xa9, 0x3d, 0xff, 0x00]));
  assert.equal(w.byteLength(w.text('é')), 2);
  assert.equal(flatWriter(false).byteLength('é'), 2);
});
