// Bundles the compiled CLI into one CommonJS file, dist/bundle/tsops.cjs, for fast start-up:
// one file instead of ~150 ES modules, minified. bin/tsops.cjs runs it with a V8 code cache.
// The library (dist/src/index.js) stays unbundled.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const requireHere = createRequire(path.join(root, 'package.json'));

// Modules whose top-level code a typical command never needs: the YAML library (.sops.yaml and
// unusual YAML only), the Edwards curve (SSH keys only), age-encryption (post-quantum keys,
// passphrases), re2js (regex selectors and path_regex only), child_process (commands that run a
// program; commander imports it too) and tty (terminals).
// Each import of one of these gets a stand-in whose exports load the real module on first use:
// this is tsops' one way of deferring a module. A deferred package is bundled into a file of its
// own (dist/bundle/deferred/), so a command that never loads it neither reads nor deserializes it:
// they are about half the bytes, and a small decrypt read them on every run. With
// TSOPS_TRACE_DEFERRED=1 in the environment, each stand-in says on stderr when it loads its module
// (`tsops: deferred module loaded: yaml`), so a test can tell which ones a command needed.
const deferred = [
  { spec: 'yaml' },
  { spec: '@noble/curves/ed25519.js' },
  // SHA-2 in JavaScript for SSH keys (fingerprints, ssh-to-age); node:crypto hashes everything else.
  { spec: '@noble/hashes/sha2.js', importer: /[\\/]keys[\\/]ssh[\\/]/ },
  // ChaCha20-Poly1305 from node:crypto on Node; this is the fallback for runtimes without it.
  { spec: '@noble/ciphers/chacha.js' },
  // Encrypted OpenSSH keys only.
  { spec: 'bcrypt-pbkdf' },
  { spec: 'age-encryption' },
  { spec: 're2js' },
  { spec: 'node:child_process' },
  { spec: 'child_process' },
  { spec: 'node:tty' },
];

const isBuiltin = (spec) => spec.startsWith('node:') || spec === 'child_process';
/** The file a deferred package is bundled into: `@noble/curves/ed25519.js` → `noble-curves-ed25519.cjs`. */
const deferredFile = (spec) => `${spec.replace(/\.js$/, '').replace(/^@/, '').replace(/[^A-Za-z0-9]+/g, '-')}.cjs`;

async function exportNames(spec) {
  const ns = isBuiltin(spec) ? requireHere(spec) : await import(requireHere.resolve(spec));
  return Object.keys(ns).filter((n) => n !== 'default' && n !== '__esModule' && /^[A-Za-z_$][\w$]*$/.test(n));
}

const deferInit = {
  name: 'defer-init',
  setup(b) {
    b.onResolve({ filter: /./ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      // The stand-in's own require: a built-in as it is, a package from its own file.
      if (args.namespace === 'deferred') return { path: isBuiltin(args.path) ? args.path : `./deferred/${deferredFile(args.path)}`, external: true };
      const hit = deferred.find((d) => d.spec === args.path && (d.importer === undefined || d.importer.test(args.importer)));
      return hit ? { path: args.path, namespace: 'deferred' } : undefined;
    });
    b.onLoad({ filter: /./, namespace: 'deferred' }, async (args) => {
      const names = await exportNames(args.path);
      const file = isBuiltin(args.path) ? undefined : `dist/bundle/deferred/${deferredFile(args.path)}`;
      // A package file that is missing (an incomplete installation) is said in one line: Node's
      // message lists its require stack, and the command's own wrapping would show all of it. The
      // code is src/errors.ts' INCOMPLETE_INSTALLATION, which the error report looks for.
      const missing = `this tsops installation is incomplete: ${file} is missing; reinstall tsops (in a clone: npm run build)`;
      const contents = [
        'let real;',
        `const load = () => {`,
        `  if (real === undefined && process.env.TSOPS_TRACE_DEFERRED === '1') process.stderr.write(${JSON.stringify(`tsops: deferred module loaded: ${args.path}
`)});`,
        file === undefined
          ? `  return (real ??= require(${JSON.stringify(args.path)}));`
          : [
              '  try {',
              `    return (real ??= require(${JSON.stringify(args.path)}));`,
              '  } catch (e) {',
              `    if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).split('\\n')[0].includes(${JSON.stringify(deferredFile(args.path))})) throw Object.assign(new Error(${JSON.stringify(missing)}), { code: 'TSOPS_INCOMPLETE_INSTALLATION' });`,
              '    throw e;',
              '  }',
            ].join('\n'),
        '};',
        `for (const name of ${JSON.stringify(names)}) {`,
        '  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });',
        '}',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

// `--from-source` bundles the TypeScript sources directly (esbuild strips the types), so a run that
// needs only the CLI (npm run demo, npm pack) skips compiling the test suite.
const fromSource = process.argv.includes('--from-source');

const outfile = path.join(root, 'dist', 'bundle', 'tsops.cjs');
// What every bundle shares: CommonJS for Node 20, minified; modules that use import.meta.url
// (createRequire) get the bundle's own URL.
const common = {
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'import.meta.url': '__tsopsBundleUrl' },
  banner: { js: 'var __tsopsBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
const result = await build({
  ...common,
  entryPoints: [fromSource ? 'src/cli-run.ts' : 'dist/src/cli-run.js'],
  outfile,
  plugins: [deferInit],
});

// Each `import * as fs from 'node:fs'` becomes a copy of the module, a getter per export, made
// when the bundle loads: 30 copies of node:path, node:fs and node:os cost over a millisecond of
// start-up. The sources use these modules only as namespaces, so each copy can be the module
// itself. The copies are found as calls of one helper (esbuild's __toESM, minified), one per
// namespace import in the sources; anything else (a default import, which needs the copy's
// `default`) stops the build.
const NAMESPACE_COPY = /([A-Za-z_$][\w$]*)\(require\("(node:(?:fs|path|os))"\),\s*1\)/g;
const sources = sourceFiles(path.join(root, fromSource ? 'src' : path.join('dist', 'src'))).map((f) => fs.readFileSync(f, 'utf8'));
const namespaceImports = sources.reduce((n, text) => n + (text.match(/^import \* as [\w$]+ from 'node:(?:fs|path|os)';$/gm)?.length ?? 0), 0);
const otherImports = sources.some((text) => /^import [^*\n]*from 'node:(?:fs|path|os)'/m.test(text));
let code = result.outputFiles[0].text;
const calls = [...code.matchAll(NAMESPACE_COPY)];
if (otherImports || calls.length !== namespaceImports || new Set(calls.map((m) => m[1])).size > 1) {
  throw new Error(`bundle: node:fs, node:path and node:os must be imported as namespaces (import * as); found ${calls.length} copies for ${namespaceImports} imports`);
}
code = code.replace(NAMESPACE_COPY, 'require("$2")');
fs.mkdirSync(path.dirname(outfile), { recursive: true });
fs.writeFileSync(outfile, code);

// Each deferred package in its own file, as require() of it gave inside the bundle: the module's
// exports (an ES module's namespace). Files of packages no longer deferred go.
const deferredDir = path.join(path.dirname(outfile), 'deferred');
fs.rmSync(deferredDir, { recursive: true, force: true });
fs.mkdirSync(deferredDir);
for (const spec of new Set(deferred.map((d) => d.spec).filter((spec) => !isBuiltin(spec)))) {
  const file = path.join(deferredDir, deferredFile(spec));
  const out = await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(spec)});`, resolveDir: root, loader: 'js' },
    outfile: file,
  });
  fs.writeFileSync(file, out.outputFiles[0].text);
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}
