/**
 * The report shown when the data key cannot be recovered (exit 128, spec §4.5 and §8.5): each
 * key group and master key with its outcome and reasons, laid out like sops' message, followed
 * by the identity sources consulted. Pure formatting; never contains key material.
 */
import type { SourceOutcome } from './identity-source.js';
import { redactSecrets } from './secret-guard.js';
import { shortRecipient } from './secret-guard.js';

/** One master key's attempt. `name` is the key's identity string (age: the recipient). */
export interface KeyAttempt {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed (empty when it succeeded). */
  readonly errors: readonly string[];
}

export interface GroupAttempt {
  readonly ok: boolean;
  readonly keys: readonly KeyAttempt[];
}

export interface DataKeyFailure {
  readonly groups: readonly GroupAttempt[];
  /** The Shamir threshold, or 0 when the file has a single key group. */
  readonly threshold: number;
  /** What each identity source gave. */
  readonly sources: readonly SourceOutcome[];
  /** Names of keys from `.sops.yaml` anchors, shown beside the recipient. */
  readonly nameOf?: KeyNamer | undefined;
}

/**
 * Greedy word wrap at `width` columns, keeping existing line breaks; a word longer than the
 * width stays whole on its own line (as go-wordwrap, which sops uses).
 */
export function wordWrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((para) => {
      const words = para.split(' ').filter((w) => w !== '');
      const lines: string[] = [];
      let line = '';
      for (const w of words) {
        if (line === '') line = w;
        else if (line.length + 1 + w.length <= width) line += ` ${w}`;
        else {
          lines.push(line);
          line = w;
        }
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}

/** Prefix every line; blank lines stay empty so no line ends in spaces. */
function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : prefix + l))
    .join('\n');
}

/** Names keys by their identity string (the anchors of `.sops.yaml`); undefined when unnamed. */
export type KeyNamer = (id: string) => string | undefined;

/** `alice (age1ql3z…)` for a named key, the shortened recipient otherwise. */
function shownKey(id: string, nameOf: KeyNamer | undefined): string {
  const name = nameOf?.(id);
  if (name === undefined) return shortRecipient(id);
  return `${name} (${shortRecipient(id)})`;
}

function formatKey(key: KeyAttempt, nameOf?: KeyNamer): string {
  const header = `${shownKey(key.name, nameOf)}: ${key.ok ? 'SUCCESS' : 'FAILED'}`;
  if (key.ok || key.errors.length === 0) return header;
  const reasons = key.errors.map((e) => {
    const block = indent(wordWrap(e, 60), '  | ');
    return `-${block.slice(1)}`;
  });
  return `${header}\n${indent(reasons.join('\n\n'), '  ')}`;
}

function formatGroup(group: GroupAttempt, index: number, nameOf?: KeyNamer): string {
  const header = `Group ${index}: ${group.ok ? 'SUCCESS' : 'FAILED'}`;
  if (group.keys.length === 0) return header;
  return `${header}\n${indent(group.keys.map((k) => formatKey(k, nameOf)).join('\n'), '  ')}`;
}

/** One line describing a source's outcome, e.g. `SOPS_AGE_KEY_FILE (/k.txt): 1 identity for age1…`. */
export function formatSourceOutcome(o: SourceOutcome): string {
  return sourceOutcomeLine(o, undefined);
}

function sourceOutcomeLine(o: SourceOutcome, nameOf: KeyNamer | undefined): string {
  let name = o.detail === undefined ? o.location : `${o.location} (${o.detail})`;
  if (o.forRecipient !== undefined) name += ` for ${shownKey(o.forRecipient, nameOf)}`;
  let what: string;
  switch (o.status) {
    case 'not-set':
      what = 'not set';
      break;
    case 'not-found':
      what = 'not found';
      break;
    case 'empty':
      what = 'no identities';
      break;
    case 'locked':
      what = 'passphrase-protected, not unlocked';
      break;
    case 'error':
      what = `error: ${o.message ?? 'unknown error'}`;
      break;
    case 'loaded': {
      const noun = o.count === 1 ? 'identity' : 'identities';
      const known = o.recipients.map((r) => shownKey(r, nameOf));
      what = known.length > 0 ? `${o.count} ${noun} for ${known.join(', ')}` : `${o.count} ${noun}`;
      break;
    }
  }
  if (o.message !== undefined && o.status !== 'error' && o.status !== 'locked') what += ` (${o.message})`;
  return `${name}: ${what}`;
}

/**
 * sops' per-key reason when no identity was usable (`formatError` in age/keysource.go):
 * `<msg>[: <err>][. Errors while loading age identities: …][. Did not find keys in locations …]`.
 * When some source did give identities, "did not find keys" would mislead (the keys were found,
 * they belong to other recipients), so the found identities are counted and named instead.
 */
export function formatAgeKeyError(
  message: string,
  cause: string | undefined,
  sources: readonly SourceOutcome[],
): string {
  const errors = sources.filter((s) => s.status === 'error').map((s) => s.message ?? s.location);
  const unused = sources
    .filter((s) => s.status === 'not-set' || s.status === 'not-found' || s.status === 'empty')
    .map((s) => s.location);
  const loaded = sources.filter((s) => s.status === 'loaded' && s.count > 0);
  let out = cause === undefined ? message : `${message}: ${cause}`;
  if (errors.length > 0) out += `. Errors while loading age identities: ${errors.join('; ')}`;
  if (loaded.length > 0) {
    const count = loaded.reduce((n, s) => n + s.count, 0);
    const names = loaded.map((s) => (s.detail === undefined ? s.location : `${s.location} (${s.detail})`));
    const found = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    out +=
      count === 1
        ? `. The 1 identity found (in ${found}) does not match this recipient.`
        : `. The ${count} identities found (in ${found}) do not match this recipient.`;
  } else if (unused.length === 1) out += `. Did not find keys in location '${unused[0]}'.`;
  else if (unused.length === 2) out += `. Did not find keys in locations '${unused[0]}' and '${unused[1]}'.`;
  else if (unused.length > 2) {
    const last = unused[unused.length - 1];
    out += `. Did not find keys in locations '${unused.slice(0, -1).join("', '")}', and '${last}'.`;
  }
  return redactSecrets(out);
}

/** The multi-line details of the data-key failure (spec §4.5), followed by the identity sources. */
export function formatDataKeyFailure(failure: DataKeyFailure): string {
  const groups = failure.groups.map((g, i) => formatGroup(g, i, failure.nameOf)).join('\n\n');
  const succeeded = failure.groups.filter((g) => g.ok).length;
  const trailer =
    failure.threshold === 0
      ? 'Recovery failed because no master key was able to decrypt the file. In order for SOPS to ' +
        'recover the file, at least one key has to be successful, but none were.'
      : `Recovery failed because the file was encrypted with a Shamir threshold of ${failure.threshold}, ` +
        `but only ${succeeded} part(s) were successfully recovered, one for each successful key group. ` +
        `In order for SOPS to recover the file, at least ${failure.threshold} groups have to be successful. ` +
        'In order for a group to be successful, decryption has to succeed with any of the keys in that key group.';
  const parts = [groups, wordWrap(trailer, 75)];
  if (failure.sources.length > 0) {
    parts.push(`Identity sources consulted:\n${indent(failure.sources.map((o) => sourceOutcomeLine(o, failure.nameOf)).join('\n'), '  ')}`);
  }
  return redactSecrets(parts.join('\n\n'));
}
