/**
 * The one Io for in-process tests: real files, clock and child processes (nodeIo), with the
 * environment, working directory, standard input, answers to questions, the controlling terminal
 * and terminal flags set by the test, and stdout and stderr recorded in the order they were written.
 */
import { nodeIo } from '../../src/io/node-io.js';
import type { Io, Output } from '../../src/io/types.js';
import type { ScriptedTerminal } from './scripted-terminal.js';

export interface FakeIoSettings {
  /** The whole environment the command sees (default: {@link cleanEnv}). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  now?: Date;
  stdin?: Uint8Array | string;
  /** The lines `readLine` returns, in order; end of input after the last. */
  answers?: readonly string[];
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** The controlling terminal; without one, opening it fails as where there is none. */
  terminal?: ScriptedTerminal;
  /** Called at each write to stdout or stderr, to order output against other events. */
  onWrite?: (to: Stream, text: string) => void;
}

export type Stream = 'stdout' | 'stderr';

export interface FakeIo {
  io: Io;
  /** Every write to stdout or stderr, decoded when it was made, in order. */
  readonly writes: [Stream, string][];
  stdout(): Buffer;
  stderr(): string;
  /** How many lines were read (answers taken, end of input included). */
  reads(): number;
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

export function fakeIo(settings: FakeIoSettings = {}): FakeIo {
  const out: Buffer[] = [];
  const writes: [Stream, string][] = [];
  const answers = [...(settings.answers ?? [])];
  let reads = 0;
  const output = (to: Stream, isTTY: boolean): Output => ({
    write: (data) => {
      // Copied now: a caller changing its array later must not change what was received.
      const bytes = Buffer.from(data);
      if (to === 'stdout') out.push(bytes);
      const text = bytes.toString('utf8');
      writes.push([to, text]);
      settings.onWrite?.(to, text);
    },
    isTTY,
  });
  const io: Io = {
    ...nodeIo(),
    env: settings.env ?? cleanEnv(),
    cwd: () => settings.cwd ?? process.cwd(),
    now: () => settings.now ?? new Date(),
    readStdin: async () => Buffer.from(settings.stdin ?? ''),
    stdout: output('stdout', settings.stdoutIsTTY ?? false),
    stderr: output('stderr', settings.stderrIsTTY ?? false),
    stdinIsTTY: settings.stdinIsTTY ?? false,
    readLine: async () => {
      reads++;
      return answers.shift();
    },
    openTerminal:
      settings.terminal?.open ??
      (() => {
        throw new Error('no controlling terminal');
      }),
  };
  return {
    io,
    writes,
    stdout: () => Buffer.concat(out),
    stderr: () => writes.filter(([to]) => to === 'stderr').map(([, text]) => text).join(''),
    reads: () => reads,
  };
}
