/**
 * PGP master keys in a file's metadata (sops' `pgp: [{created_at, enc, fp}]`): built, read and
 * wrapped here. They stay `ForeignMasterKey`s with their raw fields, so a key tsops does not
 * touch is written back exactly as it was read.
 */
import type { ForeignMasterKey, MasterKey } from '../../core/keys-model.js';
import { getKey, newMap } from '../../core/tree.js';
import { TsopsError } from '../../errors.js';
import type { PgpService } from './gpg.js';

export type PgpMasterKey = ForeignMasterKey & { type: 'pgp' };

export function isPgpKey(key: MasterKey): key is PgpMasterKey {
  return key.type === 'pgp';
}

function field(key: ForeignMasterKey, name: string): string {
  const v = getKey(key.fields, name);
  return typeof v === 'string' ? v : '';
}

/** The key's fingerprint (`fp`), as sops' ToString gives it. */
export function pgpFingerprint(key: PgpMasterKey): string {
  return field(key, 'fp');
}

/** The key's armored `enc`; empty for a key that is still to be wrapped. */
export function pgpEnc(key: PgpMasterKey): string {
  return field(key, 'enc');
}

/** sops' NewMasterKeyFromFingerprint: spaces removed. */
export function normalizeFingerprint(fp: string): string {
  return fp.replaceAll(' ', '');
}

/**
 * Fingerprints from `--pgp` / `SOPS_PGP_FP` / `--add-pgp` / `--rm-pgp`: comma separated, as
 * sops' MasterKeysFromFingerprintString splits them (the empty string means none). Empty
 * elements are refused rather than handed to gpg.
 */
export function parseFingerprintList(s: string): string[] {
  if (s === '') return [];
  return s.split(',').map((item) => {
    const fp = normalizeFingerprint(item.trim());
    if (fp === '') {
      throw new TsopsError('INVALID_RECIPIENT', `empty fingerprint in comma-separated list ${JSON.stringify(s)}`, {
        hint: 'separate PGP fingerprints with single commas and no trailing comma',
      });
    }
    return fp;
  });
}

/** A PGP key to add: only its fingerprint, wrapped when the file is written. */
export function newPgpKey(fingerprint: string): PgpMasterKey {
  return { type: 'pgp', fields: newMap([{ key: 'fp', value: normalizeFingerprint(fingerprint) }]) };
}

/** Format a time as sops' `created_at` (RFC 3339, UTC, whole seconds). */
export function formatCreatedAt(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Wrap `payload` for the key's fingerprint: a fresh key with `created_at`, `enc` and `fp`, in sops' order. */
export async function wrapForPgp(pgp: PgpService, key: PgpMasterKey, payload: Uint8Array): Promise<PgpMasterKey> {
  const fp = pgpFingerprint(key);
  if (fp === '') throw new TsopsError('INVALID_METADATA', 'a pgp key has no fingerprint (fp)');
  const enc = await pgp.encrypt(fp, payload);
  return {
    type: 'pgp',
    fields: newMap([
      { key: 'created_at', value: formatCreatedAt(pgp.now()) },
      { key: 'enc', value: enc },
      { key: 'fp', value: fp },
    ]),
  };
}

/** The payload a PGP key's `enc` holds, through gpg. */
export async function unwrapPgp(pgp: PgpService, key: PgpMasterKey): Promise<Uint8Array> {
  const fp = pgpFingerprint(key);
  const enc = pgpEnc(key);
  if (enc === '') throw new TsopsError('INVALID_METADATA', `the pgp key ${fp} has no enc`);
  return pgp.decrypt(fp, enc);
}
