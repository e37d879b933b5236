/**
 * One version of a file as git hands it to a driver: empty, not a sops file, or a sops file
 * that can be decrypted with this run's identities.
 */
import { ValueCipher } from '../core/cipher.js';
import { TsopsError, messageOf } from '../errors.js';
import { decryptDocument, type SopsDocument } from '../core/document.js';
import { parseMetadata } from '../core/metadata.js';
import type { Store } from '../formats/format.js';
import type { CommandContext } from '../commands/shared/context.js';
import { openDataKey } from '../commands/shared/data-key.js';
import { withFile } from '../commands/shared/files.js';

/** A file git handed over; unreadable is exit 2 with the path, not a stack trace. */
export function readGitFile(ctx: CommandContext, p: string): Uint8Array {
  try {
    return ctx.io.readFile(ctx.absolute(p));
  } catch (e) {
    throw new TsopsError('READ_INPUT', `could not read ${p}: ${messageOf(e)}`, { cause: e });
  }
}

export type Side = { kind: 'empty' } | { kind: 'plain' } | { kind: 'sops'; doc: SopsDocument };

/** Classify a version's bytes. Anything that does not parse as a sops file is `plain`. */
export function classifySide(store: Store, bytes: Uint8Array): Side {
  if (bytes.length === 0) return { kind: 'empty' };
  try {
    const parsed = store.parseEncrypted(bytes);
    if (parsed.metadata === undefined) return { kind: 'plain' };
    return { kind: 'sops', doc: { branches: parsed.branches, metadata: parseMetadata(parsed.metadata) } };
  } catch {
    return { kind: 'plain' };
  }
}

export interface DecryptedSide {
  doc: SopsDocument;
  dataKey: Uint8Array;
  cipher: ValueCipher;
}

/** Unwrap the data key and decrypt every value in place, the MAC checked. */
export async function decryptSide(ctx: CommandContext, doc: SopsDocument, name: string, rememberIvs = true): Promise<DecryptedSide> {
  const dataKey = await openDataKey(ctx, doc, name);
  try {
    const cipher = withFile(name, () => decryptDocument(doc, dataKey, { compileRegex: ctx.compileRegex, rememberIvs }));
    return { doc, dataKey, cipher };
  } catch (e) {
    dataKey.fill(0);
    throw e;
  }
}
