/**
 * Start-up of the real binary. A small decrypt is mostly Node's own start-up; the modules it
 * does not need (child processes, sockets, terminals) must stay unloaded, or every run pays
 * for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { repoRoot, standaloneBin, tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';

// Node's module load list is what this checks; the standalone binary has no such list.
const onNode = standaloneBin === undefined ? {} : { skip: 'the standalone binary does not run on Node' };

test('decrypting a small file to a pipe loads neither child_process, net nor tty', onNode, async () => {
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, key.text);
  const plain = path.join(dir, 'app.yaml');
  fs.writeFileSync(plain, 'user: alice\npassword: hunter2\n');
  const enc = await runCli(['encrypt', '--age', key.recipient, plain], { env: cleanEnv() });
  assert.equal(enc.code, 0, enc.stderr);
  const file = path.join(dir, 'app.enc.yaml');
  fs.writeFileSync(file, enc.stdout);

  // A preloaded script records which of Node's modules the process loaded, at exit.
  const record = path.join(dir, 'loaded.txt');
  const preload = path.join(dir, 'record.cjs');
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(record)}, process.moduleLoadList.join('\\n')));\n`);
  const r = await runCli(['decrypt', file], { env: cleanEnv({ SOPS_AGE_KEY_FILE: keys, NODE_OPTIONS: `--require ${preload}` }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'user: alice\npassword: hunter2\n');
  const loaded = new Set(fs.readFileSync(record, 'utf8').split('\n'));
  assert.ok(loaded.has('NativeModule crypto'), 'the record lists the modules decrypt needs');
  for (const name of ['child_process', 'net', 'tty']) assert.ok(!loaded.has(`NativeModule ${name}`), `${name} was loaded`);
});

test('decrypting a small file beside a sops-nix style .sops.yaml loads neither the yaml library nor the regex engine', onNode, async () => {
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, key.text);
  fs.mkdirSync(path.join(dir, 'secrets'));
  const plain = path.join(dir, 'secrets', 'app.yaml');
  fs.writeFileSync(plain, 'user: alice\npassword: hunter2\n');
  const rules = `creation_rules:\n  - path_regex: secrets/[^/]+\\.yaml$\n    key_groups:\n      - age:\n          - *admin\n`;
  // Recipients under anchors, with comments: the layout the fast reader is for.
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `keys:\n  # people\n  - &admin ${key.recipient} # alice\n${rules}`);
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: keys, TSOPS_TRACE_DEFERRED: '1' });
  const enc = await runCli(['encrypt', 'secrets/app.yaml'], { env, cwd: dir });
  assert.equal(enc.code, 0, enc.stderr);
  const file = path.join(dir, 'secrets', 'app.enc.yaml');
  fs.writeFileSync(file, enc.stdout);

  const r = await runCli(['decrypt', 'secrets/app.enc.yaml'], { env, cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), 'user: alice\npassword: hunter2\n');
  const loaded = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('tsops: deferred module loaded: '));
  // Neither the yaml library (the config is plain) nor re2js (decrypt matches no path_regex).
  assert.deepEqual(loaded(r.stderr.toString()), [], 'decrypt loaded deferred modules');

  // The check can fail: a flow list of aliases is the library's to read, and its load is seen.
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `keys:\n  - &admin ${key.recipient}\ncreation_rules:\n  - age: [*admin]\n`);
  const viaLibrary = await runCli(['decrypt', 'secrets/app.enc.yaml'], { env, cwd: dir });
  assert.equal(viaLibrary.code, 0, viaLibrary.stderr);
  assert.ok(loaded(viaLibrary.stderr.toString()).includes('tsops: deferred module loaded: yaml'), viaLibrary.stderr.toString());
});

test('encrypting by a common path_regex does not load re2js; a pattern outside the shared subset does', onNode, async () => {
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  fs.mkdirSync(path.join(dir, 'secrets'));
  fs.writeFileSync(path.join(dir, 'secrets', 'app.yaml'), 'user: alice\n');
  const env = cleanEnv({ TSOPS_TRACE_DEFERRED: '1' });
  const loaded = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('tsops: deferred module loaded: '));
  const encrypt = async (pathRegex: string) => {
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: ${pathRegex}\n    age: ${key.recipient}\n`);
    const r = await runCli(['encrypt', 'secrets/app.yaml'], { env, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^user: ENC\[AES256_GCM,/);
    return loaded(r.stderr.toString());
  };
  assert.ok(!(await encrypt('^secrets/[^/]+\\.(yaml|json)$')).includes('tsops: deferred module loaded: re2js'));
  // The check can fail: a case-insensitive pattern is re2js's to match.
  assert.ok((await encrypt('(?i)^SECRETS/')).includes('tsops: deferred module loaded: re2js'));
});

/** A copy of the launcher, the bundle and the deferred packages, without code caches. */
function installation(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(repoRoot, 'bin', 'tsops.cjs'), path.join(root, 'bin', 'tsops.cjs'));
  fs.cpSync(path.join(repoRoot, 'dist', 'bundle'), path.join(root, 'dist', 'bundle'), { recursive: true, filter: (f) => !f.endsWith('.cache') });
  return root;
}

