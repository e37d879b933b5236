/**
 * Everything tsops does to the outside world goes through an Io, so commands run in-process in
 * tests with real files and a captured stdout. `nodeIo()` is the real one; bin.ts builds it.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { writeFileAtomicAsync, writeFileAtomicSync } from './atomic-write.js';
import { ExitCode, TsopsError, messageOf } from './errors.js';
import { readFileUpTo } from './bounded-read.js';

export { STALE_TEMP_AGE_MS, writeFileAtomicAsync, writeFileAtomicSync } from './atomic-write.js';

export interface RunResult {
  code: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The program was killed because it ran past `timeoutMs`. */
  timedOut?: boolean;
  /** The program was killed because it printed more than `maxOutputBytes`. */
  outputTooLarge?: boolean;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: Uint8Array;
  /** Inherit the terminal (editors, exec-env children) instead of capturing output. */
  inherit?: boolean;
  /** Run through `/bin/sh -c` (exec-env/exec-file); otherwise argv is executed directly. */
  shell?: boolean;
  /** Called once the program has started, with a way to send it signals (forwarding Ctrl-C, SIGTERM). */
  onSpawn?: (child: ChildControl) => void;
  /** Kill the program (SIGKILL) when it runs longer than this. */
  timeoutMs?: number;
  /** Kill the program when its stdout or stderr passes this many bytes (captured output only). */
  maxOutputBytes?: number;
}

/** A handle on a running program. */
export interface ChildControl {
  kill(signal: NodeJS.Signals): void;
}

/** The signals that end an interactive session: Ctrl-C, `kill`, a closed terminal. */
export type TerminationSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** One entry of a directory listing; symbolic links and special files are `other`. */
export interface DirEntry {
  name: string;
  kind: 'file' | 'dir' | 'other';
}

export interface Output {
  write(data: string | Uint8Array): void;
  readonly isTTY: boolean;
}

export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  cwd(): string;
  now(): Date;
  readFile(p: string): Uint8Array;
  exists(p: string): boolean;
  /** Mode bits of an existing file, or undefined. */
  fileMode(p: string): number | undefined;
  /**
   * Replace `p` atomically: write a temp file in the same directory, fsync, rename over.
   * Keeps the mode of an existing file; new files get `mode` (default 0600).
   */
  writeFileAtomic(p: string, data: Uint8Array, mode?: number): void;
  /**
   * {@link writeFileAtomic} with the fsync and the rename on Node's thread pool, so the writes
   * of several files overlap; resolves once the file is renamed into place.
   */
  writeFileAtomicAsync?(p: string, data: Uint8Array, mode?: number): Promise<void>;
  readStdin(): Promise<Uint8Array>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Run a program; resolves with its exit code and captured output. */
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Whether standard input is an interactive terminal. */
  readonly stdinIsTTY: boolean;
  /**
   * While subscribed, SIGINT/SIGTERM/SIGHUP no longer end tsops: `handler` runs instead, so a
   * command can stop its child and remove its temp files first. Returns the unsubscribe function.
   */
  trapSignals?(handler: (signal: TerminationSignal) => void): () => void;
  /**
   * One line from standard input (without the newline); undefined at end of input or when
   * `abort` fires first. Used for "press Enter to return to the editor".
   */
  readLine?(abort?: AbortSignal): Promise<string | undefined>;
  /** A directory's entries, unsorted. Used by repository-wide commands (`updatekeys --all`). */
  listDir?(dir: string): DirEntry[];
  /** {@link readFile} that throws `tooBig()` past `max` bytes without reading further (key files). */
  readFileUpTo?(p: string, max: number, tooBig: () => Error): Uint8Array;
}

/**
 * Output to fd 1 or 2. Bytes go to the descriptor with write(2), as process.stdout would do
 * synchronously for files, pipes and terminals on Linux, without creating the stream (which
 * loads Node's net and tty modules, a noticeable share of a small command's run). Should the
 * descriptor refuse a write (a non-blocking pipe that is full, say), the rest and everything
 * after it goes through the stream, in order. When the reader has gone (EPIPE, as with
 * `tsops decrypt … | head`), further output is dropped quietly, the way a Go program on a
 * broken pipe ends without a message.
 */
function fdOutput(fd: 1 | 2, stream: () => NodeJS.WriteStream): Output {
  let viaStream = false;
  let readerGone = false;
  let isTTY: boolean | undefined;
  const toStream = (data: string | Uint8Array) => {
    const s = stream();
    if (!viaStream) {
      viaStream = true;
      s.on('error', (e: NodeJS.ErrnoException) => {
        readerGone = true;
        if (e.code === 'EPIPE' || fd === 2) return;
        // The stream fails after the command has returned: say so in one line, exit 3.
        fs.writeSync(2, `tsops: ${outputFailed(e).message}\n`);
        process.exit(ExitCode.CouldNotWriteOutputFile);
      });
    }
    s.write(data);
  };
  return {
    write: (data) => {
      if (readerGone) return;
      if (viaStream) return toStream(data);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      try {
        while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') readerGone = true;
        else if (code === 'EAGAIN') toStream(bytes.subarray(off));
        else if (fd === 1) throw outputFailed(e);
        // stderr that cannot be written (a full disk) has nowhere to report to: dropped
        else readerGone = true;
      }
    },
    get isTTY() {
      isTTY ??= descriptorIsTTY(fd);
      return isTTY;
    },
  };
}

