/**
 * The JSON store (spec §6.2, §3.3): one branch per file, metadata as the last top-level key
 * `sops`, Go `encoding/json` escaping and `MarshalIndent` layout.
 */
import { TsopsError } from '../errors.js';
import { isMap, newMap, type Branches, type TreeMap, type Value } from '../core/tree.js';
import type { EmitOptions, EncryptedDocument, Store } from './format.js';
import { parseJsonObject } from './json-parse.js';
import { refuseDuplicateKeys } from './duplicate-keys.js';
import { formatJsonValue, jsonIndentString } from './json-emit.js';

const METADATA_KEY = 'sops';
const utf8 = new TextEncoder();

/** Remove the top-level `sops` map from the first branch (spec §3.2) and return it separately. */
function extractJsonMetadata(branches: Branches): EncryptedDocument {
  const first = branches[0];
  if (first === undefined) return { branches, metadata: undefined };
  const found = first.items.filter((item) => item.key === METADATA_KEY);
  if (found.length > 1) {
    throw new TsopsError('INVALID_METADATA', 'found duplicate sops entry in the top-level object', {
      hint: 'a sops file has exactly one top-level "sops" key; remove the extra one',
    });
  }
  const entry = found[0];
  if (entry === undefined) return { branches, metadata: undefined };
  if (!isMap(entry.value)) {
    throw new TsopsError('INVALID_METADATA', 'found sops entry that is not a mapping', {
      hint: 'the top-level "sops" key must hold the sops metadata object',
    });
  }
  const data = newMap(first.items.filter((item) => item !== entry));
  return { branches: [data, ...branches.slice(1)], metadata: entry.value };
}

/** The document text: the first branch (JSON holds one object), indented, with a final newline. */
function emitBranch(branch: TreeMap | undefined, options: EmitOptions | undefined): Uint8Array {
  const indent = jsonIndentString(options?.indent);
  return utf8.encode(formatJsonValue(branch ?? newMap(), indent) + '\n');
}

export const jsonStore: Store = {
  name: 'json',

  parsePlain(data: Uint8Array): Branches {
    return [parseJsonObject(data)];
  },

  parseEncrypted(data: Uint8Array): EncryptedDocument {
    const doc = extractJsonMetadata([parseJsonObject(data)]);
    if (doc.metadata !== undefined) {
      refuseDuplicateKeys(doc.branches[0]!, 'json');
      refuseDuplicateKeys(doc.metadata, 'json', '["sops"]');
    }
    return doc;
  },

  emitPlain(branches: Branches, options?: EmitOptions): Uint8Array {
    return emitBranch(branches[0], options);
  },

  emitEncrypted(branches: Branches, metadata: TreeMap, options?: EmitOptions): Uint8Array {
    const items = branches[0]?.items ?? [];
    return emitBranch(newMap([...items, { key: METADATA_KEY, value: metadata }]), options);
  },

  emitValue(value: Value, options?: EmitOptions): Uint8Array {
    // sops re-indents the encoded value and adds no newline (`EmitValue`).
    return utf8.encode(formatJsonValue(value, jsonIndentString(options?.indent)));
  },

  looksEncrypted(branches: Branches): boolean {
    return branches[0]?.items.some((item) => item.key === METADATA_KEY) ?? false;
  },
};
