/** Recovering a file's data key with the identities this run can find. */
import type { SopsDocument } from '../../core/document.js';
import { unwrapDataKeyPayloads, type UnwrappedDataKey } from '../../keys/data-key.js';
import { formatSourceOutcome } from '../../keys/key-report.js';
import type { CommandContext } from './context.js';
import { withFileAsync } from './files.js';
import { recipientNamer } from './recipient-names.js';

const reported = new WeakSet<object>();

/**
 * `--verbose`: which identity sources were consulted (names, paths and public recipients only)
 * and which recipient opened each key group. Never the identities or the data key.
 */
export function logDataKeyOpened(ctx: CommandContext, name: string, unwrapped: Pick<UnwrappedDataKey, 'openedBy'>): void {
  if (!ctx.global.verbose) return;
  const loader = ctx.identities();
  // the sources are read once per run, so they are listed once, with the first file
  if (!reported.has(loader)) {
    reported.add(loader);
    for (const o of loader.report()) ctx.debug(`identity source: ${formatSourceOutcome(o)}`);
  }
  for (const o of unwrapped.openedBy) {
    ctx.debug(`${name}: data key opened by the ${o.type} recipient ${o.name} (key group ${o.group})`);
  }
}

/** The file's data key; the caller owns it and zeroes it when done (see {@link withDataKey}). */
export async function openDataKey(ctx: CommandContext, doc: SopsDocument, name: string): Promise<Uint8Array> {
  const loader = ctx.identities();
  const unwrapped = await withFileAsync(name, () => unwrapDataKeyPayloads(doc.metadata.keyGroups, doc.metadata.shamirThreshold, loader, { ...ctx.keyOptions(), nameOf: recipientNamer(ctx) }));
  logDataKeyOpened(ctx, name, unwrapped);
  return unwrapped.dataKey;
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
