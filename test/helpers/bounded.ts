/** The real binary with a deadline: a run that hangs is killed and reported, never waited for. */
import { spawn } from 'node:child_process';
import { tsopsCommand } from './paths.js';
import { cleanEnv, type RunSettings } from './run.js';

export interface BoundedOutcome {
  code: number | null;
  /** Set when the deadline killed the child. */
  killed: boolean;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export function runCliBounded(argv: string[], settings: RunSettings & { deadlineMs: number }): Promise<BoundedOutcome> {
  return new Promise((resolve, reject) => {
    const env = settings.env ?? cleanEnv();
    const start = process.hrtime.bigint();
    const child = spawn(tsopsCommand[0], [...tsopsCommand.slice(1), ...argv], {
      cwd: settings.cwd ?? process.cwd(),
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, settings.deadlineMs);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ code, killed, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), ms });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(settings.stdin ?? '');
  });
}
