/**
 * Secret keys pasted where a recipient belongs (`--age`, SOPS_AGE_RECIPIENTS, `.sops.yaml`, a
 * file's metadata) must never be echoed back: messages name such a value only by what it is.
 */
import { TsopsError } from '../errors.js';

/** age identities (X25519, post-quantum, plugins) and PEM/OpenSSH private keys, in any case. */
const SECRET_MARKERS = /AGE-SECRET-KEY-|AGE-PLUGIN-|PRIVATE KEY-----/i;

/** Whether the text holds something that looks like secret key material. */
export function looksLikeSecretKey(text: string): boolean {
  return SECRET_MARKERS.test(text);
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
  return looksLikeSecretKey(recipient) ? SECRET_PLACEHOLDER : recipient;
}
