/** `tsops decrypt` (spec §8.2): a sops file in, plaintext out (or one value with --extract). */
import { decryptDocument } from '../core/document.js';
import { isMap, type Value } from '../core/tree.js';
import { parseTreePath, truncateTree } from '../core/tree-path.js';
import type { CommandContext } from './shared/context.js';
import { LegacyMacCheck } from './shared/mac-rule.js';
import { withDataKey } from './shared/data-key.js';
import { checkOutputOptions, displayName, parseSopsFile, readInput, withFile, writeOutput, type InputOptions, type OutputOptions } from './shared/files.js';
import type { Store, EmitOptions } from '../formats/format.js';
import { withoutEmptyIniDefault } from '../formats/ini-default.js';

export interface DecryptOptions extends InputOptions, OutputOptions {
  extract?: string | undefined;
  ignoreMac?: boolean | undefined;
}

const utf8 = new TextEncoder();


export async function decryptCommand(ctx: CommandContext, options: DecryptOptions): Promise<void> {
  checkOutputOptions(options, options);
  const path = options.extract === undefined ? undefined : parseTreePath(options.extract);
  // sops reads .sops.yaml (its `stores:` section) on every command, so a broken one is reported here too.
  ctx.config();
  const input = await readInput(ctx, options, false);
  const name = displayName(options);
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, name, ctx);
  const legacy = new LegacyMacCheck(ctx, name);
  await withDataKey(ctx, doc, name, (dataKey) =>
    withFile(name, () =>
      decryptDocument(doc, dataKey, { ignoreMac: options.ignoreMac, compileRegex: ctx.compileRegex, rememberIvs: false, onLegacyMac: legacy.onLegacyMac }),
    ),
  );
  const outStore = ctx.store(input.outputFormat);
  const emit = ctx.emitOptions(input.outputFormat);
  const branches = input.inputFormat === 'ini' && input.outputFormat !== 'ini' ? withoutEmptyIniDefault(doc.branches) : doc.branches;
  const out =
    path === undefined
      ? withFile(name, () => outStore.emitPlain(branches, emit))
      : emitExtracted(outStore, truncateTree(doc.branches[0]!, path), emit);
  writeOutput(ctx, out, options, input);
}

/** sops prints an extracted string raw, a map as a document, anything else via the store. */
function emitExtracted(store: Store, value: Value, emit: EmitOptions): Uint8Array {
  if (typeof value === 'string') return utf8.encode(value);
  if (value instanceof Uint8Array) return value;
  if (isMap(value)) return store.emitPlain([value], emit);
  return store.emitValue(value, emit);
}
