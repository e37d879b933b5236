/**
 * The parsed `.sops.yaml` (spec §7.2): creation rules with their keys resolved to sops' identity
 * strings, and the per-store options.
 */
import type { TsopsError } from '../errors.js';
import type { KeyType, Selector } from '../core/keys-model.js';
import type { GoRegex } from '../core/regex.js';

/**
 * One master key named by a rule. `id` is sops' `ToString()` of the key, which is also what sops
 * compares to drop duplicates: age ⇒ recipient; pgp ⇒ fingerprint; kms ⇒ ARN (role, context and
 * profile are in `fields` and do not count); gcp_kms ⇒ resource id; azure_kv ⇒
 * `<vaultUrl>/keys/<name>/<version>`; hc_vault ⇒ `<address>/v1/<engine>/keys/<name>`;
 * hckms ⇒ key id.
 */
export interface RuleKey {
  type: KeyType;
  id: string;
  /** The key's metadata fields (as sops writes them) for types other than age. */
  fields?: Record<string, unknown>;
  /** Where the rule names it, e.g. `creation_rules[2].age`, for errors about the key. */
  at?: string;
}

export type RuleKeyGroup = RuleKey[];

export interface CreationRule {
  /** Position in `creation_rules`, for messages. */
  index: number;
  /** The `path_regex` text; undefined or empty matches every file. */
  pathRegex?: string;
  /** `pathRegex` compiled once (Go RE2 semantics); absent when empty or invalid. */
  regex?: GoRegex;
  keyGroups: RuleKeyGroup[];
  shamirThreshold: number;
  /** The rule's one selector, if it sets any (spec §1.6). */
  selector?: Selector;
  macOnlyEncrypted: boolean;
  /**
   * Set when `path_regex` does not compile. sops compiles it only when matching reaches the
   * rule (§7.3), so the error is raised then, not when the file is loaded.
   */
  regexError?: TsopsError;
  /**
   * Set when the rule cannot be used (several selectors, malformed keys). sops checks this only
   * for the rule that matched, so it is raised then.
   */
  ruleError?: TsopsError;
}

export interface StoresConfig {
  yaml?: { indent?: number };
  json?: { indent?: number };
  json_binary?: { indent?: number };
  dotenv?: Record<string, never>;
  ini?: Record<string, never>;
}

export interface SopsConfig {
  /** Absolute path of the config file. */
  path: string;
  /** Absolute directory of the config file; rule paths are matched relative to it. */
  dir: string;
  /** undefined when the file has no `creation_rules` (sops then behaves as if there were no config). */
  creationRules: CreationRule[] | undefined;
  stores: StoresConfig;
  /** One line per key sops would not read (a typo sops ignores silently), for the caller to show. */
  warnings?: string[];
  /** Names given to keys by YAML anchors (`- &alice age1…`): key identity → anchor name. */
  recipientNames?: ReadonlyMap<string, string>;
}
