#!/usr/bin/env node
// Kill -9 trials on a big file (the bigger sibling of test/hardening/crash.test.ts): runs
// `rotate -i`, `updatekeys -y`, `encrypt -i` and an edit's write as real processes, SIGKILLs
// them at random moments and checks that the file is always the old version or a complete new
// one that decrypts, and that temp files left by the kills are removed by the next write.
//
//   npm run build && node bench/crash-trials.mjs [--values N] [--trials N] [--seed N]
//
// Exits 1 when any trial fails.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crashTrials, formatReport } from '../dist/test/hardening/crash-harness.js';

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

const values = flag('values', 30_000);
const trials = flag('trials', 30);
const seed = flag('seed', Date.now() % 1_000_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsops-crash-bench-'));
console.log(`kill -9 trials: ${values} values, ${trials} trials per operation, seed ${seed}`);
const started = Date.now();
try {
  const reports = await crashTrials({ values, trials, seed, root });
  let failed = 0;
  for (const r of reports) {
    console.log(formatReport(r));
    for (const f of r.failures) console.log(`  FAIL ${f}`);
    failed += r.failures.length;
  }
  const total = reports.reduce((n, r) => n + r.trials, 0);
  const killed = reports.reduce((n, r) => n + r.killed, 0);
  console.log(`${total} trials (${killed} killed mid-run), ${failed} failure(s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
