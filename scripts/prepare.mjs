// npm runs `prepare` after installing from a folder or git (e.g. `npm install -g .` from a
// clone). The installed command needs the bundle: build it when it is missing. A pack builds in
// `prepack` instead, and a development `npm ci` leaves building to `npm run build`/`npm test`.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const command = process.env['npm_command'];
const global = process.env['npm_config_global'] === 'true';

if (command !== 'pack' && command !== 'publish' && global && !existsSync(path.join(root, 'dist', 'bundle', 'tsops.cjs'))) {
  // `npm install -g .` links the folder without installing its dependencies.
  if (!existsSync(path.join(root, 'node_modules', 'esbuild')) || !existsSync(path.join(root, 'node_modules', 'commander'))) {
    process.stderr.write(`tsops: the clone has no dependencies yet: run \`npm ci\` in ${root}, then \`npm install -g .\` again\n`);
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--from-source'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`tsops: could not build the command; run \`npm ci && npm run build\` in ${root}\n`);
    process.exit(1);
  }
}
