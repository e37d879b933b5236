/**
 * Three-way merge of decrypted sops trees, value by value. Maps merge by key (added, changed and
 * removed on either side); lists and scalars are whole values. Where both sides changed the same
 * value differently, the result holds one string with both sides between git's markers, so the
 * merged file stays a valid sops file and the conflict is resolved in `tsops edit`. Pure.
 */
import { scalarText } from '../core/scalar-text.js';
import { Comment, Timestamp, isList, isMap, newMap, type Branches, type MapItem, type TreeMap, type Value } from '../core/tree.js';

export interface TreeMergeResult {
  branches: Branches;
  /** Key paths (`["a"]["b"]`) of the conflicting values, in file order. */
  conflicts: string[];
}

/** Thrown when the documents of a multi-document file were added or removed on both sides. */
export class DocumentCountConflict extends Error {}

const OURS_MARK = '<<<<<<< ours';
const SPLIT_MARK = '=======';
const THEIRS_MARK = '>>>>>>> theirs';
/** How a side that removed the value shows in a conflict. */
export const DELETED_TEXT = '(deleted)';

/**
 * Merge `ours` and `theirs` against their common ancestor `base` (undefined when the file was
 * added on both sides). Comments and key order follow ours; keys only theirs added go after
 * the key that precedes them in theirs.
 */
export function mergeBranches(base: Branches | undefined, ours: Branches, theirs: Branches): TreeMergeResult {
  const conflicts: string[] = [];
  let docsBase = base ?? [];
  if (ours.length !== theirs.length) {
    if (base !== undefined && sameDocs(base, ours)) return { branches: theirs, conflicts };
    if (base !== undefined && sameDocs(base, theirs)) return { branches: ours, conflicts };
    throw new DocumentCountConflict('documents were added or removed on both sides');
  }
  if (docsBase.length !== ours.length) docsBase = [];
  const branches = ours.map((o, i) => mergeMap(docsBase[i], o, theirs[i]!, '', conflicts));
  return { branches, conflicts };
}

function sameDocs(a: Branches, b: Branches): boolean {
  return a.length === b.length && a.every((d, i) => valuesEqual(d, b[i]!));
}

function keyPath(prefix: string, key: string): string {
  return `${prefix}[${JSON.stringify(key)}]`;
}

function lookup(map: TreeMap | undefined): Map<string, Value> {
  const m = new Map<string, Value>();
  if (map === undefined) return m;
  for (const item of map.items) if (typeof item.key === 'string' && !m.has(item.key)) m.set(item.key, item.value);
  return m;
}

function mergeMap(base: TreeMap | undefined, ours: TreeMap, theirs: TreeMap, at: string, conflicts: string[]): TreeMap {
  const b = lookup(base);
  const o = lookup(ours);
  const t = lookup(theirs);
  const out: MapItem[] = [];
  for (const item of ours.items) {
    if (typeof item.key !== 'string') {
      out.push(item);
      continue;
    }
    const k = item.key;
    const inBase = b.has(k);
    const tv = t.get(k);
    if (!t.has(k)) {
      // theirs removed it (or never had it)
      if (!inBase) out.push(item);
      else if (!valuesEqual(item.value, b.get(k)!)) {
        conflicts.push(keyPath(at, k));
        out.push({ key: k, value: conflictValue(item.value, undefined) });
      }
      continue;
    }
    out.push({ key: k, value: mergeValue(b.get(k), inBase, item.value, tv!, keyPath(at, k), conflicts) });
  }
  // keys theirs has and ours does not
  let previous: string | undefined;
  for (const item of theirs.items) {
    if (typeof item.key !== 'string') continue;
    const k = item.key;
    if (o.has(k)) {
      previous = k;
      continue;
    }
    let value: Value | undefined;
    if (!b.has(k)) value = item.value;
    else if (!valuesEqual(item.value, b.get(k)!)) {
      conflicts.push(keyPath(at, k));
      value = conflictValue(undefined, item.value);
    }
    if (value === undefined) continue; // ours removed it, theirs left it alone
    const after = previous === undefined ? -1 : out.findIndex((x) => x.key === previous);
    if (after < 0 && previous === undefined) {
      // theirs put it first: before ours' first key, after any leading comments
      const firstKey = out.findIndex((x) => typeof x.key === 'string');
      out.splice(firstKey < 0 ? out.length : firstKey, 0, { key: k, value });
    } else if (after < 0) out.push({ key: k, value });
    else out.splice(after + 1, 0, { key: k, value });
    previous = k;
  }
  return newMap(out);
}

function mergeValue(base: Value | undefined, inBase: boolean, ours: Value, theirs: Value, at: string, conflicts: string[]): Value {
  if (valuesEqual(ours, theirs)) return ours;
  if (inBase && valuesEqual(ours, base!)) return theirs;
  if (inBase && valuesEqual(theirs, base!)) return ours;
  if (isMap(ours) && isMap(theirs) && (!inBase || isMap(base))) {
    return mergeMap(inBase ? (base as TreeMap) : undefined, ours, theirs, at, conflicts);
  }
  conflicts.push(at);
  return conflictValue(ours, theirs);
}

/** Both sides in one string, as git marks a conflict in a text file. */
export function conflictValue(ours: Value | undefined, theirs: Value | undefined): string {
  return `${OURS_MARK}\n${renderSide(ours)}\n${SPLIT_MARK}\n${renderSide(theirs)}\n${THEIRS_MARK}`;
}

/**
 * A side's value as text: strings as they are, other scalars as YAML writes them (`42`, `true`,
 * `null`), maps and lists as indented JSON (comments left out), a removed value as `(deleted)`.
 */
export function renderSide(v: Value | undefined): string {
  if (v === undefined) return DELETED_TEXT;
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isMap(v) || isList(v)) return JSON.stringify(toJson(v), null, 2);
  return scalarText(v);
}

function toJson(v: Value): unknown {
  if (isMap(v)) {
    const o: Record<string, unknown> = {};
    for (const i of v.items) if (typeof i.key === 'string') o[i.key] = toJson(i.value);
    return o;
  }
  if (isList(v)) return v.items.filter((x) => !(x instanceof Comment)).map((x) => toJson(x as Value));
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Timestamp) return v.text;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

/** Deep equality of decrypted values: maps by their items in order (comments included). */
export function valuesEqual(a: Value | Comment, b: Value | Comment): boolean {
  if (a === b) return true;
  if (a instanceof Comment || b instanceof Comment) {
    return a instanceof Comment && b instanceof Comment && a.text === b.text && a.inline === b.inline;
  }
  if (a instanceof Timestamp || b instanceof Timestamp) {
    return a instanceof Timestamp && b instanceof Timestamp && a.text === b.text;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  }
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => {
      const y = b.items[i]!;
      const keysEqual = typeof x.key === 'string' ? x.key === y.key : typeof y.key !== 'string' && valuesEqual(x.key, y.key);
      return keysEqual && valuesEqual(x.value, y.value);
    });
  }
  if (isList(a) || isList(b)) {
    if (!isList(a) || !isList(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => valuesEqual(x, b.items[i]!));
  }
  // scalars: same JS type and value (1 and 1n, "1" and 1 differ, as their sops types do)
  return typeof a === typeof b && a === b;
}
