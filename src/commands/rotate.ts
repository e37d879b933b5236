/**
 * `tsops rotate` and legacy `-r` (spec §8.2, §8.3): decrypt (MAC checked), add `--add-age`
 * recipients to the first key group, remove `--rm-age` recipients from every group, then
 * re-encrypt every value under a new random data key wrapped for all remaining keys.
 */
import { shownRecipient } from '../keys/secret-guard.js';
import { TsopsError } from '../errors.js';
import { decryptDocument } from '../core/document.js';
import type { KeyGroup } from '../core/keys-model.js';
import { masterKeyId } from '../core/metadata.js';
import { parseRecipientList } from '../config/match.js';
import { parseAgeRecipient } from '../keys/age/master-key.js';
import type { KeyEntry } from '../keys/data-key.js';
import { newPgpKey, parseFingerprintList } from '../keys/pgp/key-source.js';
import type { CommandContext } from './shared/context.js';
import { withDataKey } from './shared/data-key.js';
import {
  checkOutputOptions,
  displayName,
  parseSopsFile,
  readInput,
  withFile,
  writeInPlaceAsync,
  writeOutput,
  type Input,
  type InputOptions,
  type OutputOptions,
} from './shared/files.js';
import type { CreationRule } from '../config/types.js';
import { findRule } from './shared/key-rules.js';
import { forEachFile, forEachFileWritingBehind } from './shared/many-files.js';
import { isWellFormedAgeEnc, quotedRecipient } from './shared/recipient-check.js';
import { LegacyMacCheck } from './shared/mac-rule.js';
import { refuseForeignKeys, rekeyDocument } from './shared/rekey.js';

export interface RotateOptions extends InputOptions, OutputOptions {
  /** `--add-age`: comma-separated recipients appended to key group 0. */
  addAge?: string | undefined;
  /** `--rm-age`: comma-separated recipients removed from every group. */
  rmAge?: string | undefined;
  /** `--add-pgp`: comma-separated PGP fingerprints appended to key group 0. */
  addPgp?: string | undefined;
  /** `--rm-pgp`: comma-separated PGP fingerprints removed from every group. */
  rmPgp?: string | undefined;
  /** Legacy `-r` accepts `--ignore-mac`; the subcommand does not. */
  ignoreMac?: boolean | undefined;
  /** `--accept-legacy-mac`. */
  acceptLegacyMac?: boolean | undefined;
  /** Legacy mode words the missing-file error differently (§8.3). */
  legacy?: boolean | undefined;
}

/** The key groups after `--add-age` / `--rm-age`, and the removals that matched nothing. */
export interface RecipientChange {
  groups: KeyEntry[][];
  unmatched: string[];
}

/**
 * Apply `--add-age` then `--rm-age` as sops' rotate does: added recipients go to group 0
 * (skipped when group 0 already has them); a removal drops every key, in every group, whose
 * identity string equals it. Pure.
 */
export function changeRecipients(groups: readonly KeyGroup[], add: readonly KeyEntry[], remove: readonly string[]): RecipientChange {
  const out: KeyEntry[][] = groups.map((g) => [...g]);
  const idOf = (k: KeyEntry): string => (typeof k === 'string' ? k : masterKeyId(k));
  if (out.length === 0) out.push([]);
  for (const r of add) {
    const first = out[0] as KeyEntry[];
    if (!first.some((k) => idOf(k) === idOf(r))) first.push(r);
  }
  const unmatched: string[] = [];
  for (const r of remove) {
    let found = false;
    out.forEach((g, i) => {
      const kept = g.filter((k) => idOf(k) !== r);
      if (kept.length !== g.length) found = true;
      out[i] = kept;
    });
    if (!found) unmatched.push(r);
  }
  return { groups: out, unmatched };
}

/**
 * `--add-*` / `--rm-*` on a file that does not exist is exit 49 in every mode (§8.2, §8.3): keys
 * of a new file come from `--age` or the config.
 */
export function refuseKeyChangeOnMissingFile(ctx: CommandContext, file: string, changesKeys: boolean, legacy: boolean | undefined): void {
  if (!changesKeys) return;
  const abs = ctx.absolute(file);
  if (ctx.io.exists(abs)) return;
  const instead = legacy ? '`--age`' : 'the `edit` subcommand';
  throw new TsopsError('CANNOT_CHANGE_KEYS', `cannot add or remove keys on non-existent file ${JSON.stringify(abs)}, use ${instead} instead`);
}

/**
 * The new data key goes to every recipient left in the file, and the metadata is not under the
 * MAC: refuse recipients whose `enc` no tool could have written (unless `--add-age` names them,
 * which is the owner's word), and name those the creation rule does not list.
 */
