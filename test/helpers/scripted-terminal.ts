/**
 * A terminal for in-process tests: each time it is opened it plays the next script (what the
 * user types, then optionally the end of input), and it records what was shown and when raw mode
 * went on and off. test/io/terminal.test.ts holds it against a real pseudo-terminal.
 */
import type { Terminal, TerminalInput } from '../../src/io/types.js';

/** One opening of the terminal: the chunks typed, in order, and whether input then ends. */
export interface TerminalScript {
  typed: readonly (string | Uint8Array)[];
  /** End of input after the chunks (a closed terminal); otherwise it waits, as a user would. */
  end?: boolean;
}

export type TerminalEvent = ['open', string | undefined] | ['write', string] | ['raw', boolean] | ['close'];

export class ScriptedTerminal {
  /** Everything that happened, in order, over every opening. */
  readonly events: TerminalEvent[] = [];
  #scripts: TerminalScript[];

  constructor(scripts: readonly TerminalScript[]) {
    this.#scripts = [...scripts];
  }

  /** What was written to the terminal, all openings together. */
  get shown(): string {
    return this.events.flatMap((e) => (e[0] === 'write' ? [e[1]] : [])).join('');
  }

  /** The raw-mode changes, in order (a passphrase prompt turns it on, then off). */
  get rawModes(): boolean[] {
    return this.events.flatMap((e) => (e[0] === 'raw' ? [e[1]] : []));
  }

  /** How many openings were closed; every one must be. */
  get closes(): number {
    return this.events.filter((e) => e[0] === 'close').length;
  }

  /** How many times the terminal was opened. */
  get opens(): number {
    return this.events.filter((e) => e[0] === 'open').length;
  }

  /** The Io member: throws as the real one does when there is no terminal (no script left). */
  readonly open = (path?: string): Terminal => {
    const script = this.#scripts.shift();
    if (script === undefined) throw new Error('no terminal: the test gave no more scripts');
    this.events.push(['open', path]);
    let closed = false;
    const record = (e: TerminalEvent): void => {
      if (closed) throw new Error('terminal used after close');
      this.events.push(e);
    };
    return {
      write: (text) => record(['write', text]),
      setRawMode: (raw) => record(['raw', raw]),
      read: (to: TerminalInput) => {
        // delivered later, chunk by chunk, as keystrokes arrive
        const chunks = script.typed.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)));
        const next = (): void => {
          if (closed) return;
          const chunk = chunks.shift();
          if (chunk !== undefined) {
            to.data(chunk);
            setImmediate(next);
          } else if (script.end) to.end();
        };
        setImmediate(next);
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.events.push(['close']);
      },
    };
  };
}
