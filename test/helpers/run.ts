/** Run tsops in-process with real files and a captured stdout/stderr, or as a real child process. */
import { spawn } from 'node:child_process';
import { main } from '../../src/main.js';
import { cleanEnv, fakeIo, type FakeIoSettings } from './fake-io.js';
import { tsopsCommand } from './paths.js';

export { cleanEnv };

export interface RunOutcome {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface InProcessOutcome extends RunOutcome {
  /** How many times a line was read from stdin (an answer, or the end of input). */
  reads: number;
}

/** What a test sets for a run; `answers` and the terminal flags apply in-process only. */
export type RunSettings = FakeIoSettings;

/** Run tsops in-process on {@link fakeIo}. */
export async function runInProcess(argv: string[], settings: RunSettings = {}): Promise<InProcessOutcome> {
  const fake = fakeIo(settings);
  const code = await main(argv, fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr(), reads: fake.reads() };
}

export function runCli(argv: string[], settings: RunSettings = {}): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const env = settings.env ?? cleanEnv();
    const child = spawn(tsopsCommand[0], [...tsopsCommand.slice(1), ...argv], {
      cwd: settings.cwd ?? process.cwd(),
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(settings.stdin ?? '');
  });
}
