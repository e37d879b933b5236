// Bundles the compiled CLI (dist/src/bin.js) into dist/bundle/ for fast start-up: one module
// graph instead of ~150 files, minified, with each command's code in a chunk of its own that
// loads only when that command runs. The library (dist/src/index.js) stays unbundled.
import { build } from 'esbuild';

await build({
  entryPoints: { tsops: 'dist/src/bin.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies bundled into ESM need a `require`.
  banner: { js: "import { createRequire as __tsopsRequire } from 'node:module'; const require = __tsopsRequire(import.meta.url);" },
});
