/**
 * The sops-file pipeline, in one place for the library API and the commands: what may be encrypted
 * (§8.2's refusals), the metadata a fresh file starts with, and what makes a parsed file a sops
 * file (§8.4). Pure: the data key and the wrapped key groups come in, no I/O.
 */
import { randomBytes } from 'node:crypto';
import { TsopsError } from '../errors.js';
import { ValueCipher } from './cipher.js';
import { encryptDocument, type SopsDocument } from './document.js';
import type { Selector } from './keys-model.js';
import { SOPS_FORMAT_VERSION, type Metadata } from './metadata.js';
import { getKey, type Branches, type TreeMap } from './tree.js';
import { parseMetadata } from './metadata.js';
import { checkFileVersion } from './version.js';

const ALREADY_ENCRYPTED_HINT =
  'the file has a top-level `sops` entry (or `sops_` keys), so it is probably encrypted already; to change it use `tsops edit FILE`';

/**
 * Refuse a plaintext tree that sops would not encrypt: no document, a file that is already a sops
 * file (`alreadyEncrypted`, as the store judges its own layout), or a document with a key `sops`.
 * `name` prefixes the messages (empty for in-memory data).
 */
export function checkEncryptable(branches: Branches, alreadyEncrypted: boolean, name: string): void {
  const where = name === '' ? '' : `${name}: `;
  if (branches.length === 0) {
    throw new TsopsError('EMPTY_FILE', `${where}file cannot be completely empty, it must contain at least one document`);
  }
  if (alreadyEncrypted) {
    throw new TsopsError('ALREADY_ENCRYPTED', `${where}the file is already encrypted`, { hint: ALREADY_ENCRYPTED_HINT });
  }
  for (const [i, b] of branches.entries()) {
    if (getKey(b, 'sops') !== undefined) {
      throw new TsopsError('ALREADY_ENCRYPTED', `${where}document ${i + 1} has a key "sops", which is reserved for sops metadata`, {
        hint: 'rename that key',
      });
    }
  }
}

/** The data key wrapped to each key group (keys/data-key.ts does it; core knows no key types). */
export interface WrappedDataKey {
  groups: Metadata['keyGroups'];
  threshold: number;
}

export interface NewFileSettings {
  /** Undefined for binary files, whose one value is always encrypted. */
  selector: Selector | undefined;
  macOnlyEncrypted: boolean;
  now: Date;
  compileRegex: Parameters<typeof encryptDocument>[2]['compileRegex'];
}

/**
 * Encrypt a checked plaintext tree into a new sops document under a fresh data key, which `wrap`
 * gives to the recipients; the key is zeroed on every path (branches are changed in place).
 */
export async function encryptNewDocument(
  branches: Branches,
  wrap: (dataKey: Uint8Array) => Promise<WrappedDataKey>,
  settings: NewFileSettings,
): Promise<SopsDocument> {
  const dataKey = randomBytes(32);
  try {
    const wrapped = await wrap(dataKey);
    const doc: SopsDocument = {
      branches,
      metadata: {
        keyGroups: wrapped.groups,
        shamirThreshold: wrapped.threshold,
        lastModified: '',
        mac: '',
        macOnlyEncrypted: settings.macOnlyEncrypted,
        selector: settings.selector,
        version: SOPS_FORMAT_VERSION,
      },
    };
    encryptDocument(doc, new ValueCipher(dataKey), { now: settings.now, compileRegex: settings.compileRegex });
    return doc;
  } finally {
    dataKey.fill(0);
  }
}

/** What a store's parser gives for an encrypted file: its branches and the raw `sops` block, if any. */
export interface ParsedFile {
  branches: Branches;
  metadata: TreeMap | undefined;
}

/**
 * A parsed file as a sops document: its metadata must be there, typed and of a readable `version`
 * (§8.4). `name` prefixes the messages (empty for in-memory data).
 */
export function openSopsDocument(parsed: ParsedFile, name: string): SopsDocument {
  const where = name === '' ? '' : `${name}: `;
  if (parsed.metadata === undefined) {
    throw new TsopsError('METADATA_NOT_FOUND', `${where}sops metadata not found`, {
      hint: 'the file is not encrypted; use `tsops encrypt` first',
    });
  }
  const metadata = parseMetadata(parsed.metadata);
  checkFileVersion(metadata.version);
  return { branches: parsed.branches, metadata };
}
