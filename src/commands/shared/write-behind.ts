/**
 * Many files rewritten in one run, with their writes overlapped: each file is prepared in turn
 * (reading, unwrapping, re-encrypting: CPU work, in order) while the writes of the files before
 * it, fsync included, run on Node's thread pool. Everything a file prints is held back and
 * written out in file order once its write is done or has failed, so the output reads exactly
 * as if the files had been done one by one.
 */
import type { Io, Output } from '../../io/types.js';
import type { CommandContext } from './context.js';

type Held = { to: Output; data: string | Uint8Array };

/** One held stream: its writes are queued for the parent's stream, or pass straight on once live. */
class HeldStream implements Output {
  constructor(
    private readonly to: Output,
    private readonly held: { parts: Held[]; live: boolean },
  ) {}

  write(data: string | Uint8Array): void {
    if (this.held.live) {
      this.to.write(data);
      return;
    }
    // a copy: Buffer's slice() would share the caller's memory
    this.held.parts.push({ to: this.to, data: typeof data === 'string' ? data : Uint8Array.prototype.slice.call(data) });
  }

  get isTTY(): boolean {
    return this.to.isTTY;
  }
}

/** An Io whose stdout and stderr writes are kept, in order, until released. */
export class HeldOutput {
  readonly io: Io;
  #held: { parts: Held[]; live: boolean } = { parts: [], live: false };

  constructor(parent: Io) {
    // Everything else is the parent's, looked up through the prototype (its getters stay lazy).
    this.io = Object.create(parent, {
      stdout: { value: new HeldStream(parent.stdout, this.#held) },
      stderr: { value: new HeldStream(parent.stderr, this.#held) },
    }) as Io;
  }

  release(): void {
    const parts = this.#held.parts.splice(0);
    for (const p of parts) p.to.write(p.data);
  }

  /** Write out what is held, and let later writes through at once. */
  goLive(): void {
    this.release();
    this.#held.live = true;
  }
}

/** A file's preparation: it may return the write still to do (which may print, too). */
export type PreparedWrite = (() => Promise<void>) | undefined;

export class WriteBehind {
  readonly #ctx: CommandContext;
  readonly #window: number;
  #tail: Promise<void> = Promise.resolve();
  readonly #released: Promise<void>[] = [];

  /** @param window - how many files may wait on their writes at once. */
  constructor(ctx: CommandContext, window = 16) {
    this.#ctx = ctx;
    this.#window = window;
  }

  /**
   * Prepare one file now, with a context whose output is held; its write (if any) goes on in
   * the background. A failure, in preparing or in writing, goes to `onError` with that context.
   */
  async add(prepare: (ctx: CommandContext) => Promise<PreparedWrite>, onError: (ctx: CommandContext, e: unknown) => void): Promise<void> {
    const held = new HeldOutput(this.#ctx.io);
    const earlier = this.#tail;
    // A question must be seen: the files before this one finish and print first, then this
    // file's output goes straight through.
    const ctx = this.#ctx.withIo(held.io, async () => {
      await earlier;
      held.goLive();
    });
    let finished: Promise<void>;
    try {
      const write = await prepare(ctx);
      finished = write === undefined ? Promise.resolve() : write();
    } catch (e) {
      finished = Promise.reject(e);
    }
    const settled = finished.catch((e: unknown) => onError(ctx, e));
    this.#tail = this.#tail.then(() => settled).then(() => held.release());
    this.#released.push(this.#tail);
    if (this.#released.length >= this.#window) await this.#released.shift();
  }

  /** Wait for every write, with all output released. */
  async drain(): Promise<void> {
    await this.#tail;
    this.#released.length = 0;
  }
}
