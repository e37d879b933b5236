/** The real Io: Node's file system, process, standard streams and child processes. */
import * as fs from 'node:fs';
import { writeFileAtomicAsync, writeFileAtomicSync } from './atomic-write.js';
import { readFileUpTo } from './bounded-read.js';
import { fdOutput } from './fd-output.js';
import { readStdinLine } from './stdin-lines.js';
import { runProcess } from './spawn.js';
import type { DirEntry, Io, TerminationSignal } from './types.js';

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