/** {@link installation}, with one package's file gone. */
function installationWithout(deferredFile: string): string {
  const root = installation();
  fs.rmSync(path.join(root, 'dist', 'bundle', 'deferred', deferredFile));
  return root;
}

test('a deferred package is read from its own file, only by a command that needs it', onNode, async () => {
  const root = installationWithout('yaml.cjs');
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  fs.writeFileSync(path.join(dir, 'keys.txt'), key.text, { mode: 0o600 });
  const enc = await runCli(['encrypt', '--age', key.recipient, '--filename-override', 'app.yaml'], { stdin: 'user: alice\n', env: cleanEnv() });
  assert.equal(enc.code, 0, enc.stderr);
  fs.writeFileSync(path.join(dir, 'app.yaml'), enc.stdout);
  const decrypt = () =>
    spawnSync(process.execPath, [path.join(root, 'bin', 'tsops.cjs'), 'decrypt', 'app.yaml'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY_FILE: 'keys.txt' }) as NodeJS.ProcessEnv, encoding: 'utf8' });

  // A plain .sops.yaml: the fast reader, and the yaml library's file is never opened.
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - age: ${key.recipient}\n`);
  const plain = decrypt();
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stdout, 'user: alice\n');
  // A flow list of aliases is the library's to read: now the missing file is missed.
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `keys:\n  - &admin ${key.recipient}\ncreation_rules:\n  - age: [*admin]\n`);
  const viaLibrary = decrypt();
  assert.notEqual(viaLibrary.status, 0);
  assert.match(viaLibrary.stderr, /deferred[\\/]yaml\.cjs/);
  // said in one line, with what to do, and without Node's require stack
  assert.match(viaLibrary.stderr, /installation is incomplete: dist\/bundle\/deferred\/yaml\.cjs is missing; reinstall tsops/);
  assert.doesNotMatch(viaLibrary.stderr, /Require stack/);
  // the config reader does not frame it as a YAML fault with a hint to fix the config
  assert.doesNotMatch(viaLibrary.stderr, /not valid YAML|fix the config/);
  assert.equal(viaLibrary.stderr.trim().split('\n').length, 1, viaLibrary.stderr);
});

test('with re2js missing, a simple path_regex still matches, and one re2js must read says what is missing', onNode, async () => {
  const root = installationWithout('re2js.cjs');
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  fs.writeFileSync(path.join(dir, 'app.yaml'), 'user: alice\n');
  const encrypt = (pathRegex: string, extra = '') => {
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: ${pathRegex}\n    age: ${key.recipient}\n${extra}`);
    return spawnSync(process.execPath, [path.join(root, 'bin', 'tsops.cjs'), 'encrypt', 'app.yaml'], { cwd: dir, env: cleanEnv() as NodeJS.ProcessEnv, encoding: 'utf8' });
  };
  const simple = encrypt('\\.yaml$');
  assert.equal(simple.status, 0, simple.stderr);
  assert.match(simple.stdout, /^user: ENC\[AES256_GCM,/);
  const folded = encrypt('(?i)\\.YAML$');
  assert.equal(folded.status, 1);
  assert.equal(folded.stdout, '');
  const said = 'tsops: this tsops installation is incomplete: dist/bundle/deferred/re2js.cjs is missing; reinstall tsops (in a clone: npm run build)\n';
  assert.equal(folded.stderr, said);
  // A selector re2js must compile is not taken for an invalid one (which would select nothing).
  const selector = encrypt('\\.yaml$', '    encrypted_regex: (?i)^USER$\n');
  assert.equal(selector.stdout, '');
  assert.equal(selector.stderr, said);
});

