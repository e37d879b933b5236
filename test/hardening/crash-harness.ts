/**
 * Kill -9 trials: run a command that rewrites a large sops file as a real process, SIGKILL it at
 * a random moment, and check that the file is exactly the old version or a complete new one
 * that decrypts, and which temp files were left. Used by test/hardening/crash.test.ts (a small
 * file) and bench/crash-trials.mjs (a big one).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile, type AgeKeyFile } from '../../src/keys/age/keygen.js';
import { parseMetadata } from '../../src/core/metadata.js';
import { storeFor } from '../../src/formats/index.js';
import { tsopsCommand } from '../helpers/paths.js';
import { cleanEnv, runInProcess } from '../helpers/run.js';

/** Deterministic random numbers (mulberry32), so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A YAML document with `values` string values, 50 per map. */
export function bigYaml(values: number): string {
  const lines: string[] = [];
  for (let i = 0; i < values; i++) {
    if (i % 50 === 0) lines.push(`group_${String(i / 50).padStart(4, '0')}:`);
    lines.push(`    key_${String(i % 50).padStart(2, '0')}: value-${String(i).padStart(6, '0')}-${(i * 2654435761 >>> 0).toString(36)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The edit scenario's editor changes this value. */
const EDITED_FROM = 'value-000001-';
const EDITED_TO = 'edited-000001-';

export type ScenarioName = 'rotate -i' | 'updatekeys -y' | 'encrypt -i' | 'edit';
export const SCENARIOS: readonly ScenarioName[] = ['rotate -i', 'updatekeys -y', 'encrypt -i', 'edit'];

export interface ScenarioReport {
  scenario: ScenarioName;
  trials: number;
  /** Runs the kill hit before the process finished. */
  killed: number;
  /** Outcomes: the target was the old bytes, or a complete new version. */
  old: number;
  new: number;
  /** `.<name>.tsops-<hex>.tmp` files left by killed runs (removed by the next write once stale). */
  leftoverTemps: number;
  /** Editor temp directories left in TMPDIR by runs killed while the editor had the plaintext. */
  leftoverEditDirs: number;
  /** What went wrong, one line per bad trial. */
  failures: string[];
  /** Wall time of one uninterrupted run, in ms (the range kills are drawn from). */
  runMs: number;
}

export interface CrashOptions {
  values: number;
  trials: number;
  seed: number;
  /** Parent directory for the workspaces (a fresh temp dir by default). */
  root: string;
}

interface Ctx {
  dir: string;
  tmp: string;
  target: string;
  plain: string;
  env: Record<string, string | undefined>;
  alice: AgeKeyFile;
  bob: AgeKeyFile;
}

interface Scenario {
  argv: string[];
  /** The file as it is before the command. */
  old(ctx: Ctx): Promise<Buffer>;
  /** Whether the target holds a complete new version; a reason when it does not. */
  checkNew(ctx: Ctx, bytes: Buffer): Promise<string | undefined>;
}

async function encryptTo(ctx: Ctx, recipients: string[]): Promise<Buffer> {
  const r = await runInProcess(['encrypt', '--age', recipients.join(','), '--filename-override', 'big.yaml'], {
    cwd: ctx.dir,
    env: ctx.env,
    stdin: ctx.plain,
  });
  if (r.code !== 0) throw new Error(`setup: encrypt failed: ${r.stderr}`);
  return r.stdout;
}

async function decryptWith(ctx: Ctx, bytes: Buffer, key: AgeKeyFile): Promise<{ ok: boolean; plain: string; why: string }> {
  const check = path.join(ctx.dir, 'check.yaml');
  fs.writeFileSync(check, bytes);
  const r = await runInProcess(['decrypt', 'check.yaml'], { cwd: ctx.dir, env: cleanEnv({ SOPS_AGE_KEY: key.text, TMPDIR: ctx.tmp }) });
  fs.rmSync(check);
  return { ok: r.code === 0, plain: r.stdout.toString('utf8'), why: r.stderr.split('\n', 1)[0] ?? '' };
}

function recipientsOf(bytes: Buffer): string[] {
  const parsed = storeFor('yaml').parseEncrypted(bytes);
  return parseMetadata(parsed.metadata!).keyGroups.flat().flatMap((k) => (k.type === 'age' ? [k.recipient] : []));
}

async function sameValuesNewFile(ctx: Ctx, bytes: Buffer, expected: string, keys: AgeKeyFile[]): Promise<string | undefined> {
  for (const key of keys) {
    const d = await decryptWith(ctx, bytes, key);
    if (!d.ok) return `does not decrypt: ${d.why}`;
    if (d.plain !== expected) return 'decrypts to other values';
  }
  return undefined;
}

const SCENARIO: Record<ScenarioName, Scenario> = {
  'rotate -i': {
    argv: ['rotate', '-i', 'big.yaml'],
    old: (ctx) => encryptTo(ctx, [ctx.alice.recipient]),
    checkNew: (ctx, bytes) => sameValuesNewFile(ctx, bytes, ctx.plain, [ctx.alice]),
  },
  'updatekeys -y': {
    argv: ['updatekeys', '-y', 'big.yaml'],
    old: (ctx) => encryptTo(ctx, [ctx.alice.recipient]),
    checkNew: async (ctx, bytes) => {
      const r = recipientsOf(bytes);
      if (r.length !== 2 || !r.includes(ctx.bob.recipient)) return `recipients ${r.join(',')}`;
      return sameValuesNewFile(ctx, bytes, ctx.plain, [ctx.alice, ctx.bob]);
    },
  },
  'encrypt -i': {
    argv: ['encrypt', '-i', 'big.yaml'],
    old: async (ctx) => Buffer.from(ctx.plain),
    checkNew: (ctx, bytes) => sameValuesNewFile(ctx, bytes, ctx.plain, [ctx.alice, ctx.bob]),
  },
  edit: {
    argv: ['edit', 'big.yaml'],
    old: (ctx) => encryptTo(ctx, [ctx.alice.recipient]),
    checkNew: (ctx, bytes) => sameValuesNewFile(ctx, bytes, ctx.plain.replace(EDITED_FROM, EDITED_TO), [ctx.alice]),
  },
};

/** Temp files of writeFileAtomicSync for the target. */
export function atomicTemps(dir: string, base: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith(`.${base}.tsops-`) && n.endsWith('.tmp'));
}

/** When to kill: after a delay, or as soon as the target's temp file appears (mid-write). */
type KillAt = { afterMs: number } | 'on-temp-file' | undefined;

function run(argv: string[], ctx: Ctx, killAt: KillAt): Promise<{ killed: boolean; code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env = Object.fromEntries(Object.entries(ctx.env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    const child = spawn(tsopsCommand[0], [...tsopsCommand.slice(1), ...argv], { cwd: ctx.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    let killed = false;
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
    };
    const timer = killAt !== undefined && killAt !== 'on-temp-file' ? setTimeout(kill, killAt.afterMs) : undefined;
    const watcher =
      killAt === 'on-temp-file'
        ? fs.watch(ctx.dir, (_event, name) => {
            if (name !== null && name.startsWith('.big.yaml.tsops-')) kill();
          })
        : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      watcher?.close();
      resolve({ killed: killed && signal === 'SIGKILL', code, ms: Date.now() - started, stderr });
    });
  });
}

async function makeCtx(root: string, name: string, values: number): Promise<Ctx> {
  const dir = fs.mkdtempSync(path.join(root, `crash-${name.replace(/\W+/g, '-')}-`));
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
  const bob = await generateAgeKeyFile({ pq: false, now: new Date() });
  fs.writeFileSync(path.join(dir, 'keys.txt'), alice.text, { mode: 0o600 });
  // The rule lists bob too: encrypt writes for both, updatekeys adds bob to files made for alice alone.
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: .*\n    age: ${alice.recipient},${bob.recipient}\n`);
  const editor = path.join(dir, 'editor.sh');
  fs.writeFileSync(editor, `#!/bin/sh\nsed -i 's/${EDITED_FROM}/${EDITED_TO}/' "$1"\n`, { mode: 0o755 });
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: path.join(dir, 'keys.txt'), TMPDIR: tmp, EDITOR: editor });
  return { dir, tmp, target: path.join(dir, 'big.yaml'), plain: bigYaml(values), env, alice, bob };
}

