/**
 * Everything tsops does to the outside world goes through an Io, so commands run in-process in
 * tests with real files and a captured stdout. Every member is required: a caller never patches
 * around a missing one. `nodeIo()` (node-io.ts) is the real one; bin.ts builds it.
 */
import type { ChildProcess } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The program was killed because it ran past `timeoutMs`. */
  timedOut?: boolean;
  /** The program was killed because it printed more than `maxOutputBytes`. */
  outputTooLarge?: boolean;
}

export interface StartOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
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

/** A directory entry as lstat(2) sees it (a link is not followed), with its owner. */
export interface EntryInfo {
  kind: 'file' | 'dir' | 'link' | 'other';
  uid: number;
}

export interface Output {
  write(data: string | Uint8Array): void;
  readonly isTTY: boolean;
}

/** What a terminal reader is told: each chunk typed, the end of input, or an error. */
export interface TerminalInput {
  data(chunk: Uint8Array): void;
  end(): void;
  error(e: Error): void;
}

/**
 * The controlling terminal, opened for one question (a passphrase, an age plugin's request):
 * never stdin, which may carry the document, nor stdout, which may be a pipe to a file.
 */
export interface Terminal {
  /** Show text on the terminal; throws when it went away. */
  write(text: string): void;
  /** Echo off, each key as it is typed (true); the terminal's own line editing (false). */
  setRawMode(raw: boolean): void;
  /** Start reading: what is typed goes to `to` until {@link close}. Called once. */
  read(to: TerminalInput): void;
  /** Stop reading, leave raw mode, close the device. Safe to call twice. */
  close(): void;
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
  writeFileAtomicAsync(p: string, data: Uint8Array, mode?: number): Promise<void>;
  readStdin(): Promise<Uint8Array>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Run a program; resolves with its exit code and captured output. */
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Start a program that talks over its standard input and output while it runs (an age
   * plugin), found on `options.env`'s PATH; its standard error is tsops' own.
   */
  startProcess(cmd: string, args: readonly string[], options: StartOptions): ChildProcess;
  /** Whether standard input is an interactive terminal. */
  readonly stdinIsTTY: boolean;
  /**
   * While subscribed, SIGINT/SIGTERM/SIGHUP no longer end tsops: `handler` runs instead, so a
   * command can stop its child and remove its temp files first. Returns the unsubscribe function.
   */
  trapSignals(handler: (signal: TerminationSignal) => void): () => void;
  /**
   * One line from standard input (without the newline); undefined at end of input or when
   * `abort` fires first. Used for "press Enter to return to the editor".
   */
  readLine(abort?: AbortSignal): Promise<string | undefined>;
  /**
   * Open the controlling terminal (`/dev/tty`, or the device at `path`); throws when there is
   * none or `path` is not a terminal. Raw mode is left if the process exits while it is on.
   */
  openTerminal(path?: string): Terminal;
  /** The canonical absolute path of `p`, links resolved; throws when it does not exist. */
  realPath(p: string): string;
  /** A directory's entries, unsorted. Used by repository-wide commands (`updatekeys --all`). */
  listDir(dir: string): DirEntry[];
  /** {@link readFile} that throws `tooBig()` past `max` bytes without reading further (key files). */
  readFileUpTo(p: string, max: number, tooBig: () => Error): Uint8Array;

  // Private temporary files (the editor's copy, exec-file's file) and the runs that own them.
  /** The system's directory for temporary files, where `$TMPDIR` is unset. */
  tmpdir(): string;
  /** Whether `p` is a regular file this process may execute (the editor's lookup on PATH). */
  isExecutable(p: string): boolean;
  /** Create a new directory named `prefix` and six random characters, mode 0700; its path. */
  makeTempDir(prefix: string): string;
  /** Create `p` and any missing parents with `mode`. */
  makeDirs(p: string, mode: number): void;
  /** Create a new file with `mode`, never following or replacing an existing one. */
  writeNewFile(p: string, data: Uint8Array, mode: number): void;
  /** Remove `p` and everything below it; a missing `p` is no error. */
  removeTree(p: string): void;
  /** What `p` is, not following a link; undefined when nothing is there. */
  entryInfo(p: string): EntryInfo | undefined;
  /** The target of the symbolic link `p`. */
  readLink(p: string): string;
  /** Open `p` for writing without blocking (a FIFO: ENXIO until a reader has it open); a descriptor. */
  openNonBlocking(p: string): number;
  /** Write what `fd` takes now of `data` from `offset` on; the bytes written (EAGAIN when none fit). */
  writeSome(fd: number, data: Uint8Array, offset: number): number;
  closeFd(fd: number): void;
  /** Whether a process with this pid exists (one of another user included). */
  processExists(pid: number): boolean;
  /** This process's id. */
  readonly pid: number;
  /** This process's effective user id; undefined where the platform has none. */
  readonly euid: number | undefined;
}
