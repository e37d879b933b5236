/** `tsops filestatus FILE` (spec §8.2): whether a file is a complete sops file, as JSON. */
import { TsopsError, messageOf } from '../errors.js';
import { parseMetadata } from '../core/metadata.js';
import { warnRecipientsWithoutEnc } from './shared/recipient-check.js';
import type { CommandContext } from './shared/context.js';
import { readInput } from './shared/files.js';

export interface FileStatusOptions {
  file: string;
  inputType?: string | undefined;
}

export interface FileStatus {
  encrypted: boolean;
}

/** Encrypted iff the metadata loads and has both a `version` and a `mac`. */
export async function fileStatus(ctx: CommandContext, options: FileStatusOptions): Promise<FileStatus> {
  try {
    const input = await readInput(ctx, { file: options.file, inputType: options.inputType }, false);
    const parsed = ctx.store(input.inputFormat).parseEncrypted(input.bytes);
    if (parsed.metadata === undefined) return { encrypted: false };
    const metadata = parseMetadata(parsed.metadata);
    warnRecipientsWithoutEnc((m) => ctx.warn(m), options.file, metadata);
    return { encrypted: metadata.version !== '' && metadata.mac !== '' };
  } catch (e) {
    throw new TsopsError('GENERIC', `cannot check file status of ${options.file}: ${messageOf(e)}`, { cause: e });
  }
}

export async function fileStatusCommand(ctx: CommandContext, options: FileStatusOptions): Promise<void> {
  const status = await fileStatus(ctx, options);
  ctx.io.stdout.write(`${JSON.stringify({ encrypted: status.encrypted })}\n`);
}
