/**
 * HeldOutput and WriteBehind over a real CommandContext whose Io records what reaches it. A
 * file's "write" is a promise settled by a timer, so the writes finish in another order than
 * the files were added in, and the order of events (writes finishing, output arriving) is
 * recorded in one list.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Io } from '../../../src/io/types.js';
import { CommandContext } from '../../../src/commands/shared/context.js';
import { HeldOutput, WriteBehind } from '../../../src/commands/shared/write-behind.js';
import { tempDir } from '../../helpers/paths.js';
import { fakeIo, type Stream } from '../../helpers/fake-io.js';

interface Recording {
  io: Io;
  /** What reached the Io's stdout and stderr, in call order. */
  writes: [Stream, string][];
}

interface RecordingSettings {
  env?: Record<string, string | undefined>;
  cwd?: string;
  now?: Date;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/**
 * A real Io (files, clock) whose stdout and stderr are recorded; each write also goes to
 * `events` as `stdout: text` (trailing newline dropped) to be ordered against other events.
 */
function recordingIo(events: string[] = [], settings: RecordingSettings = {}): Recording {
  const fake = fakeIo({
    env: {},
    ...settings,
    onWrite: (to, text) => events.push(`${to}: ${text.replace(/\n$/, '')}`),
  });
  return { io: fake.io, writes: fake.writes };
}

describe('HeldOutput', () => {
  test('holds stdout and stderr writes, passes none on before release(), then all of them in their order', () => {
    const parent = recordingIo();
    const held = new HeldOutput(parent.io);
    held.io.stdout.write('one\n');
    held.io.stderr.write('two\n');
    held.io.stdout.write(Buffer.from('three\n'));
    held.io.stderr.write(new TextEncoder().encode('four ✓\n'));
    held.io.stdout.write('');
    held.io.stdout.write('five\n');
    assert.deepEqual(parent.writes, []);
    held.release();
    assert.deepEqual(parent.writes, [
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
      ['stderr', 'four ✓\n'],
      ['stdout', ''],
      ['stdout', 'five\n'],
    ]);
  });

  test('release() passes each held write on once; writes after it are held until the next release()', () => {
    const parent = recordingIo();
    const held = new HeldOutput(parent.io);
    held.io.stdout.write('a\n');
    held.release();
    held.release();
    assert.deepEqual(parent.writes, [['stdout', 'a\n']]);
    held.io.stderr.write('b\n');
    assert.deepEqual(parent.writes, [['stdout', 'a\n']]);
    held.release();
    assert.deepEqual(parent.writes, [
      ['stdout', 'a\n'],
      ['stderr', 'b\n'],
    ]);
  });

  test('a Uint8Array changed by the caller after write() is released as it was when written', () => {
    const parent = recordingIo();
    const held = new HeldOutput(parent.io);
    const bytes = new TextEncoder().encode('written\n');
    held.io.stdout.write(bytes);
    // Callers reuse their buffers; what was printed is what they held at write() time.
    bytes.fill(0x58);
    const view = new TextEncoder().encode('__view__\n').subarray(2, 6);
    held.io.stderr.write(view);
    view.fill(0x59);
    held.release();
    assert.deepEqual(parent.writes, [
      ['stdout', 'written\n'],
      ['stderr', 'view'],
    ]);
  });

  test(
    'a Buffer changed by the caller after write() is released as it was when written',
    () => {
      const parent = recordingIo();
      const held = new HeldOutput(parent.io);
      const bytes = Buffer.from('written\n');
      held.io.stdout.write(bytes);
      bytes.fill(0x58);
      held.release();
      assert.deepEqual(parent.writes, [['stdout', 'written\n']]);
    },
  );

  test("isTTY is the parent's, for stdout and stderr each", () => {
    const a = new HeldOutput(recordingIo([], { stdoutIsTTY: true, stderrIsTTY: false }).io);
    assert.equal(a.io.stdout.isTTY, true);
    assert.equal(a.io.stderr.isTTY, false);
    const b = new HeldOutput(recordingIo([], { stdoutIsTTY: false, stderrIsTTY: true }).io);
    assert.equal(b.io.stdout.isTTY, false);
    assert.equal(b.io.stderr.isTTY, true);
  });

  test("everything but stdout and stderr is the parent's: env, cwd(), the clock, files", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    const now = new Date('2024-05-06T07:08:09Z');
    const parent = recordingIo([], { env: { SOPS_AGE_KEY_FILE: '/k.txt' }, cwd: dir, now });
    const held = new HeldOutput(parent.io);
    assert.equal(held.io.env, parent.io.env);
    assert.equal(held.io.cwd(), dir);
    assert.equal(held.io.now(), now);
    assert.equal(held.io.exists(path.join(dir, 'a.yaml')), true);
    assert.equal(Buffer.from(held.io.readFile(path.join(dir, 'a.yaml'))).toString('utf8'), 'a: 1\n');
    assert.equal(held.io.stdinIsTTY, false);
    assert.notEqual(held.io.stdout, parent.io.stdout);
    assert.notEqual(held.io.stderr, parent.io.stderr);
  });
});

