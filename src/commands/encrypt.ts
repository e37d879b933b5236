/** `tsops encrypt` (spec §8.2): a plaintext file in, a sops file out. */
import { formatMetadata } from '../core/metadata.js';
import { checkEncryptable, encryptNewDocument } from '../core/sops-file.js';
import { refusePlainDuplicateKeys } from '../formats/duplicate-keys.js';
import { wrapDataKey } from '../keys/data-key.js';
import type { CommandContext } from './shared/context.js';
import { checkOutputOptions, displayName, readInput, withFile, writeOutput, type InputOptions, type OutputOptions } from './shared/files.js';
import { resolveEncryptionRules, type KeyFlags, type SelectorFlags } from './shared/key-rules.js';

export interface EncryptOptions extends InputOptions, OutputOptions, KeyFlags, SelectorFlags {
  macOnlyEncrypted?: boolean | undefined;
}

export async function encryptCommand(ctx: CommandContext, options: EncryptOptions): Promise<void> {
  checkOutputOptions(options, options);
  const input = await readInput(ctx, options, true);
  const name = displayName(options);
  const rules = resolveEncryptionRules(ctx, input.name, options, input.inputFormat);
  const inStore = ctx.store(input.inputFormat);
  const branches = withFile(name, () => inStore.parsePlain(input.bytes));
  checkEncryptable(branches, inStore.looksEncrypted(branches), name);
  // the encrypted file would be refused on decrypt, so it is not written
  withFile(name, () => refusePlainDuplicateKeys(branches, input.inputFormat));

  const doc = await encryptNewDocument(branches, (dataKey) => wrapDataKey(rules.groups, dataKey, rules.threshold, ctx.keyOptions()), {
    selector: rules.selector,
    macOnlyEncrypted: rules.macOnlyEncrypted,
    now: ctx.io.now(),
    compileRegex: ctx.compileRegex,
  });
  const outStore = ctx.store(input.outputFormat);
  const out = withFile(name, () =>
    outStore.emitEncrypted(doc.branches, formatMetadata(doc.metadata), ctx.emitOptions(input.outputFormat)),
  );
  writeOutput(ctx, out, options, input);
}
