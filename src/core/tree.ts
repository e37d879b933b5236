/**
 * The neutral document model every store parses into (spec §0): an ordered list of branches
 * (one per YAML document), each an ordered map whose items may be comments.
 *
 * Scalar mapping: string → `string`; int64 → `bigint`; float64 → `number`; bool → `boolean`;
 * null → `null`; YAML timestamp → {@link Timestamp}; a byte string that is not valid UTF-8
 * (binary files, invalid text) → `Uint8Array`.
 */

/** A comment line (text without the leading `#`). `inline` marks a YAML line comment. */
export class Comment {
  constructor(
    readonly text: string,
    readonly inline = false,
  ) {}
}

/** A YAML timestamp, kept as its RFC 3339 text as Go's time.MarshalText writes it. */
export class Timestamp {
  constructor(readonly text: string) {}
}

export type Scalar = string | bigint | number | boolean | null | Timestamp | Uint8Array;

export interface TreeMap {
  readonly kind: 'map';
  items: MapItem[];
}

export interface TreeList {
  readonly kind: 'list';
  items: Array<Value | Comment>;
}

export type Value = Scalar | TreeMap | TreeList;

/** A map entry; a comment entry has a {@link Comment} key and a `null` value. */
export interface MapItem {
  key: string | Comment;
  value: Value;
}

/** A parsed document: one branch per YAML document, exactly one for every other format. */
export type Branches = TreeMap[];

export function newMap(items: MapItem[] = []): TreeMap {
  return { kind: 'map', items };
}

export function newList(items: Array<Value | Comment> = []): TreeList {
  return { kind: 'list', items };
}

export function isMap(v: unknown): v is TreeMap {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'map';
}

export function isList(v: unknown): v is TreeList {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'list';
}

export function isComment(v: unknown): v is Comment {
  return v instanceof Comment;
}

/** First value stored under a string key, or undefined. */
export function getKey(map: TreeMap, key: string): Value | undefined {
  for (const item of map.items) if (item.key === key) return item.value;
  return undefined;
}

/** Deep copy of a value (maps and lists are copied, scalars shared: they are immutable). */
export function cloneValue<T extends Value | Comment>(v: T): T {
  if (isMap(v)) return newMap(v.items.map((i) => ({ key: i.key, value: cloneValue(i.value) }))) as T;
  if (isList(v)) return newList(v.items.map((x) => cloneValue(x))) as T;
  return v;
}
