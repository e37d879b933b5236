/**
 * The MAC (spec §2): SHA-512 over the plaintext leaf values in walk order, uppercase hex,
 * stored encrypted with `lastmodified` as AAD.
 */
import { createHash, type Hash } from 'node:crypto';

/** SHA-256("sops"): the prefix that makes `mac_only_encrypted` MACs differ (§2.2). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

export class MacHasher {
  private readonly hash: Hash = createHash('sha512');

  constructor(readonly macOnlyEncrypted: boolean) {
    if (macOnlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INIT);
  }

  /** Feed a leaf; with mac_only_encrypted only encrypted leaves count. */
  add(bytes: Uint8Array, encrypted: boolean): void {
    if (!this.macOnlyEncrypted || encrypted) this.hash.update(bytes);
  }

  /** The 128-character uppercase hex digest. */
  digest(): string {
    return this.hash.digest('hex').toUpperCase();
  }
}

/** Go re-parses `lastmodified` and formats it RFC 3339 with seconds (§2.3); this is the AAD. */
export function macAad(lastModified: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(lastModified.trim());
  if (!m) return lastModified;
  const zone = /^([zZ]|[+-]00:00)$/.test(m[4]!) ? 'Z' : m[4]!;
  return `${m[1]}T${m[2]}${zone}`;
}

/** `lastmodified` for now: RFC 3339 UTC without fractional seconds. */
export function formatLastModified(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
