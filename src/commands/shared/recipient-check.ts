/**
 * Recipients in a file's metadata that nobody with the key put there. The metadata is not
 * covered by the MAC, so anyone who can commit can add `- recipient: age1… enc: ''`; sops keeps
 * it silently and the owner's next rotate wraps the new data key for it. tsops names them.
 */
import type { Metadata } from '../../core/metadata.js';
import { armorDecode } from '../../keys/age/armor.js';
import { SECRET_PLACEHOLDER, mustNotBeShown } from '../../keys/secret-guard.js';

const AGE_HEADER = 'age-encryption.org/v1\n';

/** A recipient as a message may quote it: escaped, cut at 120 characters, and never a pasted secret key. */
export function quotedRecipient(recipient: string): string {
  if (mustNotBeShown(recipient)) return SECRET_PLACEHOLDER;
  return JSON.stringify(recipient.length > 120 ? `${recipient.slice(0, 120)}…` : recipient);
}

/** Whether an age key's `enc` is an armored age file (what sops and tsops always write). */
export function isWellFormedAgeEnc(enc: string): boolean {
  if (enc.trim() === '') return false;
  try {
    const file = armorDecode(enc);
    return Buffer.from(file.subarray(0, AGE_HEADER.length)).toString('latin1') === AGE_HEADER;
  } catch {
    return false;
  }
}

/** The age keys whose `enc` is missing or malformed, with their group number (1-based). */
export function agekeysWithoutEnc(metadata: Metadata): Array<{ group: number; recipient: string }> {
  const out: Array<{ group: number; recipient: string }> = [];
  metadata.keyGroups.forEach((g, i) => {
    for (const k of g) {
      if (k.type === 'age' && !isWellFormedAgeEnc(k.enc)) out.push({ group: i + 1, recipient: k.recipient });
    }
  });
  return out;
}

/** One warning per such recipient; an injected one would receive the next data key. */
export function warnRecipientsWithoutEnc(warn: (message: string) => void, name: string, metadata: Metadata): void {
  const where = name === '' ? '' : `${name}: `;
  for (const k of agekeysWithoutEnc(metadata)) {
    warn(
      `${where}age recipient ${quotedRecipient(k.recipient)} in key group ${k.group} has no valid enc: ` +
        'no tool wrote it so; it may have been added by hand and would receive the next data key',
    );
  }
}
