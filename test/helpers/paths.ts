/** Locations the tests need, resolved from the compiled file (dist/test/helpers/paths.js). */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = path.resolve(here, '..', '..', '..');
/** The built CLI entry point. */
export const binPath = path.join(repoRoot, 'bin', 'tsops.cjs');
/**
 * The standalone executable the CLI tests run instead of Node, when `TSOPS_TEST_BIN` names one
 * (`npm run compile` writes `dist/tsops`); a relative path is taken from the repository root.
 */
export const standaloneBin: string | undefined = process.env['TSOPS_TEST_BIN']
  ? path.resolve(repoRoot, process.env['TSOPS_TEST_BIN'])
  : undefined;
/** The program and leading arguments that start tsops: the standalone binary, or Node with the launcher. */
export const tsopsCommand: readonly [string, ...string[]] = standaloneBin !== undefined ? [standaloneBin] : [process.execPath, binPath];

const created: string[] = [];
let cleanupRegistered = false;

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'tsops-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', () => {
      for (const d of created) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
