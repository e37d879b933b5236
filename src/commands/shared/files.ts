/**
 * Reading a command's input (file or stdin) and writing its output (stdout, --output, or the
 * file in place, atomically). Nothing is written until the command has fully succeeded.
 */
import { TsopsError, messageOf } from '../../errors.js';
import { formatForPath, parseFormatName, type FormatName } from '../../formats/index.js';
import type { SopsDocument } from '../../core/document.js';
import type { Store } from '../../formats/format.js';
import type { CommandContext } from './context.js';
import { warnRecipientsWithoutEnc } from './recipient-check.js';
import { openSopsDocument } from '../../core/sops-file.js';
import { writeFailure } from '../../io/atomic-write.js';

export interface InputOptions {
  /** The file argument; undefined reads stdin. */
  file?: string | undefined;
  filenameOverride?: string | undefined;
  inputType?: string | undefined;
  outputType?: string | undefined;
}

export interface Input {
  bytes: Uint8Array;
  /** The name that decides formats and creation rules (override, else the file). */
  name: string;
  /** Absolute path of the real file, undefined for stdin. */
  filePath: string | undefined;
  inputFormat: FormatName;
  outputFormat: FormatName;
}

export async function readInput(ctx: CommandContext, options: InputOptions, requireName: boolean): Promise<Input> {
  let bytes: Uint8Array;
  let filePath: string | undefined;
  if (options.file === undefined || options.file === '-') {
    if (requireName && !options.filenameOverride) {
      throw new TsopsError('CONFLICTING_PARAMETERS', 'must specify --filename-override when reading from stdin', {
        hint: 'the name decides the format and the creation rule, e.g. --filename-override secrets/app.yaml',
      });
    }
    bytes = await ctx.io.readStdin();
  } else {
    filePath = ctx.absolute(options.file);
    // one read, no stat first: a file that is not there is told apart by the read's error
    try {
      bytes = ctx.io.readFile(filePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new TsopsError('NO_FILE', `cannot operate on non-existent file ${JSON.stringify(options.file)}`);
      }
      throw new TsopsError('READ_INPUT', `could not read ${options.file}: ${messageOf(e)}`, { cause: e });
    }
  }
  const name = options.filenameOverride ?? options.file ?? '';
  const byName = formatForPath(name);
  return {
    bytes,
    name: name === '' ? '' : ctx.absolute(name),
    filePath,
    inputFormat: parseFormatName(options.inputType) ?? byName,
    outputFormat: parseFormatName(options.outputType) ?? byName,
  };
}

/**
 * Parse an encrypted file and its metadata; a file without one is "sops metadata not found".
 * With `ctx`, recipients that have no valid `enc` are warned about (see recipient-check.ts).
 */
export function parseSopsFile(store: Store, bytes: Uint8Array, displayName: string, ctx?: Pick<CommandContext, 'warn'>): SopsDocument {
  const doc = withFile(displayName, () => openSopsDocument(store.parseEncrypted(bytes), displayName));
  if (ctx !== undefined) warnRecipientsWithoutEnc((m) => ctx.warn(m), displayName, doc.metadata);
  return doc;
}

/** Prefix a TsopsError's message with the file it concerns. */
export function withFile<T>(displayName: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TsopsError && displayName !== '' && !e.verbatim && !e.message.startsWith(displayName)) {
      throw new TsopsError(e.code, `${displayName}: ${e.message}`, {
        hint: e.hint,
        details: e.details,
        cause: e.cause,
        exitCode: e.exitCode,
      });
    }
    throw e;
  }
}

export interface OutputOptions {
  inPlace?: boolean | undefined;
  output?: string | undefined;
}

/** Reject `-i` with `--output`, and `-i` on stdin (spec §8.2, exit 8). */
export function checkOutputOptions(options: OutputOptions, input: { file?: string | undefined }): void {
  if (options.inPlace && options.output !== undefined) {
    throw new TsopsError('CONFLICTING_PARAMETERS', 'cannot operate on both --output and --in-place');
  }
  if (options.inPlace && (input.file === undefined || input.file === '-')) {
    throw new TsopsError('CONFLICTING_PARAMETERS', 'cannot use --in-place when reading from stdin');
  }
}

/** Write the result: in place (atomic, keeps the mode), to --output (atomic), or to stdout. */
export function writeOutput(ctx: CommandContext, data: Uint8Array, options: OutputOptions, input: Input): void {
  const target = options.inPlace ? input.filePath : options.output !== undefined ? ctx.absolute(options.output) : undefined;
  if (target === undefined) {
    ctx.io.stdout.write(data);
    ctx.debug('output written to stdout');
    return;
  }
  try {
    ctx.io.writeFileAtomic(target, data);
  } catch (e) {
    throw writeError(target, e);
  }
  ctx.debug(`file written successfully: ${target}`);
}

function writeError(target: string, e: unknown): TsopsError {
  return writeFailure(target, e);
}

/**
 * Write a file's new bytes in place through the Io's thread-pool write, so a command rewriting
 * many files overlaps their fsyncs; a file without a path (stdin) as {@link writeOutput} does.
 */
export async function writeInPlaceAsync(ctx: CommandContext, data: Uint8Array, input: Input): Promise<void> {
  const target = input.filePath;
  if (target === undefined) {
    writeOutput(ctx, data, { inPlace: true }, input);
    return;
  }
  try {
    await ctx.io.writeFileAtomicAsync(target, data);
  } catch (e) {
    throw writeError(target, e);
  }
  ctx.debug(`file written successfully: ${target}`);
}

/** A user-facing name for messages: the path as given, or `<stdin>`. */
export function displayName(options: InputOptions): string {
  return options.filenameOverride ?? (options.file === undefined || options.file === '-' ? '<stdin>' : options.file);
}

/** {@link withFile} for async work. */
export async function withFileAsync<T>(displayName: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return withFile(displayName, () => {
      throw e;
    });
  }
}
