/**
 * Master keys and key groups as they appear in a file's metadata (spec §3.1). Only age keys are
 * usable by tsops; every other type is carried as its raw map so a rewrite preserves it exactly.
 */
import type { TreeMap } from './tree.js';

/** Metadata key-type names, in sops' internal group order (spec §3.2). */
export const KEY_TYPES = ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'pgp', 'age'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export type ForeignKeyType = Exclude<KeyType, 'age'>;

export interface AgeMasterKey {
  type: 'age';
  /** The recipient string as written (`age1…`, `age1pq1…`, `ssh-ed25519 …`, `ssh-rsa …`). */
  recipient: string;
  /** The armored age file wrapping the data key or this group's Shamir share. */
  enc: string;
}

/** A key of a type tsops cannot use: kept verbatim (all fields, in the file's order). */
export interface ForeignMasterKey {
  type: ForeignKeyType;
  fields: TreeMap;
}

export type MasterKey = AgeMasterKey | ForeignMasterKey;
export type KeyGroup = MasterKey[];

/** The six value selectors (spec §1.6); a file or rule uses at most one. */
export const SELECTOR_KINDS = [
  'unencrypted_suffix',
  'encrypted_suffix',
  'unencrypted_regex',
  'encrypted_regex',
  'unencrypted_comment_regex',
  'encrypted_comment_regex',
] as const;
export type SelectorKind = (typeof SELECTOR_KINDS)[number];
export interface Selector {
  kind: SelectorKind;
  value: string;
}
export const DEFAULT_SELECTOR: Selector = { kind: 'unencrypted_suffix', value: '_unencrypted' };
