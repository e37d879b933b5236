/** The real Io: Node's file system, process, standard streams and child processes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { writeFileAtomicAsync, writeFileAtomicSync } from './atomic-write.js';
import { readFileUpTo } from './bounded-read.js';
import { fdOutput } from './fd-output.js';
import { readStdinLine } from './stdin-lines.js';
import { runProcess, startProcess } from './spawn.js';
import { openNodeTerminal } from './terminal.js';
import type { DirEntry, EntryInfo, Io, TerminationSignal } from './types.js';

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
    startProcess,
    trapSignals: trapProcessSignals,
    readLine: readStdinLine,
    openTerminal: openNodeTerminal,
    realPath: (p) => fs.realpathSync(p),
    listDir: listDirectory,
    readFileUpTo,
    tmpdir: () => os.tmpdir(),
    isExecutable,
    makeTempDir: (prefix) => {
      const dir = fs.mkdtempSync(prefix);
      fs.chmodSync(dir, 0o700);
      return dir;
    },
    makeDirs: (p, mode) => void fs.mkdirSync(p, { recursive: true, mode }),
    writeNewFile: (p, data, mode) => fs.writeFileSync(p, data, { mode, flag: 'wx' }),
    removeTree: (p) => fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 }),
    entryInfo,
    readLink: (p) => fs.readlinkSync(p),
    openNonBlocking: (p) => fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK),
    writeSome: (fd, data, offset) => fs.writeSync(fd, data, offset, data.length - offset),
    closeFd: (fd) => fs.closeSync(fd),
    processExists,
    pid: process.pid,
    euid: process.geteuid?.(),
  };
}

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function entryInfo(p: string): EntryInfo | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other';
  return { kind, uid: st.uid };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid is alive (another user's process)
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
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
