/**
 * age master keys (spec §4.1): parse recipients, wrap a data key (or Shamir share) into an
 * armored age file for exactly one recipient, and unwrap it with a set of identities.
 *
 * Native X25519 (`age1…`) and post-quantum hybrid (`age1pq1…`) recipients are built in. Other
 * kinds (SSH public keys) come from the explicit list {@link RECIPIENT_PARSERS}; age plugin
 * recipients (`age1<name>1…`) and identities (`AGE-PLUGIN-…`) run their plugin (plugin/).
 */
import * as ageEncryption from 'age-encryption';
import { bech32 } from '@scure/base';
import { TsopsError, isTsopsError, messageOf } from '../../errors.js';
import { looksLikeSecretKey, secretAsRecipientError, shortRecipient } from '../secret-guard.js';
import { SSH_RECIPIENT_PARSERS, type RecipientParser } from '../recipients.js';
import { armorDecode, armorEncode } from './armor.js';
import { decryptBytes, encryptBytes } from './stream.js';
import { decryptAgeFile, encryptAgeFile } from './age-file.js';
import type { Identity as AgeLibIdentity, Recipient as AgeLibRecipient } from './stanza.js';
import type { Identity } from '../identity.js';
import { arrangePluginIdentities, parsePluginRecipientText } from './plugin/keys.js';
import { looksLikePluginIdentity, looksLikePluginRecipient } from './plugin/names.js';
import { batchPluginIdentities } from './plugin/batch.js';
import { PluginRecipient, type PluginHost } from './plugin/client.js';
import type { PluginBatch } from './plugin/batch.js';
import {
  X25519Identity,
  X25519Recipient,
  decodeX25519Identity,
  decodeX25519Recipient,
  encodeAgeRecipient,
} from './x25519.js';

export type { AgeLibIdentity, AgeLibRecipient, RecipientParser };
export { shortRecipient };

/**
 * age-encryption: only post-quantum keys and passphrase-protected files need it, so it is on the
 * bundle's deferred list and evaluates on first use.
 */
export const ageLibrary = async (): Promise<typeof ageEncryption> => ageEncryption;

/** Length of an mlkem768x25519 public key (ML-KEM-768 encapsulation key, then X25519). */
const PQ_RECIPIENT_BYTES = 1216;

/** The checks age-encryption makes when it is given an `age1pq1…` recipient. */
function checkPqRecipient(r: string): void {
  const { prefix, words } = bech32.decode(r as `${string}1${string}`, false);
  if (prefix.toLowerCase() !== 'age1pq' || bech32.fromWords(words).length !== PQ_RECIPIENT_BYTES) {
    throw new Error('invalid recipient');
  }
}

/** A recipient parsed once, ready to wrap any number of payloads. */
export class ParsedRecipient {
  readonly #target: string | AgeLibRecipient;

  /** @param recipient - the trimmed recipient text; @param kind - e.g. `x25519`, `mlkem768x25519`. */
  constructor(
    readonly recipient: string,
    readonly kind: string,
    target: string | AgeLibRecipient,
  ) {
    // Recipient strings (post-quantum) are checked now; the library wraps for them later.
    if (typeof target === 'string') checkPqRecipient(target);
    this.#target = target;
  }

  /**
   * Encrypt `plaintext` to this recipient and armor it as sops does (spec §4.1). A plugin
   * recipient runs its plugin on `pluginHost` (the process's own Io without one).
   */
  async wrap(plaintext: Uint8Array, pluginHost?: PluginHost): Promise<string> {
    let file: Uint8Array;
    const target = this.#target;
    if (typeof target === 'string') {
      const encrypter = new (await ageLibrary()).Encrypter();
      encrypter.addRecipient(target);
      file = await encryptBytes(encrypter, plaintext);
    } else {
      // parsed recipients are shared across runs: the run's host is given at each wrap
      const recipient = pluginHost !== undefined && target instanceof PluginRecipient ? target.on(pluginHost) : target;
      file = await encryptAgeFile([recipient], plaintext);
    }
    return armorEncode(file);
  }
}

