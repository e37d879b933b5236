/**
 * Private temporary directories for plaintext that must touch the disk (the editor's copy,
 * exec-file's file): mode 0700 under `$TMPDIR`, files 0600, removed as a whole afterwards.
 */
import * as path from 'node:path';
import { TsopsError, messageOf } from '../../errors.js';
import type { Io } from '../../io/types.js';

export interface PrivateDir {
  readonly path: string;
  /** Remove the directory and everything in it; never throws. */
  remove(): void;
}

/** `$TMPDIR` as the command sees it, else the system default. */
export function tempRoot(io: Io): string {
  const t = io.env['TMPDIR'];
  return t !== undefined && t !== '' ? t : io.tmpdir();
}

/**
 * Create a fresh 0700 directory under `$TMPDIR` (exit 3 when that fails). Its name carries the
 * run that owns it, and the directories of runs that died without removing theirs (SIGKILL, a
 * power cut) are removed first.
 */
export function makePrivateDir(io: Io, prefix: string): PrivateDir {
  let dir: string;
  const root = tempRoot(io);
  removeDeadRunDirs(io, root);
  try {
    dir = io.makeTempDir(path.join(root, `${prefix}${ownerTag(thisRun(io))}-`));
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not create a temporary directory: ${messageOf(e)}`, {
      cause: e,
      hint: 'check that $TMPDIR exists and is writable',
    });
  }
  return {
    path: dir,
    remove: () => {
      try {
        io.removeTree(dir);
      } catch {
        // nothing better to do: the directory is private to this user
      }
    },
  };
}

/** Write a new 0600 file (never follows or replaces an existing one). */
export function writePrivateFile(io: Io, file: string, data: Uint8Array): void {
  try {
    io.writeNewFile(file, data, 0o600);
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not write the temporary file: ${messageOf(e)}`, { cause: e });
  }
}

export function readPrivateFile(io: Io, file: string): Uint8Array {
  try {
    return io.readFile(file);
  } catch (e) {
    throw new TsopsError('READ_INPUT', `could not read the edited file: ${messageOf(e)}`, { cause: e });
  }
}

/** Create directories (0700) inside a private directory for a nested file name. */
export function makePrivateSubdirs(io: Io, dir: string): void {
  try {
    io.makeDirs(dir, 0o700);
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not create ${dir}: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * The run a directory belongs to: its pid, the pid's start time (clock ticks since boot, so a
 * reused pid is told apart) and its pid namespace (a pid means nothing in another container
 * sharing the same /tmp). Start and namespace are 0 where /proc does not tell.
 */
interface RunId {
  pid: number;
  start: number;
  ns: number;
}

/** The prefixes of private directories, in the names tsops gives them. */
const RUN_DIR = /^tsops-(?:edit|exec)-(\d+)-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

function ownerTag(id: RunId): string {
  return `${id.pid}-${id.start}-${id.ns}`;
}

/** Field 22 of /proc/<pid>/stat, the process's start time; undefined when unreadable. */
function startTime(io: Io, pid: number | 'self'): number | undefined {
  try {
    const stat = Buffer.from(io.readFile(`/proc/${pid}/stat`)).toString('utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isSafeInteger(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function pidNamespace(io: Io): number {
  try {
    const m = /\[(\d+)\]/.exec(io.readLink('/proc/self/ns/pid'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function thisRun(io: Io): RunId {
  return { pid: io.pid, start: startTime(io, 'self') ?? 0, ns: pidNamespace(io) };
}

/** Whether the run that named a directory is certainly gone. */
function isDead(io: Io, owner: RunId, me: RunId): boolean {
  if (owner.ns !== me.ns) return false;
  if (!io.processExists(owner.pid)) return true;
  if (owner.start === 0) return false;
  const start = startTime(io, owner.pid);
  return start !== undefined && start !== owner.start;
}

/**
 * Remove this user's private directories whose run is dead: one readdir of the temp root, and
 * a check only for names tsops gives. Never throws; never follows a link; never touches
 * another user's directory or a live run's.
 */
export function removeDeadRunDirs(io: Io, root: string): void {
  const me = thisRun(io);
  const euid = io.euid;
  let names: string[];
  try {
    names = io.listDir(root).map((e) => e.name);
  } catch {
    return;
  }
  for (const name of names) {
    const m = RUN_DIR.exec(name);
    if (m === null) continue;
    const owner = { pid: Number(m[1]), start: Number(m[2]), ns: Number(m[3]) };
    if (owner.pid === me.pid && owner.start === me.start) continue;
    const dir = path.join(root, name);
    try {
      const st = io.entryInfo(dir);
      if (st?.kind !== 'dir' || (euid !== undefined && st.uid !== euid)) continue;
      if (isDead(io, owner, me)) io.removeTree(dir);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}
