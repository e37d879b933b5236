/** The tree walk of spec §11: order, key paths without list indices, comment stacks, in-list flags. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Comment, newList, newMap, type TreeMap } from '../../src/core/tree.js';
import { walkBranches } from '../../src/core/walk.js';

interface Visit {
  leaf: string;
  aad: string;
  path: string;
  stack: string;
  inList: boolean;
}

function visits(branches: TreeMap[]): Visit[] {
  const seen: Visit[] = [];
  walkBranches(branches, (value, path, aad, stack, inList) => {
    const leaf = value instanceof Comment ? `#${value.text}` : String(value);
    seen.push({ leaf, aad, path: path.join('/'), stack: stack.map((l) => l.join(',')).join('|'), inList });
    return value;
  });
  return seen;
}

const cases: Array<{ name: string; doc: TreeMap[]; want: Array<[string, string, string, string, boolean]> }> = [
  {
    name: 'flat map',
    doc: [newMap([{ key: 'a', value: 'x' }, { key: 'b', value: 2n }])],
    want: [
      ['x', 'a:', 'a', '', false],
      ['2', 'b:', 'b', '', false],
    ],
  },
  {
    name: 'nested maps and a list of maps: list indices are not in the path',
    doc: [newMap([{ key: 'b', value: newMap([{ key: 'c', value: 'x' }, { key: 'd', value: newList([1n, newMap([{ key: 'e', value: true }])]) }]) }])],
    want: [
      ['x', 'b:c:', 'b/c', '|', false],
      ['1', 'b:d:', 'b/d', '||', true],
      ['true', 'b:d:e:', 'b/d/e', '|||', false],
    ],
  },
  {
    name: 'a comment key takes its map path and stays on the stack until the next value ends',
    doc: [newMap([{ key: new Comment(' top'), value: null }, { key: 'a', value: 'x' }, { key: 'b', value: 'y' }])],
    want: [
      ['# top', ':', '', ' top', false],
      ['x', 'a:', 'a', ' top', false],
      ['y', 'b:', 'b', '', false],
    ],
  },
  {
    name: 'a comment inside a list is a leaf in the list, with the list path',
    doc: [newMap([{ key: 'l', value: newList([new Comment(' note'), 'v']) }])],
    want: [
      ['# note', 'l:', 'l', '| note', true],
      ['v', 'l:', 'l', '| note', true],
    ],
  },
  {
    name: 'nulls are not visited; each document starts afresh',
    doc: [newMap([{ key: 'n', value: null }, { key: 'a', value: 'x' }]), newMap([{ key: 'a', value: 'y' }])],
    want: [
      ['x', 'a:', 'a', '', false],
      ['y', 'a:', 'a', '', false],
    ],
  },
];

for (const c of cases) {
  test(`walk: ${c.name}`, () => {
    const got = visits(c.doc);
    assert.deepEqual(
      got,
      c.want.map(([leaf, aad, path, stack, inList]) => ({ leaf, aad, path, stack, inList })),
    );
  });
}

test('walk: the visitor replaces leaves in place, comments stay comments', () => {
  const doc = [newMap([{ key: new Comment('c'), value: null }, { key: 'a', value: 'x' }, { key: 'l', value: newList(['y', new Comment('d')]) }])];
  walkBranches(doc, (v) => (v instanceof Comment ? new Comment(v.text.toUpperCase()) : `<${String(v)}>`));
  const m = doc[0]!;
  assert.deepEqual(m.items[0]!.key, new Comment('C'));
  assert.equal(m.items[1]!.value, '<x>');
  const l = m.items[2]!.value as ReturnType<typeof newList>;
  assert.equal(l.items[0], '<y>');
  assert.deepEqual(l.items[1], new Comment('D'));
});

test('walk: an integer beyond int64 is refused, as sops refuses uint64', () => {
  assert.throws(() => visits([newMap([{ key: 'big', value: 9223372036854775808n }])]), /unknown type: uint64/);
});
