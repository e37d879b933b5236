/** The three-way merge of decrypted trees, on trees parsed from YAML text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeFor } from '../../src/formats/index.js';
import { conflictValue, mergeBranches, renderSide, DocumentCountConflict } from '../../src/git/merge-tree.js';
import type { Branches } from '../../src/core/tree.js';

const yaml = storeFor('yaml');
const tree = (text: string): Branches => yaml.parsePlain(Buffer.from(text));
const text = (b: Branches): string => Buffer.from(yaml.emitPlain(b, { indent: 2 })).toString('utf8');

function merge(base: string | undefined, ours: string, theirs: string) {
  const r = mergeBranches(base === undefined ? undefined : tree(base), tree(ours), tree(theirs));
  return { text: text(r.branches), conflicts: r.conflicts };
}

describe('mergeBranches', () => {
  it('takes each side\'s changes, additions and removals of different keys', () => {
    const r = merge('a: 1\nb: 2\nc: 3\nd: 4\n', 'a: 10\nb: 2\nc: 3\nd: 4\nours_new: x\n', 'a: 1\nb: 20\nd: 4\ntheirs_new: z\n');
    assert.deepEqual(r.conflicts, []);
    // theirs' new key follows d, as in theirs
    assert.equal(r.text, 'a: 10\nb: 20\nd: 4\ntheirs_new: z\nours_new: x\n');
  });

  it('merges nested maps key by key', () => {
    const r = merge('db:\n  user: u\n  pass: p\n', 'db:\n  user: U\n  pass: p\n', 'db:\n  user: u\n  pass: P\n  port: 1\n');
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.text, 'db:\n  user: U\n  pass: P\n  port: 1\n');
  });

  it('puts a key theirs added after the key that precedes it in theirs', () => {
    const r = merge('a: 1\nc: 3\n', 'a: 1\nc: 30\n', 'a: 1\nb: 2\nc: 3\n');
    assert.equal(r.text, 'a: 1\nb: 2\nc: 30\n');
    const first = merge('a: 1\n', '# head\na: 1\n', 'z: 0\na: 1\n');
    assert.equal(first.text, '# head\nz: 0\na: 1\n');
  });

  it('marks a value both sides changed differently, keeping both', () => {
    const r = merge('k: base\nn: 1\n', 'k: mine\nn: 2\n', 'k: yours\nn: 3\n');
    assert.deepEqual(r.conflicts, ['["k"]', '["n"]']);
    const b = mergeBranches(tree('k: base\nn: 1\n'), tree('k: mine\nn: 2\n'), tree('k: yours\nn: 3\n')).branches[0]!;
    assert.equal(b.items[0]!.value, '<<<<<<< ours\nmine\n=======\nyours\n>>>>>>> theirs');
    // a non-string value is written as YAML writes it, inside the string
    assert.equal(b.items[1]!.value, '<<<<<<< ours\n2\n=======\n3\n>>>>>>> theirs');
  });

  it('agrees when both sides made the same change', () => {
    const r = merge('k: a\n', 'k: b\n', 'k: b\n');
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.text, 'k: b\n');
  });

  it('conflicts when one side changed a value the other removed', () => {
    const r = mergeBranches(tree('k: a\nx: 1\n'), tree('k: b\nx: 1\n'), tree('x: 1\n'));
    assert.deepEqual(r.conflicts, ['["k"]']);
    assert.equal(r.branches[0]!.items[0]!.value, '<<<<<<< ours\nb\n=======\n(deleted)\n>>>>>>> theirs');
    const other = mergeBranches(tree('k: a\nx: 1\n'), tree('x: 1\n'), tree('k: c\nx: 1\n'));
    assert.deepEqual(other.conflicts, ['["k"]']);
    assert.equal(text(other.branches), 'k: |-\n  <<<<<<< ours\n  (deleted)\n  =======\n  c\n  >>>>>>> theirs\nx: 1\n');
  });

  it('treats lists as whole values', () => {
    const clean = merge('l:\n  - 1\n  - 2\n', 'l:\n  - 1\n  - 2\n  - 3\n', 'l:\n  - 1\n  - 2\n');
    assert.equal(clean.text, 'l:\n  - 1\n  - 2\n  - 3\n');
    const r = mergeBranches(tree('l:\n  - 1\n'), tree('l:\n  - 1\n  - 2\n'), tree('l:\n  - 0\n  - 1\n'));
    assert.deepEqual(r.conflicts, ['["l"]']);
    assert.equal(r.branches[0]!.items[0]!.value, '<<<<<<< ours\n[\n  1,\n  2\n]\n=======\n[\n  0,\n  1\n]\n>>>>>>> theirs');
  });

  it('without a common ancestor merges disjoint keys and conflicts on different values', () => {
    const r = merge(undefined, 'a: 1\nsame: s\nboth: x\n', 'b: 2\nsame: s\nboth: y\n');
    assert.deepEqual(r.conflicts, ['["both"]']);
    assert.match(r.text, /^b: 2\na: 1\nsame: s\nboth: \|-\n  <<<<<<< ours\n  x\n  =======\n  y\n/);
  });

  it('takes the side that changed the number of documents, and refuses when both did', () => {
    const base = tree('a: 1\n---\nb: 2\n');
    const one = tree('a: 1\n');
    assert.equal(mergeBranches(base, base, one).branches.length, 1);
    assert.throws(() => mergeBranches(base, tree('a: 1\n---\nb: 2\n---\nc: 3\n'), one), DocumentCountConflict);
  });

  it('renders sides as documented', () => {
    assert.equal(renderSide(undefined), '(deleted)');
    assert.equal(renderSide(null), 'null');
    assert.equal(renderSide(true), 'true');
    assert.equal(renderSide(12n), '12');
    assert.equal(conflictValue('a', 'b'), '<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs');
  });
});
