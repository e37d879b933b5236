/**
 * Running the user's command for exec-env and exec-file: `/bin/sh -c COMMAND` on the terminal,
 * its exit status passed through.
 */
import { TsopsError, messageOf } from '../../errors.js';
import type { ChildControl, Io } from '../../io/types.js';

export interface ShellRun {
  command: string;
  env: Record<string, string | undefined>;
}

/**
 * Run the command and wait for it. SIGTERM and SIGHUP sent to tsops are passed on; SIGINT is not:
 * Ctrl-C already reaches the command through the terminal, and a second one could force-quit it.
 * Either way tsops waits for the command, so its cleanup still runs.
 */
export async function runShellCommand(io: Io, run: ShellRun): Promise<number> {
  let child: ChildControl | undefined;
  const release = io.trapSignals((signal) => {
    if (signal !== 'SIGINT') child?.kill(signal);
  });
  try {
    const result = await io.run(['/bin/sh', '-c', run.command], {
      inherit: true,
      env: run.env,
      onSpawn: (c) => (child = c),
    });
    return result.code;
  } catch (e) {
    throw new TsopsError('GENERIC', `could not run the command: ${messageOf(e)}`, { cause: e });
  } finally {
    release();
  }
}

/** Turn a non-zero exit status of the command into tsops' own exit status. */
export function passExitStatus(code: number): void {
  if (code !== 0) {
    // Like sops, pass the status through without a message of our own: the command spoke for itself.
    throw new TsopsError('GENERIC', `the command exited with status ${code}`, { exitCode: code, silent: true });
  }
}
