/**
 * Encrypting and decrypting a whole document's values and its MAC (spec §2, §11). Pure: the data
 * key comes in, no I/O. Branches are changed in place.
 */
import { TsopsError, messageOf } from '../errors.js';
import { ValueCipher, looksLikeEncryptedValue } from './cipher.js';
import { MacHasher, formatLastModified, macAad } from './mac.js';
import { scalarBytes } from './scalar-text.js';
import { compileSelector, shouldBeEncrypted, type CompiledSelector } from './select.js';
import { Comment, type Branches, type Value } from './tree.js';
import { walkBranches, type Leaf } from './walk.js';
import type { GoRegex } from './regex.js';

export interface ValueRules {
  selector: CompiledSelector;
  macOnlyEncrypted: boolean;
}

/**
 * Encrypt every selected value; returns the plaintext MAC (uppercase hex) computed on the way.
 * An encrypted comment in a list becomes a plain `ENC[…,type:comment]` element, as in sops (§2.5).
 */
export function encryptValues(branches: Branches, cipher: ValueCipher, rules: ValueRules): string {
  const mac = new MacHasher(rules.macOnlyEncrypted);
  walkBranches(branches, (value, path, aad, stack) => {
    const isComment = value instanceof Comment;
    const encrypted = shouldBeEncrypted(rules.selector, path, stack, isComment);
    const bytes = isComment ? undefined : scalarBytes(value);
    if (bytes !== undefined) mac.add(bytes, encrypted);
    if (!encrypted) return value;
    const out = cipher.encrypt(value, aad, bytes);
    // Such a comment would be left encrypted-but-unread on decrypt (§1.6).
    if (isComment && rules.selector.selector?.kind === 'unencrypted_comment_regex' && rules.selector.regex?.test(out)) {
      throw new TsopsError('ENCRYPT_TREE', `an encrypted comment at ${aad} matches unencrypted_comment_regex`, {
        hint: 'choose a regex that cannot match ENC[...] text',
      });
    }
    return isComment ? new Comment(out, value.inline) : out;
  });
  return mac.digest();
}

export interface DecryptedValues {
  /** MAC over the decrypted values with the current rule (comments never hashed). */
  mac: string;
  /**
   * MAC as sops 3.13.2 computed it (it hashed comments stored inside lists, upstream #2243),
   * present only when such a comment was seen, so files written by that release still verify.
   */
  legacyMac: string | undefined;
  /** Key paths (`["a"]["b"]`) of the lists holding such comments, in document order. */
  listsWithComments: string[];
}

/** A key path as `--extract` writes it; list indices are not part of a sops path (§1.2). */
export function formatKeyPath(path: readonly string[]): string {
  return path.length === 0 ? '(top level)' : path.map((k) => `[${JSON.stringify(k)}]`).join('');
}

/**
 * Decrypt every selected value in place; failures are DECRYPT_TREE (exit 25) naming the key path.
 * `onUncovered` hears of each leaf whose presence the MAC cannot vouch for (see {@link DecryptOptions}).
 */
export function decryptValues(
  branches: Branches,
  cipher: ValueCipher,
  rules: ValueRules,
  onUncovered?: (path: readonly string[]) => void,
): DecryptedValues {
  const mac = new MacHasher(rules.macOnlyEncrypted);
  const legacy = new MacHasher(rules.macOnlyEncrypted);
  let sawListComment = false;
  const lists = new Set<string>();
  walkBranches(branches, (value, path, aad, stack, inList) => {
    const isComment = value instanceof Comment;
    const encrypted = shouldBeEncrypted(rules.selector, path, stack, isComment);
    let out: Leaf = value;
    let bytes: Uint8Array | undefined;
    if (encrypted) {
      if (isComment) out = decryptComment(cipher, value, aad);
      else if (typeof value !== 'string') {
        throw new TsopsError('DECRYPT_TREE', `expected encrypted value as string at ${aad} but got ${kindOf(value)}`, {
          hint: 'the file was changed by hand or is not a sops file',
        });
      } else {
        try {
          const d = cipher.decryptWithBytes(value, aad);
          out = d.value;
          bytes = d.bytes;
        } catch (e) {
          throw new TsopsError('DECRYPT_TREE', `could not decrypt value at ${aad} ${messageOf(e)}`, {
            hint: 'the value or the file was tampered with, or it was encrypted with another data key',
          });
        }
        if (out instanceof Comment) {
          // Only a list element may be a comment (§2.5); elsewhere the `type` was changed by hand.
          if (!inList) {
            throw new TsopsError('DECRYPT_TREE', `the value at ${aad} is tagged type:comment, which only a list item may be`, {
              hint: 'the file was changed by hand: restore the value from version control',
            });
          }
          sawListComment = true;
          lists.add(formatKeyPath(path));
          legacy.add(scalarBytes(out), encrypted);
        }
      }
    }
    if (!(out instanceof Comment)) {
      bytes ??= scalarBytes(out);
      if (onUncovered !== undefined && (bytes.length === 0 || (rules.macOnlyEncrypted && !encrypted))) onUncovered(path);
      mac.add(bytes, encrypted);
      legacy.add(bytes, encrypted);
    }
    return out as Value | Comment;
  });
  return { mac: mac.digest(), legacyMac: sawListComment ? legacy.digest() : undefined, listsWithComments: [...lists] };
}

