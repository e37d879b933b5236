/**
 * Reading a passphrase from the controlling terminal (`/dev/tty`), never from stdin: stdin may
 * carry the document being encrypted. The terminal is put in raw mode so nothing is echoed;
 * the little line editing a password prompt needs (backspace, Ctrl-U) is done here.
 */
import { TsopsError, messageOf } from '../errors.js';
import type { Io, Terminal } from '../io/types.js';

/** Asks the user for a passphrase (terminal, agent…). Rejects when none can be had. */
export type AskPassphrase = (prompt: string) => Promise<string>;

/** Where a passphrase entry stands after some input. */
export type PassphraseEntryStatus = 'typing' | 'done' | 'cancelled';

const ENTER_CR = 0x0d;
const ENTER_LF = 0x0a;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const BACKSPACE = 0x08;
const DELETE = 0x7f;
const ESC = 0x1b;

/**
 * The keystrokes of one passphrase entry in raw mode: Enter ends it, Ctrl-C (or Ctrl-D on an
 * empty line) cancels it, Backspace removes the last character, Ctrl-U clears the line; escape
 * sequences (arrow keys…) and other control characters are ignored. Pure: fed bytes, no I/O.
 */
export class PassphraseEntry {
  #bytes: number[] = [];
  #escape: 'none' | 'esc' | 'sequence' = 'none';
  #status: PassphraseEntryStatus = 'typing';

  get status(): PassphraseEntryStatus {
    return this.#status;
  }

  /** The passphrase typed so far. */
  get value(): string {
    return Buffer.from(this.#bytes).toString('utf8');
  }

  /** Feed terminal input; returns the status after it. Input after the end is ignored. */
  feed(chunk: Uint8Array): PassphraseEntryStatus {
    for (const b of chunk) {
      if (this.#status !== 'typing') break;
      this.#byte(b);
    }
    return this.#status;
  }

  /** Forget the typed bytes. */
  clear(): void {
    this.#bytes.fill(0);
    this.#bytes = [];
  }

  #byte(b: number): void {
    if (this.#escape === 'esc') {
      // ESC [ … and ESC O … start a sequence that ends with a byte in 0x40–0x7e
      this.#escape = b === 0x5b || b === 0x4f ? 'sequence' : 'none';
      return;
    }
    if (this.#escape === 'sequence') {
      if (b >= 0x40 && b <= 0x7e) this.#escape = 'none';
      return;
    }
    switch (b) {
      case ENTER_CR:
      case ENTER_LF:
        this.#status = 'done';
        return;
      case CTRL_C:
        this.#status = 'cancelled';
        return;
      case CTRL_D:
        if (this.#bytes.length === 0) this.#status = 'cancelled';
        return;
      case CTRL_U:
        this.clear();
        return;
      case BACKSPACE:
      case DELETE:
        // drop one whole UTF-8 character: its continuation bytes, then its lead byte
        while (this.#bytes.length > 0 && ((this.#bytes[this.#bytes.length - 1] as number) & 0xc0) === 0x80) this.#bytes.pop();
        this.#bytes.pop();
        return;
      case ESC:
        this.#escape = 'esc';
        return;
      default:
        if (b >= 0x20) this.#bytes.push(b);
    }
  }
}

/** What a prompt asks about: `Enter passphrase for "k":` gives `"k"`; other prompts are kept whole. */
export function promptSubject(prompt: string): string {
  const m = /^Enter passphrase for (.+?):?\s*$/.exec(prompt);
  return m ? (m[1] as string) : prompt.replace(/:\s*$/, '');
}

/** The error when a passphrase is needed and no terminal can be asked. */
export function noTerminalError(subject: string, cause?: unknown): TsopsError {
  return new TsopsError('NO_IDENTITY', `a passphrase is needed for ${subject} but there is no terminal to ask it on`, {
    hint: 'run it from a terminal, use a key without a passphrase, or for ssh-to-age set SSH_TO_AGE_PASSPHRASE',
    cause,
  });
}

export interface TerminalPassphraseOptions {
  /** The terminal device to open; `/dev/tty` (the controlling terminal) by default. */
  ttyPath?: string;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * An {@link AskPassphrase} that prompts on the controlling terminal with echo off. Prompts are
 * asked one at a time. Rejects with TsopsError `NO_IDENTITY` when there is no terminal, and
 * `CANCELED` when the user presses Ctrl-C.
 */
export function terminalAskPassphrase(io: Pick<Io, 'openTerminal'>, options: TerminalPassphraseOptions = {}): AskPassphrase {
  const ttyPath = options.ttyPath;
  return (prompt) => {
    const next = queue.then(
      () => readFromTerminal(io, ttyPath, prompt),
      () => readFromTerminal(io, ttyPath, prompt),
    );
    queue = next.catch(() => undefined);
    return next;
  };
}

function readFromTerminal(io: Pick<Io, 'openTerminal'>, ttyPath: string | undefined, prompt: string): Promise<string> {
  const subject = promptSubject(prompt);
  let terminal: Terminal;
  try {
    terminal = io.openTerminal(ttyPath);
  } catch (e) {
    return Promise.reject(noTerminalError(subject, e));
  }
  return new Promise<string>((resolve, reject) => {
    const entry = new PassphraseEntry();
    let settled = false;
    const finish = (error: TsopsError | undefined): void => {
      if (settled) return;
      settled = true;
      try {
        terminal.setRawMode(false);
        terminal.write('\n');
      } catch {
        // nothing more to tell the terminal
      }
      terminal.close();
      if (error) {
        entry.clear();
        reject(error);
        return;
      }
      const value = entry.value;
      entry.clear();
      resolve(value);
    };
    try {
      terminal.setRawMode(true);
      terminal.write(`${prompt} `);
    } catch (e) {
      finish(new TsopsError('NO_IDENTITY', `could not prompt for the passphrase of ${subject}: ${messageOf(e)}`, { cause: e }));
      return;
    }
    terminal.read({
      data: (chunk) => {
        const status = entry.feed(chunk);
        chunk.fill(0);
        if (status === 'done') finish(undefined);
        else if (status === 'cancelled') finish(new TsopsError('CANCELED', `passphrase entry for ${subject} was cancelled`));
      },
      error: (e) => finish(noTerminalError(subject, e)),
      end: () => finish(new TsopsError('CANCELED', `passphrase entry for ${subject} was cancelled: end of input`)),
    });
  });
}
