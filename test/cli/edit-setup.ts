/**
 * Shared setup for the editing and value-command tests: a workspace with an age key, a private
 * TMPDIR the tests can check is left empty, scripted editors, and a pseudo-terminal runner.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir, tsopsCommand } from '../helpers/paths.js';
import { cleanEnv, runInProcess, type RunOutcome } from '../helpers/run.js';

export const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
export const bob = await generateAgeKeyFile({ pq: false, now: new Date() });

export interface Workspace {
  dir: string;
  /** TMPDIR of every run: must be empty after each command. */
  tmp: string;
  env: Record<string, string | undefined>;
  path(name: string): string;
  write(name: string, content: string | Uint8Array): string;
  read(name: string): string;
  /** Encrypt `plain` to alice into `name` (in-process: this is setup, not the thing tested). */
  encrypt(name: string, plain: string, extra?: string[]): Promise<string>;
  /** Decrypt `name` (in-process) and return the plaintext. */
  decrypt(name: string, extra?: string[]): Promise<string>;
  /** A shell script usable as $EDITOR; `$1` is the file to edit. */
  editor(name: string, body: string): string;
  tmpEntries(): string[];
}

export function workspace(extraEnv: Record<string, string | undefined> = {}): Workspace {
  const dir = tempDir('tsops-edit-test-');
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text, { mode: 0o600 });
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: keys, TMPDIR: tmp, ...extraEnv });
  const w: Workspace = {
    dir,
    tmp,
    env,
    path: (name) => path.join(dir, name),
    write: (name, content) => {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    read: (name) => fs.readFileSync(path.join(dir, name), 'utf8'),
    encrypt: async (name, plain, extra = []) => {
      w.write(name, plain);
      const r = await runInProcess(['encrypt', '-i', '--age', alice.recipient, ...extra, name], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`setup encrypt failed: ${r.stderr}`);
      return w.read(name);
    },
    decrypt: async (name, extra = []) => {
      const r = await runInProcess(['decrypt', ...extra, name], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`setup decrypt failed: ${r.stderr}`);
      return r.stdout.toString('utf8');
    },
    editor: (name, body) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return p;
    },
    tmpEntries: () => fs.readdirSync(tmp),
  };
  return w;
}

/** The `ENC[...]` text stored under a YAML key (first occurrence of `key:`). */
export function encOf(text: string, key: string): string {
  const m = new RegExp(`^\\s*(?:- )?${key}: (ENC\\[[^\\]]+\\])`, 'm').exec(text);
  if (!m) throw new Error(`no encrypted value under ${key}`);
  return m[1]!;
}

/** Every `ENC[...]` value in a file, in order. */
export function allEnc(text: string): string[] {
  return [...text.matchAll(/ENC\[[^\]]+\]/g)].map((m) => m[0]);
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Run the real CLI on a pseudo-terminal (util-linux `script`); `react` sees the screen so far
 * and returns keystrokes to type, or undefined.
 */
export function runOnTerminal(
  argv: string[],
  settings: { cwd: string; env: Record<string, string | undefined> },
  react: (screen: string) => string | undefined,
): Promise<RunOutcome & { screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [...tsopsCommand, ...argv].map(quote).join(' ');
    const env = Object.fromEntries(Object.entries({ ...settings.env, SHELL: '/bin/sh' }).filter(([, v]) => v !== undefined));
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: settings.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let screen = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const onOutput = (c: Buffer): void => {
      screen += c.toString('utf8');
      const keys = react(screen);
      if (keys !== undefined) child.stdin.write(keys);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.from(screen), stderr: screen, screen });
    });
  });
}
