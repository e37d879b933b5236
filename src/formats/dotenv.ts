/**
 * The dotenv store (spec §6.3, §3.3): `KEY=value` lines read with sops' literal rules (no
 * trimming, quotes or `export`), metadata as flattened `sops_…` lines after the data.
 */
import { TsopsError } from '../errors.js';
import { flatten, unflatten, type FlatEntry } from '../core/flatten.js';
import { Comment, newMap, type Branches, type MapItem, type TreeMap, type Value } from '../core/tree.js';
import type { EncryptedDocument, Store } from './format.js';
import { refuseDuplicateKeys } from './duplicate-keys.js';
import { decodeFlatText, flatTextString, flatTextValue, flatWriter, valueToString, valueToText } from './value-string.js';

/** Prefix of every metadata line; no data key may start with it. */
export const SOPS_PREFIX = 'sops_';
const HASH = 0x23;

/** sops' dotenv reader: split on `\n` only, skip empty lines, `#` comments, first `=` splits. */
function parseDotenv(data: Uint8Array): TreeMap {
  const { text, bytes } = decodeFlatText(data);
  const items: MapItem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === HASH) {
      items.push({ key: new Comment(flatTextString(line.slice(1), bytes)), value: null });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      // The line itself may be a secret, so only its number is reported.
      throw new TsopsError('PARSE_INPUT', `invalid dotenv input line: ${n + 1}`, {
        hint: `line ${n + 1} is neither a comment (#…) nor KEY=VALUE`,
      });
    }
    const raw = line.slice(eq + 1);
    const value = raw.includes('\\n') ? raw.replaceAll('\\n', '\n') : raw;
    items.push({ key: flatTextString(line.slice(0, eq), bytes), value: flatTextValue(value, bytes) });
  }
  return newMap(items);
}

/** A key the reader would split differently is refused rather than written into a broken file. */
function checkKey(key: string): void {
  if (key.includes('=') || key.includes('\n') || key.charCodeAt(0) === HASH) {
    throw new TsopsError('DUMP_TREE', `cannot write key ${JSON.stringify(key)} in dotenv file: a key cannot contain "=" or a newline, or start with "#"`, {
      hint: 'rename the key, or choose yaml or json as the output type',
    });
  }
}

/** sops' dotenv writer: `key=value` lines, newlines in values written as `\n`. */
function emitDotenv(items: readonly MapItem[]): Uint8Array {
  const w = flatWriter(items.some((item) => item.value instanceof Uint8Array));
  let out = '';
  for (const item of items) {
    if (item.key instanceof Comment) {
      // A comment spanning lines (from another format) becomes one `#` line per line.
      for (const line of item.key.text.split('\n')) out += '#' + w.text(line) + '\n';
      continue;
    }
    checkKey(item.key);
    const value = w.text(valueToText(item.value, item.key, 'dotenv'));
    out += w.text(item.key) + '=' + (value.includes('\n') ? value.replaceAll('\n', '\\n') : value) + '\n';
  }
  return w.encode(out);
}

export const dotenvStore: Store = {
  name: 'dotenv',

  parsePlain(data: Uint8Array): Branches {
    return [parseDotenv(data)];
  },

  parseEncrypted(data: Uint8Array): EncryptedDocument {
    const items: MapItem[] = [];
    const flat: FlatEntry[] = [];
    // Every top-level `sops_` key is metadata, wherever it sits in the file (spec §3.3).
    for (const item of parseDotenv(data).items) {
      if (typeof item.key === 'string' && item.key.startsWith(SOPS_PREFIX)) {
        flat.push({ key: item.key.slice(SOPS_PREFIX.length), value: valueToString(item.value, item.key, 'dotenv') });
      } else {
        items.push(item);
      }
    }
    if (flat.length === 0) return { branches: [newMap(items)], metadata: undefined };
    const body = newMap(items);
    refuseDuplicateKeys(body, 'dotenv');
    refuseDuplicateKeys(newMap(flat.map((e) => ({ key: SOPS_PREFIX + e.key, value: null }))), 'dotenv');
    return { branches: [body], metadata: unflatten(flat) };
  },

  emitPlain(branches: Branches): Uint8Array {
    return emitDotenv(branches[0]?.items ?? []);
  },

  emitEncrypted(branches: Branches, metadata: TreeMap): Uint8Array {
    const items = branches[0]?.items ?? [];
    for (const item of items) {
      if (typeof item.key === 'string' && item.key.startsWith(SOPS_PREFIX)) {
        throw new TsopsError('DUMP_TREE', `found key ${JSON.stringify(item.key)} in encrypted data, which starts with the reserved key prefix "${SOPS_PREFIX}"`, {
          hint: `rename the key: dotenv keys starting with "${SOPS_PREFIX}" hold sops metadata`,
        });
      }
    }
    const meta = flatten(metadata).map((e): MapItem => ({ key: SOPS_PREFIX + e.key, value: e.value }));
    return emitDotenv([...items, ...meta]);
  },

  emitValue(value: Value): Uint8Array {
    if (typeof value === 'string') return new TextEncoder().encode(value);
    if (value instanceof Uint8Array) return value;
    throw new TsopsError('DUMP_TREE', `the dotenv store only supports emitting strings, got ${describe(value)}`, {
      hint: 'extract a string value, or choose yaml or json as the output type',
    });
  },

  looksEncrypted(branches: Branches): boolean {
    return branches[0]?.items.some((item) => typeof item.key === 'string' && item.key.startsWith(SOPS_PREFIX)) ?? false;
  },
};

function describe(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'object' && 'kind' in value) return value.kind;
  if (typeof value === 'object') return 'timestamp';
  return typeof value === 'bigint' ? 'int' : typeof value === 'number' ? 'float' : typeof value;
}
