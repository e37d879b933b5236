/**
 * Locate `.sops.yaml` (spec §7.1): `--config` / SOPS_CONFIG wins; otherwise search the working
 * directory and up to 99 of its parents for the exact name `.sops.yaml`.
 */
import * as path from 'node:path';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';

const CONFIG_NAME = '.sops.yaml';
const ALTERNATE_NAME = '.sops.yml';
const MAX_DEPTH = 100;

export interface FindConfigOptions {
  /** `--config`; when undefined or empty, SOPS_CONFIG, then the search. */
  explicit?: string | undefined;
}

/**
 * The absolute path of the config file in effect, or undefined when there is none. A
 * `.sops.yml` met before any `.sops.yaml` gets sops' warning on stderr (and is not used). An
 * explicit path that does not exist is an error naming it.
 */
export function findConfigFile(io: Io, options: FindConfigOptions = {}): string | undefined {
  const cwd = io.cwd();
  const fromFlag = options.explicit !== undefined && options.explicit !== '';
  const explicit = fromFlag ? options.explicit : io.env['SOPS_CONFIG'];
  if (explicit !== undefined && explicit !== '') {
    const abs = path.resolve(cwd, explicit);
    if (!io.exists(abs)) {
      throw new TsopsError('CONFIG', `${abs}: config file not found`, {
        hint: `check the path given by ${fromFlag ? '--config' : 'SOPS_CONFIG'}`,
      });
    }
    return abs;
  }
  // sops searches relative paths (".", "..", "../..") and names them so in its warning.
  let dir = '.';
  let alternate: string | undefined;
  for (let i = 0; i < MAX_DEPTH; i++) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (io.exists(path.resolve(cwd, candidate))) {
      if (alternate !== undefined) warnAlternate(io, alternate, candidate);
      return path.resolve(cwd, candidate);
    }
    if (alternate === undefined) {
      const alt = path.join(dir, ALTERNATE_NAME);
      if (io.exists(path.resolve(cwd, alt))) alternate = alt;
    }
    // Past the file system root every further ".." names the root again: stop there.
    if (path.dirname(path.resolve(cwd, dir)) === path.resolve(cwd, dir)) break;
    dir = path.join(dir, '..');
  }
  if (alternate !== undefined) warnAlternate(io, alternate, undefined);
  return undefined;
}

function warnAlternate(io: Io, alternate: string, used: string | undefined): void {
  const using = used === undefined ? '' : `; using ${JSON.stringify(used)} instead`;
  io.stderr.write(
    `tsops: warning: ignoring ${JSON.stringify(alternate)} when searching for config file; ` +
      `the config file must be called ${JSON.stringify(CONFIG_NAME)}${using}\n`,
  );
}
