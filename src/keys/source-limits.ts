/**
 * Bounds on identity sources, so a key file that never ends (`SOPS_AGE_KEY_FILE=/dev/zero`) or a
 * key command that never returns cannot hang tsops or exhaust its memory.
 */
import type { Io } from '../io/types.js';

/**
 * The largest key file (SOPS_AGE_KEY_FILE, the default keys.txt, SSH private keys) and key
 * command output read. An X25519 identity with its comment lines is about 200 bytes and an RSA
 * SSH key at most ~13 KB, so 16 MiB holds tens of thousands of keys and still bounds memory.
 */
export const MAX_KEY_SOURCE_BYTES = 16 * 1024 * 1024;

/**
 * How long SOPS_AGE_KEY_CMD / SOPS_AGE_SSH_PRIVATE_KEY_CMD may run. The command may ask a person
 * (a pinentry passphrase, a hardware token's touch), so the limit is generous; a command that
 * needs longer can be given more with TSOPS_KEY_COMMAND_TIMEOUT (seconds).
 */
export const DEFAULT_KEY_COMMAND_TIMEOUT_MS = 60_000;
export const KEY_COMMAND_TIMEOUT_ENV = 'TSOPS_KEY_COMMAND_TIMEOUT';

/** The key command time limit in milliseconds: the environment's, if it is a positive number of seconds. */
export function keyCommandTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const v = env[KEY_COMMAND_TIMEOUT_ENV];
  if (v !== undefined && /^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0) return Math.round(Number(v) * 1000);
  return DEFAULT_KEY_COMMAND_TIMEOUT_MS;
}

/** "16 MiB", for messages. */
export function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The error a key file over the limit gives (code EFBIG, which describeReadError words). */
function tooLarge(): Error {
  return Object.assign(new Error(`larger than ${formatLimit(MAX_KEY_SOURCE_BYTES)}`), { code: 'EFBIG' });
}

/** Read at most MAX_KEY_SOURCE_BYTES of `p` (a device such as /dev/zero included); throws EFBIG beyond. */
export function readKeySource(io: Io, p: string): Uint8Array {
  return io.readFileUpTo(p, MAX_KEY_SOURCE_BYTES, tooLarge);
}
