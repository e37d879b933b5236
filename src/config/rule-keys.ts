/**
 * The master keys a creation rule names (spec §4.2, §7.2, §7.3), built as sops'
 * `getKeyGroupsFromCreationRule` builds them: the rule's own key fields form one group in the
 * order age, pgp, kms, gcp_kms, hckms, azure_keyvault, hc_vault_transit_uri (no de-duplication);
 * each `key_groups` entry lists its `merge` groups first, then age, pgp, kms, gcp_kms, hckms,
 * azure_keyvault, hc_vault, and drops duplicates (same type and identity string).
 */
import type { RuleKey, RuleKeyGroup } from './types.js';
import { mustNotBeShown } from '../keys/secret-guard.js';
import {
  FieldError,
  readItems,
  readMap,
  readString,
  readStringList,
  readStringOrList,
  type YNode,
} from './yaml-value.js';

/** A `key_groups` entry, type-checked as go-yaml decodes it into sops' `keyGroup` struct. */
export interface KeyGroupSpec {
  at: string;
  merge: KeyGroupSpec[];
  age: string[];
  pgp: string[];
  kms: Array<{ arn: string; role: string; context: Record<string, string | null> | undefined; awsProfile: string }>;
  gcpKms: string[];
  hckms: string[];
  azure: Array<{ vaultUrl: string; key: string; version: string }>;
  hcVault: string[];
}

/** Read a `key_groups` entry; wrong types throw FieldError (sops fails to load such a file). */
export function readKeyGroupSpec(node: YNode, at: string): KeyGroupSpec {
  const m = readMap(node, at);
  const structs = (field: string): Array<[Map<string, YNode>, string]> =>
    readItems(m.get(field), `${at}.${field}`).map((item) => [readMap(item.node, item.at), item.at]);
  return {
    at,
    merge: readItems(m.get('merge'), `${at}.merge`).map((g) => readKeyGroupSpec(g.node, g.at)),
    age: readStringList(m.get('age'), `${at}.age`),
    pgp: readStringList(m.get('pgp'), `${at}.pgp`),
    kms: structs('kms').map(([k, kat]) => ({
      arn: readString(k.get('arn'), `${kat}.arn`),
      role: readString(k.get('role'), `${kat}.role`),
      context: readContext(k.get('context'), `${kat}.context`),
      awsProfile: readString(k.get('aws_profile'), `${kat}.aws_profile`),
    })),
    gcpKms: structs('gcp_kms').map(([k, kat]) => readString(k.get('resource_id'), `${kat}.resource_id`)),
    hckms: structs('hckms').map(([k, kat]) => readString(k.get('key_id'), `${kat}.key_id`)),
    azure: structs('azure_keyvault').map(([k, kat]) => ({
      vaultUrl: readString(k.get('vaultUrl'), `${kat}.vaultUrl`),
      key: readString(k.get('key'), `${kat}.key`),
      version: readString(k.get('version'), `${kat}.version`),
    })),
    hcVault: readStringList(m.get('hc_vault'), `${at}.hc_vault`),
  };
}

function readContext(node: YNode | undefined, at: string): Record<string, string | null> | undefined {
  const m = readMap(node, at);
  if (m.size === 0) return undefined;
  const out: Record<string, string | null> = {};
  for (const [k, v] of m) out[k] = v.kind === 'scalar' && v.value === null ? null : readString(v, `${at}.${k}`);
  return out;
}

/** The rule's own key fields, kept raw: sops checks their shape only when the rule is used. */
export interface TopLevelKeys {
  at: string;
  age: YNode | undefined;
  pgp: YNode | undefined;
  kms: YNode | undefined;
  gcpKms: YNode | undefined;
  hckms: string[];
  azure: YNode | undefined;
  hcVault: YNode | undefined;
  awsProfile: string;
}

const removeSpaces = (s: string): string => s.replaceAll(' ', '');

