/**
 * Keys of `.sops.yaml` that sops never reads. go-yaml decodes the file into sops' structs without
 * strict mode, so an unknown key is dropped silently: a rule whose `path_regex` is misspelled
 * becomes a catch-all and encrypts to whoever it lists. Each such key gets a warning naming the
 * key, where it is (the rule's index) and the file. The field sets are those of sops'
 * `config/config.go` (configFile, creationRule, keyGroup, kmsKey, …, StoresConfig).
 */
import type { YNode } from './yaml-value.js';

type Shape = { readonly [key: string]: Shape | 'leaf' | { list: Shape } };

const LEAF = 'leaf' as const;
const INDENT_STORE: Shape = { indent: LEAF };
const KMS_KEY: Shape = { arn: LEAF, role: LEAF, context: LEAF, aws_profile: LEAF };
// sops' development tree also reads `plugins` and `timeout`; a key a newer sops reads is no typo.
const PLUGIN_KEY: Shape = { binary_name: LEAF, instance_id: LEAF, config: LEAF, timeout: LEAF };

const KEY_GROUP: Shape = {
  kms: { list: KMS_KEY },
  gcp_kms: { list: { resource_id: LEAF } },
  hckms: { list: { key_id: LEAF } },
  azure_keyvault: { list: { vaultUrl: LEAF, key: LEAF, version: LEAF } },
  hc_vault: LEAF,
  age: LEAF,
  pgp: LEAF,
  plugins: { list: PLUGIN_KEY },
};
// keyGroup.merge holds key groups itself
(KEY_GROUP as Record<string, unknown>)['merge'] = { list: KEY_GROUP };

const CREATION_RULE: Shape = {
  path_regex: LEAF,
  timeout: LEAF,
  kms: LEAF,
  aws_profile: LEAF,
  age: LEAF,
  pgp: LEAF,
  gcp_kms: LEAF,
  hckms: LEAF,
  azure_keyvault: LEAF,
  hc_vault_transit_uri: LEAF,
  key_groups: { list: KEY_GROUP },
  shamir_threshold: LEAF,
  plugins: { list: PLUGIN_KEY },
  unencrypted_suffix: LEAF,
  encrypted_suffix: LEAF,
  unencrypted_regex: LEAF,
  encrypted_regex: LEAF,
  unencrypted_comment_regex: LEAF,
  encrypted_comment_regex: LEAF,
  mac_only_encrypted: LEAF,
};

const DESTINATION_RULE: Shape = {
  path_regex: LEAF,
  s3_bucket: LEAF,
  s3_prefix: LEAF,
  gcs_bucket: LEAF,
  gcs_prefix: LEAF,
  vault_path: LEAF,
  vault_address: LEAF,
  vault_kv_mount_name: LEAF,
  vault_kv_version: LEAF,
  recreation_rule: CREATION_RULE,
  omit_extensions: LEAF,
};

const CONFIG_FILE: Shape = {
  creation_rules: { list: CREATION_RULE },
  destination_rules: { list: DESTINATION_RULE },
  stores: { dotenv: {}, ini: {}, json_binary: INDENT_STORE, json: INDENT_STORE, yaml: INDENT_STORE },
};

/** One key sops would not read. */
export interface UnknownKey {
  /** The key as written. */
  key: string;
  /** Where it sits, e.g. `creation_rules[0]` or `stores.yaml`; empty at the top level. */
  at: string;
  /** A known key of that place it is probably a misspelling of. */
  suggestion?: string;
  /** Set when the key sits in a creation rule that has no `path_regex`, so it matches every file. */
  catchAll?: boolean;
}

/** Levenshtein distance, cut off above `max` (the keys are short). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replaceAll('-', '_');
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = lower === k.toLowerCase() ? 0 : distance(lower, k, 2);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

const NONE: ReadonlySet<string> = new Set();

/** Collect the keys sops does not read; unknown keys named in `skip` are left out. */
function walk(node: YNode, shape: Shape, at: string, out: UnknownKey[], skip: ReadonlySet<string> = NONE): void {
  if (node.kind !== 'map') return; // a wrong type is the parser's error to report
  const known = Object.keys(shape);
  const catchAll = shape === CREATION_RULE && /^creation_rules\[\d+\]$/.test(at) && !node.entries.has('path_regex');
  for (const [key, value] of node.entries) {
    const child = shape[key];
    if (child === undefined && skip.has(key)) continue;
    const here = at === '' ? key : `${at}.${key}`;
    if (child === undefined) {
      const suggestion = suggest(key, known);
      out.push({ key, at, ...(suggestion === undefined ? {} : { suggestion }), ...(catchAll ? { catchAll } : {}) });
    } else if (child === LEAF) {
      continue;
    } else if ('list' in child && typeof child.list === 'object') {
      if (value.kind !== 'seq') continue;
      value.items.forEach((item, i) => walk(item, child.list as Shape, `${here}[${i}]`, out));
    } else {
      walk(value, child as Shape, here, out);
    }
  }
}

/**
 * Every key of a `.sops.yaml` document that sops does not read, in document order. Top-level
 * keys in `anchorHolders` are left out: a section that only defines YAML anchors for the rules
 * (`keys: [&admin age1…]`, the sops-nix layout) is unread on purpose.
 */
export function findUnknownKeys(root: YNode, anchorHolders: ReadonlySet<string> = NONE): UnknownKey[] {
  const out: UnknownKey[] = [];
  // skipped before a spelling suggestion is looked for: nearly every sops-nix file has one
  walk(root, CONFIG_FILE, '', out, anchorHolders);
  return out;
}

/** The warning line for one unknown key (without the `tsops: warning:` prefix). */
export function formatUnknownKey(file: string, u: UnknownKey): string {
  const where = u.at === '' ? 'at the top level' : `in ${u.at}`;
  let line = `${file}: unknown key ${JSON.stringify(u.key)} ${where} is ignored, as sops ignores it`;
  if (u.suggestion !== undefined) line += ` (did you mean ${JSON.stringify(u.suggestion)}?)`;
  if (u.catchAll && u.suggestion === 'path_regex') line += '; without path_regex this rule matches every file';
  return line;
}
