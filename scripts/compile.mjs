// Compiles the bundled CLI into one standalone executable, dist/tsops, with Bun (the `bun` dev
// dependency): no Node.js needed to run it, and start-up without Node's bootstrap. Run after
// `npm run build`, which writes the bundle this starts from.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bundle = path.join(root, 'dist', 'bundle', 'tsops.cjs');
if (!fs.existsSync(bundle)) {
  console.error('compile: dist/bundle/tsops.cjs is missing; run npm run build first');
  process.exit(1);
}
// The bundle exports run(argv) for bin/tsops.cjs; the executable needs an entry that calls it.
const entry = path.join(root, 'dist', 'bundle', 'standalone.cjs');
fs.writeFileSync(entry, "'use strict';\nrequire('./tsops.cjs').run(process.argv.slice(2));\n");
const bun = path.join(root, 'node_modules', '.bin', 'bun');
const out = path.join(root, 'dist', 'tsops');
const r = spawnSync(bun, ['build', '--compile', '--bytecode', '--minify', entry, '--outfile', out], { stdio: 'inherit' });
if (r.error !== undefined) {
  console.error(`compile: cannot run ${bun}: ${r.error.message} (npm ci installs the bun dev dependency)`);
  process.exit(1);
}
process.exit(r.status ?? 1);