/** Standard output refused the bytes (ENOSPC, EIO, …): exit 3 with one line, no stack trace. */
function outputFailed(e: unknown): TsopsError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'no space left on device' : code === 'EIO' ? 'input/output error' : messageOf(e);
  return new TsopsError('WRITE_OUTPUT', `could not write to standard output: ${why}`, { cause: e, hint: 'standard output goes to a full or failing disk or device' });
}

/** Files and pipes are not terminals; only a character device needs the tty module's check. */
function descriptorIsTTY(fd: number): boolean {
  try {
    if (!fs.fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (requireBuiltin('node:tty') as typeof import('node:tty')).isatty(fd);
}

export function nodeIo(): Io {
  return {
    env: process.env,
    cwd: () => process.cwd(),
    now: () => new Date(),
    readFile: (p) => fs.readFileSync(p),
    exists: (p) => fs.existsSync(p),
    fileMode: (p) => {
      try {
        return fs.statSync(p).mode & 0o7777;
      } catch {
        return undefined;
      }
    },
    writeFileAtomic: writeFileAtomicSync,
    writeFileAtomicAsync,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    stdout: fdOutput(1, () => process.stdout),
    stderr: fdOutput(2, () => process.stderr),
    // A getter: touching process.stdin creates the stream, which costs start-up time.
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    run: (argv, options = {}) => runProcess(argv, options),
    trapSignals: trapProcessSignals,
    readLine: readStdinLine,
    listDir: listDirectory,
    readFileUpTo,
  };
}

function listDirectory(dir: string): DirEntry[] {
  return fs.readdirSync(dir, { withFileTypes: true }).map((d) => ({
    name: d.name,
    kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other',
  }));
}

const TERMINATION_SIGNALS: readonly TerminationSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function trapProcessSignals(handler: (signal: TerminationSignal) => void): () => void {
  const listener = (signal: NodeJS.Signals) => handler(signal as TerminationSignal);
  for (const s of TERMINATION_SIGNALS) process.on(s, listener);
  return () => {
    for (const s of TERMINATION_SIGNALS) process.off(s, listener);
  };
}

/** Input read past the last line returned (answers piped in advance), and whether stdin has ended. */
let stdinRest: Buffer = Buffer.alloc(0);
let stdinEnded = false;

function takeLine(all: Buffer): string | undefined {
  const nl = all.indexOf(0x0a);
  if (nl < 0) return undefined;
  stdinRest = Buffer.from(all.subarray(nl + 1));
  return all.subarray(0, nl).toString('utf8').replace(/\r$/, '');
}

function readStdinLine(abort?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    if (abort?.aborted) {
      resolve(undefined);
      return;
    }
    const buffered = takeLine(stdinRest);
    if (buffered !== undefined || stdinEnded) {
      resolve(buffered);
      return;
    }
    const chunks: Buffer[] = [stdinRest];
    const finish = (line: string | undefined) => {
      stdin.off('data', onData);
      stdin.off('end', onEndOfInput);
      stdin.off('error', onEndOfInput);
      abort?.removeEventListener('abort', onEnd);
      // Stop reading so a program started next (the editor) gets the terminal's input.
      stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const line = takeLine(Buffer.concat(chunks));
      if (line !== undefined) finish(line);
    };
    const onEnd = () => finish(undefined);
    const onEndOfInput = () => {
      stdinEnded = true;
      finish(undefined);
    };
    abort?.addEventListener('abort', onEnd);
    stdin.on('data', onData);
    stdin.on('end', onEndOfInput);
    stdin.on('error', onEndOfInput);
    stdin.resume();
  });
}

// child_process (and the net/dgram modules behind it) loads only when a command runs one.
const requireBuiltin = createRequire(import.meta.url);
let spawnFn: typeof import('node:child_process').spawn | undefined;
function spawn(...args: Parameters<typeof import('node:child_process').spawn>) {
  spawnFn ??= (requireBuiltin('node:child_process') as typeof import('node:child_process')).spawn;
  return spawnFn(...args);
}

export function runProcess(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = options.shell ? ['/bin/sh', '-c', argv.join(' ')] : argv;
    if (cmd === undefined) {
      reject(new Error('empty command'));
      return;
    }
    const env = options.env ?? process.env;
    const child = spawn(cmd, args, {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      stdio: options.inherit ? 'inherit' : ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let stopped: 'timedOut' | 'outputTooLarge' | undefined;
    const max = options.maxOutputBytes ?? Infinity;
    // Past a limit the program is killed and its pipes closed, and the result does not wait for
    // the pipes to end: a program it started may still hold them open.
    const stop = (why: 'timedOut' | 'outputTooLarge') => {
      if (stopped !== undefined) return;
      stopped = why;
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      else finish(child.exitCode, child.signalCode);
    };
    child.stdout?.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > max) stop('outputTooLarge');
      else out.push(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      errBytes += c.length;
      if (errBytes > max) stop('outputTooLarge');
      else err.push(c);
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timedOut'), options.timeoutMs);
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 + (osSignalNumber(signal) ?? 0) : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        ...(stopped === undefined ? {} : { [stopped]: true }),
      });
    };
    child.on('error', (e) => {
      if (timer !== undefined) clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      if (stopped !== undefined) finish(code, signal);
    });
    if (options.onSpawn && child.pid !== undefined) {
      options.onSpawn({
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      });
    }
    child.on('close', finish);
    if (child.stdin) {
      child.stdin.on('error', () => {
        // the child may exit without reading its input
      });
      child.stdin.end(options.input ?? new Uint8Array());
    }
  });
}

function osSignalNumber(signal: NodeJS.Signals): number | undefined {
  return os.constants.signals[signal];
}
