/**
 * The test plugins on PATH: age ≥ 1.3 with its own plugins (age-plugin-tag, -tagtest, …), found
 * through TSOPS_AGE_BIN_DIR (set by .ci/run) or .ci/tools/age, and age-plugin-tsopstest, a
 * directory holding a launcher for tsopstest-plugin.js. Also keys for tsopstest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { bech32 } from '@scure/base';
import { fileURLToPath } from 'node:url';
import { repoRoot, tempDir } from '../../helpers/paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** age's fixed test recipients, opened by the identity of age-plugin-tagtest (age's tag/internal/age-plugin-tagtest). */
export const TAGTEST_RECIPIENT = 'age1tag1qwe0kafsjrar4txm6heqnhpfuggzr0gvznz7fvygxrlq90u5mq2pysxtw6h';
/** age-plugin-tagtest's identity: no data. */
export const TAGTEST_IDENTITY = bech32.encode('AGE-PLUGIN-TAGTEST-', [], false).toUpperCase();

/** The directory of age ≥ 1.3 and its plugins, or undefined. */
function findAgeDir(): string | undefined {
  const candidates = [process.env['TSOPS_AGE_BIN_DIR'], path.join(repoRoot, '.ci', 'tools', 'age', 'usr', 'bin')];
  for (const dir of candidates) {
    if (!dir) continue;
    const age = path.join(dir, 'age');
    if (!fs.existsSync(path.join(dir, 'age-plugin-tagtest'))) continue;
    const v = spawnSync(age, ['--version'], { encoding: 'utf8' });
    const m = /^v?(\d+)\.(\d+)/.exec(v.stdout ?? '');
    if (m && (Number(m[1]) > 1 || Number(m[2]) >= 3)) return dir;
  }
  return undefined;
}

export const ageDir = findAgeDir();

/** Why the tests that need age's plugins skip; in CI they must not skip, so it throws there. */
export const noAgePlugins: string | false = (() => {
  if (ageDir) return false;
  const why = 'age >= 1.3 with age-plugin-tagtest not found (run .ci/install-age, or set TSOPS_AGE_BIN_DIR)';
  if (process.env['CI']) throw new Error(`${why}: required in CI`);
  return why;
})();

let pluginDir: string | undefined;

/** A directory holding `age-plugin-tsopstest`, to put on PATH. */
export function tsopstestDir(): string {
  if (pluginDir) return pluginDir;
  const dir = tempDir('tsops-plugin-');
  const script = path.join(here, 'tsopstest-plugin.js');
  const launcher = path.join(dir, 'age-plugin-tsopstest');
  fs.writeFileSync(launcher, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`, { mode: 0o755 });
  pluginDir = dir;
  return dir;
}

/** PATH with the test plugin and (when found) age ≥ 1.3 first. */
export function pluginPath(): string {
  return [tsopstestDir(), ...(ageDir ? [ageDir] : []), process.env['PATH'] ?? ''].join(path.delimiter);
}

/** A new tsopstest key: its identity and recipient. */
export function tsopstestKey(): { identity: string; recipient: string } {
  const key = randomBytes(32);
  const words = bech32.toWords(key);
  return {
    identity: bech32.encode('AGE-PLUGIN-TSOPSTEST-', words, false).toUpperCase(),
    recipient: bech32.encode('age1tsopstest', words, false),
  };
}
