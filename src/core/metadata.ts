/**
 * The `sops` metadata block (spec §3): typed view of the raw map a store reads, and the raw map
 * written back in sops 3.13 layout (every map's keys sorted, typed scalars).
 */
import { TsopsError } from '../errors.js';
import {
  KEY_TYPES,
  SELECTOR_KINDS,
  DEFAULT_SELECTOR,
  type ForeignKeyType,
  type KeyGroup,
  type KeyType,
  type MasterKey,
  type Selector,
  type SelectorKind,
} from './keys-model.js';
import { Comment, isList, isMap, newList, newMap, type MapItem, type TreeMap, type Value } from './tree.js';

/** The sops version tsops writes: readers (sops, sops-nix) require a semver here (§3.1). */
export const SOPS_FORMAT_VERSION = '3.13.2';

export interface Metadata {
  keyGroups: KeyGroup[];
  /** 0 means "all groups" (only meaningful with ≥ 2 groups). */
  shamirThreshold: number;
  lastModified: string;
  mac: string;
  macOnlyEncrypted: boolean;
  /** The selector in use; undefined only for binary files. */
  selector: Selector | undefined;
  version: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The deepest nesting accepted inside the `sops` block (the block itself is level 1). sops' own
 * layout needs 5 (`key_groups` → group → key type → key → field); the bound keeps the recursive
 * code that sorts and flattens metadata far from the call stack's limit.
 */
export const MAX_METADATA_DEPTH = 64;

/** How many maps and lists nest in `v` (a scalar is 0); iterative, so any input is safe. */
function nestingDepth(v: Value): number {
  let deepest = 0;
  const pending: Array<[Value, number]> = [[v, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (isMap(value)) {
      deepest = Math.max(deepest, depth + 1);
      for (const item of value.items) pending.push([item.value, depth + 1]);
    } else if (isList(value)) {
      deepest = Math.max(deepest, depth + 1);
      for (const item of value.items) if (!(item instanceof Comment)) pending.push([item, depth + 1]);
    }
  }
  return deepest;
}

function invalid(message: string): TsopsError {
  return new TsopsError('INVALID_METADATA', `invalid sops metadata: ${message}`);
}

/** Field lookup ignoring letter case (sops decodes metadata with mapstructure). */
function fieldsOf(map: TreeMap): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const item of map.items) {
    if (item.key instanceof Comment) continue;
    const k = item.key.toLowerCase();
    if (!out.has(k)) out.set(k, item.value);
  }
  return out;
}

function asString(v: Value | undefined, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'object' && 'text' in v) return v.text;
  throw invalid(`${field} must be a string`);
}

function asBool(v: Value | undefined, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1' || t === 't') return true;
    if (t === 'false' || t === '0' || t === 'f' || t === '') return false;
  }
  throw invalid(`${field} must be a boolean`);
}

function asInt(v: Value | undefined, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v.trim());
  throw invalid(`${field} must be an integer`);
}

function listItems(v: Value | undefined, field: string): Value[] {
  if (v === undefined || v === null) return [];
  if (!isList(v)) throw invalid(`${field} must be a list`);
  return v.items.filter((x): x is Value => !(x instanceof Comment));
}

function readGroup(fields: Map<string, Value>, where: string): KeyGroup {
  const group: KeyGroup = [];
  // sops' internal order of key types within a group (§3.2).
  for (const type of KEY_TYPES) {
    for (const [i, entry] of listItems(fields.get(type), `${where}${type}`).entries()) {
      const at = `${where}${type}[${i}]`;
      if (!isMap(entry)) throw invalid(`${at} must be a mapping`);
      if (type === 'age') {
        const f = fieldsOf(entry);
        const recipient = asString(f.get('recipient'), `${at}.recipient`);
        if (!recipient) throw invalid(`${at} has no recipient`);
        group.push({ type: 'age', recipient: recipient.trim(), enc: asString(f.get('enc'), `${at}.enc`) ?? '' });
      } else {
        const createdAt = asString(fieldsOf(entry).get('created_at'), `${at}.created_at`);
        if (createdAt !== undefined && !RFC3339.test(createdAt)) throw invalid(`${at}.created_at is not an RFC 3339 time`);
        group.push({ type, fields: entry });
      }
    }
  }
  return group;
}

