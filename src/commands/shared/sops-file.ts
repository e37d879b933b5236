/**
 * Opening an encrypted file for a command that changes it (edit, set, unset, rotate, …) and
 * writing it back: decrypt with MAC check, keep the cipher so unchanged values keep their
 * ciphertexts (spec §1.5), then re-encrypt and write atomically.
 */
import { ValueCipher } from '../../core/cipher.js';
import { decryptDocument, encryptDocument, type SopsDocument } from '../../core/document.js';
import { SOPS_FORMAT_VERSION, formatMetadata } from '../../core/metadata.js';
import type { CommandContext } from './context.js';
import { openDataKey } from './data-key.js';
import { displayName, parseSopsFile, readInput, withFile, type Input, type InputOptions } from './files.js';
import { LegacyMacCheck } from './mac-rule.js';
import { versionToWrite } from '../../core/version.js';

export interface OpenedFile {
  input: Input;
  name: string;
  doc: SopsDocument;
  dataKey: Uint8Array;
  /** The cipher that decrypted the values; it remembers their IVs. */
  cipher: ValueCipher;
}

export interface OpenOptions extends InputOptions {
  ignoreMac?: boolean | undefined;
  /** The command re-encrypts the values: a MAC of the old rule needs confirming first. */
  rewrites?: boolean | undefined;
  /** `--accept-legacy-mac`. */
  acceptLegacyMac?: boolean | undefined;
  /** See `DecryptOptions.onUncovered`. */
  onUncovered?: ((path: readonly string[]) => void) | undefined;
}

/** Read, parse, unwrap the data key and decrypt all values (MAC verified unless ignoreMac). */
export async function openAndDecrypt(ctx: CommandContext, options: OpenOptions): Promise<OpenedFile> {
  const input = await readInput(ctx, options, false);
  const name = displayName(options);
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, name, ctx);
  const dataKey = await openDataKey(ctx, doc, name);
  let cipher: ValueCipher;
  try {
    const legacy = new LegacyMacCheck(ctx, name);
    cipher = withFile(name, () =>
      decryptDocument(doc, dataKey, {
        ignoreMac: options.ignoreMac,
        compileRegex: ctx.compileRegex,
        onLegacyMac: legacy.onLegacyMac,
        onUncovered: options.onUncovered,
      }),
    );
    await legacy.confirm({ rewrites: options.rewrites === true, accepted: options.acceptLegacyMac });
  } catch (e) {
    // on success the caller owns the key (and zeroes it); on failure nobody else ever sees it
    dataKey.fill(0);
    throw e;
  }
  return { input, name, doc, dataKey, cipher };
}

/** Encrypt the (changed) document with `cipher` and render it in the output format. */
export function encryptAndRender(ctx: CommandContext, opened: Pick<OpenedFile, 'doc' | 'input' | 'name'>, cipher: ValueCipher): Uint8Array {
  opened.doc.metadata.version = versionToWrite(opened.doc.metadata.version, SOPS_FORMAT_VERSION);
  encryptDocument(opened.doc, cipher, { now: ctx.io.now(), compileRegex: ctx.compileRegex });
  const format = opened.input.outputFormat;
  return withFile(opened.name, () =>
    ctx.store(format).emitEncrypted(opened.doc.branches, formatMetadata(opened.doc.metadata), ctx.emitOptions(format)),
  );
}

/** Render a document whose values are already encrypted (updatekeys, groups): metadata changes only. */
export function renderEncrypted(ctx: CommandContext, opened: Pick<OpenedFile, 'doc' | 'input' | 'name'>): Uint8Array {
  // sops refuses a file without a version, so even a metadata-only change writes one
  opened.doc.metadata.version = versionToWrite(opened.doc.metadata.version, SOPS_FORMAT_VERSION);
  const format = opened.input.outputFormat;
  return withFile(opened.name, () =>
    ctx.store(format).emitEncrypted(opened.doc.branches, formatMetadata(opened.doc.metadata), ctx.emitOptions(format)),
  );
}
