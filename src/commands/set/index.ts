/**
 * `tsops set FILE INDEX VALUE` (spec §8.2): change one value in place. Other values keep their
 * ciphertexts (same data key, remembered IVs); `lastmodified` and the MAC are renewed.
 */
import { TsopsError, messageOf } from '../../errors.js';
import type { PathComponent } from '../../core/tree-path.js';
import { setInTree, truncateTree } from '../../core/tree-path.js';
import { getKey, type Value } from '../../core/tree.js';
import type { CommandContext } from '../shared/context.js';
import { writeFailure } from '../../io/atomic-write.js';
import { parseSetIndex, parseSetValue, sameValue } from './set-value.js';
import { encryptAndRender, openAndDecrypt, type OpenedFile } from '../shared/sops-file.js';

export interface SetOptions {
  file: string;
  index: string;
  /** The JSON value, or with `valueFile` the path of a file holding it; unused with `valueStdin`. */
  value?: string | undefined;
  valueStdin?: boolean | undefined;
  valueFile?: boolean | undefined;
  inputType?: string | undefined;
  outputType?: string | undefined;
  ignoreMac?: boolean | undefined;
  /** Write nothing when the value is already there (same type and value). */
  idempotent?: boolean | undefined;
  acceptLegacyMac?: boolean | undefined;
}

const utf8 = new TextDecoder();

export async function setCommand(ctx: CommandContext, options: SetOptions): Promise<void> {
  if (options.valueStdin && options.valueFile) {
    throw new TsopsError('GENERIC', 'cannot use both --value-file and --value-stdin');
  }
  const path = parseSetIndex(options.index, 'set');
  const value = parseSetValue(await readValueText(ctx, options));
  await setValueInFile(ctx, options, path, value);
}

/** Set an already-parsed value (also the legacy `--set '<index> <json>'`). */
export async function setValueInFile(
  ctx: CommandContext,
  options: Pick<SetOptions, 'file' | 'inputType' | 'outputType' | 'ignoreMac' | 'idempotent' | 'acceptLegacyMac'>,
  path: PathComponent[],
  value: Value,
): Promise<void> {
  const opened = await openAndDecrypt(ctx, { ...options, rewrites: true });
  try {
    const root = opened.doc.branches[0];
    if (root === undefined) throw new TsopsError('INVALID_SET', `${opened.name}: the file has no document to set a value in`);
    const unchanged = currentValue(root, path);
    if (options.idempotent && unchanged !== undefined && sameValue(unchanged, value)) {
      ctx.debug('file not written: the value is already set');
      return;
    }
    setInTree(root, path, value);
    refuseSopsKey(ctx, opened);
    writeInPlace(ctx, opened);
  } finally {
    opened.dataKey.fill(0);
  }
}

async function readValueText(ctx: CommandContext, options: SetOptions): Promise<string> {
  if (options.valueStdin) return utf8.decode(await ctx.io.readStdin());
  if (options.value === undefined) throw new TsopsError('NO_FILE', 'no file specified, or index and value are missing');
  if (!options.valueFile) return options.value;
  try {
    return utf8.decode(ctx.io.readFile(ctx.absolute(options.value)));
  } catch (e) {
    throw new TsopsError('READ_INPUT', `could not read the value file ${options.value}: ${messageOf(e)}`, { cause: e });
  }
}

function currentValue(root: Parameters<typeof truncateTree>[0], path: PathComponent[]): Value | undefined {
  try {
    return truncateTree(root, path);
  } catch {
    return undefined;
  }
}

/** A top-level `sops` key (or `sops_` in dotenv) would be read back as metadata (spec §9, exit 203). */
export function refuseSopsKey(ctx: CommandContext, opened: OpenedFile): void {
  const store = ctx.store(opened.input.outputFormat);
  const root = opened.doc.branches[0];
  if (store.looksEncrypted(opened.doc.branches) || (root !== undefined && getKey(root, 'sops') !== undefined)) {
    throw new TsopsError('ALREADY_ENCRYPTED', `${opened.name}: a top-level "sops" entry (or "sops_" key) is reserved for sops metadata`, {
      hint: 'choose another key',
    });
  }
}

/** Re-encrypt with the file's own cipher and replace the file atomically. */
export function writeInPlace(ctx: CommandContext, opened: OpenedFile): void {
  const out = encryptAndRender(ctx, opened, opened.cipher);
  const target = opened.input.filePath!;
  try {
    ctx.io.writeFileAtomic(target, out);
  } catch (e) {
    throw writeFailure(opened.name, e);
  }
  ctx.debug(`file written successfully: ${target}`);
}
