/**
 * The data key across key groups (spec §4.1, §4.4, §5): wrap it for every age master key (one
 * group: the key itself; several: one Shamir share per group), and recover it from whichever
 * keys the available identities open, reporting every attempt when that fails (exit 128).
 */
import type { AgeMasterKey, KeyGroup, KeyType, MasterKey } from '../core/keys-model.js';
import { getKey } from '../core/tree.js';
import { TsopsError, isTsopsError, messageOf } from '../errors.js';
import { parseAgeRecipient, unwrapKey } from './age/master-key.js';
import { PluginBatch, type PluginRun } from './age/plugin/batch.js';
import type { PluginHost } from './age/plugin/client.js';
import { FixedIdentities } from './identities.js';
import type { IdentityProvider } from './identities.js';
import { formatAgeKeyError, formatDataKeyFailure, type KeyNamer } from './key-report.js';
import type { GroupAttempt, KeyAttempt } from './key-report.js';
import { combine, shareAt, split } from './shamir.js';
import type { RandomSource } from './shamir.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import type { PgpService } from './pgp/gpg.js';
import { isPgpKey, pgpEnc, unwrapPgp, wrapForPgp, type PgpMasterKey } from './pgp/key-source.js';

/**
 * One key of a group to write: an age recipient string (wrapped), an existing age key (re-wrapped
 * for its recipient, or kept with its `enc` when the payloads stay: see `previousPayloads`), or
 * a foreign key (carried unchanged).
 */
export type KeyEntry = string | MasterKey;

export interface WrapDataKeyOptions {
  /** Random bytes for the Shamir coefficients (tests); node:crypto by default. */
  random?: RandomSource;
  /**
   * The per-group payloads of the file being rewritten, from {@link unwrapDataKeyPayloads}, when
   * its data key is kept and its groups are the same (same count, same order). They are reused
   * instead of a new split, which is what lets foreign keys be carried: their `enc` wraps the
   * old payload and tsops cannot re-wrap it. Age keys given as master keys (with their `enc`)
   * are then carried unchanged too; recipients given as strings are wrapped.
   */
  previousPayloads?: readonly Uint8Array[];
  /** GnuPG, for PGP keys: without it they can only be carried (see `previousPayloads`). */
  pgp?: PgpService | undefined;
  /** Where age plugin recipients run their plugin: the command's Io (the process's without one). */
  pluginHost?: PluginHost | undefined;
}

export interface WrappedKeyGroups {
  groups: KeyGroup[];
  /** The threshold to store: N when 0 was asked with N ≥ 2 groups (spec §5). */
  threshold: number;
}

/** The identity string sops shows for a master key (spec §4.4, "ToString"). */
export function masterKeyName(key: MasterKey): string {
  if (key.type === 'age') return key.recipient;
  const f = (name: string): string => {
    const v = getKey(key.fields, name);
    return typeof v === 'string' ? v : '';
  };
  switch (key.type) {
    case 'pgp':
      return f('fp');
    case 'kms':
      return f('arn');
    case 'gcp_kms':
      return f('resource_id');
    case 'azure_kv':
      return `${f('vault_url')}/keys/${f('name')}/${f('version')}`;
    case 'hc_vault':
      return `${f('vault_address')}/v1/${f('engine_path')}/keys/${f('key_name')}`;
    case 'hckms':
      return f('key_id');
  }
}

/** The payload each group's keys wrap: the data key itself, or the group's Shamir share. */
function groupPayloads(
  groupCount: number,
  dataKey: Uint8Array,
  threshold: number,
  options: WrapDataKeyOptions,
): { payloads: readonly Uint8Array[]; threshold: number } {
  const previous = options.previousPayloads;
  if (groupCount === 1) {
    if (previous && !(previous.length === 1 && equalBytes(previous[0] as Uint8Array, dataKey))) {
      throw new TsopsError('GENERIC', 'the previous key group payloads do not match the data key');
    }
    return { payloads: [dataKey], threshold };
  }
  const t = threshold === 0 ? groupCount : threshold;
  if (previous) {
    if (previous.length !== groupCount) {
      throw new TsopsError('GENERIC', 'the previous key group payloads do not match the key groups');
    }
    let recovered: Uint8Array | undefined;
    try {
      recovered = combine(previous.slice(0, t));
    } catch {
      recovered = undefined;
    }
    if (!recovered || !equalBytes(recovered, dataKey)) {
      throw new TsopsError('GENERIC', 'the previous key group payloads do not match the data key');
    }
    return { payloads: previous, threshold: t };
  }
  return { payloads: split(dataKey, groupCount, t, options.random), threshold: t };
}

