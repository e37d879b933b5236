/** Lines read from standard input one at a time (answers to questions, "press Enter"). */

/** Input read past the last line returned (answers piped in advance), and whether stdin has ended. */
let stdinRest: Buffer = Buffer.alloc(0);
let stdinEnded = false;

function takeLine(all: Buffer): string | undefined {
  const nl = all.indexOf(0x0a);
  if (nl < 0) return undefined;
  stdinRest = Buffer.from(all.subarray(nl + 1));
  return all.subarray(0, nl).toString('utf8').replace(/\r$/, '');
}

export function readStdinLine(abort?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    if (abort?.aborted) {
      resolve(undefined);
      return;
    }
    const buffered = takeLine(stdinRest);
    if (buffered !== undefined || stdinEnded) {
      resolve(buffered);
      return;
    }
    const chunks: Buffer[] = [stdinRest];
    const finish = (line: string | undefined) => {
      stdin.off('data', onData);
      stdin.off('end', onEndOfInput);
      stdin.off('error', onEndOfInput);
      abort?.removeEventListener('abort', onEnd);
      // Stop reading so a program started next (the editor) gets the terminal's input.
      stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const line = takeLine(Buffer.concat(chunks));
      if (line !== undefined) finish(line);
    };
    const onEnd = () => finish(undefined);
    const onEndOfInput = () => {
      stdinEnded = true;
      finish(undefined);
    };
    abort?.addEventListener('abort', onEnd);
    stdin.on('data', onData);
    stdin.on('end', onEndOfInput);
    stdin.on('error', onEndOfInput);
    stdin.resume();
  });
}
