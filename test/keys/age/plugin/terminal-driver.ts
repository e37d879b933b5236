/**
 * Runs a program on a pseudo-terminal made by `script(1)` and answers its prompts like a person:
 * each step waits for its text to appear on the screen (after the previous step's), then types
 * the answer and Enter. Used for the real `age` CLI and for tsops alike.
 */
import { spawn } from 'node:child_process';

export interface TerminalStep {
  /** Text that must appear on the screen first. */
  readonly expect: string;
  /** What to type then, followed by Enter unless `enter` is false (a single-key choice). */
  readonly type: string;
  readonly enter?: boolean;
  /** How long the person takes to answer, in milliseconds. */
  readonly delayMs?: number;
}

export interface TerminalOutcome {
  code: number;
  /** Everything the terminal showed (stdout and stderr, CRLF line ends). */
  screen: string;
  /** How many steps were answered. */
  answered: number;
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

export function runOnTerminal(
  argv: readonly string[],
  steps: readonly TerminalStep[],
  options: { env: Record<string, string | undefined>; cwd?: string; stdinFile?: string; stdoutFile?: string; timeoutMs?: number },
): Promise<TerminalOutcome> {
  return new Promise((resolve, reject) => {
    let command = argv.map(quote).join(' ');
    if (options.stdinFile) command += ` < ${quote(options.stdinFile)}`;
    if (options.stdoutFile) command += ` > ${quote(options.stdoutFile)}`;
    const env = Object.fromEntries(Object.entries({ ...options.env, SHELL: '/bin/sh' }).filter(([, v]) => v !== undefined));
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd ?? process.cwd(),
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let screen = '';
    let from = 0;
    let answered = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    const onOutput = (c: Buffer): void => {
      screen += c.toString('utf8');
      while (answered < steps.length) {
        const step = steps[answered] as TerminalStep;
        const at = screen.indexOf(step.expect, from);
        if (at < 0) break;
        from = at + step.expect.length;
        answered++;
        const text = step.enter === false ? step.type : `${step.type}\r`;
        if (step.delayMs) setTimeout(() => child.stdin.write(text), step.delayMs);
        else child.stdin.write(text);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen, answered });
    });
  });
}