function decryptComment(cipher: ValueCipher, c: Comment, aad: string): Comment {
  if (!looksLikeEncryptedValue(c.text)) return c; // a clear comment from an older sops (§6.1)
  try {
    const v = cipher.decrypt(c.text, aad);
    return v instanceof Comment ? new Comment(v.text, c.inline) : new Comment(typeof v === 'string' ? v : c.text, c.inline);
  } catch {
    return c;
  }
}

function kindOf(v: Leaf): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'bool';
  return 'non-string value';
}

/** Encrypt the MAC for storage; returns the new `lastmodified` and encrypted `mac`. */
export function sealMac(cipher: ValueCipher, macHex: string, now: Date): { lastModified: string; mac: string } {
  const lastModified = formatLastModified(now);
  return { lastModified, mac: cipher.encrypt(macHex, lastModified) };
}

/**
 * Which rule a verified MAC follows: `current`, or `legacy` when only sops 3.13.2's rule (comments
 * in lists hashed) matches. A legacy match cannot tell a genuine 3.13.2 comment from a list item
 * retagged `type:comment` without the key (the `type` is not authenticated), so callers warn.
 */
export type MacRule = 'current' | 'legacy';

/** Check a stored MAC against the computed one(s); MAC_MISMATCH (exit 51) otherwise. */
export function verifyMac(cipher: ValueCipher, storedMac: string, lastModified: string, computed: DecryptedValues): MacRule {
  if (storedMac === '') {
    throw new TsopsError('MAC_MISMATCH', 'mac mismatch: the file has no mac', {
      hint: 'use --ignore-mac to decrypt anyway if you trust the file',
    });
  }
  let stored: string;
  try {
    const v = cipher.decrypt(storedMac, macAad(lastModified));
    stored = typeof v === 'string' ? v : '';
  } catch (e) {
    throw new TsopsError('MAC_MISMATCH', `cannot decrypt mac: ${messageOf(e)}`, {
      hint: 'the mac or lastmodified was changed; use --ignore-mac only if you trust the file',
    });
  }
  if (stored === computed.mac) return 'current';
  if (computed.legacyMac !== undefined && stored === computed.legacyMac) return 'legacy';
  // The digests are not printed: a hash of short plaintexts helps guessing them.
  throw new TsopsError('MAC_MISMATCH', "mac mismatch: the file's mac does not match its values", {
    hint: 'the file was modified outside sops; use --ignore-mac only if you trust the change',
  });
}

/** A parsed sops file: its data branches and typed metadata. */
export interface SopsDocument {
  branches: Branches;
  metadata: import('./metadata.js').Metadata;
}

export interface DecryptOptions {
  ignoreMac?: boolean | undefined;
  /** Keep each value's IV so a re-encryption reproduces unchanged values (default true). */
  rememberIvs?: boolean | undefined;
  compileRegex: (source: string) => GoRegex | undefined;
  /**
   * Called when the MAC matches only the sops 3.13.2 rule, with the key paths of the lists
   * holding comments (the places where an item may have been turned into a comment).
   */
  onLegacyMac?: ((listsWithComments: string[]) => void) | undefined;
  /**
   * Called with the key path of each value the MAC does not cover: an empty value (it adds no
   * bytes, so one inserted by hand leaves the MAC valid) and, with `mac_only_encrypted`, every
   * unencrypted value. Null values are never visited at all (§1.4).
   */
  onUncovered?: ((path: readonly string[]) => void) | undefined;
}

/**
 * Decrypt a document in place with a known data key, verifying the MAC unless told not to.
 * Returns the cipher, whose remembered IVs let a later re-encryption keep unchanged values.
 */
export function decryptDocument(doc: SopsDocument, dataKey: Uint8Array, options: DecryptOptions): ValueCipher {
  const cipher = new ValueCipher(dataKey, undefined, { rememberIvs: options.rememberIvs ?? true });
  const rules: ValueRules = {
    selector: compileSelector(doc.metadata.selector, options.compileRegex),
    macOnlyEncrypted: doc.metadata.macOnlyEncrypted,
  };
  const computed = decryptValues(doc.branches, cipher, rules, options.onUncovered);
  if (!options.ignoreMac && verifyMac(cipher, doc.metadata.mac, doc.metadata.lastModified, computed) === 'legacy') {
    options.onLegacyMac?.(computed.listsWithComments);
  }
  return cipher;
}

/**
 * Encrypt a document's values in place and refresh `lastmodified`, `mac` and (when newer)
 * `version`. The caller has already wrapped `dataKey` into the metadata's key groups.
 */
export function encryptDocument(
  doc: SopsDocument,
  cipher: ValueCipher,
  options: { now: Date; compileRegex: (source: string) => GoRegex | undefined },
): void {
  const rules: ValueRules = {
    selector: compileSelector(doc.metadata.selector, options.compileRegex),
    macOnlyEncrypted: doc.metadata.macOnlyEncrypted,
  };
  const macHex = encryptValues(doc.branches, cipher, rules);
  const sealed = sealMac(cipher, macHex, options.now);
  doc.metadata.lastModified = sealed.lastModified;
  doc.metadata.mac = sealed.mac;
}
