/** How every failure reaches the user: one line, an optional hint, sops' exit code. */
import { CommanderError } from 'commander';
import { TsopsError, isTsopsError } from './errors.js';
import type { Io } from './io.js';

/** Print an error the way every tsops command does; returns the exit code. */
export function reportError(e: unknown, io: Io, verbose: boolean): number {
  if (e instanceof CommanderError) {
    // commander already printed help/version or its own one-line error
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode === 0 ? 0 : 1;
  }
  if (isTsopsError(e)) {
    if (e.silent) return e.exitCode;
    io.stderr.write(e.verbatim ? `${e.message}\n` : `tsops: ${e.message}\n`);
    if (e.details) io.stderr.write(`${e.details.replace(/\n?$/, '\n')}`);
    if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
    if (verbose && e.cause instanceof Error) io.stderr.write(`cause: ${e.cause.message}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`tsops: unexpected error: ${firstLine(err.message)}\n`);
  if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
  else io.stderr.write('hint: run again with --verbose for details\n');
  return new TsopsError('GENERIC', '').exitCode;
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}
