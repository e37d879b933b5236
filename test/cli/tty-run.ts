/**
 * Running the real CLI without a controlling terminal (a new session), or inside a
 * pseudo-terminal made by `script` so passphrase prompts can be answered like a user would.
 */
import { spawn, spawnSync } from 'node:child_process';
import { tsopsCommand } from '../helpers/paths.js';
import { cleanEnv, type RunOutcome, type RunSettings } from '../helpers/run.js';

const definedEnv = (env: Record<string, string | undefined>): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;

/** The CLI as a child in its own session: it has no terminal, so any prompt fails instead of waiting. */
export function runDetached(argv: string[], settings: RunSettings = {}): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsopsCommand[0], [...tsopsCommand.slice(1), ...argv], {
      cwd: settings.cwd ?? process.cwd(),
      env: definedEnv(settings.env ?? cleanEnv()),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(settings.stdin ?? '');
  });
}

/** Whether `script` (util-linux) can give the CLI a pseudo-terminal here. */
export const noScript: string | false =
  process.platform === 'linux' && spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0
    ? false
    : 'script (util-linux) is not available to make a pseudo-terminal';

export interface TerminalRun {
  code: number;
  /** Everything the terminal showed (stdout and stderr mixed, CRLF line ends). */
  screen: string;
  /** How many passphrase prompts were shown. */
  prompts: number;
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Runs the CLI on a pseudo-terminal; each time a new "Enter passphrase" prompt appears the next
 * answer is typed (followed by Enter); "\x03" is Ctrl-C, also sent to prompts beyond the answers.
 */
export function runWithTerminal(argv: string[], answers: string[], settings: RunSettings = {}): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    const command = [...tsopsCommand, ...argv].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: settings.cwd ?? process.cwd(),
      env: definedEnv({ ...(settings.env ?? cleanEnv()), SHELL: '/bin/sh' }),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let screen = '';
    let answered = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const onOutput = (c: Buffer): void => {
      screen += c.toString('utf8');
      const shown = screen.split('Enter passphrase').length - 1;
      while (answered < shown) {
        // a prompt nobody expected is cancelled, so the run ends instead of waiting
        const a = answers[answered++] ?? '\x03';
        child.stdin.write(a === '\x03' ? a : `${a}\r`);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen, prompts: screen.split('Enter passphrase').length - 1 });
    });
  });
}