/** A file for the queue: its write (if it has one) finishes after `ms`, and it prints throughout. */
interface Job {
  ms?: number;
}

/** Adds the jobs in order, each printing when prepared and when written; returns once drained. */
async function runJobs(queue: WriteBehind, jobs: Job[], events: string[]): Promise<void> {
  for (const [i, job] of jobs.entries()) {
    await queue.add(
      async (fileCtx) => {
        fileCtx.io.stdout.write(`prepared ${i}\n`);
        fileCtx.warn(`note on ${i}`);
        const ms = job.ms;
        if (ms === undefined) return undefined;
        return async () => {
          await sleep(ms);
          events.push(`write ${i} finished`);
          fileCtx.io.stdout.write(`wrote ${i}\n`);
        };
      },
      (_ctx, e) => assert.fail(`file ${i} failed: ${String(e)}`),
    );
  }
  await queue.drain();
}

describe('WriteBehind', () => {
  test("output reaches the parent in file order, each file's only after its write, though the writes finish in another order", async () => {
    const events: string[] = [];
    const parent = recordingIo(events);
    const queue = new WriteBehind(new CommandContext(parent.io, {}));
    // File 2 has nothing to write; the others finish in the order 4, 1, 5, 3, 0.
    // 100 ms apart, so a loaded machine cannot reorder them.
    const jobs: Job[] = [{ ms: 400 }, { ms: 100 }, {}, { ms: 300 }, { ms: 0 }, { ms: 200 }];
    await runJobs(queue, jobs, events);

    assert.deepEqual(
      events.filter((e) => e.startsWith('write ')),
      [4, 1, 5, 3, 0].map((i) => `write ${i} finished`),
    );
    const expected: [Stream, string][] = [];
    for (const [i, job] of jobs.entries()) {
      expected.push(['stdout', `prepared ${i}\n`], ['stderr', `tsops: warning: note on ${i}\n`]);
      if (job.ms !== undefined) expected.push(['stdout', `wrote ${i}\n`]);
    }
    assert.deepEqual(parent.writes, expected);
    // A file's first line comes after its own write and those of every file before it.
    for (const i of jobs.keys()) {
      const firstLine = events.indexOf(`stdout: prepared ${i}`);
      for (let j = 0; j <= i; j++) {
        if (jobs[j]?.ms === undefined) continue;
        assert.ok(events.indexOf(`write ${j} finished`) < firstLine, `file ${i} printed before write ${j} finished`);
      }
    }
  });

  test("prepare gets the run's context (its global options) with the output held", async () => {
    const parent = recordingIo();
    const ctx = new CommandContext(parent.io, { verbose: true, indent: 4 });
    const queue = new WriteBehind(ctx);
    let seen: CommandContext | undefined;
    await queue.add(
      async (fileCtx) => {
        seen = fileCtx;
        fileCtx.debug('inside prepare');
        assert.deepEqual(parent.writes, [], 'held while the file is not done');
        return undefined;
      },
      (_ctx, e) => assert.fail(String(e)),
    );
    await queue.drain();
    assert.ok(seen instanceof CommandContext);
    assert.equal(seen.global, ctx.global);
    assert.notEqual(seen.io, ctx.io);
    assert.equal(seen.io.cwd(), ctx.io.cwd());
    assert.deepEqual(parent.writes, [['stderr', '[tsops] inside prepare\n']]);
  });

  test("a failure in prepare and a failure in the write each go to onError with that file's context, in file order", async () => {
    const events: string[] = [];
    const parent = recordingIo(events);
    const queue = new WriteBehind(new CommandContext(parent.io, {}));
    const contexts = new Map<number, CommandContext>();
    const errors: { file: number; ctx: CommandContext; e: unknown }[] = [];
    const unreadable = new Error('cannot read 1');
    const diskFull = new Error('disk full on 2');
    const badSyntax = new Error('bad syntax in 4');
    const onError = (file: number) => (ctx: CommandContext, e: unknown) => {
      errors.push({ file, ctx, e });
      ctx.io.stderr.write(`failed ${file}: ${(e as Error).message}\n`);
    };

    await queue.add(async (ctx) => {
      contexts.set(0, ctx);
      ctx.io.stdout.write('prepared 0\n');
      return async () => {
        await sleep(60);
        events.push('write 0 finished');
        ctx.io.stdout.write('wrote 0\n');
      };
    }, onError(0));
    // An async prepare that fails after it has printed.
    await queue.add(async (ctx) => {
      contexts.set(1, ctx);
      ctx.io.stdout.write('prepared 1\n');
      await sleep(1);
      throw unreadable;
    }, onError(1));
    // A write that prints, then fails after the writes of the files after it have finished.
    await queue.add(async (ctx) => {
      contexts.set(2, ctx);
      ctx.io.stdout.write('prepared 2\n');
      return async () => {
        await sleep(40);
        events.push('write 2 finished');
        ctx.io.stdout.write('writing 2\n');
        throw diskFull;
      };
    }, onError(2));
    await queue.add(async (ctx) => {
      contexts.set(3, ctx);
      ctx.io.stdout.write('prepared 3\n');
      return async () => {
        await sleep(0);
        events.push('write 3 finished');
        ctx.io.stdout.write('wrote 3\n');
      };
    }, onError(3));
    // A prepare that throws synchronously rather than returning a rejected promise.
    await queue.add((ctx) => {
      contexts.set(4, ctx);
      ctx.io.stdout.write('prepared 4\n');
      throw badSyntax;
    }, onError(4));
    await queue.drain();

    assert.deepEqual(
      errors.map((x) => x.file),
      [1, 4, 2],
      'onError runs as soon as a file fails',
    );
    for (const { file, ctx, e } of errors) {
      assert.equal(ctx, contexts.get(file), `file ${file}'s own context`);
      assert.equal(e, file === 1 ? unreadable : file === 2 ? diskFull : badSyntax);
    }
    assert.deepEqual(parent.writes, [
      ['stdout', 'prepared 0\n'],
      ['stdout', 'wrote 0\n'],
      ['stdout', 'prepared 1\n'],
      ['stderr', 'failed 1: cannot read 1\n'],
      ['stdout', 'prepared 2\n'],
      ['stdout', 'writing 2\n'],
      ['stderr', 'failed 2: disk full on 2\n'],
      ['stdout', 'prepared 3\n'],
      ['stdout', 'wrote 3\n'],
      ['stdout', 'prepared 4\n'],
      ['stderr', 'failed 4: bad syntax in 4\n'],
    ]);
    // Failed files wait for the earlier files' writes like the others.
    assert.ok(events.indexOf('write 0 finished') < events.indexOf('stderr: failed 1: cannot read 1'));
    assert.ok(events.indexOf('write 2 finished') < events.indexOf('stdout: prepared 3'));
  });

  test('drain() waits for every write and every file\'s output', async () => {
    const events: string[] = [];
    const parent = recordingIo(events);
    const queue = new WriteBehind(new CommandContext(parent.io, {}));
    let finished = 0;
    for (const [i, ms] of [50, 20, 35, 5].entries()) {
      await queue.add(
        async (ctx) => {
          ctx.io.stdout.write(`prepared ${i}\n`);
          return async () => {
            await sleep(ms);
            finished++;
            ctx.io.stdout.write(`wrote ${i}\n`);
          };
        },
        (_ctx, e) => assert.fail(String(e)),
      );
    }
    // add() returns once the file is prepared: the writes (timers) are still running.
    assert.equal(finished, 0);
    assert.equal(parent.writes.length, 0);
    await queue.drain();
    assert.equal(finished, 4);
    assert.deepEqual(
      parent.writes.map(([, text]) => text),
      ['prepared 0\n', 'wrote 0\n', 'prepared 1\n', 'wrote 1\n', 'prepared 2\n', 'wrote 2\n', 'prepared 3\n', 'wrote 3\n'],
    );
    // Nothing pending: draining again returns at once and adds nothing.
    await queue.drain();
    assert.equal(parent.writes.length, 8);
  });

  /** Runs files whose writes take `delays`, through a queue of `window`; the most writes in flight at once. */
  async function mostInFlight(window: number | undefined, delays: number[]): Promise<{ most: number; parent: Recording }> {
    const parent = recordingIo();
    const ctx = new CommandContext(parent.io, {});
    const queue = window === undefined ? new WriteBehind(ctx) : new WriteBehind(ctx, window);
    let inFlight = 0;
    let most = 0;
    for (const [i, ms] of delays.entries()) {
      await queue.add(
        async (ctx) => {
          ctx.io.stdout.write(`prepared ${i}\n`);
          return async () => {
            most = Math.max(most, ++inFlight);
            try {
              await sleep(ms);
            } finally {
              inFlight--;
            }
          };
        },
        (_ctx, e) => assert.fail(String(e)),
      );
    }
    await queue.drain();
    assert.equal(inFlight, 0);
    return { most, parent };
  }

  test('with window 2, at most two files wait on their writes at any time', async () => {
    const delays = [30, 5, 20, 10, 25, 0, 15, 5];
    const { most, parent } = await mostInFlight(2, delays);
    assert.equal(most, 2);
    assert.deepEqual(
      parent.writes.map(([, text]) => text),
      delays.map((_, i) => `prepared ${i}\n`),
    );
  });

  test('with the default window, the writes of six files all overlap', async () => {
    const { most } = await mostInFlight(undefined, [30, 5, 20, 10, 25, 0]);
    assert.equal(most, 6);
  });
});
