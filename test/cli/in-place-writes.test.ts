/**
 * In-place writes against a hostile repository, through the real binary: the replacement never
 * gains setuid/setgid bits or changes owner or group, symbolic links are written through, and a
 * file the caller could not write, or with other hard links, is left alone. Writes to a full
 * device give one line and exit 3. Ownership tests use real uids and need root; the caller
 * without privileges is played by uid 65534 through setpriv(1).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir, tsopsCommand } from '../helpers/paths.js';
import { cleanEnv, runCli, type RunOutcome } from '../helpers/run.js';
import { newKey } from './key-management-helpers.js';

const key = await newKey();
const env = cleanEnv({ SOPS_AGE_KEY: key.secret, SOPS_AGE_RECIPIENTS: key.recipient });
const PLAIN = 'password: hunter2\n';
const NOBODY = 65534;

const isRoot = process.geteuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const needRoot = isRoot ? false : 'needs root (real uids for chown)';
const needRootAndSetpriv = !isRoot ? 'needs root (to act as uid 65534)' : !hasSetpriv ? 'needs setpriv(1) to act as uid 65534' : false;

/** Run the binary as uid/gid 65534 without supplementary groups. */
function runAsNobody(argv: string[], cwd: string): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const args = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...tsopsCommand, ...argv];
    const child = spawn('setpriv', args, { cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** An encrypted file (the plaintext encrypted to `key`) at `dir/name`. */
async function encryptedFile(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, PLAIN);
  const r = await runCli(['encrypt', '-i', name], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  return file;
}

const modeOf = (p: string): number => fs.statSync(p).mode & 0o7777;
const leftoverTemps = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.tsops-'));

describe('in-place writes: owner, group and setuid bits', () => {
  it('root decrypting another user\'s setuid file in place keeps that owner and drops the setuid bit', { skip: needRoot }, async () => {
    const dir = tempDir();
    const file = await encryptedFile(dir, 'tool.yaml');
    fs.chownSync(file, NOBODY, NOBODY);
    fs.chmodSync(file, 0o4755);
    const r = await runCli(['decrypt', '-i', 'tool.yaml'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
    const st = fs.statSync(file);
    assert.equal(st.uid, NOBODY, 'the owner is kept, never root');
    assert.equal(st.gid, NOBODY);
    assert.equal(st.mode & 0o7777, 0o755, 'permission bits kept, setuid dropped');
    assert.deepEqual(leftoverTemps(dir), []);
  });

  it('a setgid bit is dropped too, and root keeps the file\'s group on rotate -i', { skip: needRoot }, async () => {
    const dir = tempDir();
    const file = await encryptedFile(dir, 'shared.yaml');
    fs.chownSync(file, 0, NOBODY);
    fs.chmodSync(file, 0o2640);
    const r = await runCli(['rotate', '-i', 'shared.yaml'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const st = fs.statSync(file);
    assert.equal(st.gid, NOBODY, 'the group that may read the file is kept');
    assert.equal(st.mode & 0o7777, 0o640);
  });

  it('a caller who may write but does not own the file is refused: the new file would change owner', { skip: needRootAndSetpriv }, async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const file = await encryptedFile(dir, 'app.yaml');
    fs.chmodSync(file, 0o666);
    const before = fs.readFileSync(file);
    const r = await runAsNobody(['rotate', '-i', 'app.yaml'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^tsops: refusing to replace .*app\.yaml: it belongs to another user \(uid 0\)/m);
    assert.match(r.stderr, /^hint: run tsops as its owner$/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(fs.readFileSync(file), before);
    assert.equal(fs.statSync(file).uid, 0);
    assert.deepEqual(leftoverTemps(dir), []);
  });
});

describe('in-place writes: read-only files', () => {
  it('a 0444 file in a writable directory is not replaced for a caller who could not open it for writing', { skip: needRootAndSetpriv }, async () => {
    const dir = tempDir();
    const file = await encryptedFile(dir, 'ro.yaml');
    fs.chownSync(dir, NOBODY, NOBODY);
    fs.chownSync(file, NOBODY, NOBODY);
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    const r = await runAsNobody(['decrypt', '-i', 'ro.yaml'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^tsops: refusing to replace .*ro\.yaml: you may not write to it \(mode 0444\)$/m);
    assert.deepEqual(fs.readFileSync(file), before, 'still encrypted');
    assert.equal(modeOf(file), 0o444);
    assert.deepEqual(leftoverTemps(dir), []);
  });

  it('the same caller may rewrite the file once it is writable (the refusal is about the mode, not the run)', { skip: needRootAndSetpriv }, async () => {
    const dir = tempDir();
    const file = await encryptedFile(dir, 'rw.yaml');
    fs.chownSync(dir, NOBODY, NOBODY);
    fs.chownSync(file, NOBODY, NOBODY);
    fs.chmodSync(file, 0o640);
    const r = await runAsNobody(['decrypt', '-i', 'rw.yaml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
    assert.equal(modeOf(file), 0o640);
    assert.equal(fs.statSync(file).uid, NOBODY);
  });
});

describe('in-place writes: links', () => {
  it('encrypt -i through a chain of symbolic links encrypts the real file and keeps the links', async () => {
    const dir = tempDir();
    const real = path.join(dir, 'real');
    fs.mkdirSync(real);
    const target = path.join(real, 'secret.yaml');
    fs.writeFileSync(target, PLAIN);
    fs.symlinkSync('real/secret.yaml', path.join(dir, 'first.yaml'));
    fs.symlinkSync('first.yaml', path.join(dir, 'link.yaml'));
    const r = await runCli(['encrypt', '-i', 'link.yaml'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(path.join(dir, 'link.yaml')).isSymbolicLink(), 'the link is still a link');
    assert.ok(fs.lstatSync(path.join(dir, 'first.yaml')).isSymbolicLink());
    const stored = fs.readFileSync(target, 'utf8');
    assert.doesNotMatch(stored, /hunter2/, 'no plaintext is left in the real file');
    assert.match(stored, /ENC\[AES256_GCM,/);
    assert.deepEqual(leftoverTemps(dir), []);
    assert.deepEqual(leftoverTemps(real), []);
    const back = await runCli(['decrypt', 'link.yaml'], { cwd: dir, env });
    assert.equal(back.stdout.toString(), PLAIN);
  });

  it('a symbolic link to a missing file is refused, and nothing is created', async () => {
    const dir = tempDir();
    fs.symlinkSync('nowhere.yaml', path.join(dir, 'dangling.yaml'));
    const r = await runCli(['encrypt', '--output', 'dangling.yaml', '--filename-override', 'x.yaml'], { cwd: dir, env, stdin: PLAIN });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /refusing to replace .*dangling\.yaml: it is a symbolic link to a file that does not exist/);
    assert.ok(!fs.existsSync(path.join(dir, 'nowhere.yaml')));
    assert.ok(fs.lstatSync(path.join(dir, 'dangling.yaml')).isSymbolicLink());
  });

  it('a file with another hard link is refused: the rename would leave the plaintext under the other name', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.yaml');
    fs.writeFileSync(file, PLAIN);
    fs.linkSync(file, path.join(dir, 'b.yaml'));
    const r = await runCli(['encrypt', '-i', 'a.yaml'], { cwd: dir, env });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /refusing to replace .*\/a\.yaml: it has 2 hard links, and the others would keep the old content/);
    assert.equal(fs.readFileSync(file, 'utf8'), PLAIN);
    assert.equal(fs.statSync(file).nlink, 2, 'the link is not broken');
    assert.deepEqual(leftoverTemps(dir), []);
  });
});

describe('writing to a full device', () => {
  /** A character device like /dev/full of our own, so a regression cannot replace the system's. */
  function fullDevice(): string | undefined {
    if (!isRoot) return '/dev/full';
    const dev = path.join(tempDir(), 'full');
    return spawnSync('mknod', [dev, 'c', '1', '7']).status === 0 ? dev : undefined;
  }

  it('--output to a full device gives one line and exit 3, and the device stays a device', async (t) => {
    const dev = fullDevice();
    if (dev === undefined || !fs.existsSync(dev)) return t.skip('no full device (mknod failed and /dev/full is missing)');
    const dir = tempDir();
    await encryptedFile(dir, 'app.yaml');
    const r = await runCli(['decrypt', 'app.yaml', '--output', dev], { cwd: dir, env });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, `tsops: could not write ${dev}: no space left on device\n`);
    assert.ok(fs.statSync(dev).isCharacterDevice(), 'the device is written to, never replaced');
  });

  it('a full file system: rotate -i and decrypt > file give one line and exit 3, the file is intact, no temp file is left', async (t) => {
    if (!isRoot) return t.skip('needs root (to mount a small tmpfs)');
    const dir = tempDir();
    const mnt = path.join(dir, 'mnt');
    fs.mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status !== 0) return t.skip('mount -t tmpfs is not permitted here');
    try {
      await encryptedFile(mnt, 'app.yaml');
      const file = path.join(mnt, 'app.yaml');
      const before = fs.readFileSync(file);
      // Fill what is left of the file system.
      const fd = fs.openSync(path.join(mnt, 'filler'), 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(4096));
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      const r = await runCli(['rotate', '-i', 'app.yaml'], { cwd: mnt, env });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, `tsops: could not write ${file}: no space left on device\n`);
      assert.deepEqual(fs.readFileSync(file), before);
      assert.deepEqual(leftoverTemps(mnt), []);
      const out = fs.openSync(path.join(mnt, 'plain.yaml'), 'w');
      const d = spawnSync(tsopsCommand[0], [...tsopsCommand.slice(1), 'decrypt', 'app.yaml'], { cwd: mnt, env: env as NodeJS.ProcessEnv, stdio: ['ignore', out, 'pipe'] });
      fs.closeSync(out);
      assert.equal(d.status, 3, d.stderr.toString());
      assert.match(d.stderr.toString(), /^tsops: could not write to standard output: no space left on device\n/);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('standard output on a full device gives one line and exit 3, no stack trace or source', async (t) => {
    if (!fs.existsSync('/dev/full')) return t.skip('no /dev/full');
    const dir = tempDir();
    await encryptedFile(dir, 'app.yaml');
    const full = fs.openSync('/dev/full', 'w');
    const r = spawnSync(tsopsCommand[0], [...tsopsCommand.slice(1), 'decrypt', 'app.yaml'], { cwd: dir, env: env as NodeJS.ProcessEnv, stdio: ['ignore', full, 'pipe'] });
    fs.closeSync(full);
    assert.equal(r.status, 3, r.stderr.toString());
    assert.equal(
      r.stderr.toString(),
      'tsops: could not write to standard output: no space left on device\nhint: standard output goes to a full or failing disk or device\n',
    );
  });
});
