/** Reading a file that may be a device or never end (/dev/zero), holding at most a limit in memory. */
import * as fs from 'node:fs';

/** Read `p` whole, or throw `tooBig()` as soon as it holds more than `max` bytes. */
export function readFileUpTo(p: string, max: number, tooBig: () => Error): Uint8Array {
  const fd = fs.openSync(p, 'r');
  const buf = Buffer.allocUnsafe(Math.min(max + 1, 64 * 1024));
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw tooBig();
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    // key files pass through here: leave no copy in the scratch buffer
    buf.fill(0);
    fs.closeSync(fd);
  }
}
