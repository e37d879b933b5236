/**
 * Which keys, threshold and selector a new file gets (spec §7.3, §7.4): `--age` /
 * SOPS_AGE_RECIPIENTS over the matching creation rule; selectors flag by flag.
 */
import * as path from 'node:path';
import { TsopsError, isTsopsError } from '../../errors.js';
import { parseAgeRecipient } from '../../keys/age/master-key.js';
import { matchCreationRule, parseRecipientList, rulePathFor } from '../../config/match.js';
import type { CreationRule, SopsConfig } from '../../config/types.js';
import { masterKeyId } from '../../core/metadata.js';
import type { MasterKey } from '../../core/keys-model.js';
import { DEFAULT_SELECTOR, SELECTOR_KINDS, type Selector, type SelectorKind } from '../../core/keys-model.js';
import type { FormatName } from '../../formats/index.js';
import type { KeyEntry } from '../../keys/data-key.js';
import { newPgpKey, parseFingerprintList } from '../../keys/pgp/key-source.js';
import type { CommandContext } from './context.js';
import { emptyToUndefined } from './context.js';

export interface KeyFlags {
  age?: string | undefined;
  /** `--pgp` (env SOPS_PGP_FP): comma-separated fingerprints. */
  pgp?: string | undefined;
  shamirSecretSharingThreshold?: number | undefined;
}

export type SelectorFlags = Partial<Record<SelectorKind, string | undefined>>;

export interface EncryptionRules {
  /** The keys per key group: age recipients as strings, PGP keys to wrap. */
  groups: KeyEntry[][];
  threshold: number;
  selector: Selector | undefined;
  macOnlyEncrypted: boolean;
  rule: CreationRule | undefined;
}

/** The creation rule for `name`, or undefined without a config or without creation_rules. */
export function findRule(ctx: CommandContext, name: string): CreationRule | undefined {
  const config = ctx.config();
  if (config === undefined) return undefined;
  if (config.creationRules === undefined) {
    ctx.debug(`${config.path} has no creation_rules`);
    return undefined;
  }
  const rule = matchCreationRule(config, name, ctx.io.cwd());
  logRuleMatch(ctx, config, name, rule);
  return rule;
}

/** `--verbose`: the public recipients a data key is wrapped for, group by group. */
export function logRecipients(ctx: CommandContext, name: string, groups: readonly (readonly unknown[])[]): void {
  if (!ctx.global.verbose) return;
  groups.forEach((g, i) => {
    const ids = g.map((k) => (typeof k === 'string' ? k : masterKeyId(k as MasterKey)));
    ctx.debug(`${name}: data key wrapped for key group ${i}: ${ids.join(', ')}`);
  });
}

/** `--verbose`: the rule that matched a file, by index and path_regex. */
export function logRuleMatch(ctx: CommandContext, config: SopsConfig, name: string, rule: CreationRule | undefined): void {
  if (rule === undefined || !ctx.global.verbose) return;
  const regex = rule.pathRegex === undefined ? 'no path_regex, so every file' : `path_regex ${JSON.stringify(rule.pathRegex)}`;
  ctx.debug(`creation rule ${rule.index} (${regex}) matched ${JSON.stringify(rulePathFor(config, name, ctx.io.cwd()))}`);
}

/** The keys given by flags or environment (`--age`/SOPS_AGE_RECIPIENTS, `--pgp`/SOPS_PGP_FP), if any. */
function commandLineKeys(ctx: CommandContext, flags: KeyFlags): { age?: string; pgp?: string } {
  const age = flags.age ?? emptyToUndefined(ctx.io.env['SOPS_AGE_RECIPIENTS']);
  const pgp = flags.pgp ?? emptyToUndefined(ctx.io.env['SOPS_PGP_FP']);
  return { ...(age ? { age } : {}), ...(pgp ? { pgp } : {}) };
}

