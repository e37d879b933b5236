/**
 * Shared setup for the hardening suites: age keys, one plaintext document per store whose values
 * carry unique markers (so a leak is found by grepping output), workspaces with a private TMPDIR,
 * and a snapshot of a directory to prove that a failed command wrote nothing.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FormatName } from '../../src/formats/index.js';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runInProcess, type RunOutcome } from '../helpers/run.js';

export const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
export const bob = await generateAgeKeyFile({ pq: false, now: new Date() });

/** A plaintext document of one store and the secrets it holds. */
export interface Sample {
  store: FormatName;
  /** File name with the store's extension. */
  file: string;
  plain: Uint8Array;
  /** Every plaintext value: none may ever show up where values are not printed. */
  markers: string[];
}

const utf8 = new TextEncoder();

const YAML = `app:
    name: MRK-app-name-4f1
    password: MRK-app-password-9c2
list:
    - MRK-list-zero-7a3
    - MRK-list-one-b81
    - MRK-list-two-e55
token: MRK-token-d07
count: 918273645
`;

const JSON_DOC = `{
\t"app": {
\t\t"name": "MRK-app-name-4f1",
\t\t"password": "MRK-app-password-9c2"
\t},
\t"list": [
\t\t"MRK-list-zero-7a3",
\t\t"MRK-list-one-b81",
\t\t"MRK-list-two-e55"
\t],
\t"token": "MRK-token-d07",
\t"count": 918273645
}
`;

const DOTENV = 'NAME=MRK-app-name-4f1\nPASSWORD=MRK-app-password-9c2\nTOKEN=MRK-token-d07\n';

const INI = '[app]\nname     = MRK-app-name-4f1\npassword = MRK-app-password-9c2\n\n[other]\ntoken = MRK-token-d07\n';

const BINARY = Buffer.concat([Buffer.from('MRK-binary-payload-3e9\n'), Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from('MRK-binary-tail-c4d')]);

const COMMON = ['MRK-app-name-4f1', 'MRK-app-password-9c2', 'MRK-token-d07'];

export const SAMPLES: readonly Sample[] = [
  { store: 'yaml', file: 'secret.yaml', plain: utf8.encode(YAML), markers: [...COMMON, 'MRK-list-zero-7a3', 'MRK-list-one-b81', 'MRK-list-two-e55', '918273645'] },
  { store: 'json', file: 'secret.json', plain: utf8.encode(JSON_DOC), markers: [...COMMON, 'MRK-list-zero-7a3', 'MRK-list-one-b81', 'MRK-list-two-e55', '918273645'] },
  { store: 'dotenv', file: 'secret.env', plain: utf8.encode(DOTENV), markers: COMMON },
  { store: 'ini', file: 'secret.ini', plain: utf8.encode(INI), markers: COMMON },
  { store: 'binary', file: 'secret.bin', plain: BINARY, markers: ['MRK-binary-payload-3e9', 'MRK-binary-tail-c4d'] },
];

export interface Workspace {
  dir: string;
  /** TMPDIR of every run. */
  tmp: string;
  /** Alice's key file (SOPS_AGE_KEY_FILE in `env`). */
  keyFile: string;
  env: Record<string, string | undefined>;
  path(name: string): string;
  write(name: string, data: string | Uint8Array): string;
  read(name: string): Buffer;
  /** Run tsops in-process in this workspace. */
  run(argv: string[], extraEnv?: Record<string, string | undefined>): Promise<RunOutcome>;
}

export function workspace(prefix = 'tsops-hardening-'): Workspace {
  const dir = tempDir(prefix);
  const tmp = path.join(dir, '.tmp');
  fs.mkdirSync(tmp);
  const keyFile = path.join(dir, '.keys.txt');
  fs.writeFileSync(keyFile, alice.text, { mode: 0o600 });
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: keyFile, TMPDIR: tmp });
  const w: Workspace = {
    dir,
    tmp,
    keyFile,
    env,
    path: (name) => path.join(dir, name),
    write: (name, data) => {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
      return p;
    },
    read: (name) => fs.readFileSync(path.join(dir, name)),
    run: (argv, extraEnv = {}) => runInProcess(argv, { cwd: dir, env: { ...env, ...extraEnv } }),
  };
  return w;
}

/** Encrypt a sample to alice into the workspace (in-process: setup, not the thing tested). */
export async function encryptSample(w: Workspace, sample: Sample, name = sample.file): Promise<Buffer> {
  w.write(name, sample.plain);
  const r = await w.run(['encrypt', '-i', '--age', alice.recipient, name]);
  if (r.code !== 0) throw new Error(`setup: encrypt ${name} failed: ${r.stderr}`);
  return w.read(name);
}

/** Every file under `dir` (hidden ones included) with a hash of its content; TMPDIR entries too. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out.set(`${path.relative(dir, p)}/`, 'dir');
        walk(p);
      } else {
        const st = fs.lstatSync(p);
        const content = e.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : 'special';
        out.set(path.relative(dir, p), `${content}:${(st.mode & 0o7777).toString(8)}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** What changed between two snapshots, as readable lines (empty when nothing did). */
export function snapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [k, v] of after) {
    const was = before.get(k);
    if (was === undefined) lines.push(`created ${k}`);
    else if (was !== v) lines.push(`changed ${k}`);
  }
  for (const k of before.keys()) if (!after.has(k)) lines.push(`removed ${k}`);
  return lines;
}

/** The markers found in a text (a leak when the command should not print values). */
export function leakedMarkers(text: string, markers: readonly string[]): string[] {
  return markers.filter((m) => text.includes(m));
}

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /^\s+at .+/m;
