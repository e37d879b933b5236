/**
 * Runs one command line: builds the program, maps errors to one line on stderr and sops' exit
 * codes. A stack trace is shown only with --verbose, and only for unexpected errors.
 */
import type { Io } from './io/types.js';
import { buildProgram, normalizeArgv } from './cli/program.js';
import { reportError } from './report-error.js';

export { reportError };

export async function main(argv: string[], io: Io): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-verbose');
  const args = normalizeArgv(argv);
  const program = buildProgram(io, args);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e, io, verbose);
  }
}
