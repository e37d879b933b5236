/**
 * nodeIo's stdout and stderr, which write to descriptors 1 and 2 directly. The tests run a real
 * child process, so the descriptors are real sockets, pipes, files and terminals.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, tempDir } from '../helpers/paths.js';
import { noScript } from '../cli/tty-run.js';

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