/**
 * Wrap `dataKey` for every key of every group (spec §4.1, §5): one group ⇒ each age key wraps the
 * data key; N ≥ 2 groups ⇒ the key is split into N shares with threshold T (0 ⇒ N) and every
 * age key of group i wraps share i. Foreign keys are carried unchanged, which is only possible
 * with `previousPayloads` (the data key and the groups' payloads are not changing); otherwise
 * they are refused, since tsops cannot re-wrap for them.
 */
export async function wrapDataKey(
  groups: ReadonlyArray<readonly KeyEntry[]>,
  dataKey: Uint8Array,
  threshold: number,
  options: WrapDataKeyOptions = {},
): Promise<WrappedKeyGroups> {
  if (groups.length === 0) throw new TsopsError('NO_KEYS', 'no key groups provided');
  groups.forEach((g) => {
    // sops' words exactly (GenerateDataKeyWithKeyServices), which its own tests check
    if (g.length === 0) throw new TsopsError('NO_KEYS', 'Could not generate data key: [empty key group provided]', { verbatim: true });
  });
  const pgp = options.pgp;
  if (!options.previousPayloads) {
    groups.forEach((g, i) => {
      for (const k of g) {
        if (typeof k !== 'string' && k.type !== 'age' && !(k.type === 'pgp' && pgp)) {
          throw new TsopsError(
            'UNSUPPORTED',
            `cannot wrap the data key for the ${k.type} key ${masterKeyName(k)} in key group ${i}: ` +
              'tsops only uses age keys',
            { hint: 'remove the non-age keys from the file first, or use sops for this operation' },
          );
        }
      }
    });
  }
  // Parse every recipient before wrapping anything, so a bad one fails fast. With the previous
  // payloads, an age key already in the file wraps the very payload it gets again: it is kept.
  const keep = options.previousPayloads !== undefined;
  const parsed = groups.map((g) =>
    g.map((k) => {
      if (typeof k === 'string') return parseAgeRecipient(k);
      return k.type === 'age' && !keep ? parseAgeRecipient(k.recipient) : k;
    }),
  );
  // a PGP key is wrapped when it has no enc yet, or when the payloads change; else it is carried
  const wrapsPgp = (k: MasterKey): k is PgpMasterKey => isPgpKey(k) && (!keep || pgpEnc(k) === '');
  if (!pgp) {
    const missing = parsed.flat().find((k) => 'type' in k && wrapsPgp(k));
    if (missing) throw new TsopsError('UNSUPPORTED', `cannot wrap the data key for the pgp key ${masterKeyName(missing as MasterKey)}`);
  }
  const { payloads, threshold: t } = groupPayloads(groups.length, dataKey, threshold, options);
  const out = await Promise.all(
    parsed.map((g, i) =>
      Promise.all(
        g.map(async (k): Promise<MasterKey> => {
          if ('type' in k) return pgp && wrapsPgp(k) ? wrapForPgp(pgp, k, payloads[i] as Uint8Array) : k;
          const enc = await k.wrap(payloads[i] as Uint8Array, options.pluginHost);
          const key: AgeMasterKey = { type: 'age', recipient: k.recipient, enc };
          return key;
        }),
      ),
    ),
  );
  return { groups: out, threshold: t };
}

/** Default decryption order within a group (spec §4.4): age, then pgp, then the rest in file order. */
const DEFAULT_ORDER: readonly KeyType[] = ['age', 'pgp'];

