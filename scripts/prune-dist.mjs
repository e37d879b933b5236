// Removes compiled files under dist/src and dist/test whose TypeScript source is gone (a file
// renamed or deleted): tsc never deletes outputs, and a stale compiled test would still run
// under `npm test`. Run before each build; `node scripts/prune-dist.mjs [ROOT]`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

/** Delete the orphaned outputs under `root`/dist; returns their paths, relative to `root`. */
export function pruneDist(root) {
  const removed = [];
  for (const top of ['src', 'test']) {
    const out = path.join(root, 'dist', top);
    if (!fs.existsSync(out)) continue;
    for (const rel of fs.readdirSync(out, { recursive: true })) {
      const file = path.join(out, rel);
      if (!OUTPUT.test(rel) || !fs.statSync(file).isFile()) continue;
      const source = path.join(root, top, rel.replace(OUTPUT, '.ts'));
      if (!fs.existsSync(source)) {
        fs.rmSync(file);
        removed.push(path.relative(root, file));
      }
    }
  }
  return removed;
}

// run as a script (a checkout's path may hold spaces, which a file URL escapes)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const removed = pruneDist(root);
  if (removed.length > 0) console.log(`removed ${removed.length} compiled file(s) whose source is gone`);
}
