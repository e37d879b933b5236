import * as fs from 'node:fs';
// node:tty is on the bundle's deferred list: it loads only when a descriptor is a character device.
import { isatty } from 'node:tty';
import { ExitCode, TsopsError, messageOf } from '../errors.js';
import type { Output } from './types.js';

/**
 * Output to fd 1 or 2. Bytes go to the descriptor with write(2), as process.stdout would do
 * synchronously for files, pipes and terminals on Linux, without creating the stream (which
 * loads Node's net and tty modules, a noticeable share of a small command's run). Should the
 * descriptor refuse a write (a non-blocking pipe that is full, say), the rest and everything
 * after it goes through the stream, in order. When the reader has gone (EPIPE, as with
 * `tsops decrypt … | head`), further output is dropped quietly, the way a Go program on a
 * broken pipe ends without a message.
 */
export function fdOutput(fd: 1 | 2, stream: () => NodeJS.WriteStream): Output {
  let viaStream = false;
  let readerGone = false;
  let isTTY: boolean | undefined;
  const toStream = (data: string | Uint8Array) => {
    const s = stream();
    if (!viaStream) {
      viaStream = true;
      s.on('error', (e: NodeJS.ErrnoException) => {
        readerGone = true;
        if (e.code === 'EPIPE' || fd === 2) return;
        // The stream fails after the command has returned: say so in one line, exit 3.
        fs.writeSync(2, `tsops: ${outputFailed(e).message}\n`);
        process.exit(ExitCode.CouldNotWriteOutputFile);
      });
    }
    s.write(data);
  };
  return {
    write: (data) => {
      if (readerGone) return;
      if (viaStream) return toStream(data);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      try {
        while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') readerGone = true;
        else if (code === 'EAGAIN') toStream(bytes.subarray(off));
        else if (fd === 1) throw outputFailed(e);
        // stderr that cannot be written (a full disk) has nowhere to report to: dropped
        else readerGone = true;
      }
    },
    get isTTY() {
      isTTY ??= descriptorIsTTY(fd);
      return isTTY;
    },
  };
}

/** Standard output refused the bytes (ENOSPC, EIO, …): exit 3 with one line, no stack trace. */
function outputFailed(e: unknown): TsopsError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'no space left on device' : code === 'EIO' ? 'input/output error' : messageOf(e);
  return new TsopsError('WRITE_OUTPUT', `could not write to standard output: ${why}`, { cause: e, hint: 'standard output goes to a full or failing disk or device' });
}

/** Files and pipes are not terminals; only a character device needs the tty module's check. */
function descriptorIsTTY(fd: number): boolean {
  try {
    if (!fs.fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return isatty(fd);
}
