/** Recovering a file's data key with the identities this run can find. */
import type { SopsDocument } from '../core/document.js';
import { unwrapDataKey } from '../keys/data-key.js';
import type { CommandContext } from './context.js';
import { withFileAsync } from './files.js';

export async function openDataKey(ctx: CommandContext, doc: SopsDocument, name: string): Promise<Uint8Array> {
  const loader = ctx.identities();
  return withFileAsync(name, () => unwrapDataKey(doc.metadata.keyGroups, doc.metadata.shamirThreshold, loader));
}
