/**
 * The interop fixtures (files real sops wrote) live outside the repository: env
 * TSOPS_INTEROP_DIR, else `../shared/interop` beside the clone. A fresh clone without them
 * still passes its own tests: the fixture tests skip (test/interop/presence.test.ts says once
 * why and how to get them), except under CI, where a missing folder fails the suite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths.js';

export interface InteropLocation {
  dir: string;
  present: boolean;
  /** false when present, else the reason node:test shows beside each skipped test. */
  skip: string | false;
}

export function locateInterop(env: NodeJS.ProcessEnv, root: string): InteropLocation {
  const fromEnv = env['TSOPS_INTEROP_DIR'];
  const dir = fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.resolve(root, '..', 'shared', 'interop');
  let present = false;
  try {
    present = fs.statSync(dir).isDirectory();
  } catch {
    present = false;
  }
  return { dir, present, skip: present ? false : 'interop fixtures absent (see TSOPS_INTEROP_DIR)' };
}

export const interop = locateInterop(process.env, repoRoot);
/** The fixture folder; read it only in tests that pass `{ skip: interopSkip }`. */
export const interopDir = interop.dir;
export const interopSkip = interop.skip;

/** The one line a run without fixtures prints, naming the folder looked for and the way to get them. */
export function absentMessage(loc: InteropLocation): string {
  return (
    `interop fixtures not found at ${loc.dir}: the tests that check files real sops wrote are skipped; ` +
    'set TSOPS_INTEROP_DIR to the interop folder or place shared/ (with interop/) beside the clone to run them'
  );
}
