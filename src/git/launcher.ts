/**
 * The command line git runs for the drivers. Written once by `tsops git setup` into the
 * repository's config, it must keep working in later shells: `tsops` when the `tsops` on PATH is
 * this very installation (so an upgrade is picked up), else `node /abs/path/bin/tsops.cjs` of the
 * running clone (a clone has no `tsops` on PATH; an absolute node path would break on the next
 * Node upgrade, while `node` is on PATH wherever tsops itself runs).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../io/types.js';

/** The launcher of this installation: `bin/tsops.cjs` above this module (bundled or not). */
export function findLauncher(io: Pick<Io, 'exists'>): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'bin', 'tsops.cjs');
    if (io.exists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function realPath(io: Pick<Io, 'realPath'>, p: string): string | undefined {
  try {
    return io.realPath(p);
  } catch {
    return undefined;
  }
}

/** Single-quoted for /bin/sh, which is how git runs drivers. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** How git should start tsops, given the environment's PATH. */
export function driverCommand(io: Pick<Io, 'env' | 'exists' | 'realPath'>, launcher = findLauncher(io)): string {
  if (launcher === undefined) return 'tsops';
  const mine = realPath(io, launcher);
  for (const dir of (io.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const onPath = realPath(io, path.join(dir, 'tsops'));
    if (onPath !== undefined && onPath === mine) return 'tsops';
    if (onPath !== undefined) break; // another tsops comes first on PATH: name this one exactly
  }
  return `node ${shellQuote(launcher)}`;
}