/** Key groups from flags/env (one group, as sops), else from the rule; an error when there are none. */
export function resolveKeyGroups(ctx: CommandContext, flags: KeyFlags, rule: CreationRule | undefined): KeyEntry[][] {
  const cli = commandLineKeys(ctx, flags);
  const group: KeyEntry[] = [
    ...(cli.pgp ? parseFingerprintList(cli.pgp).map(newPgpKey) : []),
    ...(cli.age ? parseRecipientList(cli.age) : []),
  ];
  if (group.length > 0) {
    const from = [cli.age !== undefined ? (flags.age !== undefined ? '--age' : 'SOPS_AGE_RECIPIENTS') : undefined, cli.pgp !== undefined ? (flags.pgp !== undefined ? '--pgp' : 'SOPS_PGP_FP') : undefined];
    ctx.debug(`recipients from ${from.filter((f) => f !== undefined).join(' and ')}, not from .sops.yaml`);
    return [group];
  }
  if (rule === undefined) {
    throw new TsopsError('NO_KEYS', 'config file not found, or has no creation rules, and no keys provided through command line options', {
      hint: 'add a creation rule to .sops.yaml or pass --age age1… or --pgp FINGERPRINT',
    });
  }
  checkRuleRecipients(ctx.config()?.path ?? '.sops.yaml', rule);
  return rule.keyGroups.map((group, i) =>
    group.map((key): KeyEntry => {
      if (key.type === 'pgp') return newPgpKey(key.id);
      if (key.type !== 'age') {
        throw new TsopsError('UNSUPPORTED', `creation rule group ${i} lists a ${key.type} key (${key.id}); tsops encrypts to age keys only`, {
          hint: 'list age recipients in .sops.yaml, or pass --age',
        });
      }
      return key.id;
    }),
  );
}

/**
 * Parse every age recipient of the rule in use (sops does so when it builds the rule's keys), so
 * a malformed one is reported as a config error naming the file and the rule, like the others.
 */
export function checkRuleRecipients(configPath: string, rule: CreationRule): void {
  for (const key of rule.keyGroups.flat()) {
    if (key.type !== 'age') continue;
    try {
      parseAgeRecipient(key.id);
    } catch (e) {
      if (!isTsopsError(e)) throw e;
      const at = key.at ?? `creation_rules[${rule.index}]`;
      throw new TsopsError('CONFIG', `${configPath}: invalid .sops.yaml: ${at}: ${e.message}`, {
        hint: 'fix the recipient in the config file: age1…, age1pq1…, ssh-ed25519 … or ssh-rsa …',
        cause: e,
      });
    }
  }
}

/** Merge selector flags over the rule's selector; at most one may remain (exit 8). */
export function resolveSelector(flags: SelectorFlags, rule: CreationRule | undefined, format: FormatName): Selector | undefined {
  const chosen = new Map<SelectorKind, string>();
  if (rule?.selector) chosen.set(rule.selector.kind, rule.selector.value);
  for (const kind of SELECTOR_KINDS) {
    const v = flags[kind];
    if (v !== undefined && v !== '') chosen.set(kind, v);
  }
  if (chosen.size > 1) {
    throw new TsopsError('CONFLICTING_PARAMETERS', `cannot use more than one of ${SELECTOR_KINDS.join(', ')}`);
  }
  // Binary files have a single value that is always encrypted (§1.6).
  if (format === 'binary') return undefined;
  const [entry] = chosen;
  return entry ? { kind: entry[0], value: entry[1] } : DEFAULT_SELECTOR;
}

export function resolveEncryptionRules(
  ctx: CommandContext,
  name: string,
  flags: KeyFlags & SelectorFlags & { macOnlyEncrypted?: boolean | undefined },
  inputFormat: FormatName,
): EncryptionRules {
  let rule: CreationRule | undefined;
  try {
    rule = findRule(ctx, name);
  } catch (e) {
    // With keys on the command line a non-matching config is no reason to refuse (sops does).
    const cli = commandLineKeys(ctx, flags);
    if (!(e instanceof TsopsError && e.code === 'NO_MATCHING_RULE' && (cli.age || cli.pgp))) throw e;
  }
  const groups = resolveKeyGroups(ctx, flags, rule);
  logRecipients(ctx, path.isAbsolute(name) ? path.relative(ctx.io.cwd(), name) || name : name, groups);
  const threshold = flags.shamirSecretSharingThreshold || rule?.shamirThreshold || 0;
  return {
    groups,
    threshold,
    selector: resolveSelector(flags, rule, inputFormat),
    macOnlyEncrypted: Boolean(flags.macOnlyEncrypted) || Boolean(rule?.macOnlyEncrypted),
    rule,
  };
}
