import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { flatten, unflatten, type FlatEntry } from '../../src/core/flatten.js';
import { Comment, newList, newMap, type TreeMap, type Value } from '../../src/core/tree.js';
import { TsopsError } from '../../src/errors.js';

/** A map from plain objects/arrays, keeping key order. */
function tree(v: unknown): Value {
  if (Array.isArray(v)) return newList(v.map(tree));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return newMap(Object.entries(v).map(([key, value]) => ({ key, value: tree(value) })));
  }
  return v as Value;
}

function map(v: Record<string, unknown>): TreeMap {
  return tree(v) as TreeMap;
}

function entries(pairs: Array<[string, FlatEntry['value']]>): FlatEntry[] {
  return pairs.map(([key, value]) => ({ key, value }));
}

function throwsMetadata(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TsopsError);
    assert.equal(e.code, 'INVALID_METADATA');
    assert.match(e.message, message);
    return true;
  });
}

test('flatten joins map keys with __map_ and list positions with __list_, in map order', () => {
  const metadata = map({
    age: [
      { enc: 'E0', recipient: 'R0' },
      { enc: 'E1', recipient: 'R1' },
    ],
    key_groups: [{ age: [{ enc: 'G', recipient: 'GR' }], hc_vault: [] }],
    lastmodified: '2026-01-01T00:00:00Z',
    mac_only_encrypted: true,
    shamir_threshold: 2n,
    version: '3.13.2',
  });
  assert.deepEqual(
    flatten(metadata),
    entries([
      ['age__list_0__map_enc', 'E0'],
      ['age__list_0__map_recipient', 'R0'],
      ['age__list_1__map_enc', 'E1'],
      ['age__list_1__map_recipient', 'R1'],
      ['key_groups__list_0__map_age__list_0__map_enc', 'G'],
      ['key_groups__list_0__map_age__list_0__map_recipient', 'GR'],
      ['lastmodified', '2026-01-01T00:00:00Z'],
      ['mac_only_encrypted', true],
      ['shamir_threshold', 2n],
      ['version', '3.13.2'],
    ]),
  );
});

test('flatten drops empty lists and maps, nulls and comments', () => {
  const m = map({ a: [], b: {}, c: null, d: { e: [] }, f: 'x' });
  m.items.unshift({ key: new Comment(' note'), value: null });
  const list = newList([new Comment('c'), 'first', 'second']);
  m.items.push({ key: 'g', value: list });
  assert.deepEqual(flatten(m), entries([['f', 'x'], ['g__list_0', 'first'], ['g__list_1', 'second']]));
});

test('flatten handles nested lists', () => {
  assert.deepEqual(flatten(map({ a: [['x', 'y'], ['z']] })), entries([
    ['a__list_0__list_0', 'x'],
    ['a__list_0__list_1', 'y'],
    ['a__list_1__list_0', 'z'],
  ]));
});

test('unflatten rebuilds nested maps and lists, keeping strings as strings', () => {
  const result = unflatten(entries([
    ['shamir_threshold', '2'],
    ['mac_only_encrypted', 'true'],
    ['pgp__list_0__map_fp', 'F'],
    ['pgp__list_0__map_enc', 'E'],
    ['kms__list_0__map_context__map_k', 'v'],
  ]));
  assert.deepEqual(result, map({
    shamir_threshold: '2',
    mac_only_encrypted: 'true',
    pgp: [{ fp: 'F', enc: 'E' }],
    kms: [{ context: { k: 'v' } }],
  }));
});

test('unflatten places list elements by position whatever the entry order', () => {
  const result = unflatten(entries([
    ['age__list_1__map_enc', 'E1'],
    ['version', '3.7.1'],
    ['age__list_0__map_recipient', 'R0'],
    ['age__list_1__map_recipient', 'R1'],
    ['age__list_0__map_enc', 'E0'],
  ]));
  assert.deepEqual(result, map({
    age: [{ recipient: 'R0', enc: 'E0' }, { enc: 'E1', recipient: 'R1' }],
    version: '3.7.1',
  }));
});

