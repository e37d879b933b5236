/**
 * Finding every sops-encrypted file a `.sops.yaml` governs (`updatekeys --all`): walk the config
 * file's directory, keep the files whose path (relative to that directory, spec §7.3) matches a
 * creation rule, then keep those that carry sops metadata with a `mac` and a `version` (what
 * `filestatus` calls encrypted, §8.2).
 */
import * as path from 'node:path';
import { TsopsError, isTsopsError, messageOf } from '../../errors.js';
import { matchCreationRule, rulePathFor } from '../../config/match.js';
import type { CreationRule, SopsConfig } from '../../config/types.js';
import { Comment, type TreeMap } from '../../core/tree.js';
import type { EncryptedDocument } from '../../formats/format.js';
import { formatForPath, storeFor, type FormatName } from '../../formats/index.js';
import type { Io } from '../../io/types.js';

/** Directories never entered: version control data and installed packages. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

/** A file under the config directory whose path matches a creation rule. */
export interface RuleFile {
  /** Absolute path. */
  path: string;
  /** The path the rule matched: relative to the config directory. */
  relative: string;
  rule: CreationRule;
}

/** A rule-matched file that is sops-encrypted, with its bytes and parsed content. */
export interface SopsRepoFile extends RuleFile {
  format: FormatName;
  bytes: Uint8Array;
  parsed: EncryptedDocument & { metadata: TreeMap };
}

const MARKER_SOPS = Buffer.from('sops');
const MARKER_MAC = Buffer.from('mac');

/**
 * Cheap test before parsing: every sops layout spells `sops` (`sops:`, `"sops"`, `sops_`,
 * `[sops]`) and `mac` somewhere in the file.
 */
export function mayBeSopsFile(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.includes(MARKER_SOPS) && b.includes(MARKER_MAC);
}

/** Whether a raw metadata map has a non-empty `mac` and `version` (field names ignore case). */
export function hasMacAndVersion(metadata: TreeMap | undefined): boolean {
  if (metadata === undefined) return false;
  let mac = false;
  let version = false;
  for (const item of metadata.items) {
    if (item.key instanceof Comment) continue;
    const k = item.key.toLowerCase();
    const v = item.value;
    const filled = typeof v === 'string' ? v !== '' : typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
    if (k === 'mac' && filled) mac = true;
    if (k === 'version' && filled) version = true;
  }
  return mac && version;
}

/**
 * Every regular file below `root`, as absolute paths in a stable order (names sorted byte-wise
 * per directory). Symbolic links are not followed, so a rewrite never replaces a link by a file.
 */
export function walkFiles(io: Io, root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = io.listDir(dir);
    } catch (e) {
      throw new TsopsError('READ_INPUT', `could not list ${dir}: ${messageOf(e)}`, { cause: e });
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.kind === 'dir') {
        if (!SKIPPED_DIRS.has(e.name)) visit(p);
      } else if (e.kind === 'file') {
        out.push(p);
      }
    }
  };
  visit(root);
  return out;
}

/**
 * The files under the config directory that a creation rule matches. A rule that cannot be
 * used (bad `path_regex`, two selectors) is a config error and stops the scan, as it would stop
 * every command on those files.
 */
export function findRuleFiles(io: Io, config: SopsConfig): RuleFile[] {
  const out: RuleFile[] = [];
  for (const file of walkFiles(io, config.dir)) {
    if (file === config.path) continue;
    let rule: CreationRule | undefined;
    try {
      rule = matchCreationRule(config, file, io.cwd());
    } catch (e) {
      if (isTsopsError(e) && e.code === 'NO_MATCHING_RULE') continue;
      throw e;
    }
    if (rule !== undefined) out.push({ path: file, relative: rulePathFor(config, file, io.cwd()), rule });
  }
  return out;
}

/** A file that looked like a sops file but could not be read or parsed. */
export interface ScanProblem {
  file: RuleFile;
  error: unknown;
}

export interface RepoScan {
  files: SopsRepoFile[];
  /** Rule-matched files that are not sops-encrypted (plaintext, or no mac/version). */
  skipped: RuleFile[];
  /** Files that could not be read. */
  problems: ScanProblem[];
}

/**
 * The sops-encrypted files a config governs: rule-matched files whose store (by extension)
 * finds metadata with a `mac` and a `version`. Files that do not parse are not sops files.
 */
export function scanRepository(io: Io, config: SopsConfig): RepoScan {
  const scan: RepoScan = { files: [], skipped: [], problems: [] };
  for (const file of findRuleFiles(io, config)) {
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(file.path);
    } catch (e) {
      scan.problems.push({ file, error: e });
      continue;
    }
    if (!mayBeSopsFile(bytes)) {
      scan.skipped.push(file);
      continue;
    }
    const format = formatForPath(file.path);
    let parsed: EncryptedDocument;
    try {
      parsed = storeFor(format).parseEncrypted(bytes);
    } catch {
      scan.skipped.push(file);
      continue;
    }
    if (!hasMacAndVersion(parsed.metadata)) {
      scan.skipped.push(file);
      continue;
    }
    scan.files.push({ ...file, format, bytes, parsed: parsed as EncryptedDocument & { metadata: TreeMap } });
  }
  return scan;
}