function orderKeys(group: KeyGroup, order: readonly KeyType[]): MasterKey[] {
  const rank = (k: MasterKey) => {
    const i = order.indexOf(k.type);
    return i < 0 ? order.length : i;
  };
  // Array.prototype.sort is stable: keys of equal rank keep their file order
  return [...group].sort((a, b) => rank(a) - rank(b));
}

type Attempt = { ok: true; payload: Uint8Array } | { ok: false; errors: string[] };

async function tryAgeKey(key: AgeMasterKey, provider: IdentityProvider, plugins: PluginBatch): Promise<Attempt> {
  let identities = await provider.identitiesFor(key.recipient);
  if (identities.length === 0 && provider.unlock && (await provider.unlock())) {
    identities = await provider.identitiesFor(key.recipient);
  }
  if (identities.length === 0) {
    const why = formatAgeKeyError('failed to load age identities', undefined, provider.report(key.recipient));
    return { ok: false, errors: [why] };
  }
  for (let retry = 0; ; retry++) {
    try {
      return { ok: true, payload: await unwrapKey(key.enc, identities, key.recipient, plugins) };
    } catch (e) {
      const noMatch = isTsopsError(e) && e.code === 'NO_IDENTITY';
      // passphrase-protected identity files are only opened when nothing else matched (as sops)
      if (noMatch && retry === 0 && provider.unlock && (await provider.unlock())) {
        identities = await provider.identitiesFor(key.recipient);
        continue;
      }
      if (!noMatch) return { ok: false, errors: [messageOf(e)] };
      return {
        ok: false,
        errors: [
          formatAgeKeyError(
            'failed to create reader for decrypting sops data key with age',
            messageOf(e),
            provider.report(key.recipient),
          ),
        ],
      };
    }
  }
}

async function tryPgpKey(key: PgpMasterKey, pgp: PgpService): Promise<Attempt> {
  try {
    return { ok: true, payload: await unwrapPgp(pgp, key) };
  } catch (e) {
    return { ok: false, errors: [messageOf(e)] };
  }
}

async function tryGroup(
  group: KeyGroup,
  provider: IdentityProvider,
  order: readonly KeyType[],
  pgp: PgpService | undefined,
  plugins: PluginBatch,
): Promise<{ attempt: GroupAttempt; payload?: Uint8Array }> {
  const keys: KeyAttempt[] = [];
  for (const key of orderKeys(group, order)) {
    const name = masterKeyName(key);
    if (isPgpKey(key) && pgp) {
      const r = await tryPgpKey(key, pgp);
      if (r.ok) {
        keys.push({ name, ok: true, errors: [] });
        return { attempt: { ok: true, keys }, payload: r.payload };
      }
      keys.push({ name, ok: false, errors: r.errors });
      continue;
    }
    if (key.type !== 'age') {
      keys.push({ name, ok: false, errors: [`unsupported key type ${key.type}`] });
      continue;
    }
    const r = await tryAgeKey(key, provider, plugins);
    if (r.ok) {
      keys.push({ name, ok: true, errors: [] });
      return { attempt: { ok: true, keys }, payload: r.payload };
    }
    keys.push({ name, ok: false, errors: r.errors });
  }
  return { attempt: { ok: false, keys } };
}

export interface UnwrapDataKeyOptions {
  /** Key types in the order to try them within a group (`--decryption-order`); default age, pgp. */
  decryptionOrder?: readonly KeyType[] | undefined;
  /** GnuPG, to open PGP keys; without it they are skipped. */
  pgp?: PgpService | undefined;
  /** Names of keys for the failure report (`.sops.yaml` anchors). */
  nameOf?: KeyNamer | undefined;
  /** The run this file is one of: a plugin session opens the later files that need it too. */
  pluginRun?: PluginRun | undefined;
}

export interface UnwrappedDataKey {
  dataKey: Uint8Array;
  /** Every group's payload (the data key, or each group's share, re-derived for failed groups). */
  payloads: Uint8Array[];
  /** Which master key opened each group that could be opened (for `--verbose`; no key material). */
  openedBy: OpenedBy[];
}

/** The master key that opened a group: its type and identity string (an age recipient). */
export interface OpenedBy {
  /** Position of the group, from 0. */
  group: number;
  type: KeyType;
  name: string;
}

