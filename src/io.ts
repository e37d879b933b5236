/**
 * Everything tsops does to the outside world goes through an Io, so commands run in-process in
 * tests with real files and a captured stdout. `nodeIo()` is the real one; bin.ts builds it.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface RunResult {
  code: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
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
        if (e.code !== 'EPIPE') throw e;
        readerGone = true;
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
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') readerGone = true;
        else toStream(bytes.subarray(off));
      }
    },
    get isTTY() {
      isTTY ??= descriptorIsTTY(fd);
      return isTTY;
    },
  };
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

/** The mode a replacement gets (the existing file's, or `mode` for a new one) and its temp file's path. */
function replacementOf(p: string, mode: number): { dir: string; tmp: string; finalMode: number } {
  const dir = path.dirname(p);
  let finalMode = mode;
  try {
    finalMode = fs.statSync(p).mode & 0o7777;
  } catch {
    // a new file: keep the requested mode
  }
  const tmp = path.join(dir, `.${path.basename(p)}.tsops-${randomBytes(6).toString('hex')}.tmp`);
  return { dir, tmp, finalMode };
}

/** Atomic replace used by the real Io (exported for tests of crash safety). */
export function writeFileAtomicSync(p: string, data: Uint8Array, mode = 0o600): void {
  const { dir, tmp, finalMode } = replacementOf(p, mode);
  const fd = fs.openSync(tmp, 'wx', finalMode);
  try {
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
      fs.fchmodSync(fd, finalMode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, p);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  deferDirectorySync(dir);
  removeStaleTemps(dir);
}

/**
 * {@link writeFileAtomicSync} with its fsync and rename on the thread pool: the temp file is
 * written at once, and renamed into place when its data is on disk. The fsync is the slow part;
 * writing the small temp file is cheaper done directly than as thread-pool requests.
 */
export function writeFileAtomicAsync(p: string, data: Uint8Array, mode = 0o600): Promise<void> {
  const { dir, tmp, finalMode } = replacementOf(p, mode);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', finalMode);
  } catch (e) {
    return Promise.reject(e);
  }
  const fail = (e: unknown): Promise<void> => {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    return Promise.reject(e);
  };
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fchmodSync(fd, finalMode);
  } catch (e) {
    return fail(e);
  }
  // The rename goes to the thread pool too: it can wait on the file system's journal while
  // other files' fsyncs commit it.
  return new Promise((resolve, reject) => {
    const failed = (e: unknown) => {
      fs.rmSync(tmp, { force: true });
      reject(e);
    };
    fs.fsync(fd, (syncError) => {
      try {
        fs.closeSync(fd);
      } catch (e) {
        return failed(e);
      }
      if (syncError) return failed(syncError);
      fs.rename(tmp, p, (renameError) => {
        if (renameError) return failed(renameError);
        deferDirectorySync(dir);
        removeStaleTemps(dir);
        resolve();
      });
    });
  });
}

const dirsToSync = new Set<string>();

/**
 * The rename is atomic as it is (a reader sees the old file or the new one); syncing the
 * directory only makes it survive a power cut. That is done once per directory when the process
 * exits, not once per file, so a run that rewrites hundreds of files pays for it once.
 */
function deferDirectorySync(dir: string): void {
  if (dirsToSync.size === 0) process.once('exit', syncDirectories);
  dirsToSync.add(dir);
}

function syncDirectories(): void {
  for (const dir of dirsToSync) {
    try {
      const dfd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
    } catch {
      // some file systems refuse fsync on directories; the renames have happened
    }
  }
  dirsToSync.clear();
}

/**
 * A temp file of {@link writeFileAtomicSync} older than this was left by a process that was
 * killed before it could rename or remove it (SIGKILL, power loss): a live writer renames its
 * file within moments, so a minute never touches one that is still being written.
 */
export const STALE_TEMP_AGE_MS = 60_000;

const STALE_TEMP_NAME = /^\..+\.tsops-[0-9a-f]{12}\.tmp$/;
const scannedDirs = new Set<string>();

/** Remove stale temp files from `dir`, once per directory and process; never throws. */
function removeStaleTemps(dir: string): void {
  if (scannedDirs.has(dir)) return;
  scannedDirs.add(dir);
  try {
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      if (!STALE_TEMP_NAME.test(name)) continue;
      const file = path.join(dir, name);
      const st = fs.lstatSync(file);
      if (st.isFile() && now - st.mtimeMs > STALE_TEMP_AGE_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    // best effort: the write itself has succeeded
  }
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
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    if (options.onSpawn && child.pid !== undefined) {
      options.onSpawn({
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      });
    }
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 + (osSignalNumber(signal) ?? 0) : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
      });
    });
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
