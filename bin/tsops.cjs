#!/usr/bin/env node
'use strict';
// Runs the bundled CLI with a V8 code cache beside it (one per command, written after its first
// run that succeeds when the directory is writable), so start-up skips compiling ~0.5 MB of JavaScript. Without a bundle it falls
// back to the compiled ES modules, and without those it says how to build.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'tsops.cjs');
const argv = process.argv.slice(2);

// One cache per command: each holds what its command compiled on its first run, so a decrypt
// neither compiles what the first command run after installing did not need, nor loads what an
// edit or an updatekeys compiled. Any other command line shares one cache.
const CACHED_COMMANDS = ['decrypt', 'encrypt', 'edit', 'rotate', 'updatekeys', 'set', 'unset', 'exec-env', 'exec-file', 'filestatus', 'groups', 'keygen', 'ssh-to-age', 'git', 'recipients'];

function runBundle() {
  // V8 checks a cache against the source's length, not its content: key it to this very build.
  const { size, mtimeMs } = fs.statSync(bundle);
  const build = `${path.basename(bundle)}.${size}-${Math.floor(mtimeMs)}.`;
  const command = CACHED_COMMANDS.includes(argv[0]) ? argv[0] : 'other';
  const cacheFile = path.join(path.dirname(bundle), `${build}${command}.cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written after the run, so the functions this command compiled are in the cache too; only
    // after a run that succeeded, whose path is the one later runs take (a first decrypt that
    // finds no key would leave a cache without the decryption in it).
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        const dir = path.dirname(bundle);
        // Caches of earlier builds go; this build's other commands keep theirs.
        for (const name of fs.readdirSync(dir)) {
          if (name.endsWith('.cache') && !name.startsWith(build)) fs.rmSync(path.join(dir, name), { force: true });
        }
      } catch {
        // a read-only installation: run without a cache
      }
    });
  }
  return mod.exports.run(argv);
}

const compiled = path.join(__dirname, '..', 'dist', 'src', 'bin.js');
if (fs.existsSync(bundle)) runBundle();
else if (fs.existsSync(compiled)) import('../dist/src/bin.js');
else {
  // A clone that was never built: say what to run instead of a module-not-found trace.
  process.stderr.write(`tsops: not built yet: run \`npm ci && npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exitCode = 1;
}
