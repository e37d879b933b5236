/** Reading the interop fixtures and their `derived/*.derived.json` records. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DerivedValue {
  path: string[];
  comment: boolean;
  type?: string;
  aad?: string;
  unencrypted?: string;
}

export interface Derived {
  stanzas: Array<{ idx: number; recipient: string; group: number | null }>;
  values: DerivedValue[];
}

/** Every fixture file under `dir` ending with `suffix` (the derived records left out). */
export function findFixtureFiles(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith(suffix) && !d.parentPath.includes('derived'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

/** The derived record of a fixture file, when there is one. */
export function readDerived(file: string): Derived | undefined {
  const p = path.join(path.dirname(file), 'derived', `${path.basename(file)}.derived.json`);
  return fs.existsSync(p) ? (JSON.parse(fs.readFileSync(p, 'utf8')) as Derived) : undefined;
}
