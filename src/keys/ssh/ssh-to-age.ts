/**
 * The ssh-to-age conversion: an Ed25519 SSH key becomes an ordinary X25519 age key. The public
 * key is the Montgomery form of the Edwards point; the secret is the first 32 bytes of
 * SHA-512(seed), unclamped (X25519 clamps when it uses it). Files encrypted to the converted
 * `age1…` recipient carry plain `X25519` stanzas, which is what sops-nix relies on.
 */
import { bech32 } from '@scure/base';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { TsopsError, messageOf } from '../../errors.js';
import { parseOpenSshPrivateKey } from './openssh-key.js';
import { encodeAgeRecipient } from '../age/x25519.js';
import { findSshPublicKeyInLine, parseSshPublicKeyLine } from './wire.js';

/** The X25519 public key (Montgomery u) of an Ed25519 public key. */
export function ed25519PublicKeyToX25519(publicKey: Uint8Array): Uint8Array {
  try {
    return ed25519.utils.toMontgomery(publicKey);
  } catch (e) {
    throw new TsopsError('INVALID_RECIPIENT', 'invalid ssh-ed25519 public key: not a point on the curve', { cause: e });
  }
}

/** The X25519 secret of an Ed25519 seed: the first 32 bytes of SHA-512(seed), unclamped. */
export function ed25519SeedToX25519Secret(seed: Uint8Array): Uint8Array {
  return sha512(seed).slice(0, 32);
}

export { encodeAgeRecipient };

/** Encodes a 32-byte X25519 secret as an `AGE-SECRET-KEY-1…` identity. */
export function encodeAgeIdentity(secret: Uint8Array): string {
  return bech32.encode('AGE-SECRET-KEY-', bech32.toWords(secret), false).toUpperCase();
}

/**
 * Converts one `ssh-ed25519 AAAA… comment` line (authorized_keys, known_hosts or keyscan form)
 * to the `age1…` recipient of its converted X25519 key.
 * @throws TsopsError `INVALID_RECIPIENT` for a line without a key, `UNSUPPORTED` for other key types.
 */
export function sshPublicKeyToAgeRecipient(line: string): string {
  const { key } = parseSshPublicKeyLine(line);
  if (key.kind !== 'ed25519') {
    throw new TsopsError('UNSUPPORTED', `cannot convert a ${key.type} key to an age recipient: only ssh-ed25519 keys convert`, {
      hint: 'use the ssh key itself as the recipient, or an ed25519 key',
    });
  }
  return encodeAgeRecipient(ed25519PublicKeyToX25519(key.key));
}

/** The result of converting a file of public keys. */
export interface ConvertedPublicKeys {
  /** One `age1…` recipient per ssh-ed25519 key, in file order. */
  recipients: string[];
  /** One line per key that was not converted, saying which line and why. */
  skipped: string[];
}

/**
 * Converts every ssh-ed25519 key in authorized_keys, known_hosts or `ssh-keyscan` output.
 * Blank lines and `#` comments are ignored; host fields, authorized_keys options and known_hosts
 * markers before the key are allowed. Other key types and `@revoked` entries are skipped with a
 * reason, as ssh-to-age does for non-ed25519 keys.
 * @throws TsopsError `INVALID_RECIPIENT` naming the line when a line holds no public key.
 */
export function convertPublicKeys(text: string): ConvertedPublicKeys {
  const recipients: string[] = [];
  const skipped: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${i + 1}`;
    let found;
    try {
      found = findSshPublicKeyInLine(line);
    } catch (e) {
      throw new TsopsError('INVALID_RECIPIENT', `${where}: ${messageOf(e)}`, { cause: e });
    }
    if (found === undefined) {
      throw new TsopsError('INVALID_RECIPIENT', `${where}: no ssh public key found`, {
        hint: 'expected authorized_keys, known_hosts or ssh-keyscan lines',
      });
    }
    const host = found.prefix === '' ? '' : ` (${found.prefix})`;
    if (found.marker === '@revoked') {
      skipped.push(`${where}: skipped revoked ${found.key.type} key${host}`);
    } else if (found.key.kind !== 'ed25519') {
      skipped.push(`${where}: skipped ${found.key.type} key${host}: only ssh-ed25519 keys convert to age recipients`);
    } else {
      try {
        recipients.push(encodeAgeRecipient(ed25519PublicKeyToX25519(found.key.key)));
      } catch (e) {
        throw new TsopsError('INVALID_RECIPIENT', `${where}: ${messageOf(e)}`, { cause: e });
      }
    }
  }
  return { recipients, skipped };
}

/**
 * Converts an Ed25519 SSH private key (OpenSSH or PKCS#8 PEM, optionally passphrase-protected)
 * to the `AGE-SECRET-KEY-1…` identity of its converted X25519 key.
 * @throws TsopsError `UNSUPPORTED` for RSA and other key types; see {@link parseOpenSshPrivateKey}.
 */
export function sshPrivateKeyToAgeIdentity(pem: string | Uint8Array, passphrase?: string): string {
  const key = parseOpenSshPrivateKey(pem, passphrase);
  if (key.kind !== 'ed25519') {
    const message = `cannot convert an ${key.kind} private key to an age identity: only ed25519 keys convert`;
    throw new TsopsError('UNSUPPORTED', message, {
      hint: 'use the ssh key directly as an identity (SOPS_AGE_SSH_PRIVATE_KEY_FILE)',
    });
  }
  return encodeAgeIdentity(ed25519SeedToX25519Secret(key.seed));
}
