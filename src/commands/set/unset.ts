/** `tsops unset FILE INDEX` (spec §8.2): remove one key or list element in place. */
import { TsopsError } from '../../errors.js';
import { unsetInTree } from '../../core/tree-path.js';
import type { CommandContext } from '../shared/context.js';
import { parseSetIndex } from './set-value.js';
import { writeInPlace } from './index.js';
import { openAndDecrypt } from '../shared/sops-file.js';

export interface UnsetOptions {
  file: string;
  index: string;
  inputType?: string | undefined;
  outputType?: string | undefined;
  ignoreMac?: boolean | undefined;
  /** A missing key is success, and nothing is written. */
  idempotent?: boolean | undefined;
  acceptLegacyMac?: boolean | undefined;
}

export async function unsetCommand(ctx: CommandContext, options: UnsetOptions): Promise<void> {
  const path = parseSetIndex(options.index, 'unset');
  if (path.length === 0) throw new TsopsError('INVALID_SET', 'invalid unset index format: the index is empty', { hint: `e.g. '["key"]'` });
  const opened = await openAndDecrypt(ctx, { ...options, rewrites: true });
  try {
    const root = opened.doc.branches[0];
    try {
      if (root === undefined) throw new TsopsError('KEY_NOT_FOUND', `key not found: ${String(path[0])}`);
      unsetInTree(root, path);
    } catch (e) {
      if (e instanceof TsopsError && e.code === 'KEY_NOT_FOUND') {
        if (options.idempotent) {
          ctx.debug('file not written: nothing to unset');
          return;
        }
        throw new TsopsError('KEY_NOT_FOUND', `${opened.name}: ${e.message}`, { hint: 'use --idempotent to accept a missing key' });
      }
      throw e;
    }
    writeInPlace(ctx, opened);
  } finally {
    opened.dataKey.fill(0);
  }
}
