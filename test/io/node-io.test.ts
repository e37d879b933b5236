/**
 * src/io.ts: the atomic replace whose fsync runs on the thread pool, and nodeIo's stdout and
 * stderr, which write to descriptors 1 and 2 directly. The output tests run a real child
 * process, so the descriptors are real sockets, pipes, files and terminals.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomicAsync } from '../../src/io/atomic-write.js';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { noScript } from '../cli/tty-run.js';

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

// ---------------------------------------------------------------------------------------------
// nodeIo().stdout / stderr in a child process

const ioModuleUrl = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'io', 'node-io.js')).href;

/** An ES module for `node -e` that has `io` (nodeIo()), `fs` and `enc` (a TextEncoder) in scope. */
function childScript(body: string): string {
  return [
    `import { nodeIo } from ${JSON.stringify(ioModuleUrl)};`,
    `import * as fs from 'node:fs';`,
    `const io = nodeIo();`,
    `const enc = new TextEncoder();`,
    body,
  ].join('\n');
}

const childArgs = (body: string): string[] => ['--input-type=module', '-e', childScript(body)];

function runChild(body: string, options: SpawnSyncOptions = {}) {
  return spawnSync(process.execPath, childArgs(body), { maxBuffer: 64 << 20, timeout: 60_000, ...options });
}

/** Line `i` of the large output; multi-byte characters check the UTF-8 encoding of strings. */
const lineOf = (i: number): string => `${i} ✓ ${'abcdefghijklmnopqrstuvwxyz'.slice(0, i % 27)}\n`;
const LINES = 130_000;
const largeOutput = (): Buffer => Buffer.from(Array.from({ length: LINES }, (_, i) => lineOf(i)).join(''), 'utf8');

/**
 * Writes the lines in chunks of 1 to ~12000 lines, in turn as a string, as a Uint8Array, and as
 * a Uint8Array that is a view into the middle of a bigger buffer; reports the kind of its fd 1.
 */
const LARGE_BODY = `
const line = ${lineOf.toString()};
const st = fs.fstatSync(1);
io.stderr.write(st.isFIFO() ? 'fifo\\n' : st.isSocket() ? 'socket\\n' : 'other\\n');
let n = 0;
let c = 0;
while (n < ${LINES}) {
  let s = '';
  for (let k = 1 + ((c * 7919) % 12000); k > 0 && n < ${LINES}; k--) s += line(n++);
  if (c % 3 === 0) io.stdout.write(s);
  else if (c % 3 === 1) io.stdout.write(enc.encode(s));
  else {
    const b = enc.encode(s);
    const outer = new Uint8Array(b.length + 16);
    outer.set(b, 8);
    io.stdout.write(outer.subarray(8, 8 + b.length));
  }
  c++;
}
io.stderr.write('chunks ' + c + '\\n');
`;

