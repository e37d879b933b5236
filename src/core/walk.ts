/**
 * The tree walk shared by encryption and decryption (spec §11): depth-first in document order,
 * key path without list indices, a comment stack per nesting level.
 *
 * The walk keeps its own stack of open containers instead of recursing, so a document nested as
 * deep as any store accepts (the JSON store takes Go's 10000 levels) cannot exhaust the call stack.
 */
import { TsopsError } from '../errors.js';
import { Comment, isList, isMap, type Scalar, type TreeList, type TreeMap, type Value } from './tree.js';
import type { CommentStack } from './select.js';

export type Leaf = Exclude<Scalar, null> | Comment;

/**
 * Called for every non-null leaf. `aad` is the key path joined with `:` plus a trailing `:`
 * (comments get their container's path). Returns the replacement value. `path` and `stack` are
 * the walk's own working arrays: read them during the call, do not keep them.
 */
export type LeafVisitor = (
  value: Leaf,
  path: readonly string[],
  aad: string,
  stack: CommentStack,
  inList: boolean,
) => Value | Comment;

/** An open container: the next item to visit, its key-path prefix and its comment level. */
interface Frame {
  node: TreeMap | TreeList;
  next: number;
  prefix: string;
  level: string[];
  /** Whether entering this container pushed a key onto the path (a map's value). */
  keyed: boolean;
}

function containerAad(prefix: string): string {
  return prefix === '' ? ':' : prefix;
}

/** The visitor's replacement for a scalar, or undefined for null (left as it is). */
function visitScalar(
  v: Exclude<Value, TreeMap | TreeList> | Comment,
  path: string[],
  prefix: string,
  stack: CommentStack,
  visit: LeafVisitor,
  inList: boolean,
): Value | Comment | undefined {
  if (v === null) return undefined;
  if (typeof v === 'bigint' && (v > 9223372036854775807n || v < -9223372036854775808n)) {
    throw new TsopsError('ENCRYPT_TREE', `error walking tree: cannot walk value at ${containerAad(prefix)}, unknown type: uint64`);
  }
  return visit(v, path, containerAad(prefix), stack, inList);
}

/** Walk every branch, replacing leaves in place with what `visit` returns. */
export function walkBranches(branches: TreeMap[], visit: LeafVisitor): void {
  const path: string[] = [];
  const stack: CommentStack = [];
  const frames: Frame[] = [];
  const enter = (node: TreeMap | TreeList, prefix: string, keyed: boolean): void => {
    const level: string[] = [];
    frames.push({ node, next: 0, prefix, level, keyed });
    stack.push(level);
  };
  for (const branch of branches) {
    enter(branch, '', false);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.next >= f.node.items.length) {
        frames.pop();
        stack.pop();
        if (f.keyed) path.pop();
        // a finished value ends its key's (or list element's) comment group in the parent
        const parent = frames[frames.length - 1];
        if (parent !== undefined) parent.level.length = 0;
        continue;
      }
      const i = f.next++;
      if (f.node.kind === 'map') {
        const item = f.node.items[i]!;
        const key = item.key;
        if (key instanceof Comment) {
          f.level.push(key.text);
          const out = visit(key, path, containerAad(f.prefix), stack, false);
          item.key = out instanceof Comment ? out : new Comment(typeof out === 'string' ? out : String(out), key.inline);
          continue;
        }
        path.push(key);
        const v = item.value;
        if (isMap(v) || isList(v)) {
          enter(v, f.prefix + key + ':', true);
          continue;
        }
        const out = visitScalar(v, path, f.prefix + key + ':', stack, visit, false);
        if (out !== undefined) item.value = out as Value;
        path.pop();
        f.level.length = 0;
      } else {
        const items = f.node.items;
        const v = items[i]!;
        if (isMap(v) || isList(v)) {
          enter(v, f.prefix, false);
          continue;
        }
        const isComment = v instanceof Comment;
        if (isComment) f.level.push(v.text);
        const out = visitScalar(v, path, f.prefix, stack, visit, true);
        if (out !== undefined) items[i] = out;
        if (!isComment) f.level.length = 0;
      }
    }
  }
}