test('the launcher keeps one code cache per command, written after a run that succeeded, and drops those of an earlier build', onNode, async () => {
  // A copy of the launcher and the bundle, so the caches this writes are its own.
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'dist', 'bundle'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'bin', 'tsops.cjs'), path.join(root, 'bin', 'tsops.cjs'));
  const bundle = path.join(root, 'dist', 'bundle', 'tsops.cjs');
  fs.copyFileSync(path.join(repoRoot, 'dist', 'bundle', 'tsops.cjs'), bundle);
  const file = path.join(root, 'plain.yaml');
  fs.writeFileSync(file, 'a: 1\n');
  const run = (args: string[]) => execFileSync(process.execPath, [path.join(root, 'bin', 'tsops.cjs'), ...args], { env: cleanEnv() as NodeJS.ProcessEnv, stdio: 'pipe' }).toString();
  const caches = () => fs.readdirSync(path.dirname(bundle)).filter((n) => n.endsWith('.cache')).map((n) => n.replace(/^tsops\.cjs\.\d+-\d+\./, '')).sort();

  // A run that fails writes no cache: its path is not the one later runs take.
  assert.throws(() => run(['filestatus', path.join(root, 'missing.yaml')]), (e: { status?: number }) => e.status !== 0);
  assert.deepEqual(caches(), []);
  assert.equal(run(['filestatus', file]), '{"encrypted":false}\n');
  assert.match(run(['--version']), /^tsops /);
  assert.deepEqual(caches(), ['filestatus.cache', 'other.cache']);
  // A run that finds its cache reads it and writes nothing.
  assert.equal(run(['filestatus', file]), '{"encrypted":false}\n');
  assert.deepEqual(caches(), ['filestatus.cache', 'other.cache']);

  // A new build (another mtime): its first run drops the old build's caches.
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(bundle, later, later);
  assert.equal(run(['filestatus', file]), '{"encrypted":false}\n');
  assert.deepEqual(caches(), ['filestatus.cache']);
  assert.ok(fs.readdirSync(path.dirname(bundle)).every((n) => !n.endsWith('.cache') || n.startsWith(`tsops.cjs.${fs.statSync(bundle).size}-${Math.floor(fs.statSync(bundle).mtimeMs)}.`)));
});

test('a deferred package gets a code cache of its own, written after a run that loaded it and read by the next', onNode, async () => {
  const root = installation();
  const bundleDir = path.join(root, 'dist', 'bundle');
  const dir = tempDir();
  const key = await generateAgeKeyFile({ pq: false, now: new Date() });
  fs.writeFileSync(path.join(dir, 'app.yaml'), 'user: alice\n');
  // a case-insensitive path_regex is re2js's to match
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: (?i)\\.YAML$\n    age: ${key.recipient}\n`);
  const encrypt = () => spawnSync(process.execPath, [path.join(root, 'bin', 'tsops.cjs'), 'encrypt', 'app.yaml'], { cwd: dir, env: cleanEnv() as NodeJS.ProcessEnv, encoding: 'utf8' });
  const caches = () =>
    Object.fromEntries(
      fs
        .readdirSync(bundleDir)
        .filter((n) => n.endsWith('.cache'))
        .map((n) => [n.replace(/^tsops\.cjs\.\d+-\d+\./, ''), fs.statSync(path.join(bundleDir, n)).ino]),
    );
  const first = encrypt();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^user: ENC\[AES256_GCM,/);
  const re2js = fs.statSync(path.join(bundleDir, 'deferred', 're2js.cjs'));
  const written = caches();
  // keyed to the package file itself (its size and mtime) as well as to the bundle's build
  assert.deepEqual(Object.keys(written).sort(), [`deferred-re2js.${re2js.size}-${Math.floor(re2js.mtimeMs)}.cache`, 'encrypt.cache']);
  // A cache that is missing or that V8 rejects is written again after the run: the next run
  // leaving both files as they were shows it read them and V8 took them.
  const second = encrypt();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^user: ENC\[AES256_GCM,/);
  assert.deepEqual(caches(), written);
});