describe('nodeIo output', () => {
  test('3 MB written in chunks of strings and Uint8Arrays arrives complete and in order on a socket (Node\'s stdio pipe)', () => {
    const expected = largeOutput();
    assert.ok(expected.length > 3_000_000);
    const r = runChild(LARGE_BODY, { stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(r.status, 0, String(r.stderr));
    assert.match(String(r.stderr), /^socket\nchunks \d{2,}\n$/);
    assert.ok((r.stdout as Buffer).equals(expected), `got ${r.stdout.length} bytes, expected ${expected.length}`);
  });

  test('3 MB written in chunks of strings and Uint8Arrays arrives complete and in order on a pipe', () => {
    const expected = largeOutput();
    // `| cat` makes the child's fd 1 a real pipe (a FIFO), filled faster than cat empties it.
    const r = spawnSync('/bin/sh', ['-c', '"$0" "$@" | cat', process.execPath, ...childArgs(LARGE_BODY)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      timeout: 60_000,
    });
    assert.equal(r.status, 0, String(r.stderr));
    assert.match(String(r.stderr), /^fifo\nchunks \d{2,}\n$/);
    assert.ok(r.stdout.equals(expected), `got ${r.stdout.length} bytes, expected ${expected.length}`);
  });

  const noMkfifo = spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status === 0 ? false : 'mkfifo is not available';

  test('when a full non-blocking pipe refuses a write, the rest goes on through the stream, complete and in order', { skip: noMkfifo }, async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'out.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // Opening a FIFO waits for the other end; a non-blocking reader lets both ends open here.
    const probe = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writeEnd = fs.openSync(fifo, fs.constants.O_WRONLY);
    const readEnd = fs.openSync(fifo, fs.constants.O_RDONLY);
    fs.closeSync(probe);
    // The child's fd 1 is blocking when it starts; creating process.stdout on a pipe makes it
    // non-blocking (libuv), as anything touching process.stdout in a run would. Nothing reads
    // until the child has made all its writes, so the pipe fills and write(2) fails with EAGAIN.
    const body = `process.stdout;\n${LARGE_BODY}\nio.stderr.write('through the stream: ' + process.stdout.writableLength + '\\n');`;
    // Should the child ever block on the full pipe, it is stopped rather than left waiting.
    const child = spawn(process.execPath, childArgs(body), { stdio: ['ignore', writeEnd, 'pipe'], timeout: 20_000 });
    fs.closeSync(writeEnd);
    const childStderr = child.stderr;
    assert.ok(childStderr);
    let stderr = '';
    const allWritten = new Promise<void>((resolve) => {
      childStderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
        if (stderr.includes('through the stream')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await Promise.race([allWritten, exited]);
    const chunks: Buffer[] = [];
    for await (const c of fs.createReadStream('', { fd: readEnd })) chunks.push(c as Buffer);
    assert.equal(await exited, 0, stderr);
    const pendingInStream = Number(/through the stream: (\d+)/.exec(stderr)?.[1]);
    assert.ok(pendingInStream > 0, `the stream took over: ${stderr}`);
    const expected = largeOutput();
    const got = Buffer.concat(chunks);
    assert.ok(got.equals(expected), `got ${got.length} bytes, expected ${expected.length}`);
  });

  test('stdout and stderr each reach their own descriptor, strings and bytes alike', () => {
    const r = runChild(
      `io.stdout.write('out 1\\n'); io.stderr.write('err 1\\n'); io.stdout.write(enc.encode('out 2 ✓\\n')); io.stderr.write(enc.encode('err 2 ✓\\n'));`,
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    assert.equal(r.status, 0, String(r.stderr));
    assert.equal(String(r.stdout), 'out 1\nout 2 ✓\n');
    assert.equal(String(r.stderr), 'err 1\nerr 2 ✓\n');
  });

  test('with stdout and stderr on one file (2>&1) the writes appear in the order they were made', () => {
    const file = path.join(tempDir(), 'both.txt');
    const fd = fs.openSync(file, 'w');
    try {
      const r = runChild(
        `for (let i = 0; i < 50; i++) { io.stdout.write('out ' + i + '\\n'); io.stderr.write(enc.encode('err ' + i + '\\n')); }`,
        { stdio: ['ignore', fd, fd] },
      );
      assert.equal(r.status, 0);
    } finally {
      fs.closeSync(fd);
    }
    const expected = Array.from({ length: 50 }, (_, i) => `out ${i}\nerr ${i}\n`).join('');
    assert.equal(fs.readFileSync(file, 'utf8'), expected);
  });

  const REPORT_TTY = `io.stderr.write('isTTY ' + io.stdout.isTTY + ' ' + io.stderr.isTTY + '\\n'); io.stdout.write('payload\\n');`;

  test('isTTY is false when stdout and stderr are pipes', () => {
    const r = runChild(REPORT_TTY, { stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(String(r.stderr), 'isTTY false false\n');
    assert.equal(String(r.stdout), 'payload\n');
  });

  test('isTTY is false when stdout is a file', () => {
    const file = path.join(tempDir(), 'out.txt');
    const fd = fs.openSync(file, 'w');
    let r;
    try {
      r = runChild(REPORT_TTY, { stdio: ['ignore', fd, 'pipe'] });
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(String(r.stderr), 'isTTY false false\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'payload\n');
  });

  test('isTTY is false when stdout is /dev/null (a character device that is no terminal)', () => {
    const fd = fs.openSync('/dev/null', 'w');
    try {
      const r = runChild(REPORT_TTY, { stdio: ['ignore', fd, 'pipe'] });
      assert.equal(String(r.stderr), 'isTTY false false\n');
    } finally {
      fs.closeSync(fd);
    }
  });

  test('isTTY is true on a terminal', { skip: noScript }, () => {
    // `script` runs the child on a pseudo-terminal; both descriptors are that terminal.
    const r = spawnSync('script', ['-qec', '"$TSOPS_NODE" --input-type=module -e "$TSOPS_SCRIPT"', '/dev/null'], {
      env: { ...process.env, SHELL: '/bin/sh', TSOPS_NODE: process.execPath, TSOPS_SCRIPT: childScript(REPORT_TTY) },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    assert.equal(r.status, 0, String(r.stderr));
    assert.match(String(r.stdout), /isTTY true true\r?\n/);
  });

  test(
    'writing to a pipe whose reader has closed ends without an unhandled-error stack trace',
    async () => {
      const body = `const chunk = 'x'.repeat(65536); for (let i = 0; i < 16; i++) io.stdout.write(chunk); io.stderr.write('done\\n');`;
      const child = spawn(process.execPath, childArgs(body), { stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader goes away before the child has started, so every write meets a closed pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal })),
      );
      assert.doesNotMatch(stderr, /Unhandled 'error' event/, stderr);
      assert.doesNotMatch(stderr, /^\s+at /m, stderr);
      // Exiting normally, or with at most one line saying what went wrong.
      const lines = stderr.split('\n').filter((l) => l !== '' && l !== 'done');
      assert.ok(lines.length <= 1, stderr);
      assert.ok(code !== null || signal === 'SIGPIPE', `code ${code}, signal ${signal}`);
    },
  );
});