/** sops' parseKeyField: a string is split on commas, trimmed, empty elements skipped; a list is kept as is. */
function keyField(node: YNode | undefined, at: string): string[] {
  const v = readStringOrList(node, at);
  if (typeof v !== 'string') return v;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Recipients from comma lists joined and split again, as `age.MasterKeysFromRecipients` does. */
function ageRecipients(items: string[], at: string): string[] {
  const joined = items.join(',');
  if (joined === '') return [];
  return joined.split(',').map((r) => {
    const trimmed = r.trim();
    if (trimmed === '') {
      // never quote a list holding what looks like a secret key pasted by mistake
      const shown = mustNotBeShown(joined) ? '' : ` ${JSON.stringify(joined)}`;
      throw new FieldError(at, `empty recipient in comma-separated list${shown}`);
    }
    return trimmed;
  });
}

function ageKeys(recipients: string[], at: string): RuleKey[] {
  return recipients.map((id) => ({ type: 'age', id, at }));
}

function pgpKey(fp: string): RuleKey {
  const id = removeSpaces(fp);
  return { type: 'pgp', id, fields: { fp: id } };
}

function kmsKey(arn: string, role: string, context: Record<string, string | null> | undefined, awsProfile: string): RuleKey {
  const fields: Record<string, unknown> = { arn };
  if (role !== '') fields['role'] = role;
  if (context !== undefined) fields['context'] = context;
  if (awsProfile !== '') fields['aws_profile'] = awsProfile;
  return { type: 'kms', id: arn, fields };
}

/** `kms.NewMasterKeyFromArn`: spaces removed, a `+arn:aws:iam::…` suffix is the role. */
function kmsKeyFromArnString(s: string, awsProfile: string): RuleKey {
  const arn = removeSpaces(s);
  const roleIndex = arn.indexOf('+arn:aws:iam::');
  return roleIndex > 0
    ? kmsKey(arn.slice(0, roleIndex), arn.slice(roleIndex + 1), undefined, awsProfile)
    : kmsKey(arn, '', undefined, awsProfile);
}

function gcpKey(resourceId: string): RuleKey {
  const id = removeSpaces(resourceId);
  return { type: 'gcp_kms', id, fields: { resource_id: id } };
}

/** `hckms.NewMasterKey`: a `region:key-uuid` id. */
function hckmsKey(keyId: string, at: string): RuleKey {
  const trimmed = keyId.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 0) throw new FieldError(at, `invalid key ID format: expected 'region:key-uuid', got ${JSON.stringify(trimmed)}`);
  if (trimmed.slice(0, colon).trim() === '') throw new FieldError(at, `region cannot be empty in key ID: ${JSON.stringify(trimmed)}`);
  if (trimmed.slice(colon + 1).trim() === '') throw new FieldError(at, `key UUID cannot be empty in key ID: ${JSON.stringify(trimmed)}`);
  return { type: 'hckms', id: keyId, fields: { key_id: keyId } };
}

function azureKey(vaultUrl: string, key: string, version: string): RuleKey {
  // sops asks Azure for the latest version when none is given; tsops cannot, so it stays empty.
  return { type: 'azure_kv', id: `${vaultUrl}/keys/${key}/${version}`, fields: { vaultUrl, key, version } };
}

/** `azkv.NewMasterKeyFromURL`: `https://<vault>/keys/<name>[/<version>]`. */
function azureKeyFromUrl(url: string, at: string): RuleKey {
  const trimmed = url.trim();
  const m = /^(https:\/\/[^/]+)\/keys\/([^/]+)(\/[^/]*)?$/.exec(trimmed);
  if (m === null) throw new FieldError(at, `could not parse ${JSON.stringify(trimmed)} into a valid Azure Key Vault MasterKey`);
  const version = m[3] !== undefined && m[3].length > 1 ? m[3].slice(1) : '';
  return azureKey(m[1] as string, m[2] as string, version);
}

