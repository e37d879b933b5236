/**
 * `tsops groups add` / `tsops groups delete` (spec §8.2): add a key group of age recipients to a
 * file, or remove one, and re-wrap the existing data key for the new layout (Shamir shares when
 * several groups remain). Values and the MAC are not touched.
 */
import { TsopsError } from '../errors.js';
import type { SopsDocument } from '../core/document.js';
import { parseRecipientList } from '../config/match.js';
import { parseAgeRecipient } from '../keys/age/master-key.js';
import { wrapDataKey, type KeyEntry } from '../keys/data-key.js';
import { newPgpKey, parseFingerprintList } from '../keys/pgp/key-source.js';
import { openDataKey } from './shared/data-key.js';
import type { CommandContext } from './shared/context.js';
import {
  checkOutputOptions,
  parseSopsFile,
  readInput,
  withFileAsync,
  writeOutput,
  type Input,
} from './shared/files.js';
import { renderEncrypted } from './shared/sops-file.js';

interface GroupsCommonOptions {
  /** `--file/-f`. */
  file?: string | undefined;
  inPlace?: boolean | undefined;
  /** `--shamir-secret-sharing-threshold`; 0 or undefined keeps the file's. */
  threshold?: number | undefined;
}

export interface GroupsAddOptions extends GroupsCommonOptions {
  /** `--age` values; each may itself be a comma-separated list. */
  age: readonly string[];
  /** `--pgp` values: PGP fingerprints, each may be a comma-separated list. */
  pgp?: readonly string[] | undefined;
}

export interface GroupsDeleteOptions extends GroupsCommonOptions {
  /** The 0-based index of the group to delete, as given. */
  index: string | undefined;
}

interface OpenedForGroups {
  input: Input;
  name: string;
  doc: SopsDocument;
}

async function openForGroups(ctx: CommandContext, options: GroupsCommonOptions): Promise<OpenedForGroups> {
  if (options.file === undefined || options.file === '') {
    throw new TsopsError('NO_FILE', 'no file specified', { hint: 'name the file with --file FILE' });
  }
  checkOutputOptions({ inPlace: options.inPlace }, { file: options.file });
  const input = await readInput(ctx, { file: options.file }, false);
  const name = options.file;
  return { input, name, doc: parseSopsFile(ctx.store(input.inputFormat), input.bytes, name, ctx) };
}

/** Re-wrap the file's data key for `groups` and write the result (stdout, or in place with -i). */
async function rewrapAndWrite(
  ctx: CommandContext,
  opened: OpenedForGroups,
  groups: readonly (readonly KeyEntry[])[],
  threshold: number,
  inPlace: boolean | undefined,
): Promise<void> {
  const md = opened.doc.metadata;
  const dataKey = await openDataKey(ctx, opened.doc, opened.name);
  try {
    const wrapped = await withFileAsync(opened.name, () => wrapDataKey(groups, dataKey, threshold, ctx.keyOptions()));
    md.keyGroups = wrapped.groups;
    md.shamirThreshold = wrapped.threshold;
  } finally {
    dataKey.fill(0);
  }
  writeOutput(ctx, renderEncrypted(ctx, opened), { inPlace }, opened.input);
}

function checkThreshold(name: string, threshold: number, groupCount: number, action: string): void {
  if (groupCount >= 2 && threshold > groupCount) {
    throw new TsopsError(
      'GENERIC',
      `${name}: ${action} will make the Shamir threshold impossible to satisfy: Shamir threshold is ${threshold}, ` +
        `but we only have ${groupCount} key groups`,
      { hint: 'lower it with --shamir-secret-sharing-threshold' },
    );
  }
}

/** Append a group of age recipients and PGP keys (spec §8.2 `groups add`). */
export async function groupsAddCommand(ctx: CommandContext, options: GroupsAddOptions): Promise<void> {
  const recipients = options.age.flatMap((a) => parseRecipientList(a));
  const fingerprints = (options.pgp ?? []).flatMap((p) => parseFingerprintList(p));
  if (recipients.length === 0 && fingerprints.length === 0) {
    throw new TsopsError('NO_KEYS', 'the new key group has no keys', { hint: 'pass its keys with --age age1… or --pgp FINGERPRINT' });
  }
  for (const r of recipients) parseAgeRecipient(r);
  const opened = await openForGroups(ctx, options);
  const md = opened.doc.metadata;
  const added: KeyEntry[] = [...[...new Set(fingerprints)].map(newPgpKey), ...new Set(recipients)];
  const groups: KeyEntry[][] = [...md.keyGroups.map((g) => [...g]), added];
  const threshold = options.threshold || md.shamirThreshold;
  checkThreshold(opened.name, threshold, groups.length, 'adding this key group');
  await rewrapAndWrite(ctx, opened, groups, threshold, options.inPlace);
}

/** Parse a group index as sops does (an unsigned decimal). */
export function parseGroupIndex(s: string | undefined): number {
  if (s === undefined || !/^\d+$/.test(s)) {
    throw new TsopsError('GENERIC', `failed to parse [index] argument: ${JSON.stringify(s ?? '')} is not a group number`, {
      hint: 'give the 0-based index of the key group to delete, e.g. `tsops groups delete -f FILE 1`',
    });
  }
  return Number(s);
}

/** Remove the group at a 0-based index (spec §8.2 `groups delete`). */
export async function groupsDeleteCommand(ctx: CommandContext, options: GroupsDeleteOptions): Promise<void> {
  const index = parseGroupIndex(options.index);
  const opened = await openForGroups(ctx, options);
  const md = opened.doc.metadata;
  if (index >= md.keyGroups.length) {
    throw new TsopsError('GENERIC', `${opened.name}: there is no key group ${index}: the file has ${md.keyGroups.length} (numbered from 0)`);
  }
  if (md.keyGroups.length === 1) {
    throw new TsopsError('NO_KEYS', `${opened.name}: cannot delete the only key group`, {
      hint: 'to change its keys use `tsops rotate --add-age/--rm-age` or `tsops updatekeys`',
    });
  }
  const groups: KeyEntry[][] = md.keyGroups.filter((_, i) => i !== index).map((g) => [...g]);
  const threshold = options.threshold || md.shamirThreshold;
  if (groups.length < threshold) {
    throw new TsopsError(
      'GENERIC',
      `${opened.name}: removing this key group will make the Shamir threshold impossible to satisfy: ` +
        `Shamir threshold is ${threshold}, but we only have ${groups.length} key groups`,
      { hint: 'pass a lower --shamir-secret-sharing-threshold' },
    );
  }
  await rewrapAndWrite(ctx, opened, groups, threshold, options.inPlace);
}
