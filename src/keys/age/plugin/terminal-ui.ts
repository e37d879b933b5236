/**
 * What a plugin asks the person (C2SP age-plugin, phase 2: `msg`, `confirm`, `request-public`,
 * `request-secret`) is shown and answered on the controlling terminal, `/dev/tty`: never on
 * stdout, which may be a pipe to a file, and never read from stdin, which may carry the
 * document. Secrets are typed with echo off. Without a terminal each request fails (the plugin
 * is told `fail`) and tsops says why on stderr.
 */
import { TsopsError, isTsopsError } from '../../../errors.js';
import type { Io, Terminal } from '../../../io/types.js';
import { terminalAskPassphrase } from '../../tty-passphrase.js';
import { printable } from './connection.js';

/** Answers to a plugin's requests; `undefined` means the request failed (`fail`). */
export interface PluginUi {
  message(binary: string, text: string): Promise<boolean>;
  /** true for yes, false for no. */
  confirm(binary: string, text: string, yes: string, no: string | undefined): Promise<boolean | undefined>;
  request(binary: string, text: string, secret: boolean): Promise<string | undefined>;
}

export interface TerminalUiOptions {
  /** The terminal device; `/dev/tty` by default. */
  ttyPath?: string;
}

/** What the terminal UI needs of the Io: the terminal, and stderr to say that there is none. */
export type TerminalUiIo = Pick<Io, 'openTerminal' | 'stderr'>;

function openTerminal(io: TerminalUiIo, ttyPath: string | undefined): Terminal | undefined {
  try {
    return io.openTerminal(ttyPath);
  } catch {
    return undefined;
  }
}

/** One line typed with echo on (the terminal's own line editing), without its line end; undefined without a terminal. */
function readTerminalLine(io: TerminalUiIo, ttyPath: string | undefined, prompt: string): Promise<string | undefined> {
  const terminal = openTerminal(io, ttyPath);
  if (terminal === undefined) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error: Error | undefined): void => {
      terminal.close();
      if (error) reject(error);
      else resolve(text);
    };
    try {
      terminal.write(prompt);
    } catch (e) {
      done(e as Error);
      return;
    }
    terminal.read({
      data: (chunk) => {
        text += Buffer.from(chunk).toString('utf8');
        const nl = text.search(/[\r\n]/);
        if (nl >= 0) {
          text = text.slice(0, nl);
          done(undefined);
        }
      },
      end: () => done(new TsopsError('CANCELED', 'input ended')),
      error: (e) => done(e),
    });
  });
}

/** The terminal UI of a tsops run. */
export function terminalPluginUi(io: TerminalUiIo, options: TerminalUiOptions = {}): PluginUi {
  const ttyPath = options.ttyPath;
  const warn = (line: string): void => {
    try {
      io.stderr.write(`${line}\n`);
    } catch {
      // stderr is gone: the plugin still gets its answer
    }
  };
  const noTerminal = (binary: string, what: string): undefined => {
    warn(`tsops: ${binary} ${what}, but there is no terminal to ask on; answering that it failed`);
    return undefined;
  };
  const askSecret = terminalAskPassphrase(io, { ttyPath });
  return {
    async message(binary, text) {
      const terminal = openTerminal(io, ttyPath);
      if (terminal === undefined) return noTerminal(binary, 'has a message to show') ?? false;
      try {
        terminal.write(`${binary}: ${printable(text)}\n`);
        return true;
      } catch {
        return false;
      } finally {
        terminal.close();
      }
    },
    async confirm(binary, text, yes, no) {
      const y = printable(yes, 80);
      const n = no === undefined ? undefined : printable(no, 80);
      const choices = n === undefined ? ` (press enter for "${y}")` : ` (1 for "${y}", 2 for "${n}")`;
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          const answer = await readTerminalLine(io, ttyPath, `${binary}: ${printable(text)}${choices} `);
          if (answer === undefined) return noTerminal(binary, 'asks for a confirmation');
          if (n === undefined) return true;
          const a = answer.trim();
          if (a === '1' || a === y) return true;
          if (a === '2' || a === n) return false;
        }
        return undefined;
      } catch {
        return undefined;
      }
    },
    async request(binary, text, secret) {
      const prompt = `${binary}: ${printable(text)}`;
      if (secret) {
        try {
          return await askSecret(prompt);
        } catch (e) {
          // Ctrl-C ends the run; a missing terminal is a failed request
          if (isTsopsError(e) && e.code === 'CANCELED') throw new TsopsError('CANCELED', `${binary}: entry cancelled`);
          return noTerminal(binary, 'asks for a secret');
        }
      }
      try {
        const answer = await readTerminalLine(io, ttyPath, `${prompt} `);
        return answer ?? noTerminal(binary, 'asks for a value');
      } catch {
        return undefined;
      }
    },
  };
}
