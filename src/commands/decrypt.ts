/** `tsops decrypt` (spec §8.2): a sops file in, plaintext out (or one value with --extract). */
import { TsopsError } from '../errors.js';
import { reportError } from '../report-error.js';
import { decryptDocument } from '../core/document.js';
import { isMap, type Value } from '../core/tree.js';
import { parseTreePath, truncateTree } from '../core/tree-path.js';
import type { CommandContext } from './context.js';
import { withDataKey } from './data-key.js';
import { checkOutputOptions, displayName, parseSopsFile, readInput, withFile, writeOutput, type InputOptions, type OutputOptions } from './files.js';
import type { Store, EmitOptions } from '../formats/format.js';

export interface DecryptOptions extends InputOptions, OutputOptions {
  extract?: string | undefined;
  ignoreMac?: boolean | undefined;
}

const utf8 = new TextEncoder();

/**
 * Run a per-file command over several files in one process (one config load, one identity
 * loader, one passphrase prompt). `--output` names one file, so it takes exactly one input.
 * Every file is attempted; the first failure is reported after the others ran.
 */
export async function forEachFile(
  ctx: CommandContext,
  files: string[],
  options: { output?: unknown },
  run: (file: string | undefined) => Promise<void>,
): Promise<void> {
  if (files.length <= 1) return run(files[0]);
  if (options.output !== undefined) {
    throw new TsopsError('CONFLICTING_PARAMETERS', '--output takes a single input file', { hint: 'use -i to write each file in place' });
  }
  let failed = 0;
  let exitCode = 0;
  for (const file of files) {
    try {
      await run(file);
    } catch (e) {
      failed++;
      const code = reportError(e, ctx.io, ctx.global.verbose === true);
      if (exitCode === 0) exitCode = code;
    }
  }
  if (failed > 0) {
    throw new TsopsError('GENERIC', `${failed} of ${files.length} files failed`, { exitCode, silent: true });
  }
}

export async function decryptCommand(ctx: CommandContext, options: DecryptOptions): Promise<void> {
  checkOutputOptions(options, options);
  const path = options.extract === undefined ? undefined : parseTreePath(options.extract);
  // sops reads .sops.yaml (its `stores:` section) on every command, so a broken one is reported here too.
  ctx.config();
  const input = await readInput(ctx, options, false);
  const name = displayName(options);
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, name);
  await withDataKey(ctx, doc, name, (dataKey) =>
    withFile(name, () => decryptDocument(doc, dataKey, { ignoreMac: options.ignoreMac, compileRegex: ctx.compileRegex, rememberIvs: false })),
  );
  const outStore = ctx.store(input.outputFormat);
  const emit = ctx.emitOptions(input.outputFormat);
  const out =
    path === undefined
      ? withFile(name, () => outStore.emitPlain(doc.branches, emit))
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