/**
 * Recover the data key and every group's payload (spec §5): each group tries its age keys in
 * order, first success wins, every group is attempted; one group ⇒ its payload is the key;
 * N ≥ 2 ⇒ at least `threshold` shares (0 ⇒ N) are combined. Shares of groups that could not be
 * opened are re-derived, so a rewrite can keep the groups' payloads (see {@link wrapDataKey}).
 * Throws TsopsError('NO_IDENTITY') with the per-group report as `details` on failure.
 */
export async function unwrapDataKeyPayloads(
  groups: readonly KeyGroup[],
  threshold: number,
  provider: IdentityProvider,
  options: UnwrapDataKeyOptions = {},
): Promise<UnwrappedDataKey> {
  if (groups.length === 0) throw new TsopsError('NO_KEYS', 'no keys found in file');
  const order = options.decryptionOrder ?? DEFAULT_ORDER;
  const attempts: GroupAttempt[] = [];
  const shares: Uint8Array[] = [];
  const openedBy: OpenedBy[] = [];
  // every age file of every group, so a plugin runs once for all of them (not once per key)
  const encs = groups.flatMap((g) => g.flatMap((k) => (k.type === 'age' ? [k.enc] : [])));
  const run = options.pluginRun;
  const plugins = new PluginBatch(encs, run && { run, nativeRecipients: () => provider.nativeRecipients?.() });
  // groups one after the other: identity commands and passphrase prompts must not interleave
  for (const [i, group] of groups.entries()) {
    const r = await tryGroup(group, provider, order, options.pgp, plugins);
    attempts.push(r.attempt);
    if (r.payload) {
      shares.push(r.payload);
      const name = r.attempt.keys[r.attempt.keys.length - 1]?.name ?? '';
      const key = group.find((k) => masterKeyName(k) === name);
      openedBy.push({ group: i, type: key?.type ?? 'age', name });
    }
  }
  const required = groups.length === 1 ? 1 : threshold === 0 ? groups.length : threshold;
  if (shares.length < required) {
    throw new TsopsError('NO_IDENTITY', 'failed to get the data key required to decrypt the sops file', {
      details: formatDataKeyFailure({
        groups: attempts,
        threshold: groups.length === 1 ? 0 : required,
        sources: provider.report(),
        nameOf: options.nameOf,
      }),
      hint:
        'make the age identity of one of the recipients above available: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, ' +
        'SOPS_AGE_KEY_CMD or <config dir>/sops/age/keys.txt' +
        (groups.some((g) => g.some(isPgpKey)) ? ', or the secret key of one of the PGP fingerprints to gpg (GNUPGHOME)' : ''),
    });
  }
  if (groups.length === 1) {
    const dataKey = shares[0] as Uint8Array;
    return { dataKey, payloads: [dataKey], openedBy };
  }
  try {
    const dataKey = combine(shares);
    const payloads: Uint8Array[] = [];
    let next = 0;
    attempts.forEach((a, i) => {
      payloads.push(a.ok ? (shares[next++] as Uint8Array) : shareAt(shares, i + 1));
    });
    return { dataKey, payloads, openedBy };
  } catch (e) {
    throw new TsopsError('NO_IDENTITY', `could not get data key from shamir parts: ${messageOf(e)}`);
  }
}

/** Recover the data key (see {@link unwrapDataKeyPayloads}). */
export async function unwrapDataKey(
  groups: readonly KeyGroup[],
  threshold: number,
  provider: IdentityProvider,
  options: UnwrapDataKeyOptions = {},
): Promise<Uint8Array> {
  return (await unwrapDataKeyPayloads(groups, threshold, provider, options)).dataKey;
}

/**
 * Recover the data key with identities given as strings (`AGE-SECRET-KEY-1…`,
 * `AGE-SECRET-KEY-PQ-1…`), without consulting the environment. For library use and tests.
 */
export async function decryptDataKeyWithIdentities(
  groups: readonly KeyGroup[],
  threshold: number,
  identities: readonly string[],
): Promise<Uint8Array> {
  return unwrapDataKey(groups, threshold, await FixedIdentities.fromStrings(identities));
}
