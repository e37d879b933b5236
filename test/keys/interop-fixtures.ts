/**
 * Just enough reading of the interop fixtures' `sops` blocks to get their key groups: the age
 * keys (and any PGP keys, as foreign keys) of each file, and the data key its derived JSON
 * records. Tests of the keys module use it; the full metadata parser lives elsewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KeyGroup, MasterKey } from '../../src/core/keys-model.js';
import { newMap } from '../../src/core/tree.js';
import { interopDir, interopSkip } from '../helpers/interop.js';

export interface AgeFixture {
  /** Path relative to the interop directory. */
  name: string;
  file: string;
  format: string;
  group: KeyGroup;
  dataKeyHex: string;
  /** The age stanzas the derived JSON marks as decryptable with the folder's keys. */
  stanzas: Array<{ recipient: string; ok: boolean }>;
}

/** Key files of each fixture folder (interop README). */
export const KEY_FILES: Record<string, string[]> = {
  'getsops-sops-pr1031-examples': ['keys.txt'],
  'fluxcd-kustomize-controller': ['keys/age.txt', 'keys/age-global.txt'],
  'humphd-sops-age': ['key.txt'],
  'isindir-sops-secrets-operator': ['key-file.txt'],
  // the second recipient is the ssh-to-age conversion of the folder's SSH key
  'sops-nix': ['age-keys.txt', 'ssh-ed25519-key.derived-age-key.txt'],
};

export function keyFilesFor(fixture: AgeFixture): string[] {
  const folder = fixture.name.split('/')[0] as string;
  return (KEY_FILES[folder] ?? []).map((k) => path.join(interopDir, folder, k));
}

function fromObject(sops: Record<string, unknown>): KeyGroup {
  const group: MasterKey[] = [];
  for (const entry of (sops['age'] as Array<Record<string, string>> | null) ?? []) {
    group.push({ type: 'age', recipient: String(entry['recipient']).trim(), enc: String(entry['enc']) });
  }
  for (const entry of (sops['pgp'] as Array<Record<string, string>> | null) ?? []) {
    group.push({
      type: 'pgp',
      fields: newMap(Object.entries(entry).map(([key, value]) => ({ key, value: String(value) }))),
    });
  }
  return group;
}

/** Flattened metadata (dotenv `sops_age__list_0__map_enc=…`, INI `[sops]` section). */
function fromFlat(pairs: Array<[string, string]>): KeyGroup {
  const byIndex = new Map<number, { recipient?: string; enc?: string }>();
  for (const [k, v] of pairs) {
    const m = /^age__list_(\d+)__map_(enc|recipient)$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const e = byIndex.get(i) ?? {};
    e[m[2] as 'enc' | 'recipient'] = v.replaceAll('\\n', '\n');
    byIndex.set(i, e);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, e]) => ({ type: 'age' as const, recipient: (e.recipient ?? '').trim(), enc: e.enc ?? '' }));
}

/** The single key group of a fixture file in one of the sops formats. */
export function readFixtureGroup(file: string, format: string): KeyGroup {
  const text = fs.readFileSync(file, 'utf8');
  if (format === 'yaml' || format === 'json' || format === 'binary') {
    const doc = (format === 'yaml' ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
    return fromObject(doc['sops'] as Record<string, unknown>);
  }
  if (format === 'dotenv') {
    const pairs: Array<[string, string]> = [];
    for (const line of text.split('\n')) {
      const eq = line.indexOf('=');
      if (line.startsWith('sops_') && eq > 0) pairs.push([line.slice(5, eq), line.slice(eq + 1)]);
    }
    return fromFlat(pairs);
  }
  if (format === 'ini') {
    const pairs: Array<[string, string]> = [];
    let inSops = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) inSops = line === '[sops]';
      else if (inSops && line.includes('=')) {
        const eq = line.indexOf('=');
        pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
      }
    }
    return fromFlat(pairs);
  }
  throw new Error(`unknown fixture format ${format}`);
}

function findDerived(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findDerived(p, out);
    else if (entry.name.endsWith('.derived.json') && path.basename(dir) === 'derived') out.push(p);
  }
}

/** Every fixture whose derived JSON records an age stanza (none when the fixtures are absent). */
export function ageFixtures(): AgeFixture[] {
  const derived: string[] = [];
  if (interopSkip) return [];
  findDerived(interopDir, derived);
  const out: AgeFixture[] = [];
  for (const d of derived.sort()) {
    const info = JSON.parse(fs.readFileSync(d, 'utf8')) as {
      file: string;
      format: string;
      data_key_hex: string;
      stanzas?: Array<{ recipient: string; ok: boolean }>;
    };
    const stanzas = (info.stanzas ?? []).filter((s) => s.recipient.startsWith('age1'));
    if (stanzas.length === 0) continue;
    const file = path.join(path.dirname(path.dirname(d)), info.file);
    out.push({
      name: path.relative(interopDir, file),
      file,
      format: info.format,
      group: readFixtureGroup(file, info.format),
      dataKeyHex: info.data_key_hex,
      stanzas,
    });
  }
  return out;
}
