/**
 * Pick the creation rule for a file (spec §7.3) and parse command-line recipient lists (§4.2).
 */
import * as path from 'node:path';
import { TsopsError } from '../errors.js';
import { mustNotBeShown } from '../keys/secret-guard.js';
import type { CreationRule, SopsConfig } from './types.js';

/**
 * The path a rule's `path_regex` sees: the file's absolute path, with the config directory and a
 * separator stripped when the file lies inside it (sops trims that prefix).
 */
export function rulePathFor(config: SopsConfig, filePath: string, cwd: string): string {
  const abs = path.resolve(cwd, filePath);
  // sops' strings.TrimPrefix(file, configDir+"/"): for a config in "/" the prefix is "//" and never matches.
  const prefix = config.dir + path.sep;
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : abs;
}

/**
 * The first creation rule whose `path_regex` matches `filePath` (relative paths are taken
 * against `cwd`); a rule without `path_regex` matches every file. Returns undefined when the
 * config has no `creation_rules` (sops then acts as if there were no config). Throws
 * TsopsError('NO_MATCHING_RULE') when no rule matches, and the rule's own CONFIG error when the
 * rule that would be used (or a `path_regex` tried on the way) is invalid.
 */
export function matchCreationRule(config: SopsConfig, filePath: string, cwd: string): CreationRule | undefined {
  const rules = config.creationRules;
  if (rules === undefined) return undefined;
  const target = rulePathFor(config, filePath, cwd);
  for (const rule of rules) {
    if (rule.pathRegex !== undefined) {
      if (rule.regexError !== undefined) throw rule.regexError;
      if (rule.regex === undefined || !rule.regex.test(target)) continue;
    }
    if (rule.ruleError !== undefined) throw rule.ruleError;
    return rule;
  }
  throw new TsopsError('NO_MATCHING_RULE', 'error loading config: no matching creation rules found', {
    hint: `no path_regex in ${config.path} matches ${JSON.stringify(target)}; add a rule for it or a last rule without path_regex`,
  });
}

/**
 * Split a `--age` / SOPS_AGE_RECIPIENTS value (§4.2): comma separated, each element trimmed;
 * the empty string means no recipients, an empty element is an error.
 */
export function parseRecipientList(s: string): string[] {
  if (s === '') return [];
  return s.split(',').map((r) => {
    const trimmed = r.trim();
    if (trimmed === '') {
      // the list is quoted only when nothing in it looks like a secret key pasted by mistake
      const shown = mustNotBeShown(s) ? '' : ` ${JSON.stringify(s)}`;
      throw new TsopsError('INVALID_RECIPIENT', `empty recipient in comma-separated list${shown}`, {
        hint: 'separate recipients with single commas and no trailing comma',
      });
    }
    return trimmed;
  });
}
