/** Commands that take several files run them in one process, reporting each failure. */
import { TsopsError } from '../../errors.js';
import { reportError } from '../../report-error.js';
import type { CommandContext } from './context.js';
import { WriteBehind, type PreparedWrite } from './write-behind.js';
import { UpcomingFiles } from './upcoming.js';

/**
 * The failures of a run over several files: each is reported when it happens (through the one
 * error reporter), and the caller decides what the run as a whole ends with.
 */
export class FileFailures {
  count = 0;
  /** The exit code of the first failure. */
  exitCode = 0;

  /** `line` words a failure's line, given the file and the error's message; the default is the message. */
  constructor(
    private readonly ctx: CommandContext,
    private readonly line?: (file: string, message: string) => string,
  ) {}

  /** Report one file's failure, on `ctx`'s stderr (a deferred write has a context of its own); returns its exit code. */
  report(file: string, e: unknown, options: { ctx?: CommandContext; brief?: boolean } = {}): number {
    this.count++;
    const line = this.line;
    const code = reportError(e, (options.ctx ?? this.ctx).io, this.ctx.global.verbose === true, {
      line: line && ((message) => line(file, message)),
      brief: options.brief,
    });
    if (this.exitCode === 0) this.exitCode = code;
    return code;
  }

  /** Run one file's work; a failure is reported and the run goes on. */
  async attempt(file: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      this.report(file, e);
    }
  }
}

/**
 * Run a per-file command over several files in one process (one config load, one identity
 * loader, one passphrase prompt). `--output` names one file, so it takes exactly one input.
 * Every file is attempted; the first failure is reported after the others ran.
 */
export async function forEachFile(
  ctx: CommandContext,
  files: string[],
  options: ManyFilesOptions,
  run: (file: string | undefined) => Promise<void>,
): Promise<void> {
  if (files.length <= 1) return run(files[0]);
  refuseOutput(options);
  const failures = new FileFailures(ctx);
  const upcoming = upcomingFiles(ctx, files, options);
  for (const [i, file] of files.entries()) {
    upcoming.at(i);
    await failures.attempt(file, () => run(file));
  }
  upcoming.done();
  endRun(failures, files.length, failures.exitCode);
}

/** The options of a command over several files that this module reads. */
export interface ManyFilesOptions {
  output?: unknown;
  inputType?: unknown;
}

function upcomingFiles(ctx: CommandContext, files: readonly string[], options: ManyFilesOptions): UpcomingFiles {
  return new UpcomingFiles(ctx, files, typeof options.inputType === 'string' ? options.inputType : undefined);
}

/**
 * {@link forEachFile} for a command that rewrites each file in place and asks nothing on the way:
 * each file is prepared while the writes (fsync included) of those before it go on, and what a
 * file prints comes out in file order, so the run reads as one file after another. The exit code
 * is that of the first file that failed, in file order, as in the one-by-one run.
 */
export async function forEachFileWritingBehind(
  ctx: CommandContext,
  files: string[],
  options: ManyFilesOptions,
  prepare: (fileCtx: CommandContext, file: string) => Promise<PreparedWrite>,
): Promise<void> {
  refuseOutput(options);
  const failures = new FileFailures(ctx);
  const codes: number[] = [];
  const queue = new WriteBehind(ctx);
  const upcoming = upcomingFiles(ctx, files, options);
  for (const [i, file] of files.entries()) {
    upcoming.at(i);
    await queue.add(
      (fileCtx) => prepare(fileCtx, file),
      (fileCtx, e) => {
        codes[i] = failures.report(file, e, { ctx: fileCtx });
      },
    );
  }
  upcoming.done();
  await queue.drain();
  endRun(failures, files.length, codes.find((c) => c !== undefined) ?? 0);
}

function refuseOutput(options: ManyFilesOptions): void {
  if (options.output !== undefined) {
    throw new TsopsError('CONFLICTING_PARAMETERS', '--output takes a single input file', { hint: 'use -i to write each file in place' });
  }
}

function endRun(failures: FileFailures, total: number, exitCode: number): void {
  if (failures.count > 0) {
    throw new TsopsError('GENERIC', `${failures.count} of ${total} files failed`, { exitCode, silent: true });
  }
}
