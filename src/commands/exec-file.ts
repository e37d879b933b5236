/**
 * `tsops exec-file FILE COMMAND` (spec §8.2): decrypt into a private temp directory — a FIFO by
 * default, so the plaintext is handed over without being stored, or a 0600 file with --no-fifo —
 * replace `{}` in COMMAND with its path, run it, and remove the directory whatever happens.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { TsopsError, messageOf } from '../errors.js';
import type { ChildControl, Io, RunResult } from '../io.js';
import type { CommandContext } from './context.js';
import { passExitStatus, runShellCommand } from './child-process.js';
import { withFile } from './files.js';
import { makePrivateDir, makePrivateSubdirs, writePrivateFile } from './private-temp.js';
import { openAndDecrypt } from './sops-file.js';
import { withoutEmptyIniDefault } from '../formats/ini-default.js';
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
    if (path.dirname(fileName) !== '.') makePrivateSubdirs(path.dirname(target));
    let writer: FifoWriter | undefined;
    if (options.noFifo) writePrivateFile(target, plaintext);
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
  /** Wait for the writer, ending it first if nobody read the FIFO. */
  stop(): Promise<void>;
}

/**
 * Create the FIFO and feed it from a helper process: opening a FIFO for writing blocks until a
 * reader comes, which must not block tsops itself (and the command may never read it).
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
  let control: ChildControl | undefined;
  const done = io
    .run(['/bin/sh', '-c', 'exec cat > "$1"', 'tsops-fifo-writer', fifo], { env: io.env, input: data, onSpawn: (c) => (control = c) })
    .then(
      () => undefined,
      () => undefined,
    );
  return {
    stop: async () => {
      control?.kill('SIGKILL');
      await done;
    },
  };
}