export function checkRotatedRecipients(
  ctx: CommandContext,
  name: string,
  groups: readonly (readonly KeyEntry[])[],
  added: readonly string[],
  rule: CreationRule | undefined,
): void {
  const wanted = rule === undefined ? undefined : new Set(rule.keyGroups.flat().filter((k) => k.type === 'age').map((k) => k.id));
  const suspicious: string[] = [];
  groups.forEach((g, i) => {
    for (const k of g) {
      const recipient = typeof k === 'string' ? k : k.type === 'age' ? k.recipient : undefined;
      if (recipient === undefined || added.includes(recipient)) continue;
      if (typeof k !== 'string' && k.type === 'age' && !isWellFormedAgeEnc(k.enc)) suspicious.push(quotedRecipient(recipient));
      else if (wanted !== undefined && !wanted.has(recipient)) {
        ctx.warn(
          `${name}: age recipient ${quotedRecipient(recipient)} in key group ${i + 1} is not in creation rule ${rule!.index + 1} ` +
            'of the config, and receives the new data key too',
        );
      }
    }
  });
  if (suspicious.length > 0) {
    throw new TsopsError('INVALID_METADATA', `${name}: refusing to rotate: age recipient(s) ${suspicious.join(', ')} have no valid enc`, {
      hint: 'someone may have added them to the metadata by hand: drop them with --rm-age, or keep them with --add-age',
    });
  }
}

function recipientsOf(list: string | undefined): string[] {
  return list === undefined ? [] : parseRecipientList(list);
}

export async function rotateCommand(ctx: CommandContext, options: RotateOptions): Promise<void> {
  const { out, input } = await rotateFile(ctx, options);
  writeOutput(ctx, out, options, input);
}

/** Everything rotate does to one file but writing it out: the new bytes and the input they replace. */
async function rotateFile(ctx: CommandContext, options: RotateOptions): Promise<{ out: Uint8Array; input: Input }> {
  checkOutputOptions(options, options);
  const add = recipientsOf(options.addAge);
  const remove = recipientsOf(options.rmAge);
  const addPgp = options.addPgp === undefined ? [] : parseFingerprintList(options.addPgp);
  const rmPgp = options.rmPgp === undefined ? [] : parseFingerprintList(options.rmPgp);
  if (options.file === undefined || options.file === '-') {
    throw new TsopsError('NO_FILE', 'no file specified', { hint: 'usage: tsops rotate [-i] FILE' });
  }
  const changesKeys = add.length + remove.length + addPgp.length + rmPgp.length > 0;
  refuseKeyChangeOnMissingFile(ctx, options.file, changesKeys, options.legacy);
  // malformed recipients fail before any key is unwrapped
  for (const r of add) parseAgeRecipient(r);

  const input = await readInput(ctx, options, false);
  // sops loads the creation rule for rotate too, so a config without a matching rule fails (§7.3)
  const rule = findRule(ctx, input.name);
  const name = displayName(options);
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, name, ctx);
  const change = changeRecipients(doc.metadata.keyGroups, [...add, ...addPgp.map(newPgpKey)], [...remove, ...rmPgp]);
  for (const r of change.unmatched) ctx.warn(`${name}: ${rmPgp.includes(r) ? '--rm-pgp' : '--rm-age'} ${shownRecipient(r)} is not a recipient of the file`);
  refuseForeignKeys(change.groups, name, 'rotate the data key');
  change.groups.forEach((g, i) => {
    if (g.length === 0) {
      throw new TsopsError('NO_KEYS', `${name}: key group ${i + 1} would have no keys left`, {
        hint: 'keep at least one recipient in every group, or remove the group with `tsops groups delete`',
      });
    }
  });

  // the old key is zeroed once the values are decrypted; the cipher keeps only their IVs for re-use
  const legacy = new LegacyMacCheck(ctx, name);
  const cipher = await withDataKey(ctx, doc, name, (dataKey) =>
    withFile(name, () => decryptDocument(doc, dataKey, { ignoreMac: options.ignoreMac, compileRegex: ctx.compileRegex, onLegacyMac: legacy.onLegacyMac })),
  );
  await legacy.confirm({ rewrites: true, accepted: options.acceptLegacyMac });
  // after the data key is opened, so a file nobody can open still reports that first (exit 128)
  checkRotatedRecipients(ctx, name, change.groups, add, rule);
  const out = await rekeyDocument(ctx, { doc, input, name }, cipher, change.groups, doc.metadata.shamirThreshold);
  return { out, input };
}

/**
 * `tsops rotate -i FILE…`: every file in one process (one config load, one identity loader, so
 * at most one passphrase prompt), each rewritten in place. A failing file is reported and the
 * others still rotated, as decrypt and encrypt do with several files. Without `-i` several
 * files are refused: their rotated documents one after another on stdout would be no sops file.
 */
export async function rotateFilesCommand(ctx: CommandContext, files: string[], options: (file: string | undefined) => RotateOptions): Promise<void> {
  const first = options(files[0]);
  if (files.length <= 1) return forEachFile(ctx, files, first, (file) => rotateCommand(ctx, options(file)));
  if (!first.inPlace) {
    throw new TsopsError('CONFLICTING_PARAMETERS', `rotate of ${files.length} files needs -i (each file is rewritten in place)`, {
      hint: 'use `tsops rotate -i FILE…`, or rotate one file at a time to stdout',
    });
  }
  // Written behind: a file whose MAC follows the old rule may still ask on a terminal (see
  // mac-rule.ts); its context lets the earlier files' output out first.
  await forEachFileWritingBehind(ctx, files, first, async (fileCtx, file) => {
    const { out, input } = await rotateFile(fileCtx, options(file));
    return () => writeInPlaceAsync(fileCtx, out, input);
  });
}
