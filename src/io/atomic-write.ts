/**
 * The atomic replace behind every in-place write (`-i`, edit, rotate, updatekeys, set, unset,
 * `--output`): a temp file beside the target, fsynced and renamed over it. The replacement must
 * not grant anything the old file did not, so before writing it decides, from the old file:
 *
 * - a symbolic link is followed to its fully resolved target, which is replaced (the temp file
 *   goes in the target's directory), so the link stays a link, as with sops' in-place write;
 * - a target that is not a regular file (a device such as /dev/full, a FIFO) is written
 *   through, never replaced by a rename;
 * - a file the caller could not open for writing (access(2) W_OK) is not replaced;
 * - a file with several hard links is not replaced: a rename would leave the other names with
 *   the old bytes (after `encrypt -i`, the plaintext);
 * - the replacement keeps the owner and group: a file of another owner is refused unless the
 *   caller is root, who gives the temp file the old owner and group (fchown) before the rename;
 *   a group the caller may not give is refused too;
 * - the permission bits (0777) are kept, setuid, setgid and sticky never: a sops file is data,
 *   and a write by anyone but root clears them in place anyway.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TsopsError, messageOf } from '../errors.js';

/** What the replacement is and where it goes. */
interface Plan {
  /** The file that is replaced (a symbolic link resolved). */
  target: string;
  dir: string;
  /** Write through instead of renaming (devices, FIFOs). */
  direct: boolean;
  finalMode: number;
  /** Owner and group to give the temp file, when the file exists. */
  owner: { uid: number; gid: number } | undefined;
}

const PERMISSION_BITS = 0o777;

function refuse(p: string, why: string, hint: string): TsopsError {
  return new TsopsError('WRITE_OUTPUT', `refusing to replace ${p}: ${why}`, { hint });
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Decide how `p` is replaced, or refuse (TsopsError WRITE_OUTPUT, exit 3). */
export function planReplacement(p: string, mode: number): Plan {
  let link: fs.Stats;
  try {
    link = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return { target: p, dir: path.dirname(p), direct: false, finalMode: mode & PERMISSION_BITS, owner: undefined };
  }
  let target = p;
  if (link.isSymbolicLink()) {
    try {
      target = fs.realpathSync(p);
    } catch {
      throw refuse(p, 'it is a symbolic link to a file that does not exist', 'point the link at an existing file, or remove it');
    }
  }
  const st = target === p ? link : fs.statSync(target);
  if (st.isDirectory()) throw refuse(p, 'it is a directory', 'name a file');
  if (!st.isFile()) return { target, dir: path.dirname(target), direct: true, finalMode: 0, owner: undefined };
  if (st.nlink > 1) {
    throw refuse(p, `it has ${st.nlink} hard links, and the others would keep the old content`, 'give the file a single name first (cp it to a new file and rename that over it)');
  }
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch {
    throw refuse(p, `you may not write to it (mode ${octal(st.mode & 0o7777)})`, 'make it writable first (chmod u+w) if it should change');
  }
  const euid = process.geteuid?.();
  if (euid !== undefined && euid !== 0 && st.uid !== euid) {
    throw refuse(p, `it belongs to another user (uid ${st.uid}), and the new file would be yours`, 'run tsops as its owner');
  }
  return { target, dir: path.dirname(target), direct: false, finalMode: st.mode & PERMISSION_BITS, owner: { uid: st.uid, gid: st.gid } };
}

function tempPathFor(plan: Plan): string {
  return path.join(plan.dir, `.${path.basename(plan.target)}.tsops-${randomBytes(6).toString('hex')}.tmp`);
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}

/** Give the temp file the old file's owner and group (before its mode: chown clears setuid bits). */
function keepOwner(fd: number, p: string, plan: Plan): void {
  if (plan.owner === undefined) return;
  const now = fs.fstatSync(fd);
  if (now.uid === plan.owner.uid && now.gid === plan.owner.gid) return;
  try {
    fs.fchownSync(fd, plan.owner.uid, plan.owner.gid);
  } catch {
    throw refuse(p, `the new file could not keep its owner and group (${plan.owner.uid}:${plan.owner.gid})`, 'run tsops as the file\'s owner, in its group');
  }
}

/**
 * Create the temp file (0600 until it is complete), write `data`, keep owner and mode. Returns its
 * descriptor and path; on failure the temp file is gone.
 */
function writeTemp(p: string, plan: Plan, data: Uint8Array): { fd: number; tmp: string } {
  const tmp = tempPathFor(plan);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    writeAll(fd, data);
    keepOwner(fd, p, plan);
    fs.fchmodSync(fd, plan.finalMode);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return { fd, tmp };
}

/** Write through a device or FIFO (no rename is possible there). */
function writeDirect(plan: Plan, data: Uint8Array): void {
  const fd = fs.openSync(plan.target, fs.constants.O_WRONLY);
  try {
    writeAll(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomic replace used by the real Io (exported for tests of crash safety). */
export function writeFileAtomicSync(p: string, data: Uint8Array, mode = 0o600): void {
  const plan = planReplacement(p, mode);
  if (plan.direct) return writeDirect(plan, data);
  const { fd, tmp } = writeTemp(p, plan, data);
  try {
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, plan.target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  deferDirectorySync(plan.dir);
  removeStaleTemps(plan.dir);
}

/**
 * {@link writeFileAtomicSync} with its fsync and rename on the thread pool: the temp file is
 * written at once, and renamed into place when its data is on disk. The fsync is the slow part;
 * writing the small temp file is cheaper done directly than as thread-pool requests.
 */
export function writeFileAtomicAsync(p: string, data: Uint8Array, mode = 0o600): Promise<void> {
  let plan: Plan;
  let fd: number;
  let tmp: string;
  try {
    plan = planReplacement(p, mode);
    if (plan.direct) {
      writeDirect(plan, data);
      return Promise.resolve();
    }
    ({ fd, tmp } = writeTemp(p, plan, data));
  } catch (e) {
    return Promise.reject(e);
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
      fs.rename(tmp, plan.target, (renameError) => {
        if (renameError) return failed(renameError);
        deferDirectorySync(plan.dir);
        removeStaleTemps(plan.dir);
        resolve();
      });
    });
  });
}

/**
 * The error a command reports when writing `target` failed: a refusal as it is, anything else
 * as "could not write" (exit 3).
 */
export function writeFailure(target: string, e: unknown): TsopsError {
  if (e instanceof TsopsError) return e;
  return new TsopsError('WRITE_OUTPUT', `could not write ${target}: ${describeWriteError(e)}`, { cause: e });
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
};

function describeWriteError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && ERRNO_TEXT[code]) || messageOf(e);
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
