/**
 * The library API: encrypt and decrypt documents in memory, without the command line.
 *
 * ```ts
 * import { decryptData, encryptData } from 'tsops';
 * const enc = await encryptData(bytes, { format: 'yaml', recipients: ['age1…'] });
 * const plain = await decryptData(enc, { format: 'yaml', identities: ['AGE-SECRET-KEY-1…'] });
 * ```
 */
import { TsopsError } from './errors.js';
import { decryptDocument, type SopsDocument } from './core/document.js';
import { DEFAULT_SELECTOR, type Selector } from './core/keys-model.js';
import { formatMetadata } from './core/metadata.js';
import { checkEncryptable, encryptNewDocument, openSopsDocument } from './core/sops-file.js';
import { tryCompileGoRegex } from './core/regex.js';
import type { Branches } from './core/tree.js';
import { storeFor, type FormatName } from './formats/index.js';
import { refusePlainDuplicateKeys } from './formats/duplicate-keys.js';
import type { EmitOptions } from './formats/format.js';
import { decryptDataKeyWithIdentities, unwrapDataKey, wrapDataKey } from './keys/data-key.js';
import type { IdentityProvider } from './keys/identities.js';
import type { PgpService } from './keys/pgp/gpg.js';

export interface DecryptDataOptions {
  format: FormatName;
  /** Output format (default: the input format). */
  outputFormat?: FormatName;
  /** Identity strings (`AGE-SECRET-KEY-1…`, `AGE-SECRET-KEY-PQ-1…`). */
  identities?: readonly string[];
  /** An identity provider, e.g. an IdentityLoader reading the environment like the CLI. */
  provider?: IdentityProvider;
  /** GnuPG (e.g. `new GnuPG(nodeIo())`), so the provider's run may also open PGP keys. */
  pgp?: PgpService;
  /** A known data key (32 bytes), bypassing master keys entirely. */
  dataKey?: Uint8Array;
  ignoreMac?: boolean;
  emit?: EmitOptions;
}

/** Parse an encrypted file into its branches and typed metadata (no decryption). */
export function parseEncryptedData(data: Uint8Array, format: FormatName): SopsDocument {
  return openSopsDocument(storeFor(format).parseEncrypted(data), '');
}

/** Decrypt a sops document to its plaintext tree (MAC verified unless `ignoreMac`). */
export async function decryptTree(data: Uint8Array, options: DecryptDataOptions): Promise<Branches> {
  const doc = parseEncryptedData(data, options.format);
  let dataKey: Uint8Array;
  if (options.dataKey) dataKey = options.dataKey;
  else if (options.provider) dataKey = await unwrapDataKey(doc.metadata.keyGroups, doc.metadata.shamirThreshold, options.provider, { pgp: options.pgp });
  else if (options.identities) dataKey = await decryptDataKeyWithIdentities(doc.metadata.keyGroups, doc.metadata.shamirThreshold, options.identities);
  else throw new TsopsError('NO_IDENTITY', 'no identities, provider or data key given');
  try {
    decryptDocument(doc, dataKey, { ignoreMac: options.ignoreMac, compileRegex: tryCompileGoRegex, rememberIvs: false });
  } finally {
    // a key unwrapped here is zeroed; one the caller passed in stays the caller's
    if (dataKey !== options.dataKey) dataKey.fill(0);
  }
  return doc.branches;
}

/** Decrypt a sops document to plaintext bytes in the output format. */
export async function decryptData(data: Uint8Array, options: DecryptDataOptions): Promise<Uint8Array> {
  const branches = await decryptTree(data, options);
  return storeFor(options.outputFormat ?? options.format).emitPlain(branches, options.emit);
}

export interface EncryptDataOptions {
  format: FormatName;
  outputFormat?: FormatName;
  /** One group of recipients, or several groups (Shamir). */
  recipients: readonly string[] | readonly (readonly string[])[];
  shamirThreshold?: number;
  selector?: Selector;
  macOnlyEncrypted?: boolean;
  now?: Date;
  emit?: EmitOptions;
}

/** Encrypt a plaintext document to the given age recipients, as `tsops encrypt` does. */
export async function encryptData(data: Uint8Array, options: EncryptDataOptions): Promise<Uint8Array> {
  const store = storeFor(options.format);
  const branches = store.parsePlain(data);
  checkEncryptable(branches, store.looksEncrypted(branches), '');
  refusePlainDuplicateKeys(branches, options.format);
  const groups = options.recipients.length > 0 && Array.isArray(options.recipients[0])
    ? (options.recipients as readonly (readonly string[])[]).map((g) => [...g])
    : [[...(options.recipients as readonly string[])]];
  const doc = await encryptNewDocument(branches, (dataKey) => wrapDataKey(groups, dataKey, options.shamirThreshold ?? 0), {
    selector: options.format === 'binary' ? undefined : (options.selector ?? DEFAULT_SELECTOR),
    macOnlyEncrypted: options.macOnlyEncrypted ?? false,
    now: options.now ?? new Date(),
    compileRegex: tryCompileGoRegex,
  });
  const out = storeFor(options.outputFormat ?? options.format);
  return out.emitEncrypted(doc.branches, formatMetadata(doc.metadata), options.emit);
}
