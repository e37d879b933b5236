/** How every failure reaches the user: one line, an optional hint, sops' exit code. */
import { CommanderError } from 'commander';
import { ExitCode, TsopsError, incompleteInstallation, isTsopsError } from './errors.js';
import type { Io } from './io/types.js';

/** How a failure among several is shown: its line reworded (e.g. to name the file), its extras left out. */
export interface ErrorFraming {
  /** The text after `tsops: `, given the error's message. */
  line?: ((message: string) => string) | undefined;
  /** Leave out the details, hint and cause (shown once, for the first of many failures). */
  brief?: boolean | undefined;
}

/** Print an error the way every tsops command does; returns the exit code. */
export function reportError(e: unknown, io: Io, verbose: boolean, framing: ErrorFraming = {}): number {
  if (e instanceof CommanderError) {
    // commander already printed help/version or its own one-line error
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode === 0 ? 0 : 1;
  }
  const { line, brief = false } = framing;
  // Said as it is, even where a reader wrapped it: its line names the file and what to do, and a
  // wrapper's hint ("fix the config file") would send the user the wrong way.
  const missing = incompleteInstallation(e);
  if (missing !== undefined) {
    const message = firstLine(missing.message);
    io.stderr.write(`tsops: ${line ? line(message) : message}\n`);
    return ExitCode.ErrorGeneric;
  }
  if (isTsopsError(e)) {
    if (e.silent) return e.exitCode;
    if (line) io.stderr.write(`tsops: ${line(e.message)}\n`);
    else io.stderr.write(e.verbatim ? `${e.message}\n` : `tsops: ${e.message}\n`);
    if (brief) return e.exitCode;
    if (e.details) io.stderr.write(`${e.details.replace(/\n?$/, '\n')}`);
    if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
    if (verbose && e.cause instanceof Error) io.stderr.write(`cause: ${e.cause.message}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const message = `unexpected error: ${firstLine(err.message)}`;
  io.stderr.write(`tsops: ${line ? line(message) : message}\n`);
  if (!brief) {
    if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
    else io.stderr.write('hint: run again with --verbose for details\n');
  }
  return new TsopsError('GENERIC', '').exitCode;
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}
