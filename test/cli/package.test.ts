/**
 * The npm package: what `npm pack` ships, that a tarball packed from an unbuilt tree builds
 * itself and installs and runs with no registry and without the tree, and that an unbuilt
 * clone's command says how to build instead of printing a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { cleanEnv } from '../helpers/run.js';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** npm's environment without the npm_* variables of an enclosing `npm test`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_') && v !== undefined) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: 300_000 });
}

const hasNpm = spawnSync('npm', ['--version'], { env: npmEnv() }).status === 0;
const skip = hasNpm ? false : 'npm is not on PATH';

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
  bundled: string[];
}

test('npm pack ships bin, the bundle, the library and its runtime dependencies only', { skip }, () => {
  // --ignore-scripts: the suite's own build is current, and rebuilding here would rewrite the
  // bundle under the other test files running at the same time.
  const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], repoRoot);
  assert.equal(r.status, 0, r.stderr);
  const [result] = JSON.parse(r.stdout) as PackResult[];
  const files = result!.files.map((f) => f.path);
  for (const f of ['package.json', 'README.md', 'bin/tsops.cjs', 'dist/bundle/tsops.cjs', 'dist/bundle/deferred/yaml.cjs', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/bin.js']) {
    assert.ok(files.includes(f), `${f} is shipped`);
  }
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  for (const f of own) {
    assert.ok(/^(package\.json|README\.md|bin\/tsops\.cjs|dist\/bundle\/tsops\.cjs|dist\/bundle\/deferred\/[\w-]+\.cjs|dist\/src\/.+\.(js|d\.ts))$/.test(f), `${f} is not shipped`);
  }
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/') || f.startsWith('test/')), 'no tests or sources');
  assert.ok(!files.some((f) => f.endsWith('.cache')), 'no V8 code cache of this machine');
  // The runtime dependencies travel inside the tarball; no development dependency does.
  for (const dep of Object.keys(pkg.dependencies)) assert.ok(result!.bundled.includes(dep), `${dep} bundled`);
  for (const dev of Object.keys(pkg.devDependencies)) {
    assert.ok(!result!.bundled.includes(dev) && !files.some((f) => f.startsWith(`node_modules/${dev}/`)), `${dev} not shipped`);
  }
});

/** An unbuilt tree: the sources and build files only, the installed node_modules linked in. */
function unbuiltTree(extra: string[] = []): string {
  const tree = path.join(tempDir(), 'tsops-clone');
  fs.mkdirSync(tree);
  for (const name of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'scripts', ...extra]) {
    fs.cpSync(path.join(repoRoot, name), path.join(tree, name), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(tree, 'node_modules'));
  return tree;
}

test('npm run demo builds only the bundle it runs, not the test suite, and decrypts the demo', { skip, timeout: 120_000 }, () => {
  const tree = unbuiltTree(['examples']);
  const r = npm(['run', 'demo', '--silent'], tree);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /password: correct-horse-battery-staple/);
  assert.ok(fs.existsSync(path.join(tree, 'dist', 'bundle', 'tsops.cjs')));
  assert.deepEqual(fs.readdirSync(path.join(tree, 'dist')), ['bundle'], 'nothing compiled besides the bundle');
});

test('a tarball packed from an unbuilt tree builds itself, installs offline, and runs without the tree', { skip, timeout: 600_000 }, () => {
  const tree = unbuiltTree();
  assert.ok(!fs.existsSync(path.join(tree, 'dist')));
  const out = tempDir();
  const packed = npm(['pack', '--json', '--pack-destination', out], tree);
  assert.equal(packed.status, 0, packed.stderr);
  const [result] = JSON.parse(packed.stdout) as PackResult[];
  assert.ok(fs.existsSync(path.join(tree, 'dist', 'bundle', 'tsops.cjs')), 'prepack built the bundle');
  assert.ok(result!.files.some((f) => f.path === 'dist/src/index.d.ts'), 'prepack built the library');
  const tarball = path.join(out, result!.filename);

  const prefix = path.join(tempDir(), 'prefix');
  const installed = npm(['install', '-g', '--prefix', prefix, '--offline', tarball], tempDir());
  assert.equal(installed.status, 0, installed.stderr);
  fs.rmSync(tree, { recursive: true, force: true });

  const work = tempDir();
  fs.copyFileSync(path.join(repoRoot, 'examples', 'keys.txt'), path.join(work, 'keys.txt'));
  fs.copyFileSync(path.join(repoRoot, 'examples', 'secrets', 'demo.yaml'), path.join(work, 'demo.yaml'));
  const tsops = path.join(prefix, 'bin', 'tsops');
  const run = (args: string[], env: Record<string, string | undefined>) =>
    spawnSync(tsops, args, {
      cwd: work,
      encoding: 'utf8',
      // NODE_PATH could point into the repository; PATH keeps node itself.
      env: Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && k !== 'NODE_PATH')) as NodeJS.ProcessEnv,
    });
  const version = run(['--version'], cleanEnv());
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^tsops \d+\.\d+\.\d+ \(sops 3\.13\.2 compatible\)\n$/);
  const dec = run(['decrypt', 'demo.yaml'], cleanEnv({ SOPS_AGE_KEY_FILE: 'keys.txt' }));
  assert.equal(dec.status, 0, dec.stderr);
  assert.match(dec.stdout, /password: correct-horse-battery-staple/);
  // A deferred package (here the yaml library, for a flow list of aliases) loads from its own
  // file in the installed package.
  fs.writeFileSync(path.join(work, '.sops.yaml'), 'keys:\n  - &demo age17kqdv8sr27fftevq0k2m3uauuhnj90cv4cesnj0rsszhjp6qsytq0kashu\ncreation_rules:\n  - age: [*demo]\n');
  const viaLibrary = run(['decrypt', 'demo.yaml'], cleanEnv({ SOPS_AGE_KEY_FILE: 'keys.txt', TSOPS_TRACE_DEFERRED: '1' }));
  assert.equal(viaLibrary.status, 0, viaLibrary.stderr);
  assert.match(viaLibrary.stderr, /deferred module loaded: yaml/);
  assert.match(viaLibrary.stdout, /password: correct-horse-battery-staple/);
  // The library API loads from the installed package too.
  const lib = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(prefix, 'lib', 'node_modules', 'tsops', 'dist', 'src', 'index.js'))}); console.log(typeof m.decryptTree);`], {
    cwd: work,
    encoding: 'utf8',
  });
  assert.equal(lib.status, 0, lib.stderr);
  assert.equal(lib.stdout, 'function\n');
});

test('bin/tsops.cjs of an unbuilt clone prints one line saying how to build, exit 1, no stack trace', () => {
  const clone = tempDir();
  fs.mkdirSync(path.join(clone, 'bin'));
  fs.copyFileSync(path.join(repoRoot, 'bin', 'tsops.cjs'), path.join(clone, 'bin', 'tsops.cjs'));
  const r = spawnSync(process.execPath, [path.join(clone, 'bin', 'tsops.cjs'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `tsops: not built yet: run \`npm ci && npm run build\` in ${clone}\n`);
});
