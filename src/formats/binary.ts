/**
 * The binary store (spec §6.5): the whole file is one value under key `data`; the encrypted
 * file is the JSON store's layout `{"data": "ENC[…]", "sops": {…}}`.
 */
import { TsopsError } from '../errors.js';
import { newMap, type Branches } from '../core/tree.js';
import type { Store } from './format.js';
import { jsonStore } from './json.js';
import { decodeStrictUtf8 } from './json-utf8.js';

const DATA_KEY = 'data';
const utf8 = new TextEncoder();
const EMIT_HINT = 'this is likely not an encrypted binary file? if not, use --output-type to select the correct output type';

function emitError(what: string): TsopsError {
  return new TsopsError('DUMP_TREE', `error emitting binary store: ${what}`, { hint: EMIT_HINT });
}

export const binaryStore: Store = {
  name: 'binary',

  parsePlain(data: Uint8Array): Branches {
    // The bytes are kept exactly: text when they are valid UTF-8 (a BOM included), else bytes.
    const value = decodeStrictUtf8(data) ?? data.slice();
    return [newMap([{ key: DATA_KEY, value }])];
  },

  parseEncrypted(data) {
    return jsonStore.parseEncrypted(data);
  },

  emitPlain(branches: Branches): Uint8Array {
    if (branches.length !== 1) throw emitError('there must be exactly one tree branch');
    const item = branches[0]?.items.find((i) => i.key === DATA_KEY);
    if (item === undefined) throw emitError('no binary data found in tree');
    if (typeof item.value === 'string') return utf8.encode(item.value);
    if (item.value instanceof Uint8Array) return item.value.slice();
    throw emitError("'data' key in tree does not have a string value");
  },

  emitEncrypted(branches, metadata, options) {
    return jsonStore.emitEncrypted(branches, metadata, options);
  },

  emitValue() {
    throw new TsopsError(
      'DUMP_TREE',
      'binary files are not structured and extracting a single value is not possible',
      { hint: 'decrypt the whole file instead of using --extract' },
    );
  },

  looksEncrypted(): boolean {
    // sops never treats a binary file as already encrypted: encrypting one again wraps it.
    return false;
  },
};
