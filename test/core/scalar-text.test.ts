import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatGoFloat, parseGoBool, parseGoFloat, parseGoInt, parseTimestampText } from '../../src/core/scalar-text.js';

test('floats print positionally like Go FormatFloat(f, f, -1, 64)', () => {
  const table: Array<[number, string]> = [
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [1234.56789, '1234.56789'],
    [5, '5'],
    [-0, '-0'],
    [1234568000, '1234568000'],
    [1.5e-10, '0.00000000015'],
    [-2.5e22, '-25000000000000000000000'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ];
  for (const [n, s] of table) assert.equal(formatGoFloat(n), s, String(n));
});

test('every finite float survives format then parse exactly', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      assert.ok(Object.is(parseGoFloat(formatGoFloat(n)), n));
    }),
    { numRuns: 200 },
  );
});

test('ints parse within int64 only, bools as Go ParseBool', () => {
  assert.equal(parseGoInt('-9223372036854775808'), -9223372036854775808n);
  assert.equal(parseGoInt('9223372036854775808'), undefined);
  assert.equal(parseGoInt('1.0'), undefined);
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false);
  assert.equal(parseGoBool('yes'), undefined);
});

test('timestamps normalise like Go MarshalText', () => {
  assert.equal(parseTimestampText('2020-01-01T10:00:00.500Z')!.text, '2020-01-01T10:00:00.5Z');
  assert.equal(parseTimestampText('2006-01-02T15:04:05+07:06')!.text, '2006-01-02T15:04:05+07:06');
  assert.equal(parseTimestampText('2006-01-02T15:04:05+00:00')!.text, '2006-01-02T15:04:05Z');
  assert.equal(parseTimestampText('not a time'), undefined);
});