/** `hcvault.NewMasterKeyFromURI`: `<scheme>://<host>/v1/<engine path>/keys/<name>`. */
function vaultKey(uri: string, at: string): RuleKey {
  const example = 'https://vault.example.com:8200/v1/transit/keys/keyName';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) {
    throw new FieldError(at, `missing scheme in Vault URL (should be like this: ${example}), got: ${uri}`);
  }
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new FieldError(at, `could not parse Vault URL ${JSON.stringify(uri)}`);
  }
  const requestUri = (u.pathname === '' ? '/' : u.pathname) + u.search;
  if (/\/[^/]+\/v[0-9]+\/[^/]+\/[^/]+\/[^/]+/.test(requestUri)) {
    throw new FieldError(at, `running Vault with a prefixed URL is not supported! (Format has to be like ${example})`);
  }
  if (!/\/v[0-9]+\/[^/]+\/[^/]+\/[^/]+/.test(requestUri)) {
    throw new FieldError(at, `vault path does not seem to be formatted correctly: (eg. ${example})`);
  }
  const dirs = requestUri.replace(/^\/+|\/+$/g, '').split('/');
  const keyName = dirs[dirs.length - 1] as string;
  const enginePath = dirs.slice(1, -2).filter((d) => d !== '').join('/');
  const address = `${u.protocol}//${u.host}`;
  return {
    type: 'hc_vault',
    id: `${address}/v1/${enginePath}/keys/${keyName}`,
    fields: { vault_address: address, engine_path: enginePath, key_name: keyName },
  };
}

/** Split a comma list the way the non-age `…FromString` constructors do ("" means none). */
function commaJoinedSplit(items: string[]): string[] {
  const joined = items.join(',');
  return joined === '' ? [] : joined.split(',');
}

/** The single group built from a rule's own key fields. Throws FieldError for malformed keys. */
export function buildTopLevelGroup(keys: TopLevelKeys): RuleKeyGroup {
  const at = keys.at;
  const group: RuleKey[] = [];
  const age = keyField(keys.age, `${at}.age`);
  group.push(...ageKeys(ageRecipients(age, `${at}.age`), `${at}.age`));
  const pgp = keyField(keys.pgp, `${at}.pgp`);
  group.push(...commaJoinedSplit(pgp).map(pgpKey));
  const kms = keyField(keys.kms, `${at}.kms`);
  group.push(...commaJoinedSplit(kms).map((s) => kmsKeyFromArnString(s, keys.awsProfile)));
  const gcp = keyField(keys.gcpKms, `${at}.gcp_kms`);
  group.push(...commaJoinedSplit(gcp).map(gcpKey));
  for (const id of commaJoinedSplit(keys.hckms)) {
    if (id.trim() !== '') group.push(hckmsKey(id.trim(), `${at}.hckms`));
  }
  const azure = keyField(keys.azure, `${at}.azure_keyvault`);
  group.push(...commaJoinedSplit(azure).map((u) => azureKeyFromUrl(u, `${at}.azure_keyvault`)));
  const vault = keyField(keys.hcVault, `${at}.hc_vault_transit_uri`);
  for (const uri of commaJoinedSplit(vault)) if (uri !== '') group.push(vaultKey(uri, `${at}.hc_vault_transit_uri`));
  return group;
}

/** One `key_groups` entry with its merges flattened and duplicates dropped. */
export function buildKeyGroup(spec: KeyGroupSpec): RuleKeyGroup {
  const group: RuleKey[] = [];
  for (const sub of spec.merge) group.push(...buildKeyGroup(sub));
  spec.age.forEach((item, i) => group.push(...ageKeys(ageRecipients([item], `${spec.at}.age[${i}]`), `${spec.at}.age[${i}]`)));
  group.push(...spec.pgp.map(pgpKey));
  group.push(...spec.kms.map((k) => kmsKey(k.arn, k.role, k.context, k.awsProfile)));
  group.push(...spec.gcpKms.map(gcpKey));
  spec.hckms.forEach((id, i) => group.push(hckmsKey(id, `${spec.at}.hckms[${i}].key_id`)));
  group.push(...spec.azure.map((k) => azureKey(k.vaultUrl, k.key, k.version)));
  // An empty URI gives sops a nil key; skipping it is the only sensible reading.
  spec.hcVault.forEach((uri, i) => {
    if (uri !== '') group.push(vaultKey(uri, `${spec.at}.hc_vault[${i}]`));
  });
  const seen = new Set<string>();
  return group.filter((k) => {
    const key = `${k.type}/${k.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
