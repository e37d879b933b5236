/**
 * The low-level shapes of age-encryption.org/v1: a header stanza, a recipient that wraps a file
 * key into stanzas, an identity that unwraps one. They match age-encryption's own declarations
 * member for member, so objects of either side fit the other, and the library itself is loaded
 * only by the paths that need it (post-quantum keys, passphrases, keygen).
 */

/** One section of an age header: its arguments (the first names the kind) and raw body. */
export class Stanza {
  constructor(
    readonly args: string[],
    readonly body: Uint8Array,
  ) {}
}

export interface Recipient {
  wrapFileKey(fileKey: Uint8Array): Stanza[] | Promise<Stanza[]>;
}

export interface Identity {
  /** The file key, or null when no stanza is meant for this identity. */
  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}
