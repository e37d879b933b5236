/**
 * The value and index of `set` (spec §8.2): the value is JSON — a string stays a string, every
 * number becomes a float as sops stores it, an object becomes a map typed as the JSON store types
 * it (integers stay integers), arrays are refused.
 */
import { TsopsError } from '../../errors.js';
import { parseTreePath, type PathComponent } from '../../core/tree-path.js';
import { Comment, Timestamp, isList, isMap, type Value } from '../../core/tree.js';
import { parseJsonObject } from '../../formats/json-parse.js';

/** `set`/`unset` index syntax; a bad one is INVALID_SET (exit 7) as in sops. */
export function parseSetIndex(index: string, verb: 'set' | 'unset'): PathComponent[] {
  try {
    return parseTreePath(index);
  } catch (e) {
    const why = e instanceof TsopsError ? e.message : String(e);
    throw new TsopsError('INVALID_SET', `invalid ${verb} index format: ${why.replace(/^invalid tree path /, '')}`, {
      hint: `write it like '["key"][0]["nested"]'`,
    });
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Parse a `set` value; INVALID_SET (exit 7) for invalid JSON and for arrays. */
export function parseSetValue(json: string): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new TsopsError('INVALID_SET', 'value for set is not valid json', {
      hint: `a string value needs JSON quotes, e.g. '"secret"'`,
    });
  }
  if (Array.isArray(parsed)) {
    throw new TsopsError('INVALID_SET', 'invalid set value format: arrays cannot be set', {
      hint: 'set the elements one by one, e.g. \'["list"][0]\'',
    });
  }
  if (parsed !== null && typeof parsed === 'object') {
    return parseJsonObject(new TextEncoder().encode(json));
  }
  if (typeof parsed === 'number') {
    // Go's decoder refuses numbers outside float64 (1e400); JSON.parse returns Infinity.
    if (!Number.isFinite(parsed)) throw new TsopsError('INVALID_SET', 'value for set is not valid json: number out of range');
    return parsed;
  }
  // Go decodes a lone surrogate escape to U+FFFD.
  if (typeof parsed === 'string') return parsed.replace(LONE_SURROGATE, '\uFFFD');
  return parsed as boolean | null;
}

/** Deep equality that also compares types: `1` (int) is not `1.0` (float), comments are ignored. */
export function sameValue(a: Value, b: Value): boolean {
  // An explicit work list: a value given to `set` may be nested as deep as the JSON reader allows.
  const pending: Array<[Value, Value]> = [[a, b]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [x, y] = pair;
    if (isMap(x) || isMap(y)) {
      if (!isMap(x) || !isMap(y)) return false;
      const xi = x.items.filter((i) => !(i.key instanceof Comment));
      const yi = y.items.filter((i) => !(i.key instanceof Comment));
      if (xi.length !== yi.length) return false;
      for (const [i, item] of xi.entries()) {
        if (item.key !== yi[i]!.key) return false;
        pending.push([item.value, yi[i]!.value]);
      }
    } else if (isList(x) || isList(y)) {
      if (!isList(x) || !isList(y)) return false;
      const xv = x.items.filter((v): v is Value => !(v instanceof Comment));
      const yv = y.items.filter((v): v is Value => !(v instanceof Comment));
      if (xv.length !== yv.length) return false;
      for (const [i, v] of xv.entries()) pending.push([v, yv[i]!]);
    } else if (!sameScalar(x, y)) {
      return false;
    }
  }
  return true;
}

function sameScalar(a: Value, b: Value): boolean {
  if (a instanceof Timestamp || b instanceof Timestamp) {
    return a instanceof Timestamp && b instanceof Timestamp && a.text === b.text;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  }
  return typeof a === typeof b && Object.is(a, b);
}

/**
 * The legacy `--set '<index> <json>'` argument: split after the first `"] "` as sops does
 * (the index ends with `]`). INVALID_SET (exit 7) when there is no such split.
 */
export function parseLegacySet(arg: string): { path: PathComponent[]; value: Value } {
  const cut = arg.indexOf('] ');
  if (cut < 0) {
    throw new TsopsError('INVALID_SET', 'the set flag requires a key and a value separated by a space', {
      hint: `e.g. --set '["key"] "value"'`,
    });
  }
  const value = parseSetValue(arg.slice(cut + 2));
  const path = parseSetIndex(arg.slice(0, cut + 1).trimEnd(), 'set');
  return { path, value };
}