/** Run `options.trials` kill trials of one scenario. */
export async function crashScenario(name: ScenarioName, options: CrashOptions): Promise<ScenarioReport> {
  const scenario = SCENARIO[name];
  const ctx = await makeCtx(options.root, name, options.values);
  const random = seededRandom(options.seed);
  const old = await scenario.old(ctx);
  const report: ScenarioReport = { scenario: name, trials: 0, killed: 0, old: 0, new: 0, leftoverTemps: 0, leftoverEditDirs: 0, failures: [], runMs: 0 };

  // Uninterrupted runs: they must succeed, and the faster of two (the first one warms the
  // code cache) bounds the kill moments.
  for (let i = 0; i < 2; i++) {
    fs.writeFileSync(ctx.target, old);
    const full = await run(scenario.argv, ctx, undefined);
    if (full.code !== 0) throw new Error(`${name}: the uninterrupted run failed (${full.code}): ${full.stderr}`);
    const bad = await scenario.checkNew(ctx, fs.readFileSync(ctx.target));
    if (bad !== undefined) throw new Error(`${name}: the uninterrupted run wrote a bad file: ${bad}`);
    report.runMs = i === 0 ? full.ms : Math.min(report.runMs, full.ms);
  }

  const seen = new Set<string>();
  for (let i = 0; i < options.trials; i++) {
    fs.writeFileSync(ctx.target, old);
    // A third of the kills anywhere in the run, a third in its last third (where the file is
    // written), a third the moment the temp file appears.
    const r = random();
    const at = i % 3 === 0 ? r * report.runMs * 1.05 : i % 3 === 1 ? report.runMs * (0.66 + r * 0.4) : undefined;
    const result = await run(scenario.argv, ctx, at === undefined ? 'on-temp-file' : { afterMs: Math.round(at) });
    report.trials++;
    if (result.killed) report.killed++;
    else if (result.code !== 0) report.failures.push(`trial ${i}: exited ${result.code} without being killed: ${result.stderr.split('\n', 1)[0]}`);
    const bytes = fs.readFileSync(ctx.target);
    if (bytes.equals(old)) {
      report.old++;
      if (!result.killed) report.failures.push(`trial ${i}: the run finished but the file is the old version`);
    } else {
      const why = await scenario.checkNew(ctx, bytes);
      if (why === undefined) report.new++;
      else report.failures.push(`trial ${i} (killed ${at === undefined ? 'mid-write' : `at ${Math.round(at)} ms`}): neither old nor new: ${why}`);
    }
    const temps = atomicTemps(ctx.dir, 'big.yaml').filter((t) => !seen.has(t));
    if (!result.killed && temps.length > 0) report.failures.push(`trial ${i}: a finished run left ${temps.join(', ')}`);
    report.leftoverTemps += temps.length;
    for (const t of temps) seen.add(t);
    // Set them aside as stale (an hour old), so the cleanup test below sees them all.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const t of temps) fs.utimesSync(path.join(ctx.dir, t), hourAgo, hourAgo);
    const dirs = fs.readdirSync(ctx.tmp).filter((n) => n.startsWith('tsops-edit-'));
    report.leftoverEditDirs += dirs.length;
    for (const d of dirs) fs.rmSync(path.join(ctx.tmp, d), { recursive: true, force: true });
  }

  // The next successful write removes every stale temp file the killed runs left.
  fs.writeFileSync(ctx.target, await encryptTo(ctx, [ctx.alice.recipient]));
  const fresh = path.join(ctx.dir, '.big.yaml.tsops-0123456789ab.tmp');
  fs.writeFileSync(fresh, 'a temp file of a write still in progress');
  const cleanup = await run(['rotate', '-i', 'big.yaml'], ctx, undefined);
  if (cleanup.code !== 0) report.failures.push(`cleanup run failed: ${cleanup.stderr}`);
  const remaining = atomicTemps(ctx.dir, 'big.yaml');
  if (remaining.length !== 1 || remaining[0] !== path.basename(fresh)) {
    report.failures.push(`after the next write the temp files are [${remaining.join(', ')}], expected only the fresh one`);
  }
  fs.rmSync(ctx.dir, { recursive: true, force: true });
  return report;
}

/** Run every scenario, two at a time. */
export async function crashTrials(options: CrashOptions, scenarios: readonly ScenarioName[] = SCENARIOS): Promise<ScenarioReport[]> {
  const reports: ScenarioReport[] = [];
  const queue = [...scenarios];
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      reports.push(await crashScenario(s, { ...options, seed: options.seed + SCENARIOS.indexOf(s) }));
    }
  };
  await Promise.all([worker(), worker()]);
  return SCENARIOS.flatMap((s) => reports.filter((r) => r.scenario === s));
}

/** One line per scenario, for test diagnostics and the bench script. */
export function formatReport(r: ScenarioReport): string {
  return (
    `${r.scenario}: ${r.trials} trials (${r.killed} killed mid-run), file old ${r.old} / new ${r.new}, ` +
    `${r.leftoverTemps} temp file(s) left by kills (all removed by the next write), ` +
    `${r.leftoverEditDirs} editor dir(s) left by kills, one full run ${r.runMs} ms`
  );
}
