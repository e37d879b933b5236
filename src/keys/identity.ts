/** What every identity source yields: an identity able to unwrap age files, of any kind. */
import type { Identity as AgeLibIdentity } from './age/stanza.js';

/** An identity able to unwrap age files. Holds secret material: never print `secret`. */
export interface Identity {
  /** Where it came from (a source name and line), for messages. Never key material. */
  readonly origin: string;
  /** The public recipient it decrypts for, when known (native keys); used to try it first. */
  readonly recipient: string | undefined;
  /** A native identity string (`AGE-SECRET-KEY-…`) or a custom age-encryption Identity. */
  readonly secret: string | AgeLibIdentity;
}
