/** `tsops encrypt` (spec §8.2): a plaintext file in, a sops file out. */
import { randomBytes } from 'node:crypto';
import { TsopsError } from '../errors.js';
import { ValueCipher } from '../core/cipher.js';
import { encryptDocument, type SopsDocument } from '../core/document.js';
import { SOPS_FORMAT_VERSION, formatMetadata, type Metadata } from '../core/metadata.js';
import { getKey } from '../core/tree.js';
import { wrapDataKey } from '../keys/data-key.js';
import type { CommandContext } from './context.js';
import { checkOutputOptions, displayName, readInput, withFile, writeOutput, type InputOptions, type OutputOptions } from './files.js';
import { resolveEncryptionRules, type KeyFlags, type SelectorFlags } from './key-rules.js';

export interface EncryptOptions extends InputOptions, OutputOptions, KeyFlags, SelectorFlags {
  macOnlyEncrypted?: boolean | undefined;
}

const ALREADY_ENCRYPTED_HINT =
  'the file has a top-level `sops` entry (or `sops_` keys), so it is probably encrypted already; to change it use `tsops edit FILE`';

export async function encryptCommand(ctx: CommandContext, options: EncryptOptions): Promise<void> {
  checkOutputOptions(options, options);
  const input = await readInput(ctx, options, true);
  const name = displayName(options);
  const rules = resolveEncryptionRules(ctx, input.name, options, input.inputFormat);
  const inStore = ctx.store(input.inputFormat);
  const branches = withFile(name, () => inStore.parsePlain(input.bytes));
  if (branches.length === 0) {
    throw new TsopsError('EMPTY_FILE', `${name}: file cannot be completely empty, it must contain at least one document`);
  }
  if (inStore.looksEncrypted(branches)) {
    throw new TsopsError('ALREADY_ENCRYPTED', `${name}: the file is already encrypted`, { hint: ALREADY_ENCRYPTED_HINT });
  }
  for (const [i, b] of branches.entries()) {
    if (getKey(b, 'sops') !== undefined) {
      throw new TsopsError('ALREADY_ENCRYPTED', `${name}: document ${i + 1} has a key "sops", which is reserved for sops metadata`, {
        hint: 'rename that key',
      });
    }
  }

  const dataKey = randomBytes(32);
  let doc: SopsDocument;
  try {
    const wrapped = await wrapDataKey(rules.groups, dataKey, rules.threshold, ctx.keyOptions());
    const metadata: Metadata = {
      keyGroups: wrapped.groups,
      shamirThreshold: wrapped.threshold,
      lastModified: '',
      mac: '',
      macOnlyEncrypted: rules.macOnlyEncrypted,
      selector: rules.selector,
      version: SOPS_FORMAT_VERSION,
    };
    doc = { branches, metadata };
    encryptDocument(doc, new ValueCipher(dataKey), { now: ctx.io.now(), compileRegex: ctx.compileRegex });
  } finally {
    dataKey.fill(0);
  }
  const outStore = ctx.store(input.outputFormat);
  const out = withFile(name, () =>
    outStore.emitEncrypted(doc.branches, formatMetadata(doc.metadata), ctx.emitOptions(input.outputFormat)),
  );
  writeOutput(ctx, out, options, input);
}
