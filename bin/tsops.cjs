#!/usr/bin/env node
'use strict';
// Runs the bundled CLI with a V8 code cache beside it (one per command, and one per deferred
// package, written after a first run that succeeds when the directory is writable), so start-up
// skips compiling ~0.35 MB of JavaScript, and a package loaded on first use its own. Without a
// bundle it falls back to the compiled ES modules, and without those it says how to build.
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

/** Scripts compiled without a usable cache, and where their caches go once the run has succeeded. */
const cachesToWrite = [];

/** `source` compiled with the code cache in `cacheFile` when there is one that fits. */
function compileCached(source, filename, cacheFile) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) cachesToWrite.push({ script, cacheFile });
  return script;
}

/** Run a compiled CommonJS wrapper as the module of `filename`; returns its exports. */
function runModule(script, filename, requireFn) {
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, requireFn, mod, filename, path.dirname(filename));
  return mod.exports;
}

/**
 * The bundle's require: its deferred packages (dist/bundle/deferred/, loaded on first use) get a
 * code cache of their own too, keyed to the bundle's build and the file itself; anything else is
 * Node's. A missing file fails in resolve() with Node's MODULE_NOT_FOUND, which the bundle's
 * stand-in turns into its one-line message.
 */
function bundleRequire(build) {
  const nodeRequire = Module.createRequire(bundle);
  const deferred = new Map();
  return (id) => {
    if (!id.startsWith('./deferred/')) return nodeRequire(id);
    const file = nodeRequire.resolve(id);
    let exports = deferred.get(file);
    if (exports === undefined) {
      const { size, mtimeMs } = fs.statSync(file);
      const cacheFile = path.join(path.dirname(bundle), `${build}deferred-${path.basename(file, '.cjs')}.${size}-${Math.floor(mtimeMs)}.cache`);
      exports = runModule(compileCached(fs.readFileSync(file, 'utf8'), file, cacheFile), file, Module.createRequire(file));
      deferred.set(file, exports);
    }
    return exports;
  };
}

/**
 * Caches are written after the run, so the functions it compiled are in them too; only after a
 * run that succeeded, whose path is the one later runs take (a first decrypt that finds no key
 * would leave a cache without the decryption in it).
 */
function writeCaches(build) {
  process.once('exit', (code) => {
    if (code !== 0 || cachesToWrite.length === 0) return;
    try {
      for (const { script, cacheFile } of cachesToWrite) {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      }
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

function runBundle() {
  // V8 checks a cache against the source's length, not its content: key it to this very build.
  const { size, mtimeMs } = fs.statSync(bundle);
  const build = `${path.basename(bundle)}.${size}-${Math.floor(mtimeMs)}.`;
  const command = CACHED_COMMANDS.includes(argv[0]) ? argv[0] : 'other';
  const script = compileCached(fs.readFileSync(bundle, 'utf8'), bundle, path.join(path.dirname(bundle), `${build}${command}.cache`));
  writeCaches(build);
  return runModule(script, bundle, bundleRequire(build)).run(argv);
}

const compiled = path.join(__dirname, '..', 'dist', 'src', 'bin.js');
if (fs.existsSync(bundle)) runBundle();
else if (fs.existsSync(compiled)) import('../dist/src/bin.js');
else {
  // A clone that was never built: say what to run instead of a module-not-found trace.
  process.stderr.write(`tsops: not built yet: run \`npm ci && npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exitCode = 1;
}