/** The recipient kinds parsed before the built-ins, in order: SSH public keys. */
export const RECIPIENT_PARSERS: readonly RecipientParser[] = SSH_RECIPIENT_PARSERS;

function builtinParse(r: string): ParsedRecipient {
  if (r.startsWith('age1pq1')) {
    try {
      return new ParsedRecipient(r, 'mlkem768x25519', r);
    } catch {
      const what = 'failed to parse input as Bech32-encoded age post-quantum public key';
      throw new TsopsError('INVALID_RECIPIENT', `${what}: malformed recipient "${shortRecipient(r)}"`);
    }
  }
  if (looksLikePluginRecipient(r) || looksLikePluginIdentity(r)) {
    return new ParsedRecipient(r, 'age plugin', parsePluginRecipientText(r));
  }
  if (r.startsWith('age1')) {
    try {
      return new ParsedRecipient(r, 'x25519', new X25519Recipient(decodeX25519Recipient(r)));
    } catch {
      throw new TsopsError(
        'INVALID_RECIPIENT',
        `failed to parse input as Bech32-encoded age public key: malformed recipient "${shortRecipient(r)}"`,
      );
    }
  }
  if (r.startsWith('ssh-')) {
    throw new TsopsError('INVALID_RECIPIENT', `unsupported ssh recipient "${shortRecipient(r)}"`, {
      hint: 'use a native age1… recipient',
    });
  }
  throw new TsopsError('INVALID_RECIPIENT', `failed to parse input, unknown recipient type: "${shortRecipient(r)}"`);
}

const parsedCache = new Map<string, ParsedRecipient>();
const PARSED_CACHE_LIMIT = 1024;

/**
 * Parse a recipient (spec §4.1 table), after trimming surrounding whitespace. Parsed recipients
 * are cached, so wrapping for the same recipient again does not decode it again.
 * Throws TsopsError('INVALID_RECIPIENT') for malformed, unknown and unsupported kinds.
 */
export function parseAgeRecipient(s: string, parsers: readonly RecipientParser[] = RECIPIENT_PARSERS): ParsedRecipient {
  const r = s.trim();
  // only the standard list's results are cached: another list may read the same text otherwise
  const cacheable = parsers === RECIPIENT_PARSERS;
  const cached = cacheable ? parsedCache.get(r) : undefined;
  if (cached) return cached;
  if (looksLikeSecretKey(r)) throw secretAsRecipientError();
  let parsed: ParsedRecipient | undefined;
  for (const p of parsers) {
    if (!p.matches(r)) continue;
    try {
      parsed = new ParsedRecipient(r, p.kind, p.parse(r));
    } catch (e) {
      if (isTsopsError(e)) throw e;
      const why = `failed to parse input as ${p.kind} public key "${shortRecipient(r)}": ${messageOf(e)}`;
      throw new TsopsError('INVALID_RECIPIENT', why);
    }
    break;
  }
  parsed ??= builtinParse(r);
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(r, parsed);
  return parsed;
}

/**
 * Wrap `plaintext` (a data key or a Shamir share) for one recipient: an armored age file with
 * 64-column padded base64 lines, ending with a newline (spec §4.1).
 */
export async function wrapKey(recipient: string | ParsedRecipient, plaintext: Uint8Array): Promise<string> {
  const parsed = typeof recipient === 'string' ? parseAgeRecipient(recipient) : recipient;
  return parsed.wrap(plaintext);
}

/**
 * Unwrap an armored age file (`enc`) with the given identities. Identities whose recipient is
 * `preferRecipient` are tried first. Leading/trailing whitespace and CRLF are tolerated; the
 * base64 must be strict (spec §4.1). Messages never contain key material. With `plugins`, plugin
 * identities unwrap through that batch (one plugin process for all the files of a sops file).
 */
