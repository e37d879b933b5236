// Bundles the compiled CLI into one CommonJS file, dist/bundle/tsops.cjs, for fast start-up:
// one file instead of ~150 ES modules, minified. bin/tsops.cjs runs it with a V8 code cache.
// The library (dist/src/index.js) stays unbundled.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli-run.js'],
  outfile: 'dist/bundle/tsops.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Modules that use import.meta.url (createRequire) get the bundle's own URL.
  define: { 'import.meta.url': '__tsopsBundleUrl' },
  banner: { js: 'var __tsopsBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
