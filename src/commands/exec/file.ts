/**
 * `tsops exec-file FILE COMMAND` (spec §8.2): decrypt into a private temp directory — a FIFO by
 * default, so the plaintext is handed over without being stored, or a 0600 file with --no-fifo —
 * replace `{}` in COMMAND with its path, run it, and remove the directory whatever happens.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { TsopsError, messageOf } from '../../errors.js';
import type { Io, RunResult } from '../../io/types.js';
import type { CommandContext } from '../shared/context.js';
import { passExitStatus, runShellCommand } from './child-process.js';
import { withFile } from '../shared/files.js';
import { makePrivateDir, makePrivateSubdirs, writePrivateFile } from '../shared/private-temp.js';
import { openAndDecrypt } from '../shared/sops-file.js';
import { withoutEmptyIniDefault } from '../../formats/ini-default.js';
import { UncoveredValues, nullPaths, warnUncoveredPaths } from './uncovered-values.js';

export interface ExecFileOptions {
  file: string;
  command: string;
  inputType?: string | undefined;
  outputType?: string | undefined;
  /** A regular 0600 file instead of a FIFO. */
  noFifo?: boolean | undefined;
  /** Name of the file inside the temp directory (a relative path). */
  filename?: string | undefined;
}

/** sops' default name of the temporary file. */
export const FALLBACK_FILENAME = 'tmp-file';

/** Check `--filename`: a relative path that stays inside the temp directory. */
export function checkFilename(name: string): string {
  const normal = path.posix.normalize(name);
  if (name === '' || path.isAbsolute(name) || normal === '..' || normal.startsWith('../') || normal === '.' || name.includes('\0')) {
    throw new TsopsError('CONFLICTING_PARAMETERS', `--filename must be a relative file name, got ${JSON.stringify(name)}`, {
      hint: 'e.g. --filename config.yaml',
    });
  }
  return normal;
}

export async function execFileCommand(ctx: CommandContext, options: ExecFileOptions): Promise<void> {
  const name = options.filename === undefined ? undefined : checkFilename(options.filename);
  const found = new UncoveredValues();
  const opened = await openAndDecrypt(ctx, {
    file: options.file,
    inputType: options.inputType,
    outputType: options.outputType,
    onUncovered: found.onUncovered,
  });
  opened.dataKey.fill(0);
  warnUncoveredPaths(ctx, opened.name, [...found.paths, ...nullPaths(opened.doc.branches)]);
  const format = opened.input.outputFormat;
  const branches = opened.input.inputFormat === 'ini' && format !== 'ini' ? withoutEmptyIniDefault(opened.doc.branches) : opened.doc.branches;
  const plaintext = withFile(opened.name, () => ctx.store(format).emitPlain(branches, ctx.emitOptions(format)));

  const dir = makePrivateDir(ctx.io, 'tsops-exec-');
  try {
    const fileName = name ?? (options.noFifo ? `${FALLBACK_FILENAME}${randomDigits()}` : FALLBACK_FILENAME);
    const target = path.join(dir.path, fileName);
    if (path.dirname(fileName) !== '.') makePrivateSubdirs(ctx.io, path.dirname(target));
    let writer: FifoWriter | undefined;
    if (options.noFifo) writePrivateFile(ctx.io, target, plaintext);
    else writer = await startFifoWriter(ctx.io, target, plaintext);
    ctx.debug(`${opened.name}: decrypted for the command at ${target} (${options.noFifo ? '0600 file' : 'FIFO'}, removed afterwards)`);
    let code: number;
    try {
      code = await runShellCommand(ctx.io, { command: options.command.replaceAll('{}', target), env: ctx.io.env });
    } finally {
      await writer?.stop();
    }
    passExitStatus(code);
  } finally {
    dir.remove();
  }
}

function randomDigits(): string {
  return String(randomBytes(4).readUInt32BE(0));
}

interface FifoWriter {
  /** Stop feeding the FIFO (at once: nothing is left running). */
  stop(): Promise<void>;
}

/**
 * How often the FIFO is tried for a reader, or a full pipe for room: from the first interval,
 * doubling while nothing moves, up to the longest, so a command that never opens the FIFO or
 * stops reading (it may run for days) costs ten wake-ups a second at most.
 */
const FIFO_FIRST_POLL_MS = 2;
const FIFO_LONGEST_POLL_MS = 100;

/**
 * Create the FIFO and feed it from tsops' own process, without ever blocking: the write end is
 * opened non-blocking (ENXIO until a reader has opened the FIFO), and the data is written as the
 * reader makes room. No helper process holds the plaintext, so when tsops dies (even by SIGKILL)
 * nothing is left to serve it: a later reader of the FIFO finds no writer.
 */
async function startFifoWriter(io: Io, fifo: string, data: Uint8Array): Promise<FifoWriter> {
  let made: RunResult;
  try {
    made = await io.run(['mkfifo', '-m', '600', fifo], { env: io.env });
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not create a fifo: ${messageOf(e)}`, { hint: 'use --no-fifo' });
  }
  if (made.code !== 0) {
    throw new TsopsError('WRITE_OUTPUT', `could not create a fifo: ${Buffer.from(made.stderr).toString('utf8').trim()}`, { hint: 'use --no-fifo' });
  }
  let fd: number | undefined;
  let off = 0;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  let delay = FIFO_FIRST_POLL_MS;
  const finish = () => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    if (fd !== undefined) io.closeFd(fd);
    fd = undefined;
  };
  const step = () => {
    timer = undefined;
    const before = off;
    try {
      if (fd === undefined) fd = io.openNonBlocking(fifo);
      while (off < data.length) off += io.writeSome(fd, data, off);
      return finish(); // all written: closing gives the reader its end of file
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENXIO: no reader yet; EAGAIN: the pipe is full. Anything else (EPIPE: the reader left).
      if (code !== 'ENXIO' && code !== 'EAGAIN') return finish();
    }
    delay = off > before ? FIFO_FIRST_POLL_MS : Math.min(delay * 2, FIFO_LONGEST_POLL_MS);
    timer = setTimeout(step, delay);
  };
  step();
  return {
    stop: async () => finish(),
  };
}
