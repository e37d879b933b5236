/**
 * The Store interface (spec §6): every file format converts bytes ⇄ branches. Encrypted files
 * carry the `sops` metadata as a raw map; core/metadata.ts gives it meaning, so stores only
 * know where the block sits in their layout (nested key, `sops_` lines, `[sops]` section).
 */
import type { Branches, TreeMap, Value } from '../core/tree.js';

export type FormatName = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

export const FORMAT_NAMES: readonly FormatName[] = ['yaml', 'json', 'dotenv', 'ini', 'binary'];

export interface EmitOptions {
  /**
   * Indentation. YAML: spaces (default 4; outside 2..9 becomes 2; negative is an error).
   * JSON: -1 (default) is a tab, N ≥ 0 is N spaces.
   */
  indent?: number;
}

export interface EncryptedDocument {
  branches: Branches;
  /** The raw `sops` map, or undefined when the file has none. */
  metadata: TreeMap | undefined;
}

export interface Store {
  readonly name: FormatName;
  /** Parse a plaintext file. Throws TsopsError(PARSE_INPUT) with a one-line message. */
  parsePlain(data: Uint8Array): Branches;
  /** Parse a file that may carry sops metadata; the metadata is removed from the branches. */
  parseEncrypted(data: Uint8Array): EncryptedDocument;
  /** Write plaintext branches. */
  emitPlain(branches: Branches, options?: EmitOptions): Uint8Array;
  /** Write branches plus the raw metadata map, in this store's layout. */
  emitEncrypted(branches: Branches, metadata: TreeMap, options?: EmitOptions): Uint8Array;
  /** Encode one value for `--extract` of a non-string, non-map value. */
  emitValue(value: Value, options?: EmitOptions): Uint8Array;
  /** Whether plaintext branches already look encrypted (spec §9): `sops` key / `sops_` keys. */
  looksEncrypted(branches: Branches): boolean;
}

/** The format sops picks for a file name (spec §6): unknown extensions are binary. */
export function formatForPath(path: string): FormatName {
  // Case-sensitive suffixes, as sops' formats.go checks them (`.env` alone is dotenv too).
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.env')) return 'dotenv';
  if (path.endsWith('.ini')) return 'ini';
  return 'binary';
}

/** Parse a `--input-type`/`--output-type` value; unknown values are ignored like sops does. */
export function parseFormatName(s: string | undefined): FormatName | undefined {
  if (s === undefined) return undefined;
  return (FORMAT_NAMES as readonly string[]).includes(s) ? (s as FormatName) : undefined;
}
