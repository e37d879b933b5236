/**
 * New age identities in the key-file format age-keygen writes:
 * `# created: <RFC 3339 local time>`, `# public key: age1…`, then the secret line.
 */
import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from 'age-encryption';

export interface AgeKeyFileOptions {
  /** A post-quantum hybrid (ML-KEM-768 + X25519) key instead of X25519. */
  pq: boolean;
  /** The creation time written in the header. */
  now: Date;
  /** Minutes east of UTC for the timestamp; defaults to the local zone at `now`. */
  utcOffsetMinutes?: number;
}

export interface AgeKeyFile {
  /** The key file contents, ending in a newline. Contains the secret: write it with mode 0600. */
  text: string;
  /** The `age1…` (or `age1pq1…`) recipient of the new key. */
  recipient: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Formats a time like Go's `time.RFC3339` in a fixed zone: `2006-01-02T15:04:05-07:00`, or `Z` for UTC. */
export function formatRfc3339(date: Date, utcOffsetMinutes: number): string {
  const t = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const stamp =
    `${String(t.getUTCFullYear()).padStart(4, '0')}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  if (utcOffsetMinutes === 0) return `${stamp}Z`;
  const abs = Math.abs(utcOffsetMinutes);
  return `${stamp}${utcOffsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Generates a new age identity and its key-file text. */
export async function generateAgeKeyFile(options: AgeKeyFileOptions): Promise<AgeKeyFile> {
  const identity = options.pq ? await generateHybridIdentity() : await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const offset = options.utcOffsetMinutes ?? -options.now.getTimezoneOffset();
  const text = `# created: ${formatRfc3339(options.now, offset)}\n# public key: ${recipient}\n${identity}\n`;
  return { text, recipient };
}
