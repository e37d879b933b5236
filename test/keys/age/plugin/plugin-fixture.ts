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
import { repoRoot, tempDir } from '../../../helpers/paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** age's fixed test recipients, opened by the identity of age-plugin-tagtest (age's tag/internal/age-plugin-tagtest). */
export const TAGTEST_RECIPIENT = 'age1tag1qwe0kafsjrar4txm6heqnhpfuggzr0gvznz7fvygxrlq90u5mq2pysxtw6h';
/** The hybrid (post-quantum) one, `age1tagpq1…`, from the same source. */
export const TAGTEST_HYBRID_RECIPIENT =
  'age1tagpq14h4z7cks9sxftfc8tq4xektt4854ur9rv76tvujdvtzk2fmyywkvh9z2emz3x4epvhz7qdt2v7uksyyq2cdzf3k04ny0g5sc3u4heqh3r9v4cnwhfjw0a2azpgmnk9xk02wvywt5szcq6q3jvwsjxvkn3tsk52vqjczdcvc398ym4j6cvqas4w99gkgt7ur3fmt4g873phr23tgxw3f7wgsz9zxz7m8cp27vpq3h5vc8nssjemtr2etmtmqkg4fzn2u9x9zvtysuya5yrytgx482ftx9864h8a6pprarxd3d0qe8nw2at5ekg3tsahtef7kawasxjamyckw2ans6v933vuypcfrra32f89r2v72mka9hhc55s49xe2khfsq7w9r2zynuzfx4fg6v7jjncsc87rw2yy8qp8hr27edus6zw5xd6m3hax2nxhl2dys9792z3wp5c034sfkrxe86guj7pfdh7sytzrufl9euhuhyf9w6c7z2nwf7v5v8f2s4gplgvfx4jj4le22k2qn242qkqkcwx7llfyrct7jm2wcv0ytypeh6h93ezgtd7q6zr428qze3dec5jxlc5xxjetyephp42fljft3s02p0570kjwyfeyjcnks2vglkvyus5g9l4z6m0gf8wu22ygfm40028txwjlxvvgnn7c36z783c6tmc9k5nef8nucj6u3ustff5vhtnzhnscsvsz79wzrkv3sujtntx4wezucy6lp49flmnyydn3khk2xsesw0ekn4u44nzqw2g2rjyrrl7crshlzttgpe0jvqycjzp9kmtz23t3yu0w9j4n344nnrf88k2jqqfpjxte38pcn0epr879pqsuvajxrkmsas89pvfrzwcewneujn08guj5pvvrtn5hzzg2y6u4wwjqqxx4x8w65yc4dchf750dft8kgcttt2f6j0j5v8s7tkaua78tte7artdfar544vl0rau79h95mc4ghp887z82s6rq93txpkvan86n963kagqkldngnkjcn28zdrh38vdxj002zqs9mx7zjvg3ynzdfhfakkynt9fyqpaxpsdrsqrycuhw5ykwgjz6wldef7xtu6p689234hstxe7v8e5422f2dy8ystn57z3fvy9yfrm4t3lye6ejk5n6x8zqexmql7lx965xcxuuy38xzyt8j9qprnwgfqgx54l4tnjdpzdde6xgmwtnpkfwvyr7rkgnavvjn6a3e56wtvjx3evmhjjxvukpq5zqrj0s4sntkz3yeszs5dty8q0q6m7dgp6mjpvaer0c4343g72eycfqzkjupeaemh0n8e935hqs8fh3jgk7fzyxctzuqlx6d2q9jaf8r9wu4sjxj5w6ppw7m9c3hxrzpcv2uek3kxnndgf2hd99q9v2ux8pjkv29ntslvnvhy09dvcy9578rt89gf4cj4cu79zjxtlj3dpct6rjme02zj3qspsade96njkkufu9zuq2lk3qwvddpxjkqm2hnpqwck54zug7ctvkgvk325lwkg4q5rf73zkgys5e9y8jqc96ntdyl4r78lgtw4k5uljk5ttf46s3gc0rq0jwmddnxt875twwq92505zh3zkse5ag2dhjjxyfzkn7xv3j0kv9r3jzpvgep8fq6z8mar509u4fvnhvthp2ah0r45lsyq0mm6fwkcs30v8k9wzvgt6uvcty6qsjvarjs3htym69zu43m4jd3k4tllrr8c05v6p6spuhup4hkk2p9fp9lxafe3pntcn4nk83gzhjjpcjwyg7jcyz5uancu0fakgz27up7ymzp2xv3sqyqewkkqynskw9qkvysrncxj0cy7dt6q8dsseuwmc2urfmcvkykf82wfa54t85hqx8gywhmhzunm2x0d66a4pwl0xl78fhkces5dpq8pfnp35m5a3u8vdam64zx5s5x9cmnrx3zr066f4f8hlecqnq2fd5quw79ljg3q5nvs6ggmm4gkc';
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
