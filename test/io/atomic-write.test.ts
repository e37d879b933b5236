/** The atomic replace whose fsync and rename run on the thread pool (writeFileAtomicAsync). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicAsync } from '../../src/io/atomic-write.js';
import { tempDir } from '../helpers/paths.js';

/** The temp files of the atomic replace: `.<name>.tsops-<12 hex>.tmp`. */
const TEMP_NAME = /^\..+\.tsops-[0-9a-f]{12}\.tmp$/;
const tempsIn = (dir: string): string[] => fs.readdirSync(dir).filter((n) => TEMP_NAME.test(n));
const modeOf = (p: string): number => fs.statSync(p).mode & 0o7777;

describe('writeFileAtomicAsync', () => {
  test('writes the bytes to a new file, with mode 0600 by default and the given mode otherwise', async () => {
    const dir = tempDir();
    const data = randomBytes(300_000);
    await writeFileAtomicAsync(path.join(dir, 'a.bin'), data);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'a.bin')), data);
    assert.equal(modeOf(path.join(dir, 'a.bin')), 0o600);
    await writeFileAtomicAsync(path.join(dir, 'b.yaml'), Buffer.from('b: 1\n'), 0o640);
    assert.equal(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8'), 'b: 1\n');
    assert.equal(modeOf(path.join(dir, 'b.yaml')), 0o640);
  });

  test('replacing a file keeps its mode (0640), whatever mode is asked for', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'shared.yaml');
    fs.writeFileSync(target, 'old: 1\n');
    fs.chmodSync(target, 0o640);
    await writeFileAtomicAsync(target, Buffer.from('new: 2\n'), 0o600);
    assert.equal(fs.readFileSync(target, 'utf8'), 'new: 2\n');
    assert.equal(modeOf(target), 0o640);
  });

  test('the target is replaced by a rename: it holds the old bytes until then and the old file is never written to', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'big.yaml');
    const oldData = Buffer.from('old: value\n'.repeat(50_000));
    const newData = randomBytes(2_000_000);
    fs.writeFileSync(target, oldData);
    const oldInode = fs.statSync(target).ino;
    const oldFd = fs.openSync(target, 'r');
    try {
      const pending = writeFileAtomicAsync(target, newData);
      // The rename waits for the fsync on the thread pool, so on this turn the new bytes sit
      // complete in a temp file beside the target and the target is still the old file.
      assert.deepEqual(fs.readFileSync(target), oldData);
      const temps = tempsIn(dir);
      assert.equal(temps.length, 1);
      assert.match(temps[0] as string, /^\.big\.yaml\.tsops-[0-9a-f]{12}\.tmp$/);
      assert.deepEqual(fs.readFileSync(path.join(dir, temps[0] as string)), newData);
      await pending;
      assert.deepEqual(fs.readFileSync(target), newData);
      assert.notEqual(fs.statSync(target).ino, oldInode);
      // A reader that had the old file open still reads all of it, unchanged.
      const seen = Buffer.alloc(oldData.length + 1);
      assert.equal(fs.readSync(oldFd, seen, 0, seen.length, 0), oldData.length);
      assert.deepEqual(seen.subarray(0, oldData.length), oldData);
    } finally {
      fs.closeSync(oldFd);
    }
    assert.deepEqual(fs.readdirSync(dir), ['big.yaml']);
  });

  test('a target in a missing directory: the promise rejects (ENOENT) and nothing is created', async () => {
    const parent = tempDir();
    let pending: Promise<void> | undefined;
    // A failure is a rejection, never a synchronous throw, so callers handle one path.
    assert.doesNotThrow(() => {
      pending = writeFileAtomicAsync(path.join(parent, 'missing', 'a.yaml'), Buffer.from('a: 1\n'));
    });
    await assert.rejects(pending as Promise<void>, { code: 'ENOENT' });
    assert.deepEqual(fs.readdirSync(parent), []);
  });

  test('a target that is a directory: the promise rejects (refused before any temp file) and the directory is as it was', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'conf');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside.txt'), 'keep');
    await assert.rejects(writeFileAtomicAsync(target, Buffer.from('x: 1\n')), { code: 'WRITE_OUTPUT', message: /it is a directory/ });
    assert.deepEqual(fs.readdirSync(dir), ['conf']);
    assert.ok(fs.statSync(target).isDirectory());
    assert.deepEqual(fs.readdirSync(target), ['inside.txt']);
    assert.equal(fs.readFileSync(path.join(target, 'inside.txt'), 'utf8'), 'keep');
  });

  test('concurrent writes to different files of one directory all land with their own bytes and modes', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 24 }, (_, i) => ({
      p: path.join(dir, `f${i}.enc`),
      data: randomBytes(1 + ((i * 48_271) % 900_000)),
      existing: i % 3 === 0,
    }));
    // Every third file already exists with mode 0640, which its replacement keeps.
    for (const f of files.filter((f) => f.existing)) {
      fs.writeFileSync(f.p, 'old');
      fs.chmodSync(f.p, 0o640);
    }
    await Promise.all(files.map((f) => writeFileAtomicAsync(f.p, f.data)));
    for (const f of files) {
      assert.deepEqual(fs.readFileSync(f.p), f.data, f.p);
      assert.equal(modeOf(f.p), f.existing ? 0o640 : 0o600, f.p);
    }
    assert.deepEqual(tempsIn(dir), []);
    assert.equal(fs.readdirSync(dir).length, files.length);
  });

  test('concurrent writes to the same file leave one complete version and no temp file', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'same.yaml');
    const versions = Array.from({ length: 6 }, (_, i) => Buffer.from(`version: ${i}\n`.repeat(20_000 + i * 1000)));
    await Promise.all(versions.map((v) => writeFileAtomicAsync(target, v)));
    const final = fs.readFileSync(target);
    assert.ok(versions.some((v) => v.equals(final)), 'the file is one of the versions, whole');
    assert.deepEqual(fs.readdirSync(dir), ['same.yaml']);
  });
});