export async function unwrapKey(
  enc: string,
  identities: readonly Identity[],
  preferRecipient?: string,
  plugins?: PluginBatch,
): Promise<Uint8Array> {
  let file: Uint8Array;
  try {
    file = armorDecode(enc);
  } catch (e) {
    throw new TsopsError('INVALID_METADATA', `failed to read the armored age data: ${libMessage(e)}`);
  }
  if (identities.length === 0) throw new TsopsError('NO_IDENTITY', 'no age identities available');
  // plugin identities come last, one per plugin, so a plugin starts only when no key opened the file
  const arranged = arrangePluginIdentities(
    preferRecipient === undefined
      ? identities
      : [
          ...identities.filter((i) => i.recipient === preferRecipient),
          ...identities.filter((i) => i.recipient !== preferRecipient),
        ],
    preferRecipient,
  );
  const ordered = plugins ? batchPluginIdentities(arranged, plugins) : arranged;
  // Identity objects (X25519, SSH) take the light path; strings (post-quantum) need the library.
  if (ordered.every((id) => typeof id.secret !== 'string')) {
    try {
      return await decryptAgeFile(
        ordered.map((id) => id.secret as AgeLibIdentity),
        file,
      );
    } catch (e) {
      const msg = libMessage(e);
      if (msg.startsWith('no identity matched')) {
        throw new TsopsError('NO_IDENTITY', 'no identity matched any of the recipients');
      }
      throw new TsopsError('NO_IDENTITY', `failed to decrypt the age data: ${msg}`);
    }
  }
  const decrypter = new (await ageLibrary()).Decrypter();
  for (const id of ordered) {
    try {
      decrypter.addIdentity(id.secret);
    } catch {
      // the library's parse errors may quote the key: report only where it came from
      throw new TsopsError('NO_IDENTITY', `malformed age identity from ${id.origin}`);
    }
  }
  try {
    return await decryptBytes(decrypter, file);
  } catch (e) {
    const msg = libMessage(e);
    if (msg.startsWith('no identity matched')) {
      throw new TsopsError('NO_IDENTITY', 'no identity matched any of the recipients');
    }
    throw new TsopsError('NO_IDENTITY', `failed to decrypt the age data: ${msg}`);
  }
}

/** age-encryption's messages about files and stanzas carry no secrets; bech32 ones might, so cap them. */
function libMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // a plugin identity is `AGE-PLUGIN-<NAME>-1…`; the binary `age-plugin-<name>` may be named
  return /AGE-SECRET-KEY|AGE-PLUGIN-[0-9A-Z+._-]*-1/i.test(msg) ? 'malformed data' : msg;
}

/** What a non-comment identity line is, judged by its upper-cased prefix (spec §4.3). */
export type IdentityLineKind = 'x25519' | 'mlkem768x25519' | 'plugin' | 'unknown';

export function identityLineKind(line: string): IdentityLineKind {
  const upper = line.slice(0, 20).toUpperCase();
  if (upper.startsWith('AGE-SECRET-KEY-PQ-1')) return 'mlkem768x25519';
  if (upper.startsWith('AGE-SECRET-KEY-1')) return 'x25519';
  if (upper.startsWith('AGE-PLUGIN-')) return 'plugin';
  return 'unknown';
}

/**
 * Parse one native identity (`AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…`) and derive its
 * recipient. Throws TsopsError('NO_IDENTITY') naming only `origin` when it is malformed; as in
 * age, the Bech32 text must be upper case.
 */
export async function parseNativeIdentity(text: string, origin: string): Promise<Identity> {
  const kind = identityLineKind(text);
  if (kind !== 'x25519' && kind !== 'mlkem768x25519') {
    throw new TsopsError('NO_IDENTITY', `unknown identity type at ${origin}`);
  }
  if (kind === 'x25519') {
    let identity: X25519Identity;
    try {
      identity = new X25519Identity(decodeX25519Identity(text));
    } catch {
      throw new TsopsError('NO_IDENTITY', `malformed secret key at ${origin}`);
    }
    return { origin, recipient: encodeAgeRecipient(identity.publicKey), secret: identity };
  }
  let recipient: string;
  try {
    // validates the Bech32 text, its type and length, and that it is upper case like age's parser
    recipient = await (await ageLibrary()).identityToRecipient(text);
  } catch {
    throw new TsopsError('NO_IDENTITY', `malformed secret key at ${origin}`);
  }
  return { origin, recipient, secret: text };
}
