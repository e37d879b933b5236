/**
 * Private temporary directories for plaintext that must touch the disk (the editor's copy,
 * exec-file's file): mode 0700 under `$TMPDIR`, files 0600, removed as a whole afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsopsError, messageOf } from '../errors.js';
import type { Io } from '../io.js';

export interface PrivateDir {
  readonly path: string;
  /** Remove the directory and everything in it; never throws. */
  remove(): void;
}

/** `$TMPDIR` as the command sees it, else the system default. */
export function tempRoot(io: Io): string {
  const t = io.env['TMPDIR'];
  return t !== undefined && t !== '' ? t : os.tmpdir();
}

/** Create a fresh 0700 directory under `$TMPDIR` (exit 3 when that fails). */
export function makePrivateDir(io: Io, prefix: string): PrivateDir {
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(tempRoot(io), prefix));
    fs.chmodSync(dir, 0o700);
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
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
      } catch {
        // nothing better to do: the directory is private to this user
      }
    },
  };
}

/** Write a new 0600 file (never follows or replaces an existing one). */
export function writePrivateFile(file: string, data: Uint8Array): void {
  try {
    fs.writeFileSync(file, data, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not write the temporary file: ${messageOf(e)}`, { cause: e });
  }
}

export function readPrivateFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new TsopsError('READ_INPUT', `could not read the edited file: ${messageOf(e)}`, { cause: e });
  }
}

/** Create directories (0700) inside a private directory for a nested file name. */
export function makePrivateSubdirs(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not create ${dir}: ${messageOf(e)}`, { cause: e });
  }
}
