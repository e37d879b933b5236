/** Run tsops in-process with real files and a captured stdout/stderr, or as a real child process. */
import { spawn } from 'node:child_process';
import { nodeIo, type Io } from '../../src/io.js';
import { main } from '../../src/main.js';
import { tsopsCommand } from './paths.js';

export interface RunOutcome {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunSettings {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: Uint8Array | string;
  now?: Date;
}

/** An environment without the caller's own sops/age settings, so tests see only what they set. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // GNUPGHOME too: a test's gpg must never reach the developer's keyring
    if (!k.startsWith('SOPS_') && k !== 'XDG_CONFIG_HOME' && k !== 'EDITOR' && k !== 'VISUAL' && k !== 'GNUPGHOME') env[k] = v;
  }
  // A HOME without keys, so ~/.config/sops and ~/.ssh of the machine never leak into a test.
  env['HOME'] = '/nonexistent-tsops-home';
  // gpg creates its default home (~/.gnupg) when missing, but never a GNUPGHOME that is named
  env['GNUPGHOME'] = '/nonexistent-tsops-home/gnupg';
  return { ...env, ...extra };
}

export async function runInProcess(argv: string[], settings: RunSettings = {}): Promise<RunOutcome> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const real = nodeIo();
  const io: Io = {
    ...real,
    env: settings.env ?? cleanEnv(),
    cwd: () => settings.cwd ?? process.cwd(),
    now: () => settings.now ?? new Date(),
    readStdin: async () => Buffer.from(settings.stdin ?? ''),
    stdout: { write: (d) => void out.push(Buffer.from(d)), isTTY: false },
    stderr: { write: (d) => void err.push(Buffer.from(d).toString('utf8')), isTTY: false },
    stdinIsTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out), stderr: err.join('') };
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
