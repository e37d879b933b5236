/**
 * The YAML store (spec §6.1): one branch per document, comments kept as tree items, the `sops`
 * metadata map appended to every document on write (§3.3), output byte-compatible with sops
 * (go-yaml v3 at indent 4 by default).
 *
 * Non-string mapping keys (`1:`, `true:`) are kept in the tree as their source text, but sops
 * refuses to walk such a tree (§9), so `parsePlain` rejects them (ENCRYPT_TREE, exit 23) and
 * `parseEncrypted` does too when the file has metadata (DECRYPT_TREE, exit 25); sops never writes
 * such keys, so every file it encrypted still decrypts.
 */
import { TsopsError } from '../../errors.js';
import { Comment, getKey, isList, isMap, newList, newMap } from '../../core/tree.js';
import type { Branches, TreeMap, Value } from '../../core/tree.js';
import type { EmitOptions, EncryptedDocument, Store } from '../format.js';
import { emitYamlDocuments, emitYamlValue } from './emit/events.js';
import { parseYaml } from './parse/index.js';
import type { ParsedYaml } from './parse/result.js';

const encoder = new TextEncoder();


function nonStringKeyError(parsed: ParsedYaml, code: 'ENCRYPT_TREE' | 'DECRYPT_TREE'): TsopsError {
  const k = parsed.nonStringKey!;
  return new TsopsError(code, `yaml key ${JSON.stringify(k.text)} at line ${k.line} is not a string: only string keys are supported`, {
    hint: `quote the key, e.g. "${k.text}":`,
  });
}

/** sops' `--indent` rule for YAML: default 4, outside 2..9 becomes 2, negative is an error. */
export function yamlIndent(options: EmitOptions | undefined): number {
  const indent = options?.indent;
  if (indent === undefined || indent === 0) return 4;
  if (indent < 0) throw new TsopsError('DUMP_TREE', 'yaml negative indentation not accepted', { hint: 'use an indent between 2 and 9' });
  return indent < 2 || indent > 9 ? 2 : indent;
}

/** A metadata value without comment items (sops ignores comments in its metadata). */
function stripComments(v: Value): Value {
  if (isMap(v)) return newMap(v.items.filter((i) => !(i.key instanceof Comment)).map((i) => ({ key: i.key, value: stripComments(i.value) })));
  if (isList(v)) return newList(v.items.filter((i): i is Value => !(i instanceof Comment)).map(stripComments));
  return v;
}

function extractMetadata(branches: Branches): TreeMap | undefined {
  const first = branches[0];
  let metadata: TreeMap | undefined;
  if (first !== undefined) {
    const entries = first.items.filter((i) => i.key === 'sops');
    if (entries.length > 1) throw new TsopsError('INVALID_METADATA', 'yaml: found duplicate sops entry', { hint: 'keep a single top-level sops key' });
    const value = entries[0]?.value;
    if (entries.length === 1) {
      if (!isMap(value)) throw new TsopsError('INVALID_METADATA', 'yaml: found sops entry that is not a mapping');
      metadata = stripComments(value) as TreeMap;
    }
  }
  for (const b of branches) b.items = b.items.filter((i) => i.key !== 'sops');
  return metadata;
}

export const yamlStore: Store = {
  name: 'yaml',

  parsePlain(data: Uint8Array): Branches {
    const parsed = parseYaml(data);
    if (parsed.nonStringKey !== undefined) throw nonStringKeyError(parsed, 'ENCRYPT_TREE');
    return parsed.branches;
  },

  parseEncrypted(data: Uint8Array): EncryptedDocument {
    const parsed = parseYaml(data);
    const metadata = extractMetadata(parsed.branches);
    if (metadata !== undefined && parsed.nonStringKey !== undefined) throw nonStringKeyError(parsed, 'DECRYPT_TREE');
    return { branches: parsed.branches, metadata };
  },

  emitPlain(branches: Branches, options?: EmitOptions): Uint8Array {
    return encoder.encode(emitYamlDocuments(branches, yamlIndent(options)));
  },

  emitEncrypted(branches: Branches, metadata: TreeMap, options?: EmitOptions): Uint8Array {
    const withMetadata = branches.map((b) => newMap([...b.items, { key: 'sops', value: metadata }]));
    return encoder.encode(emitYamlDocuments(withMetadata, yamlIndent(options)));
  },

  emitValue(value: Value): Uint8Array {
    return encoder.encode(emitYamlValue(value));
  },

  looksEncrypted(branches: Branches): boolean {
    const first = branches[0];
    return first !== undefined && getKey(first, 'sops') !== undefined;
  },
};
