import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Comment, Timestamp, isMap, newList, newMap } from '../../../src/core/tree.js';
import { parseLegacySet, parseSetIndex, parseSetValue, sameValue } from '../../../src/commands/set/set-value.js';

const code = (c: string) => (e: { code?: string; exitCode?: number }) => e.code === c;

test('parseSetValue: strings stay strings, every number is a float, bool and null as such', () => {
  assert.equal(parseSetValue('"hello"'), 'hello');
  assert.equal(parseSetValue('5'), 5);
  assert.equal(typeof parseSetValue('5'), 'number', 'not a bigint: sops stores set numbers as floats');
  assert.equal(parseSetValue(' -1.5e3 '), -1500);
  assert.equal(parseSetValue('true'), true);
  assert.equal(parseSetValue('null'), null);
  assert.equal(parseSetValue('"\\ud800"'), '\uFFFD', 'a lone surrogate escape becomes U+FFFD as in Go');
});

test('parseSetValue: an object is a map typed like the JSON store (ints are bigint, order kept)', () => {
  const v = parseSetValue('{"b": 1, "a": 2.5, "n": {"x": [1, "y"]}}');
  assert.ok(isMap(v));
  assert.deepEqual(v.items.map((i) => i.key), ['b', 'a', 'n']);
  assert.equal(v.items[0]!.value, 1n);
  assert.equal(v.items[1]!.value, 2.5);
});

test('parseSetValue: arrays, invalid JSON and out-of-range numbers are INVALID_SET (exit 7)', () => {
  for (const bad of ['[1]', '[]', 'hello', "'x'", '{"a":', '1e400', '', '{"a": 1} x']) {
    assert.throws(() => parseSetValue(bad), (e: { code?: string; exitCode?: number }) => e.code === 'INVALID_SET' && e.exitCode === 7, bad);
  }
});

test('parseSetIndex maps a bad index to INVALID_SET (exit 7), not the --extract error', () => {
  assert.deepEqual(parseSetIndex('["a"][0]', 'set'), ['a', 0]);
  assert.throws(() => parseSetIndex('a', 'set'), code('INVALID_SET'));
  assert.throws(() => parseSetIndex('["a"', 'unset'), /invalid unset index format/);
});

test('parseLegacySet splits after the first "] "', () => {
  assert.deepEqual(parseLegacySet('["a"]["b c"] "x y"'), { path: ['a', 'b c'], value: 'x y' });
  const { path, value } = parseLegacySet('["k"] {"n": 1}');
  assert.deepEqual(path, ['k']);
  assert.ok(isMap(value));
  assert.throws(() => parseLegacySet('["k"]"v"'), /separated by a space/);
  assert.throws(() => parseLegacySet('["k"] [1]'), code('INVALID_SET'));
});

test('sameValue compares deeply and by type, ignoring comments', () => {
  assert.ok(sameValue('a', 'a'));
  assert.ok(!sameValue(1n, 1), 'int is not float');
  assert.ok(!sameValue('1', 1));
  assert.ok(!sameValue(null, 'null'));
  assert.ok(sameValue(new Timestamp('2020-01-01T00:00:00Z'), new Timestamp('2020-01-01T00:00:00Z')));
  assert.ok(sameValue(new Uint8Array([1, 255]), new Uint8Array([1, 255])));
  assert.ok(!sameValue(new Uint8Array([1]), 'x'));
  const m1 = newMap([{ key: 'a', value: newList([1n, new Comment('c'), 'x']) }]);
  const m2 = newMap([{ key: new Comment('top'), value: null }, { key: 'a', value: newList([1n, 'x']) }]);
  assert.ok(sameValue(m1, m2));
  assert.ok(!sameValue(m1, newMap([{ key: 'a', value: newList(['x', 1n]) }])), 'order matters');
  assert.ok(!sameValue(m1, newList([])));
});
