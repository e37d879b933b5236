/**
 * `tsops rotate` and legacy `-r` (spec §8.2, §8.3): decrypt (MAC checked), add `--add-age`
 * recipients to the first key group, remove `--rm-age` recipients from every group, then
 * re-encrypt every value under a new random data key wrapped for all remaining keys.
 */
import { randomBytes } from 'node:crypto';
import { shownRecipient } from '../keys/secret-guard.js';
import { TsopsError } from '../errors.js';
import { ValueCipher } from '../core/cipher.js';
import { decryptDocument } from '../core/document.js';
import type { KeyGroup } from '../core/keys-model.js';
import { masterKeyId } from '../core/metadata.js';
import { parseRecipientList } from '../config/match.js';
import { parseAgeRecipient } from '../keys/age.js';
import { wrapDataKey, type KeyEntry } from '../keys/data-key.js';
import type { CommandContext } from './context.js';
import { withDataKey } from './data-key.js';
import {
  checkOutputOptions,
  displayName,
  parseSopsFile,
  readInput,
  withFile,
  withFileAsync,
  writeOutput,
  type InputOptions,
  type OutputOptions,
} from './files.js';
import { findRule } from './key-rules.js';
import { encryptAndRender, type OpenedFile } from './sops-file.js';

export interface RotateOptions extends InputOptions, OutputOptions {
  /** `--add-age`: comma-separated recipients appended to key group 0. */
  addAge?: string | undefined;
  /** `--rm-age`: comma-separated recipients removed from every group. */
  rmAge?: string | undefined;
  /** Legacy `-r` accepts `--ignore-mac`; the subcommand does not. */
  ignoreMac?: boolean | undefined;
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
export function changeRecipients(groups: readonly KeyGroup[], add: readonly string[], remove: readonly string[]): RecipientChange {
  const out: KeyEntry[][] = groups.map((g) => [...g]);
  const idOf = (k: KeyEntry): string => (typeof k === 'string' ? k : masterKeyId(k));
  if (out.length === 0) out.push([]);
  for (const r of add) {
    const first = out[0] as KeyEntry[];
    if (!first.some((k) => idOf(k) === r)) first.push(r);
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
 * Refuse groups holding keys tsops cannot wrap a new data key for (pgp, kms, …): dropping them
 * silently would lock their holders out (§4.4).
 */
export function refuseForeignKeys(groups: readonly (readonly KeyEntry[])[], name: string, operation: string): void {
  groups.forEach((g, i) => {
    for (const k of g) {
      if (typeof k === 'string' || k.type === 'age') continue;
      throw new TsopsError(
        'UNSUPPORTED',
        `${name}: cannot ${operation}: key group ${i + 1} has the ${k.type} key ${masterKeyId(k)}, ` +
          'and tsops can only wrap a new data key for age keys',
        {
          hint:
            `remove the ${k.type} keys from the creation rule and run \`tsops updatekeys\` first (it keeps or ` +
            'drops such keys without a new data key), or use sops for this file',
        },
      );
    }
  });
}

/**
 * Give a decrypted document a new random data key: wrap it for `groups` (Shamir shares when there
 * are several), re-encrypt every value with it, reusing each value's IV as sops does (§1.5), and
 * refresh `lastmodified` and the MAC. `version` is left alone. Returns the rendered file.
 */
export async function rekeyDocument(
  ctx: CommandContext,
  opened: Pick<OpenedFile, 'doc' | 'input' | 'name'>,
  oldCipher: ValueCipher,
  groups: readonly (readonly KeyEntry[])[],
  threshold: number,
): Promise<Uint8Array> {
  const dataKey = randomBytes(32);
  try {
    const wrapped = await withFileAsync(opened.name, () => wrapDataKey(groups, dataKey, threshold));
    opened.doc.metadata.keyGroups = wrapped.groups;
    opened.doc.metadata.shamirThreshold = wrapped.threshold;
    return encryptAndRender(ctx, opened, new ValueCipher(dataKey, oldCipher.ivStash()));
  } finally {
    dataKey.fill(0);
  }
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

function recipientsOf(list: string | undefined): string[] {
  return list === undefined ? [] : parseRecipientList(list);
}

export async function rotateCommand(ctx: CommandContext, options: RotateOptions): Promise<void> {
  checkOutputOptions(options, options);
  const add = recipientsOf(options.addAge);
  const remove = recipientsOf(options.rmAge);
  if (options.file === undefined || options.file === '-') {
    throw new TsopsError('NO_FILE', 'no file specified', { hint: 'usage: tsops rotate [-i] FILE' });
  }
  refuseKeyChangeOnMissingFile(ctx, options.file, add.length > 0 || remove.length > 0, options.legacy);
  // malformed recipients fail before any key is unwrapped
  for (const r of add) parseAgeRecipient(r);

  const input = await readInput(ctx, options, false);
  // sops loads the creation rule for rotate too, so a config without a matching rule fails (§7.3)
  findRule(ctx, input.name);
  const name = displayName(options);
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, name);
  const change = changeRecipients(doc.metadata.keyGroups, add, remove);
  for (const r of change.unmatched) ctx.warn(`${name}: --rm-age ${shownRecipient(r)} is not a recipient of the file`);
  refuseForeignKeys(change.groups, name, 'rotate the data key');
  change.groups.forEach((g, i) => {
    if (g.length === 0) {
      throw new TsopsError('NO_KEYS', `${name}: key group ${i + 1} would have no keys left`, {
        hint: 'keep at least one recipient in every group, or remove the group with `tsops groups delete`',
      });
    }
  });

  // the old key is zeroed once the values are decrypted; the cipher keeps only their IVs for re-use
  const cipher = await withDataKey(ctx, doc, name, (dataKey) =>
    withFile(name, () => decryptDocument(doc, dataKey, { ignoreMac: options.ignoreMac, compileRegex: ctx.compileRegex })),
  );
  const out = await rekeyDocument(ctx, { doc, input, name }, cipher, change.groups, doc.metadata.shamirThreshold);
  writeOutput(ctx, out, options, input);
}
