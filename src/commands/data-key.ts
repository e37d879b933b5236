/** Recovering a file's data key with the identities this run can find. */
import type { SopsDocument } from '../core/document.js';
import { unwrapDataKey } from '../keys/data-key.js';
import type { CommandContext } from './context.js';
import { withFileAsync } from './files.js';
import { recipientNamer } from './recipient-names.js';

/** The file's data key; the caller owns it and zeroes it when done (see {@link withDataKey}). */
export async function openDataKey(ctx: CommandContext, doc: SopsDocument, name: string): Promise<Uint8Array> {
  const loader = ctx.identities();
  const nameOf = recipientNamer(ctx);
  return withFileAsync(name, () => unwrapDataKey(doc.metadata.keyGroups, doc.metadata.shamirThreshold, loader, { nameOf }));
}

/**
 * Recover the file's data key, hand it to `use`, and zero it afterwards, also when `use` fails:
 * the key lives only while the values are decrypted.
 */
export async function withDataKey<T>(ctx: CommandContext, doc: SopsDocument, name: string, use: (dataKey: Uint8Array) => T): Promise<T> {
  const dataKey = await openDataKey(ctx, doc, name);
  try {
    return use(dataKey);
  } finally {
    dataKey.fill(0);
  }
}
