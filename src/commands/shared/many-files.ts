/** Commands that take several files run them in one process, reporting each failure. */
import { TsopsError } from '../../errors.js';
import { reportError } from '../../report-error.js';
import type { CommandContext } from './context.js';

/**
 * Run a per-file command over several files in one process (one config load, one identity
 * loader, one passphrase prompt). `--output` names one file, so it takes exactly one input.
 * Every file is attempted; the first failure is reported after the others ran.
 */
export async function forEachFile(
  ctx: CommandContext,
  files: string[],
  options: { output?: unknown },
  run: (file: string | undefined) => Promise<void>,
): Promise<void> {
  if (files.length <= 1) return run(files[0]);
  if (options.output !== undefined) {
    throw new TsopsError('CONFLICTING_PARAMETERS', '--output takes a single input file', { hint: 'use -i to write each file in place' });
  }
  let failed = 0;
  let exitCode = 0;
  for (const file of files) {
    try {
      await run(file);
    } catch (e) {
      failed++;
      const code = reportError(e, ctx.io, ctx.global.verbose === true);
      if (exitCode === 0) exitCode = code;
    }
  }
  if (failed > 0) {
    throw new TsopsError('GENERIC', `${failed} of ${files.length} files failed`, { exitCode, silent: true });
  }
}
