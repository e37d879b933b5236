/** A new data key for a decrypted file, shared by rotate and updatekeys --rotate. */
import { randomBytes } from 'node:crypto';
import { TsopsError } from '../../errors.js';
import { ValueCipher } from '../../core/cipher.js';
import { masterKeyId } from '../../core/metadata.js';
import { wrapDataKey, type KeyEntry } from '../../keys/data-key.js';
import type { CommandContext } from './context.js';
import { withFileAsync } from './files.js';
import { logRecipients } from './key-rules.js';
import { encryptAndRender, type OpenedFile } from './sops-file.js';

/**
 * Refuse groups holding keys tsops cannot wrap a new data key for (kms, gcp_kms, …): dropping them
 * silently would lock their holders out (§4.4).
 */
export function refuseForeignKeys(groups: readonly (readonly KeyEntry[])[], name: string, operation: string): void {
  groups.forEach((g, i) => {
    for (const k of g) {
      // age keys and PGP keys (through gpg) get the new data key
      if (typeof k === 'string' || k.type === 'age' || k.type === 'pgp') continue;
      throw new TsopsError(
        'UNSUPPORTED',
        `${name}: cannot ${operation}: key group ${i + 1} has the ${k.type} key ${masterKeyId(k)}, ` +
          'and tsops can only wrap a new data key for age and PGP keys',
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
  logRecipients(ctx, opened.name, groups);
  try {
    const wrapped = await withFileAsync(opened.name, () => wrapDataKey(groups, dataKey, threshold, ctx.keyOptions()));
    opened.doc.metadata.keyGroups = wrapped.groups;
    opened.doc.metadata.shamirThreshold = wrapped.threshold;
    return encryptAndRender(ctx, opened, new ValueCipher(dataKey, oldCipher.ivStash()));
  } finally {
    dataKey.fill(0);
  }
}
