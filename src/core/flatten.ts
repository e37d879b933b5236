/**
 * Flattening of the sops metadata map for the flat stores, dotenv and INI (spec §3.3
 * "Flattening"): nested keys are joined with `__map_<key>`, list positions with `__list_<n>`.
 */
import { TsopsError } from '../errors.js';
import { MAX_METADATA_DEPTH } from './metadata.js';
import { Comment, newList, newMap, type Scalar, type TreeList, type TreeMap, type Value } from './tree.js';

export const MAP_SEPARATOR = '__map_';
export const LIST_SEPARATOR = '__list_';

/** One line of flattened metadata: a joined key and a scalar value. */
export interface FlatEntry {
  key: string;
  value: Scalar;
}

/**
 * Flatten a map into (key, scalar) entries, in the map's order. Empty maps and lists leave no
 * entry, and neither does a null (sops skips nil values when it writes a flat file); comments
 * are dropped.
 */
export function flatten(map: TreeMap): FlatEntry[] {
  const out: FlatEntry[] = [];
  for (const item of map.items) {
    if (item.key instanceof Comment) continue;
    flattenInto(out, item.key, item.value);
  }
  return out;
}

function flattenInto(out: FlatEntry[], prefix: string, value: Value): void {
  if (value === null) return;
  if (typeof value === 'object' && 'kind' in value) {
    if (value.kind === 'map') {
      for (const item of value.items) {
        if (item.key instanceof Comment) continue;
        flattenInto(out, prefix + MAP_SEPARATOR + item.key, item.value);
      }
    } else {
      let index = 0;
      for (const element of value.items) {
        if (element instanceof Comment) continue;
        flattenInto(out, prefix + LIST_SEPARATOR + String(index++), element);
      }
    }
    return;
  }
  out.push({ key: prefix, value });
}

type Token = { list: false; key: string } | { list: true; index: number };

/** Split a flat key at every separator, scanning left to right as sops' `tokenize` does. */
function tokenize(flatKey: string): Token[] {
  const tokens: Token[] = [];
  let list = false;
  let segmentStart = 0;
  const finish = (end: number): void => {
    const text = flatKey.slice(segmentStart, end);
    if (!list) {
      tokens.push({ list: false, key: text });
      return;
    }
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new TsopsError('INVALID_METADATA', `invalid list index "${text}" in flattened sops metadata key "${flatKey}"`, {
        hint: 'a `__list_` marker must be followed by a decimal position',
      });
    }
    tokens.push({ list: true, index: Number(text) });
  };
  let i = 0;
  for (;;) {
    const j = flatKey.indexOf('__', i);
    if (j < 0) break;
    if (flatKey.startsWith(MAP_SEPARATOR, j)) {
      finish(j);
      list = false;
      segmentStart = i = j + MAP_SEPARATOR.length;
    } else if (flatKey.startsWith(LIST_SEPARATOR, j)) {
      finish(j);
      list = true;
      segmentStart = i = j + LIST_SEPARATOR.length;
    } else {
      i = j + 1;
    }
  }
  finish(flatKey.length);
  return tokens;
}

interface MapNode {
  kind: 'map';
  /** The flat key prefix naming this node in error messages. */
  path: string;
  children: Map<string, Node>;
}
interface ListNode {
  kind: 'list';
  path: string;
  children: Map<number, Node>;
}
interface Leaf {
  kind: 'leaf';
  value: Scalar;
}
type Node = MapNode | ListNode | Leaf;

function typeMismatch(path: string): TsopsError {
  return new TsopsError('INVALID_METADATA', `type mismatch in flattened sops metadata at "${path}": it is both a value and a nested entry, or both a map and a list`, {
    hint: 'the sops_ lines (dotenv) or [sops] section (ini) of this file are damaged',
  });
}

function childPath(parent: string, token: Token, first: boolean): string {
  if (first && !token.list) return token.key;
  return parent + (token.list ? LIST_SEPARATOR + String(token.index) : MAP_SEPARATOR + token.key);
}

/** The child of `node` under `token`; the caller has checked that their kinds agree. */
function getChild(node: MapNode | ListNode, token: Token): Node | undefined {
  return token.list ? (node as ListNode).children.get(token.index) : (node as MapNode).children.get(token.key);
}

function setChild(node: MapNode | ListNode, token: Token, child: Node): void {
  if (token.list) (node as ListNode).children.set(token.index, child);
  else (node as MapNode).children.set(token.key, child);
}

/**
 * Rebuild the nested map from flattened entries (sops' `Unflatten`). Map keys keep the order in
 * which they first appear; list elements are placed by position, so the entries may come in any
 * order. A repeated key keeps its last value. Values are kept as they are (strings stay strings).
 *
 * @throws TsopsError(INVALID_METADATA) when a list misses a position (`incomplete list`), a key
 *   is both a value and a container or both a map and a list (`type mismatch`), or a list
 *   position is not a decimal number
 */
export function unflatten(entries: Iterable<FlatEntry>): TreeMap {
  const root: MapNode = { kind: 'map', path: '', children: new Map() };
  for (const entry of entries) {
    const tokens = tokenize(entry.key);
    if (tokens.length > MAX_METADATA_DEPTH) {
      throw new TsopsError('INVALID_METADATA', `flattened sops metadata key nested deeper than ${MAX_METADATA_DEPTH} levels`, {
        hint: 'the sops_ lines (dotenv) or [sops] section (ini) of this file are damaged',
      });
    }
    let node: MapNode | ListNode = root;
    let path = '';
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t] as Token;
      // A list token under a map (or the reverse) means two entries disagree about the shape.
      if ((node.kind === 'list') !== token.list) throw typeMismatch(path);
      path = childPath(path, token, t === 0);
      const next = tokens[t + 1];
      const existing = getChild(node, token);
      if (next === undefined) {
        if (existing !== undefined && existing.kind !== 'leaf') throw typeMismatch(path);
        setChild(node, token, { kind: 'leaf', value: entry.value });
        break;
      }
      if (existing === undefined) {
        const created: MapNode | ListNode = next.list
          ? { kind: 'list', path, children: new Map() }
          : { kind: 'map', path, children: new Map() };
        setChild(node, token, created);
        node = created;
      } else if (existing.kind === 'leaf') {
        throw typeMismatch(path);
      } else {
        node = existing;
      }
    }
  }
  return toMap(root);
}

function toValue(node: Node): Value {
  if (node.kind === 'leaf') return node.value;
  return node.kind === 'map' ? toMap(node) : toList(node);
}

function toMap(node: MapNode): TreeMap {
  const map = newMap();
  for (const [key, child] of node.children) map.items.push({ key, value: toValue(child) });
  return map;
}

function toList(node: ListNode): TreeList {
  const list = newList();
  for (let i = 0; i < node.children.size; i++) {
    const child = node.children.get(i);
    if (child === undefined) {
      throw new TsopsError('INVALID_METADATA', `incomplete list "${node.path}" in flattened sops metadata: position ${i} is missing`, {
        hint: 'the sops_ lines (dotenv) or [sops] section (ini) of this file are damaged',
      });
    }
    list.items.push(toValue(child));
  }
  return list;
}
