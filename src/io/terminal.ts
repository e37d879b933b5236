/**
 * The Node implementation of {@link Terminal}: the device opened read-write, a tty.ReadStream
 * on it for input, synchronous writes for prompts. node:tty is on the bundle's deferred list, so
 * a command that never asks a question does not load it.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import type { Terminal, TerminalInput } from './types.js';

export function openNodeTerminal(ttyPath = '/dev/tty'): Terminal {
  if (process.platform === 'win32') throw new Error('no controlling terminal on this platform');
  const fd = fs.openSync(ttyPath, 'r+');
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    throw new Error(`${ttyPath} is not a terminal`);
  }
  // Created at once: tty.ReadStream owns the descriptor from here on and closes it when destroyed.
  const input = new tty.ReadStream(fd);
  input.pause();
  // until read() is called, an error of the device must not end the process
  input.on('error', () => undefined);
  let raw = false;
  let closed = false;
  // A run that ends while a passphrase is being typed must not leave the terminal without echo.
  const restore = (): void => {
    try {
      input.setRawMode(false);
    } catch {
      // the terminal went away
    }
  };
  return {
    write(text) {
      fs.writeSync(fd, text);
    },
    setRawMode(on) {
      input.setRawMode(on);
      if (on && !raw) process.once('exit', restore);
      if (!on && raw) process.removeListener('exit', restore);
      raw = on;
    },
    read(to: TerminalInput) {
      input.on('data', (chunk: Buffer) => to.data(chunk));
      input.on('end', () => to.end());
      input.on('error', (e) => to.error(e));
      input.resume();
    },
    close() {
      if (closed) return;
      closed = true;
      if (raw) {
        process.removeListener('exit', restore);
        restore();
        raw = false;
      }
      input.removeAllListeners('data');
      input.destroy();
    },
  };
}