/** Interpret a raw `sops` map. Throws INVALID_METADATA with a one-line reason. */
export function parseMetadata(raw: TreeMap): Metadata {
  if (nestingDepth(raw) > MAX_METADATA_DEPTH) throw invalid(`nested deeper than ${MAX_METADATA_DEPTH} levels`);
  const f = fieldsOf(raw);
  let keyGroups: KeyGroup[];
  const rawGroups = listItems(f.get('key_groups'), 'key_groups');
  if (rawGroups.length > 0) {
    keyGroups = rawGroups.map((g, i) => {
      if (!isMap(g)) throw invalid(`key_groups[${i}] must be a mapping`);
      return readGroup(fieldsOf(g), `key_groups[${i}].`);
    });
  } else {
    const group = readGroup(f, '');
    keyGroups = group.length > 0 ? [group] : [];
  }
  if (keyGroups.length === 0) throw invalid('no keys found in file');

  const lastModified = asString(f.get('lastmodified'), 'lastmodified') ?? '';
  if (!RFC3339.test(lastModified)) throw invalid('lastmodified is not an RFC 3339 time');

  const selectors: Selector[] = [];
  for (const kind of SELECTOR_KINDS) {
    const value = asString(f.get(kind), kind);
    if (value) selectors.push({ kind, value });
  }
  if (selectors.length > 1) {
    throw invalid(`cannot use more than one of ${SELECTOR_KINDS.join(', ')} in the same file`);
  }

  return {
    keyGroups,
    shamirThreshold: asInt(f.get('shamir_threshold'), 'shamir_threshold'),
    lastModified,
    mac: asString(f.get('mac'), 'mac') ?? '',
    macOnlyEncrypted: asBool(f.get('mac_only_encrypted'), 'mac_only_encrypted'),
    selector: selectors[0] ?? DEFAULT_SELECTOR,
    version: asString(f.get('version'), 'version') ?? '',
  };
}

function sortedMap(items: MapItem[]): TreeMap {
  return newMap(
    items
      .filter((i) => !(i.key instanceof Comment))
      .sort((a, b) => compareBytes(a.key as string, b.key as string))
      .map((i) => ({ key: i.key, value: sortDeep(i.value) })),
  );
}

function sortDeep(v: Value): Value {
  if (isMap(v)) return sortedMap(v.items);
  if (isList(v)) return newList(v.items.filter((x): x is Value => !(x instanceof Comment)).map(sortDeep));
  return v;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function groupLists(group: KeyGroup, alwaysAgeAndVault: boolean): MapItem[] {
  const byType = new Map<KeyType, Value[]>();
  for (const key of group) {
    const list = byType.get(key.type) ?? [];
    list.push(key.type === 'age' ? newMap([{ key: 'enc', value: key.enc }, { key: 'recipient', value: key.recipient }]) : key.fields);
    byType.set(key.type, list);
  }
  const items: MapItem[] = [];
  for (const type of KEY_TYPES) {
    const list = byType.get(type);
    if (list && list.length > 0) items.push({ key: type, value: newList(list) });
    // A struct-tag quirk of sops: inside key_groups, `age` and `hc_vault` are always written (§3.1).
    else if (alwaysAgeAndVault && (type === 'age' || type === 'hc_vault')) items.push({ key: type, value: newList() });
  }
  return items;
}

/** The raw map to store, in sops 3.13 layout: all keys sorted, typed values (§3.1, §12). */
export function formatMetadata(m: Metadata): TreeMap {
  const items: MapItem[] = [];
  if (m.keyGroups.length === 1) items.push(...groupLists(m.keyGroups[0]!, false));
  else items.push({ key: 'key_groups', value: newList(m.keyGroups.map((g) => sortedMap(groupLists(g, true)))) });
  items.push({ key: 'lastmodified', value: m.lastModified });
  items.push({ key: 'mac', value: m.mac });
  if (m.macOnlyEncrypted) items.push({ key: 'mac_only_encrypted', value: true });
  if (m.shamirThreshold > 0) items.push({ key: 'shamir_threshold', value: BigInt(m.shamirThreshold) });
  if (m.selector && m.selector.value !== '') items.push({ key: m.selector.kind, value: m.selector.value });
  items.push({ key: 'version', value: m.version });
  return sortedMap(items);
}

function stringField(key: MasterKey, name: string): string {
  if (key.type === 'age') return key.recipient;
  const v = fieldsOf(key.fields).get(name);
  return typeof v === 'string' ? v : '';
}

/** sops' ToString of a master key: what `--rm-*` and updatekeys compare (§4.4). */
export function masterKeyId(key: MasterKey): string {
  switch (key.type) {
    case 'age':
      return key.recipient;
    case 'pgp':
      return stringField(key, 'fp');
    case 'kms':
      return stringField(key, 'arn');
    case 'gcp_kms':
      return stringField(key, 'resource_id');
    case 'azure_kv':
      return `${stringField(key, 'vault_url')}/keys/${stringField(key, 'name')}/${stringField(key, 'version')}`;
    case 'hc_vault':
      return `${stringField(key, 'vault_address')}/v1/${stringField(key, 'engine_path')}/keys/${stringField(key, 'key_name')}`;
    case 'hckms':
      return stringField(key, 'key_id');
  }
}

export function isForeignKeyType(t: string): t is ForeignKeyType {
  return (KEY_TYPES as readonly string[]).includes(t) && t !== 'age';
}

export type { SelectorKind };
