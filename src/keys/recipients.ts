/**
 * Native SSH recipients for age master keys (spec §4.1 table): `ssh-ed25519 AAAA… comment` and
 * `ssh-rsa AAAA… comment` are written as age's `ssh-ed25519` / `ssh-rsa` stanzas, as sops 3.10+
 * does. age.ts consults {@link SSH_RECIPIENT_PARSERS} before its built-in kinds.
 */
import type { Recipient } from './age/stanza.js';
import { TsopsError, messageOf } from '../errors.js';
import { shortRecipient } from './secret-guard.js';
import { SshEd25519Recipient, SshRsaRecipient } from './ssh/recipients.js';
import { parseSshPublicKeyLine } from './ssh/wire.js';

/** The SSH key types age can encrypt to. */
export const SSH_RECIPIENT_TYPES = ['ssh-ed25519', 'ssh-rsa'] as const;

/**
 * Parse a sops SSH recipient: the key type, its base64 wire key and an optional comment, with
 * nothing before the type (sops' `agessh.ParseRecipient` reads an authorized_keys line without
 * options). The type field must name the key the base64 holds.
 * @throws TsopsError `INVALID_RECIPIENT` for malformed lines, options or markers before the key,
 * and key types other than ssh-ed25519 and ssh-rsa.
 */
export function parseSshRecipientLine(line: string): SshEd25519Recipient | SshRsaRecipient {
  const text = line.trim();
  const what = `failed to parse input as age-ssh public key "${shortRecipient(text)}"`;
  let found;
  try {
    found = parseSshPublicKeyLine(text, 'INVALID_RECIPIENT');
  } catch (e) {
    throw new TsopsError('INVALID_RECIPIENT', `${what}: ${messageOf(e)}`, {
      hint: 'expected "ssh-ed25519 AAAA… comment" or "ssh-rsa AAAA… comment"',
      cause: e,
    });
  }
  if (found.prefix !== '' || found.marker !== undefined) {
    throw new TsopsError('INVALID_RECIPIENT', `${what}: text before the key type`, {
      hint: 'give the key as "<type> <base64> [comment]", without host names or options',
    });
  }
  const { key } = found;
  if (key.kind === 'ed25519') return new SshEd25519Recipient(key);
  if (key.kind === 'rsa') return new SshRsaRecipient(key);
  throw new TsopsError('INVALID_RECIPIENT', `${what}: ssh key type "${key.type}" is not supported`, {
    hint: 'only ssh-ed25519 and ssh-rsa keys can be age recipients',
  });
}

function matcher(type: string): (recipient: string) => boolean {
  return (recipient) => recipient === type || recipient.startsWith(`${type} `) || recipient.startsWith(`${type}\t`);
}

/** A way to parse one more kind of recipient (e.g. SSH public keys), consulted before the built-ins. */
export interface RecipientParser {
  /** Short name of the kind, for messages (`ssh-ed25519`). */
  readonly kind: string;
  /** Whether this parser owns the (trimmed) recipient text. */
  matches(recipient: string): boolean;
  /** Build the age-encryption Recipient; throw TsopsError('INVALID_RECIPIENT', …) when malformed. */
  parse(recipient: string): Recipient;
}

/**
 * The SSH recipient kinds, in order. Every other `ssh-…` recipient is refused with a message
 * naming the supported types, as sops refuses it.
 */
export const SSH_RECIPIENT_PARSERS: readonly RecipientParser[] = [
  ...SSH_RECIPIENT_TYPES.map((type) => ({ kind: type, matches: matcher(type), parse: (r: string): Recipient => parseSshRecipientLine(r) })),
  { kind: 'ssh', matches: (r: string) => r.startsWith('ssh-'), parse: (r: string): Recipient => parseSshRecipientLine(r) },
];
