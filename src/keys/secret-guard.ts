/**
 * Secret keys pasted where a recipient belongs (`--age`, SOPS_AGE_RECIPIENTS, `.sops.yaml`, a
 * file's metadata) must never be echoed back: messages name such a value only by what it is.
 */
import { TsopsError } from '../errors.js';

/** age identities (X25519, post-quantum) and PEM/OpenSSH private keys, in any case. */
const SECRET_MARKERS = /AGE-SECRET-KEY-|PRIVATE KEY-----/i;
/**
 * A plugin identity (`AGE-PLUGIN-NAME-1…`) may stand as a recipient where its plugin allows it
 * (the age-plugin spec's add-identity), so it is not refused; it is never shown either, since
 * some plugins keep key material in it.
 */
const PLUGIN_IDENTITY = /AGE-PLUGIN-/i;

/** Whether the text holds secret key material that can never be a recipient. */
export function looksLikeSecretKey(text: string): boolean {
  return SECRET_MARKERS.test(text);
}

/** Whether a message must name the text only by what it is: secret key material or a plugin identity. */
export function mustNotBeShown(text: string): boolean {
  return SECRET_MARKERS.test(text) || PLUGIN_IDENTITY.test(text);
}

/** Shown instead of a recipient that looks like a secret key. */
export const SECRET_PLACEHOLDER = '<a secret key, not shown>';

/** The error for a secret key given as a recipient; it never contains the key. */
export function secretAsRecipientError(): TsopsError {
  return new TsopsError('INVALID_RECIPIENT', 'this looks like a secret key, not a recipient; it is not shown', {
    hint: 'give its public key instead (age-keygen -y KEYFILE, or ssh-keygen -y -f KEYFILE)',
  });
}

/** A recipient as messages show it: unchanged, unless it looks like a secret key. */
export function shownRecipient(recipient: string): string {
  return mustNotBeShown(recipient) ? SECRET_PLACEHOLDER : recipient;
}

const SECRET_PATTERNS: RegExp[] = [
  /AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]*/gi,
  /AGE-PLUGIN-[0-9A-Z-]*1[0-9A-Z]*/gi,
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?(?:-----END PGP PRIVATE KEY BLOCK-----|$)/g,
];

/** Replace anything that looks like key material with a placeholder. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) out = out.replace(re, '[redacted]');
  return out;
}

/** A long recipient (post-quantum ones are ~2000 characters) abbreviated for messages. */
export function shortRecipient(recipient: string): string {
  if (mustNotBeShown(recipient)) return SECRET_PLACEHOLDER;
  return recipient.length <= 80 ? recipient : `${recipient.slice(0, 24)}…${recipient.slice(-12)}`;
}
