/**
 * The tree walk shared by encryption and decryption (spec §11): depth-first in document order,
 * key path without list indices, a comment stack per nesting level.
 */
import { TsopsError } from '../errors.js';
import { Comment, isList, isMap, type Scalar, type TreeList, type TreeMap, type Value } from './tree.js';
import type { CommentStack } from './select.js';

export type Leaf = Exclude<Scalar, null> | Comment;

/**
 * Called for every non-null leaf. `aad` is the key path joined with `:` plus a trailing `:`
 * (comments get their container's path). Returns the replacement value.
 */
export type LeafVisitor = (
  value: Leaf,
  path: readonly string[],
  aad: string,
  stack: CommentStack,
  inList: boolean,
) => Value | Comment;

/** Walk every branch, replacing leaves in place with what `visit` returns. */
export function walkBranches(branches: TreeMap[], visit: LeafVisitor): void {
  for (const b of branches) walkMap(b, [], '', [], visit);
}

function containerAad(prefix: string): string {
  return prefix === '' ? ':' : prefix;
}

function walkMap(map: TreeMap, path: string[], prefix: string, stack: CommentStack, visit: LeafVisitor): void {
  const level: string[] = [];
  const inner = [...stack, level];
  for (const item of map.items) {
    const key = item.key;
    if (key instanceof Comment) {
      level.push(key.text);
      const out = visit(key, path, containerAad(prefix), inner, false);
      item.key = out instanceof Comment ? out : new Comment(typeof out === 'string' ? out : String(out), key.inline);
      continue;
    }
    path.push(key);
    const out = walkValue(item.value, path, prefix + key + ':', inner, visit, false);
    if (out !== undefined) item.value = out as Value;
    path.pop();
    level.length = 0;
  }
}

function walkList(list: TreeList, path: string[], prefix: string, stack: CommentStack, visit: LeafVisitor): void {
  const level: string[] = [];
  const inner = [...stack, level];
  const items = list.items;
  for (let i = 0; i < items.length; i++) {
    const v = items[i]!;
    const isComment = v instanceof Comment;
    if (isComment) level.push(v.text);
    const out = walkValue(v, path, prefix, inner, visit, true);
    if (out !== undefined) items[i] = out;
    if (!isComment) level.length = 0;
  }
}

/** Returns the replacement for a leaf, or undefined for containers (walked in place) and null. */
function walkValue(
  v: Value | Comment,
  path: string[],
  prefix: string,
  stack: CommentStack,
  visit: LeafVisitor,
  inList: boolean,
): Value | Comment | undefined {
  if (v === null) return undefined;
  if (isMap(v)) {
    walkMap(v, path, prefix, stack, visit);
    return undefined;
  }
  if (isList(v)) {
    walkList(v, path, prefix, stack, visit);
    return undefined;
  }
  if (typeof v === 'bigint' && (v > 9223372036854775807n || v < -9223372036854775808n)) {
    throw new TsopsError('ENCRYPT_TREE', `error walking tree: cannot walk value at ${containerAad(prefix)}, unknown type: uint64`);
  }
  return visit(v, path, containerAad(prefix), stack, inList);
}
