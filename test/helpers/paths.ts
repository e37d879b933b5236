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
