/** What updatekeys changes in one file, worked out before anything is asked, and carrying it out. */
import { TsopsError } from '../../errors.js';
import { decryptDocument, type SopsDocument } from '../../core/document.js';
import type { KeyGroup } from '../../core/keys-model.js';
import { masterKeyId } from '../../core/metadata.js';
import type { CreationRule, RuleKeyGroup } from '../../config/types.js';
import { unwrapDataKeyPayloads, wrapDataKey, type KeyEntry } from '../../keys/data-key.js';
import { newPgpKey } from '../../keys/pgp/key-source.js';
import type { CommandContext } from '../shared/context.js';
import { withFile, withFileAsync, type Input } from '../shared/files.js';
import { diffAgainstRule, hasChanges, type KeyGroupsDiff } from './key-diff.js';
import { checkRuleRecipients, logRecipients } from '../shared/key-rules.js';
import { logDataKeyOpened } from '../shared/data-key.js';
import { recipientNamer } from '../shared/recipient-names.js';
import { refuseForeignKeys, rekeyDocument } from '../shared/rekey.js';
import { renderEncrypted } from '../shared/sops-file.js';
import { LegacyMacCheck, type LegacyMacPolicy } from '../shared/mac-rule.js';

/** One file's planned key change. */
export interface KeyUpdatePlan {
  /** The file as messages name it. */
  name: string;
  input: Input;
  doc: SopsDocument;
  diff: KeyGroupsDiff;
  /** The groups to write (age recipients as strings, kept foreign keys as they are); set when the diff has changes. */
  groups: KeyEntry[][];
  /** Foreign keys are kept, so the groups' wrapped payloads must not change. */
  carriesForeignKeys: boolean;
}

/**
 * The groups a file gets from its rule. An age key already in the same group comes with its
 * `enc` (kept when the group payloads stay the same), a new one as its recipient string, to be
 * wrapped; a foreign key can only stay where it already is (same group), with its existing
 * `enc`, since tsops cannot wrap for it.
 */
export function targetGroups(name: string, fileGroups: readonly KeyGroup[], ruleGroups: readonly RuleKeyGroup[]): KeyEntry[][] {
  return ruleGroups.map((rg, i) => {
    if (rg.length === 0) {
      throw new TsopsError('NO_KEYS', `${name}: key group ${i + 1} of the creation rule has no keys`, {
        hint: 'list at least one recipient in every key group of the rule',
      });
    }
    return rg.map((rk): KeyEntry => {
      if (rk.type === 'age') {
        return (fileGroups[i] ?? []).find((k) => k.type === 'age' && masterKeyId(k) === rk.id) ?? rk.id;
      }
      const kept = (fileGroups[i] ?? []).find((k) => k.type === rk.type && masterKeyId(k) === rk.id);
      // a PGP key gets the data key (or its group's share) through gpg
      if (kept === undefined && rk.type === 'pgp') return newPgpKey(rk.id);
      if (kept === undefined) {
        throw new TsopsError(
          'UNSUPPORTED',
          `${name}: cannot add the ${rk.type} key ${rk.id} to key group ${i + 1}: tsops can only wrap the data key for age and PGP keys`,
          { hint: `add ${rk.type} keys with sops, or list only age recipients in this rule` },
        );
      }
      return kept;
    });
  });
}

/** Plan a file's update against its rule; `groups` is only worked out when something changes. */
export function planKeyUpdate(name: string, input: Input, doc: SopsDocument, rule: CreationRule, configPath: string): KeyUpdatePlan {
  const md = doc.metadata;
  const diff = diffAgainstRule(md.keyGroups, md.shamirThreshold, rule.keyGroups);
  const plan: KeyUpdatePlan = { name, input, doc, diff, groups: [], carriesForeignKeys: false };
  if (!hasChanges(diff)) return plan;
  plan.groups = targetGroups(name, md.keyGroups, rule.keyGroups);
  const foreign = plan.groups.flat().find((k) => typeof k !== 'string' && k.type !== 'age' && k.type !== 'pgp');
  plan.carriesForeignKeys = foreign !== undefined;
  if (foreign !== undefined && typeof foreign !== 'string' && plan.groups.length !== md.keyGroups.length) {
    throw new TsopsError(
      'UNSUPPORTED',
      `${name}: cannot change the number of key groups: the ${foreign.type} key ${masterKeyId(foreign)} would need a new ` +
        'Shamir share, and tsops can only wrap for age and PGP keys',
      { hint: 'change the key groups of this file with sops' },
    );
  }
  // a malformed recipient in the rule fails now, before anything is asked or unwrapped
  if (plan.groups.flat().some((k) => typeof k === 'string')) checkRuleRecipients(configPath, rule);
  return plan;
}

/**
 * Carry out a plan and return the file's new bytes: unwrap the existing data key and wrap it
 * for the new groups (values, MAC and `lastmodified` untouched), or with `rotate` decrypt
 * everything (MAC checked) and re-encrypt it under a new data key.
 */
export async function applyKeyUpdate(
  ctx: CommandContext,
  plan: KeyUpdatePlan,
  rotate: boolean,
  legacyMac: Omit<LegacyMacPolicy, 'rewrites'> = {},
): Promise<Uint8Array> {
  const md = plan.doc.metadata;
  if (rotate) refuseForeignKeys(plan.groups, plan.name, 'replace the data key');
  const unwrapped = await withFileAsync(plan.name, () => unwrapDataKeyPayloads(md.keyGroups, md.shamirThreshold, ctx.identities(), { ...ctx.keyOptions(), nameOf: recipientNamer(ctx) }));
  logDataKeyOpened(ctx, plan.name, unwrapped);
  try {
    if (rotate) {
      const legacy = new LegacyMacCheck(ctx, plan.name);
      const cipher = withFile(plan.name, () =>
        decryptDocument(plan.doc, unwrapped.dataKey, { compileRegex: ctx.compileRegex, onLegacyMac: legacy.onLegacyMac }),
      );
      await legacy.confirm({ ...legacyMac, rewrites: true });
      return await rekeyDocument(ctx, plan, cipher, plan.groups, plan.diff.newThreshold);
    }
    // Same groups and threshold: the payloads stay, so keys already in the file keep their
    // `enc` and only added recipients are wrapped (a smaller diff in version control, too).
    const samePayloads = plan.groups.length === md.keyGroups.length && plan.diff.newThreshold === plan.diff.oldThreshold;
    const keep = plan.carriesForeignKeys || samePayloads;
    logRecipients(ctx, plan.name, plan.groups);
    const wrapped = await withFileAsync(plan.name, () =>
      wrapDataKey(plan.groups, unwrapped.dataKey, plan.diff.newThreshold, {
        ...ctx.keyOptions(),
        ...(keep ? { previousPayloads: unwrapped.payloads } : {}),
      }),
    );
    md.keyGroups = wrapped.groups;
    md.shamirThreshold = wrapped.threshold;
    return renderEncrypted(ctx, plan);
  } finally {
    unwrapped.dataKey.fill(0);
  }
}
