/**
 * What a plugin asks the person (C2SP age-plugin, phase 2: `msg`, `confirm`, `request-public`,
 * `request-secret`) is shown and answered on the controlling terminal, `/dev/tty`: never on
 * stdout, which may be a pipe to a file, and never read from stdin, which may carry the
 * document. Secrets are typed with echo off. Without a terminal each request fails (the plugin
 * is told `fail`) and tsops says why on stderr.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { TsopsError, isTsopsError } from '../../../errors.js';
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
  /** Where to say that a request could not be shown (tsops' stderr). */
  warn?: (line: string) => void;
}

function openTerminal(ttyPath: string): number | undefined {
  if (process.platform === 'win32') return undefined;
  let fd: number;
  try {
    fd = fs.openSync(ttyPath, 'r+');
  } catch {
    return undefined;
  }
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    return undefined;
  }
  return fd;
}

/**
 * One line typed with echo on (the terminal's own line editing), without its line end; undefined
 * without a terminal. The stream owns the descriptor and closes it.
 */
function readTerminalLine(ttyPath: string, prompt: string): Promise<string | undefined> {
  const fd = openTerminal(ttyPath);
  if (fd === undefined) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const input = new tty.ReadStream(fd);
    let text = '';
    const done = (error: Error | undefined): void => {
      input.removeAllListeners('data');
      input.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    input.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.search(/[\r\n]/);
      if (nl >= 0) {
        text = text.slice(0, nl);
        done(undefined);
      }
    });
    input.on('end', () => done(new TsopsError('CANCELED', 'input ended')));
    input.on('error', (e) => done(e));
    try {
      fs.writeSync(fd, prompt);
    } catch (e) {
      done(e as Error);
    }
  });
}

/** The terminal UI of a tsops run. */
export function terminalPluginUi(options: TerminalUiOptions = {}): PluginUi {
  const ttyPath = options.ttyPath ?? '/dev/tty';
  const warn =
    options.warn ??
    ((line: string) => {
      try {
        fs.writeSync(2, `${line}\n`);
      } catch {
        // stderr is gone: the plugin still gets its answer
      }
    });
  const noTerminal = (binary: string, what: string): undefined => {
    warn(`tsops: ${binary} ${what}, but there is no terminal to ask on; answering that it failed`);
    return undefined;
  };
  const askSecret = terminalAskPassphrase({ ttyPath });
  return {
    async message(binary, text) {
      const fd = openTerminal(ttyPath);
      if (fd === undefined) return noTerminal(binary, 'has a message to show') ?? false;
      try {
        fs.writeSync(fd, `${binary}: ${printable(text)}\n`);
        return true;
      } catch {
        return false;
      } finally {
        fs.closeSync(fd);
      }
    },
    async confirm(binary, text, yes, no) {
      const y = printable(yes, 80);
      const n = no === undefined ? undefined : printable(no, 80);
      const choices = n === undefined ? ` (press enter for "${y}")` : ` (1 for "${y}", 2 for "${n}")`;
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          const answer = await readTerminalLine(ttyPath, `${binary}: ${printable(text)}${choices} `);
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
        const answer = await readTerminalLine(ttyPath, `${prompt} `);
        return answer ?? noTerminal(binary, 'asks for a value');
      } catch {
        return undefined;
      }
    },
  };
}
