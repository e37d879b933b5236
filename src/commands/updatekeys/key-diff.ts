/**
 * What `updatekeys` changes in a file's key groups (spec §8.2): the per-group diff between the
 * file's master keys and its creation rule's, the new Shamir threshold, and the text sops prints
 * for them. Pure: no I/O.
 */
import type { KeyGroup, KeyType } from '../../core/keys-model.js';
import { shownRecipient } from '../../keys/secret-guard.js';
import { masterKeyId } from '../../core/metadata.js';
import type { RuleKeyGroup } from '../../config/types.js';
import { shortKeyId, type RecipientNamer } from '../shared/recipient-names.js';

/** A master key as the diff shows it: its type and sops' identity string ("ToString", §4.4). */
export interface KeyRef {
  type: KeyType;
  id: string;
}

/** One group's diff: common and added keys in the rule's order, removed keys in the file's. */
export interface GroupDiff {
  common: KeyRef[];
  added: KeyRef[];
  removed: KeyRef[];
}

export interface KeyGroupsDiff {
  /** One entry per index up to the larger of the two group counts. */
  groups: GroupDiff[];
  oldThreshold: number;
  newThreshold: number;
}

const refKey = (k: KeyRef): string => `${k.type}\u0000${k.id}`;

/** The identity of each key of a file's group. */
export function fileKeyRefs(group: KeyGroup): KeyRef[] {
  return group.map((k) => ({ type: k.type, id: masterKeyId(k) }));
}

/**
 * Diff groups index by index, as sops' `DiffKeyGroups`: a rule key whose identity is in the
 * file's group at the same index is common, otherwise added; a file key absent from the rule's
 * group is removed. A group present on one side only is all added or all removed.
 */
export function diffKeyGroups(file: readonly KeyRef[][], rule: readonly KeyRef[][]): GroupDiff[] {
  const out: GroupDiff[] = [];
  for (let i = 0; i < Math.max(file.length, rule.length); i++) {
    const ours = file[i] ?? [];
    const theirs = rule[i] ?? [];
    const ourIds = new Set(ours.map(refKey));
    const theirIds = new Set(theirs.map(refKey));
    const diff: GroupDiff = { common: [], added: [], removed: [] };
    for (const k of theirs) (ourIds.has(refKey(k)) ? diff.common : diff.added).push(k);
    for (const k of ours) if (!theirIds.has(refKey(k))) diff.removed.push(k);
    out.push(diff);
  }
  return out;
}

/**
 * The threshold updatekeys writes: the file's own (0 stays 0), capped at the rule's group count.
 * The rule's `shamir_threshold` is not used, as in sops (§8.2).
 */
export function updatedThreshold(fileThreshold: number, ruleGroupCount: number): number {
  return Math.min(fileThreshold, ruleGroupCount);
}

/** The full diff of a file's key groups against its creation rule's. */
export function diffAgainstRule(fileGroups: readonly KeyGroup[], fileThreshold: number, ruleGroups: readonly RuleKeyGroup[]): KeyGroupsDiff {
  return {
    groups: diffKeyGroups(
      fileGroups.map(fileKeyRefs),
      ruleGroups.map((g) => g.map((k) => ({ type: k.type, id: k.id }))),
    ),
    oldThreshold: fileThreshold,
    newThreshold: updatedThreshold(fileThreshold, ruleGroups.length),
  };
}

export function keysChange(d: KeyGroupsDiff): boolean {
  return d.groups.some((g) => g.added.length > 0 || g.removed.length > 0);
}

/** Whether applying the diff changes anything (keys or threshold). */
export function hasChanges(d: KeyGroupsDiff): boolean {
  return keysChange(d) || d.oldThreshold !== d.newThreshold;
}

/** Every key the diff removes, once each, in group order. */
export function removedKeys(d: KeyGroupsDiff): KeyRef[] {
  const seen = new Set<string>();
  const out: KeyRef[] = [];
  for (const g of d.groups) {
    for (const k of g.removed) {
      if (!seen.has(refKey(k))) {
        seen.add(refKey(k));
        out.push(k);
      }
    }
  }
  return out;
}

export interface DiffStyle {
  /** ANSI colors as sops' fatih/color prints them (only when stdout is a terminal). */
  color: boolean;
}

const UNDERLINE = '\u001b[4m';
const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const RESET = '\u001b[0m';

function paint(text: string, code: string, style: DiffStyle): string {
  // fatih/color sets the attribute, prints the text (newline included), then resets.
  return style.color ? `${code}${text}${RESET}` : text;
}

/** The threshold lines of sops' `PrettyPrintShamirDiff`. */
export function formatThresholdDiff(oldValue: number, newValue: number, style: DiffStyle): string {
  if (oldValue > 0 && oldValue === newValue) return `shamir_threshold: ${newValue}\n`;
  let out = '';
  if (newValue > 0) out += paint(`+++ shamir_threshold: ${newValue}\n`, GREEN, style);
  if (oldValue > 0) out += paint(`--- shamir_threshold: ${oldValue}\n`, RED, style);
  return out;
}

/**
 * The groups block of sops' `PrettyPrintDiffs`: `Group N` underlined, then the keys. A key that
 * `.sops.yaml` names (`nameOf`) shows as `alice (age1ql3z…)`; unnamed keys as sops shows them.
 */
export function formatGroupDiffs(groups: readonly GroupDiff[], style: DiffStyle, nameOf?: RecipientNamer): string {
  const show = (k: KeyRef): string => {
    const name = nameOf?.(k.id);
    return name === undefined ? shownRecipient(k.id) : `${name} (${shortKeyId(shownRecipient(k.id))})`;
  };
  let out = '';
  groups.forEach((g, i) => {
    out += paint(`Group ${i + 1}\n`, UNDERLINE, style);
    for (const k of g.common) out += `    ${show(k)}\n`;
    for (const k of g.added) out += paint(`+++ ${show(k)}\n`, GREEN, style);
    for (const k of g.removed) out += paint(`--- ${show(k)}\n`, RED, style);
  });
  return out;
}

/** Everything updatekeys prints on stdout before asking (spec §8.2 step 5). */
export function formatKeyGroupsDiff(d: KeyGroupsDiff, style: DiffStyle, nameOf?: RecipientNamer): string {
  return (
    "The following changes will be made to the file's groups:\n" +
    formatThresholdDiff(d.oldThreshold, d.newThreshold, style) +
    formatGroupDiffs(d.groups, style, nameOf)
  );
}

/** Colors as fatih/color decides: a terminal, no NO_COLOR, and TERM not `dumb`. */
export function useColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}
