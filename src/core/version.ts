/**
 * Whether this program's format version is newer than a file's `version` (spec §8.4 step 6),
 * with the semantics of sops' `AIsNewerThanB` (blang/semver `Make`: strict semver 2.0).
 */
import { TsopsError } from '../errors.js';

interface SemVer {
  core: [bigint, bigint, bigint];
  pre: string[];
}

const NUMERIC = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** Parse strict semver (`1.2.3`, `1.2.3-rc.1+build`); undefined when it is not one. */
export function parseSemver(text: string): SemVer | undefined {
  const plus = text.indexOf('+');
  const main = plus < 0 ? text : text.slice(0, plus);
  if (plus >= 0 && !text.slice(plus + 1).split('.').every((p) => IDENT.test(p))) return undefined;
  const dash = main.indexOf('-');
  const coreText = dash < 0 ? main : main.slice(0, dash);
  const parts = coreText.split('.');
  if (parts.length !== 3 || !parts.every((p) => NUMERIC.test(p))) return undefined;
  const pre = dash < 0 ? [] : main.slice(dash + 1).split('.');
  for (const p of pre) {
    if (!IDENT.test(p) || (/^\d+$/.test(p) && !NUMERIC.test(p))) return undefined;
  }
  return { core: parts.map((p) => BigInt(p)) as [bigint, bigint, bigint], pre };
}

function compareIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return BigInt(a) === BigInt(b) ? 0 : BigInt(a) < BigInt(b) ? -1 : 1;
  if (an) return -1;
  if (bn) return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Semver precedence: negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    if (a.core[i] !== b.core[i]) return a.core[i]! < b.core[i]! ? -1 : 1;
  }
  // A pre-release sorts before the release itself.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = compareIdent(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return a.pre.length - b.pre.length;
}

/**
 * Whether `ours` is newer than the file's `theirs`. As in sops, a `1.x` version (sops 1 did not
 * use semver) is always older and a leading `v` is ignored; anything else unparsable is exit 202.
 */
export function isNewerVersion(ours: string, theirs: string): boolean {
  if (theirs.startsWith('1.')) return true;
  const a = parseSemver(ours.replace(/^v/, ''));
  const b = parseSemver(theirs.replace(/^v/, ''));
  if (a === undefined || b === undefined) {
    throw new TsopsError('VERSION_COMPARE', `failed to compare document version ${JSON.stringify(theirs)} with program version ${JSON.stringify(ours)}`, {
      hint: 'the file\'s sops.version must be a semantic version such as 3.13.2',
    });
  }
  return compareSemver(a, b) > 0;
}

/**
 * A file's `version` must be a semver (a `1.x` or leading `v` tolerated), as sops checks on every
 * decrypt; an absent or empty one (older tsops wrote `version: ""`) is accepted and replaced on
 * the next write. INVALID_METADATA (exit 1, as sops' decrypt) otherwise.
 */
export function checkFileVersion(version: string): void {
  if (version === '' || version.startsWith('1.') || parseSemver(version.replace(/^v/, '')) !== undefined) return;
  throw new TsopsError('INVALID_METADATA', `invalid sops metadata: version ${JSON.stringify(version)} is not a semantic version`, {
    hint: 'sops writes versions such as 3.13.2; restore the file from version control',
  });
}

/** The version to write: the file's own when it has one, else the format version tsops writes. */
export function versionToWrite(version: string, formatVersion: string): string {
  return version.trim() === '' ? formatVersion : version;
}
