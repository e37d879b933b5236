/**
 * sops' index syntax for `--extract`, `set` and `unset`: `["key"][0]["other"]` (spec §8.2).
 */
import { TsopsError } from '../errors.js';
import { Comment, isList, isMap, newList, newMap, type TreeList, type TreeMap, type Value } from './tree.js';

export type PathComponent = string | number;

/** Parse `["a"][0]['b']`; a quoted component is a key, a bare one a list index. */
export function parseTreePath(arg: string): PathComponent[] {
  const bad = (why: string) =>
    new TsopsError('INVALID_TREE_PATH', `invalid tree path ${JSON.stringify(arg)}: ${why}`, {
      hint: `write it like '["key"][0]["nested"]'`,
    });
  const path: PathComponent[] = [];
  let i = 0;
  while (i < arg.length) {
    if (arg[i] !== '[') throw bad(`expected '[' at position ${i + 1}`);
    const q = arg[i + 1];
    if (q === '"' || q === "'") {
      const end = arg.indexOf(`${q}]`, i + 2);
      if (end < 0) throw bad('unterminated key');
      path.push(arg.slice(i + 2, end));
      i = end + 2;
    } else {
      const end = arg.indexOf(']', i + 1);
      if (end < 0) throw bad("missing ']'");
      const text = arg.slice(i + 1, end);
      if (!/^\d+$/.test(text)) throw bad(`${JSON.stringify(text)} is neither a quoted key nor an index`);
      path.push(Number(text));
      i = end + 1;
    }
  }
  return path;
}

function fmt(c: PathComponent): string {
  return typeof c === 'number' ? `[${c}]` : `['${c}']`;
}

function listValues(items: Array<Value | Comment>): Value[] {
  return items.filter((x): x is Value => !(x instanceof Comment));
}

/** The value at `path` (sops' Truncate); errors name the missing component. */
export function truncateTree(root: TreeMap, path: readonly PathComponent[]): Value {
  let current: Value = root;
  for (const c of path) {
    if (typeof c === 'string') {
      const item: { value: Value } | undefined = isMap(current) ? current.items.find((it) => it.key === c) : undefined;
      if (!item) throw new TsopsError('KEY_NOT_FOUND', `error truncating tree: component ${fmt(c)} not found`);
      current = item.value;
    } else {
      if (!isList(current)) {
        throw new TsopsError('KEY_NOT_FOUND', `error truncating tree: component ${fmt(c)} is an index, but the value is not a list`);
      }
      const values = listValues(current.items);
      if (c >= values.length) throw new TsopsError('KEY_NOT_FOUND', `error truncating tree: component ${fmt(c)} is out of bounds`);
      current = values[c]!;
    }
  }
  return current;
}

/** The containers `path` names from index `from` on, holding `leaf` (built bottom-up: paths may be long). */
function build(path: readonly PathComponent[], from: number, leaf: Value): Value {
  let v = leaf;
  for (let i = path.length - 1; i >= from; i--) {
    const c = path[i]!;
    v = typeof c === 'number' ? newList([v]) : newMap([{ key: c, value: v }]);
  }
  return v;
}

/** Set `value` at `path`, creating missing containers; a scalar in the way is replaced (sops' Set). */
export function setInTree(root: TreeMap, path: readonly PathComponent[], value: Value): void {
  if (path.length === 0 || typeof path[0] !== 'string') {
    throw new TsopsError('INVALID_SET', 'the first component of a set path must be a key');
  }
  // Descend while the path exists; where it stops, the rest is built (or replaces what is in the way).
  let container: TreeMap | TreeList = root;
  for (let i = 0; i < path.length; i++) {
    const head = path[i]!;
    const last = i === path.length - 1;
    let slot: { get(): Value; set(v: Value): void } | undefined;
    if (typeof head === 'string' && isMap(container)) {
      const map: TreeMap = container;
      const item = map.items.find((it) => it.key === head);
      if (!item) {
        map.items.push({ key: head, value: build(path, i + 1, value) });
        return;
      }
      slot = { get: () => item.value, set: (v) => (item.value = v) };
    } else if (typeof head === 'number' && isList(container)) {
      const list: TreeList = container;
      // Indices count values only; comments inside the list keep their places.
      const positions = list.items.flatMap((x, j) => (x instanceof Comment ? [] : [j]));
      const at = positions[head];
      if (at === undefined) {
        list.items.push(build(path, i + 1, value));
        return;
      }
      slot = { get: () => list.items[at] as Value, set: (v) => (list.items[at] = v) };
    } else {
      throw new TsopsError('INVALID_SET', 'cannot set a value here');
    }
    if (last) {
      slot.set(value);
      return;
    }
    const next = slot.get();
    const fits = typeof path[i + 1] === 'string' ? isMap(next) : isList(next);
    if (!fits) {
      slot.set(build(path, i + 1, value));
      return;
    }
    container = next as TreeMap | TreeList;
  }
}

/** Remove the key or list element at `path` (sops' Unset). */
export function unsetInTree(root: TreeMap, path: readonly PathComponent[]): void {
  if (path.length === 0) throw new TsopsError('INVALID_SET', 'unset needs a path');
  const parent = truncateTree(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (typeof last === 'string') {
    if (!isMap(parent)) throw new TsopsError('KEY_NOT_FOUND', `key not found: ${last}`);
    const idx = parent.items.findIndex((it) => it.key === last);
    if (idx < 0) throw new TsopsError('KEY_NOT_FOUND', `key not found: ${last}`);
    parent.items.splice(idx, 1);
  } else {
    if (!isList(parent)) throw new TsopsError('KEY_NOT_FOUND', `index ${last} is not in a list`);
    const positions = parent.items.flatMap((x, i) => (x instanceof Comment ? [] : [i]));
    const at = positions[last];
    if (at === undefined) throw new TsopsError('KEY_NOT_FOUND', `index ${last} out of bounds`);
    parent.items.splice(at, 1);
  }
}
