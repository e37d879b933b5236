/**
 * A real git repository in a temp dir for the driver tests: isolated from the machine's git
 * config (HOME, GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM), an age key, and helpers that run git and
 * the real tsops binary in it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, type RunOutcome } from '../helpers/run.js';

export type AgeKey = Awaited<ReturnType<typeof generateAgeKeyFile>>;

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Repo {
  dir: string;
  keyFile: string;
  env: Record<string, string | undefined>;
  git(args: string[], env?: Record<string, string | undefined>): GitResult;
  /** git that must succeed. */
  ok(args: string[]): string;
  tsops(args: string[], env?: Record<string, string | undefined>): Promise<RunOutcome>;
  write(name: string, content: string): void;
  read(name: string): string;
  commitAll(message: string): void;
}

export async function newKey(): Promise<AgeKey> {
  return generateAgeKeyFile({ pq: false, now: new Date() });
}

export function newRepo(key: AgeKey, extraEnv: Record<string, string | undefined> = {}): Repo {
  const root = tempDir('tsops-git-test-');
  const home = path.join(root, 'home');
  const dir = path.join(root, 'repo');
  fs.mkdirSync(home);
  fs.mkdirSync(dir);
  const gitconfig = path.join(home, 'gitconfig');
  fs.writeFileSync(gitconfig, '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  const keyFile = path.join(home, 'keys.txt');
  fs.writeFileSync(keyFile, key.text, { mode: 0o600 });
  const env = cleanEnv({
    HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    LC_ALL: 'C',
    SOPS_AGE_KEY_FILE: keyFile,
    ...extraEnv,
  });
  const repo: Repo = {
    dir,
    keyFile,
    env,
    git(args, e = env) {
      const r = spawnSync('git', args, { cwd: dir, env: e as NodeJS.ProcessEnv, encoding: 'utf8' });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    ok(args) {
      const r = repo.git(args);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    tsops: (args, e = env) => runCli(args, { cwd: dir, env: e }),
    write(name, content) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    },
    read: (name) => fs.readFileSync(path.join(dir, name), 'utf8'),
    commitAll(message) {
      repo.ok(['add', '-A']);
      repo.ok(['commit', '-q', '-m', message]);
    },
  };
  repo.ok(['init', '-q']);
  return repo;
}

/** The `ENC[...]` text stored under a YAML key (first `key:` line). */
export function encOf(text: string, key: string): string {
  const m = new RegExp(`^\\s*${key}: (ENC\\[[^\\]]+\\])`, 'm').exec(text);
  if (!m) throw new Error(`no encrypted value under ${key}`);
  return m[1]!;
}