test('unflatten keeps the last value of a repeated key', () => {
  assert.deepEqual(unflatten(entries([['mac', 'old'], ['mac', 'new']])), map({ mac: 'new' }));
});

test('unflatten splits at every separator, scanning left to right like sops', () => {
  // `a_` + `__map_b`: the scan finds the separator one character later.
  assert.deepEqual(unflatten(entries([['a___map_b', 'v']])), map({ a_: { b: 'v' } }));
  assert.deepEqual(unflatten(entries([['x____list_0', 'v']])), map({ x__: ['v'] }));
  assert.deepEqual(unflatten(entries([['a__b', 'v']])), map({ a__b: 'v' }));
});

test('unflatten of nothing is an empty map', () => {
  assert.deepEqual(unflatten([]), newMap());
});

test('unflatten refuses a list with a missing position (incomplete list)', () => {
  throwsMetadata(() => unflatten(entries([['age__list_1__map_enc', 'E']])), /incomplete list "age".*position 0/);
  throwsMetadata(
    () => unflatten(entries([['a__list_0', 'x'], ['a__list_2', 'z']])),
    /incomplete list "a".*position 1/,
  );
  throwsMetadata(() => unflatten(entries([['g__list_0__map_l__list_3', 'x']])), /incomplete list "g__list_0__map_l"/);
});

test('unflatten refuses a key that is both a value and a container (type mismatch)', () => {
  throwsMetadata(() => unflatten(entries([['a', 'x'], ['a__map_b', 'y']])), /type mismatch.*"a"/);
  throwsMetadata(() => unflatten(entries([['a__map_b', 'y'], ['a', 'x']])), /type mismatch.*"a"/);
  throwsMetadata(() => unflatten(entries([['a__list_0', 'x'], ['a__list_0__map_k', 'y']])), /type mismatch.*"a__list_0"/);
});

test('unflatten refuses a path that is both a map and a list (type mismatch)', () => {
  throwsMetadata(() => unflatten(entries([['a__map_b', 'y'], ['a__list_0', 'x']])), /type mismatch/);
  throwsMetadata(() => unflatten(entries([['a__list_0', 'x'], ['a__map_b', 'y']])), /type mismatch/);
});

test('unflatten refuses a list position that is not a decimal number', () => {
  throwsMetadata(() => unflatten(entries([['a__list_x', 'v']])), /invalid list index "x"/);
  throwsMetadata(() => unflatten(entries([['a__list_', 'v']])), /invalid list index ""/);
});

test('error messages name keys, never values', () => {
  try {
    unflatten(entries([['a', 'secret-value'], ['a__map_b', 'other-secret']]));
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof TsopsError);
    assert.ok(!e.message.includes('secret'));
  }
});

// Keys with single underscores cannot form or complete a separator; containers are never empty.
const keyArb = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(_[a-z0-9]{1,4}){0,2}$/);
const leafArb = fc.oneof(fc.string(), fc.boolean(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const valueArb: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.uniqueArray(fc.tuple(keyArb, tie('value')), { selector: (t) => t[0], minLength: 1, maxLength: 4 })
      .map((items) => newMap(items.map(([key, value]) => ({ key, value })))),
    fc.array(tie('value'), { minLength: 1, maxLength: 3 }).map((items) => newList(items)),
  ),
})).value;

test('property: unflatten(flatten(m)) gives back any map without empty containers', () => {
  const mapArb = fc
    .uniqueArray(fc.tuple(keyArb, valueArb), { selector: (t) => t[0], maxLength: 5 })
    .map((items) => newMap(items.map(([key, value]) => ({ key, value }))));
  fc.assert(
    fc.property(mapArb, (m) => {
      assert.deepEqual(unflatten(flatten(m)), m);
    }),
    { numRuns: 200 },
  );
});
