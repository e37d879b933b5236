/**
 * The editor round trip (spec §8.4): the plaintext goes into a private temp directory, the
 * user's editor runs on the terminal, the result is validated, and the directory is removed on
 * every way out — success, error, editor crash, SIGINT, SIGTERM and SIGHUP.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsopsError, messageOf, isTsopsError, type ErrorCode } from '../../errors.js';
import type { ChildControl, Io, TerminationSignal } from '../../io/types.js';
import { splitCommand } from '../../keys/command-line.js';
import { makePrivateDir, readPrivateFile, writePrivateFile } from '../shared/private-temp.js';

/** Editors tried, in order, when neither SOPS_EDITOR nor EDITOR is set (as sops does). */
export const FALLBACK_EDITORS = ['vim', 'nano', 'vi'] as const;

/** The first executable file called `name` in the `PATH` list, or undefined. */
export function findOnPath(io: Io, name: string, pathList: string | undefined): string | undefined {
  for (const dir of (pathList ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (io.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The editor's argv (without the file): `$SOPS_EDITOR`, else `$EDITOR`, split like a shell
 * would; else the first of vim, nano, vi on PATH. NO_EDITOR (exit 201) when there is none.
 */
export function editorCommand(io: Io): string[] {
  const env = io.env;
  for (const name of ['SOPS_EDITOR', 'EDITOR']) {
    const line = env[name];
    if (line === undefined || line.trim() === '') continue;
    let argv: string[];
    try {
      argv = splitCommand(line);
    } catch (e) {
      throw new TsopsError('NO_EDITOR', `could not run editor: invalid $${name}: ${messageOf(e)}`, {
        hint: `fix the quoting in $${name}`,
      });
    }
    if (argv.length > 0) return argv;
  }
  for (const name of FALLBACK_EDITORS) {
    const found = findOnPath(io, name, env['PATH']);
    if (found !== undefined) return [found];
  }
  throw new TsopsError('NO_EDITOR', `could not run editor: no editor available (tried $SOPS_EDITOR, $EDITOR, ${FALLBACK_EDITORS.join(', ')})`, {
    hint: 'set EDITOR (or SOPS_EDITOR), e.g. EDITOR="code --wait"',
  });
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Errors in the edited text that the user can fix: on a terminal the editor is reopened; without
 * one they end the command (sops would wait forever for a key press).
 */
const FIXABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PARSE_INPUT',
  'ALREADY_ENCRYPTED',
  'INVALID_METADATA',
  'METADATA_NOT_FOUND',
  'EMPTY_FILE',
  'ENCRYPT_TREE',
  'DUMP_TREE',
  'NO_KEYS',
]);

export interface EditSession<T> {
  /** The target as the user named it, for messages. */
  displayName: string;
  /** Base name of the temp file: the target's, so editors pick the right syntax. */
  baseName: string;
  /** What the editor opens with. */
  content: Uint8Array;
  /** Validate (and process) the edited bytes; a fixable TsopsError reopens the editor. */
  accept: (edited: Uint8Array) => T;
}

/**
 * Run the editor until the content is accepted. Throws FILE_UNCHANGED (exit 200) when the file
 * was saved unchanged, NO_EDITOR (201) when the editor is missing or fails, CANCELED (128+signo)
 * on a termination signal.
 */
export async function editInTempFile<T>(io: Io, session: EditSession<T>): Promise<T> {
  const editor = editorCommand(io);
  let canceled: TerminationSignal | undefined;
  let child: ChildControl | undefined;
  const abort = new AbortController();
  const release = io.trapSignals((signal) => {
    canceled ??= signal;
    child?.kill(signal);
    abort.abort();
  });
  const dir = makePrivateDir(io, 'tsops-edit-');
  const checkCanceled = () => {
    if (canceled !== undefined) throw canceledError(canceled);
  };
  try {
    const file = path.join(dir.path, session.baseName);
    writePrivateFile(io, file, session.content);
    const original = sha256(session.content);
    for (;;) {
      checkCanceled();
      try {
        await runEditor(io, [...editor, file], (c) => (child = c));
      } catch (e) {
        // An editor stopped because tsops was signalled is a cancel, not an editor failure.
        checkCanceled();
        throw e;
      } finally {
        child = undefined;
      }
      checkCanceled();
      const edited = readPrivateFile(io, file);
      if (sha256(edited) === original) {
        throw new TsopsError('FILE_UNCHANGED', 'file has not changed, exiting.');
      }
      try {
        return session.accept(edited);
      } catch (e) {
        if (!isTsopsError(e) || !FIXABLE.has(e.code)) throw e;
        await askToRetry(io, session.displayName, e, abort.signal);
        checkCanceled();
      }
    }
  } finally {
    release();
    dir.remove();
  }
}

async function runEditor(io: Io, argv: string[], onSpawn: (c: ChildControl) => void): Promise<void> {
  let code: number;
  try {
    ({ code } = await io.run(argv, { inherit: true, env: io.env, onSpawn }));
  } catch (e) {
    throw new TsopsError('NO_EDITOR', `could not run editor ${JSON.stringify(argv[0])}: ${messageOf(e)}`, {
      hint: 'set EDITOR (or SOPS_EDITOR) to an editor that is installed',
    });
  }
  if (code !== 0) {
    throw new TsopsError('NO_EDITOR', `could not run editor: ${JSON.stringify(argv[0])} exited with status ${code}`, {
      hint: 'nothing was written; the file is unchanged',
    });
  }
}

/** Say what is wrong; on a terminal wait for Enter, otherwise give up (nothing is written). */
async function askToRetry(io: Io, name: string, problem: TsopsError, abort: AbortSignal): Promise<void> {
  const message = `${name}: the edited content is not valid: ${problem.message}`;
  if (!io.stdinIsTTY) {
    throw new TsopsError(problem.code, message, {
      hint: 'nothing was written; run the edit again on a terminal to fix the content',
      details: problem.details,
      cause: problem,
    });
  }
  io.stderr.write(`tsops: ${message}\n`);
  if (problem.hint) io.stderr.write(`hint: ${problem.hint}\n`);
  io.stderr.write('Press Enter to return to the editor, or Ctrl+C to exit.\n');
  const line = await io.readLine(abort);
  if (line === undefined && !abort.aborted) {
    throw new TsopsError(problem.code, message, {
      hint: 'nothing was written (standard input was closed)',
      cause: problem,
    });
  }
}

function canceledError(signal: TerminationSignal): TsopsError {
  const signo = os.constants.signals[signal];
  return new TsopsError('CANCELED', `user canceled operation (${signal}); nothing was written`, { exitCode: 128 + signo });
}
