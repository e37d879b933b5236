/**
 * `tsops edit FILE` and plain `tsops FILE` (spec §8.2, §8.4): decrypt into a private temp file,
 * run the editor, re-encrypt with the same data key — unchanged values keep their ciphertexts
 * (§1.5) — and replace the file atomically. A missing file starts from an example document.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { TsopsError } from '../../errors.js';
import { ValueCipher } from '../../core/cipher.js';
import type { SopsDocument } from '../../core/document.js';
import { formatLastModified } from '../../core/mac.js';
import { SOPS_FORMAT_VERSION, formatMetadata, parseMetadata, type Metadata } from '../../core/metadata.js';
import { getKey, type Branches } from '../../core/tree.js';
import { formatForPath, parseFormatName } from '../../formats/index.js';
import { wrapDataKey } from '../../keys/data-key.js';
import type { CommandContext } from '../shared/context.js';
import { writeFailure } from '../../io/atomic-write.js';
import { editInTempFile } from './editor.js';
import { exampleBranches } from './example-documents.js';
import { withFile, withFileAsync, type Input } from '../shared/files.js';
import { resolveEncryptionRules, type KeyFlags, type SelectorFlags } from '../shared/key-rules.js';
import { encryptAndRender, openAndDecrypt } from '../shared/sops-file.js';
import { isNewerVersion } from '../../core/version.js';
import { refusePlainDuplicateKeys } from '../../formats/duplicate-keys.js';

export interface EditOptions extends KeyFlags, SelectorFlags {
  file: string;
  inputType?: string | undefined;
  outputType?: string | undefined;
  ignoreMac?: boolean | undefined;
  /** Edit the whole encrypted-format document, `sops` metadata included, values in clear. */
  showMasterKeys?: boolean | undefined;
  /** For a new file: compute the MAC over encrypted values only. */
  macOnlyEncrypted?: boolean | undefined;
  acceptLegacyMac?: boolean | undefined;
}

/** A decrypted (or freshly created) document ready for the editor. */
interface Editable {
  input: Input;
  name: string;
  doc: SopsDocument;
  dataKey: Uint8Array;
  cipher: ValueCipher;
}

export async function editCommand(ctx: CommandContext, options: EditOptions): Promise<void> {
  const filePath = ctx.absolute(options.file);
  const editable = ctx.io.exists(filePath) ? await openExisting(ctx, options) : await createFromExample(ctx, options, filePath);
  try {
    const { input, name, doc } = editable;
    const store = ctx.store(input.outputFormat);
    const emit = ctx.emitOptions(input.outputFormat);
    const content = withFile(name, () =>
      options.showMasterKeys ? store.emitEncrypted(doc.branches, formatMetadata(doc.metadata), emit) : store.emitPlain(doc.branches, emit),
    );
    const out = await editInTempFile(ctx.io, {
      displayName: name,
      baseName: path.basename(filePath),
      content,
      accept: (edited) => acceptEdited(ctx, editable, edited, Boolean(options.showMasterKeys)),
    });
    try {
      ctx.io.writeFileAtomic(filePath, out);
    } catch (e) {
      throw writeFailure(name, e);
    }
    ctx.debug(`file written successfully: ${filePath}`);
  } finally {
    editable.dataKey.fill(0);
  }
}

async function openExisting(ctx: CommandContext, options: EditOptions): Promise<Editable> {
  const opened = await openAndDecrypt(ctx, {
    file: options.file,
    inputType: options.inputType,
    outputType: options.outputType,
    ignoreMac: options.ignoreMac,
    rewrites: true,
    acceptLegacyMac: options.acceptLegacyMac,
  });
  // Checked before the editor opens, so an unusable version never costs the user their edits.
  withFile(opened.name, () => isNewerVersion(SOPS_FORMAT_VERSION, opened.doc.metadata.version));
  return opened;
}

async function createFromExample(ctx: CommandContext, options: EditOptions, filePath: string): Promise<Editable> {
  const name = options.file;
  const dir = path.dirname(filePath);
  if (!ctx.io.exists(dir)) {
    throw new TsopsError('WRITE_OUTPUT', `cannot create ${name}: directory ${dir} does not exist`, {
      hint: 'create the directory first',
    });
  }
  const inputFormat = parseFormatName(options.inputType) ?? formatForPath(filePath);
  const outputFormat = parseFormatName(options.outputType) ?? formatForPath(filePath);
  const rules = resolveEncryptionRules(ctx, filePath, options, inputFormat);
  const branches = exampleBranches(inputFormat, ctx.emitOptions(inputFormat));
  const dataKey = randomBytes(32);
  const wrapped = await withFileAsync(name, () => wrapDataKey(rules.groups, dataKey, rules.threshold, ctx.keyOptions()));
  const metadata: Metadata = {
    keyGroups: wrapped.groups,
    shamirThreshold: wrapped.threshold,
    // A valid time from the start, so --show-master-keys shows metadata that parses back.
    lastModified: formatLastModified(ctx.io.now()),
    mac: '',
    macOnlyEncrypted: rules.macOnlyEncrypted,
    selector: rules.selector,
    version: SOPS_FORMAT_VERSION,
  };
  return {
    input: { bytes: new Uint8Array(), name: filePath, filePath, inputFormat, outputFormat },
    name,
    doc: { branches, metadata },
    dataKey,
    cipher: new ValueCipher(dataKey),
  };
}

/** Parse and check the edited text, then encrypt it; fixable problems reopen the editor. */
function acceptEdited(ctx: CommandContext, editable: Editable, edited: Uint8Array, showMasterKeys: boolean): Uint8Array {
  const store = ctx.store(editable.input.outputFormat);
  let branches: Branches;
  let metadata: Metadata;
  if (showMasterKeys) {
    const parsed = store.parseEncrypted(edited);
    if (parsed.metadata === undefined) {
      throw new TsopsError('METADATA_NOT_FOUND', 'the sops metadata is missing', {
        hint: 'with --show-master-keys, keep the sops section in the file',
      });
    }
    branches = parsed.branches;
    metadata = parseMetadata(parsed.metadata);
    try {
      isNewerVersion(SOPS_FORMAT_VERSION, metadata.version);
    } catch (e) {
      throw new TsopsError('INVALID_METADATA', `invalid sops metadata: version ${JSON.stringify(metadata.version)} is not a semantic version`, { cause: e });
    }
  } else {
    branches = store.parsePlain(edited);
    const format = editable.input.outputFormat;
    refusePlainDuplicateKeys(branches, format);
    if (store.looksEncrypted(branches) || branches.some((b) => getKey(b, 'sops') !== undefined)) {
      throw new TsopsError('ALREADY_ENCRYPTED', 'the file has a top-level "sops" entry (or "sops_" keys), which is reserved for sops metadata', {
        hint: 'rename that key',
      });
    }
    metadata = { ...editable.doc.metadata };
  }
  if (branches.length === 0) {
    throw new TsopsError('EMPTY_FILE', 'file cannot be completely empty, it must contain at least one document');
  }
  if (isNewerVersion(SOPS_FORMAT_VERSION, metadata.version)) metadata.version = SOPS_FORMAT_VERSION;
  return encryptAndRender(ctx, { doc: { branches, metadata }, input: editable.input, name: '' }, editable.cipher);
}
