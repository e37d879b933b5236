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
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--from-source'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`tsops: could not build the command; run \`npm ci && npm run build\` in ${root}\n`);
    process.exit(1);
  }
}
