/**
 * What a run killed with SIGKILL leaves behind, through the real binary: exec-file's FIFO has no
 * process left to serve the plaintext, and the private directories of dead runs (the editor's
 * plaintext copy, exec-file --no-fifo's file) are removed by the next run that makes one, while
 * a live run's directory is left alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { newKey } from './key-management-helpers.js';

const key = await newKey();
const SECRET = 'hunter2-plaintext';

/** A temp root of its own (TMPDIR), an encrypted file, and the environment to use them. */
async function setup(): Promise<{ dir: string; tmp: string; env: Record<string, string | undefined> }> {
  const dir = tempDir();
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const env = cleanEnv({ SOPS_AGE_KEY: key.secret, TMPDIR: tmp });
  fs.writeFileSync(path.join(dir, 's.yaml'), `password: ${SECRET}\n`);
  const r = await runCli(['encrypt', '-i', '--age', key.recipient, 's.yaml'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  return { dir, tmp, env };
}

const runDirs = (tmp: string): string[] => fs.readdirSync(tmp).filter((n) => n.startsWith('tsops-'));

/** Read a FIFO without blocking for `ms`: whatever a writer (if any) put into it. */
async function drainFifo(fifo: string, ms: number): Promise<string> {
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  const until = Date.now() + ms;
  try {
    while (Date.now() < until) {
      try {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      await sleep(50);
    }
  } finally {
    fs.closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('leftovers of killed runs', () => {
  it('exec-file killed with SIGKILL leaves no process feeding its FIFO: a later reader gets no plaintext', async () => {
    const { dir, tmp, env } = await setup();
    const where = path.join(dir, 'where');
    const r = await runCli(['exec-file', 's.yaml', `echo {} > ${where}; kill -KILL $PPID`], { cwd: dir, env });
    assert.notEqual(r.code, 0, 'tsops was killed');
    const fifo = fs.readFileSync(where, 'utf8').trim();
    assert.ok(fs.statSync(fifo).isFIFO(), 'the FIFO is still there (nothing removed it yet)');
    assert.equal(await drainFifo(fifo, 1000), '', 'nobody serves the plaintext');
    assert.equal(runDirs(tmp).length, 1);
  });

  it('the next exec-file or edit removes the directories of dead runs, plaintext files included', async () => {
    const { dir, tmp, env } = await setup();
    const killed = await runCli(['exec-file', '--no-fifo', 's.yaml', 'kill -KILL $PPID'], { cwd: dir, env });
    assert.notEqual(killed.code, 0);
    const [execDir] = runDirs(tmp);
    assert.match(execDir ?? '', /^tsops-exec-/);
    assert.match(fs.readdirSync(path.join(tmp, execDir!)).join(), /^tmp-file\d+$/, 'the plaintext file was left');
    const editor = path.join(dir, 'killer.sh');
    fs.writeFileSync(editor, '#!/bin/sh\nkill -KILL $PPID\n', { mode: 0o755 });
    const edit = await runCli(['edit', 's.yaml'], { cwd: dir, env: { ...env, EDITOR: editor } });
    assert.notEqual(edit.code, 0);
    // The edit removed the dead exec-file run's directory, then left its own with the plaintext.
    const left = runDirs(tmp);
    assert.equal(left.length, 1, left.join(', '));
    const editDir = left[0]!;
    assert.match(editDir, /^tsops-edit-/);
    assert.match(fs.readFileSync(path.join(tmp, editDir, 's.yaml'), 'utf8'), new RegExp(SECRET));
    // A command that makes no private directory does not scan (the common path stays cheap).
    const dec = await runCli(['decrypt', 's.yaml'], { cwd: dir, env });
    assert.equal(dec.code, 0, dec.stderr);
    assert.deepEqual(runDirs(tmp), [editDir]);
    // The next exec-file removes it, and its own directory goes when it ends.
    const next = await runCli(['exec-file', 's.yaml', 'ls "$TMPDIR"'], { cwd: dir, env });
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.stdout.toString().split('\n').filter((n) => n.startsWith('tsops-')).length, 1, 'only its own directory while it runs');
    assert.deepEqual(runDirs(tmp), []);
  });

  it('exec-file hands a document larger than a pipe holds through the FIFO whole, to a slow reader', async () => {
    const { dir, env } = await setup();
    const big = Array.from({ length: 3000 }, (_, i) => `k${i}: ${'v'.repeat(100)}${i}\n`).join('');
    fs.writeFileSync(path.join(dir, 'big.yaml'), big);
    const enc = await runCli(['encrypt', '-i', '--age', key.recipient, 'big.yaml'], { cwd: dir, env });
    assert.equal(enc.code, 0, enc.stderr);
    const r = await runCli(['exec-file', 'big.yaml', 'sleep 0.3; cat {}'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(big.length > 300_000);
    assert.equal(r.stdout.toString(), big);
  });

  it('another user\'s directory and a symbolic link named like a dead run\'s directory are left alone', async (t) => {
    if (process.geteuid?.() !== 0) return t.skip('needs root (a directory of another uid)');
    const { dir, tmp, env } = await setup();
    // A pid above pid_max never runs, in this pid namespace: its directory is a dead run's.
    const ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))![1];
    const deadPid = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
    const theirs = path.join(tmp, `tsops-edit-${deadPid}-1-${ns}-AbCdEf`);
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, 'keep'), 'x');
    fs.chownSync(theirs, 65534, 65534);
    const target = path.join(dir, 'elsewhere');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    const link = path.join(tmp, `tsops-exec-${deadPid}-1-${ns}-GhIjKl`);
    fs.symlinkSync(target, link);
    const mine = path.join(tmp, `tsops-exec-${deadPid}-1-${ns}-MnOpQr`);
    fs.mkdirSync(mine);
    const r = await runCli(['exec-file', 's.yaml', 'true'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(mine), 'this user\'s directory of a dead run is removed');
    assert.ok(fs.existsSync(path.join(theirs, 'keep')), 'another user\'s is kept');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is kept');
    assert.ok(fs.existsSync(path.join(target, 'keep')), 'and what it points to is untouched');
  });

  it('a live run\'s directory is left alone by another run', async () => {
    const { dir, tmp, env } = await setup();
    const slow = runCli(['exec-file', '--no-fifo', 's.yaml', 'sleep 2; cat {}'], { cwd: dir, env });
    for (let i = 0; i < 100 && runDirs(tmp).length === 0; i++) await sleep(50);
    assert.equal(runDirs(tmp).length, 1, 'the slow run has made its directory');
    const other = await runCli(['exec-file', 's.yaml', 'true'], { cwd: dir, env });
    assert.equal(other.code, 0, other.stderr);
    const r = await slow;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `password: ${SECRET}\n`, 'its file was still there after the other run');
    assert.deepEqual(runDirs(tmp), []);
  });
});
