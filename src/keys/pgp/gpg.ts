/**
 * Running GnuPG for PGP master keys, as sops' `pgp/keysource.go` does with the gpg binary:
 * `gpg --use-agent -d` for the data key, `gpg --encrypt -a -r FP` for a new `enc`, with the
 * user's GNUPGHOME, gpg-agent and pinentry. The binary is `gpg`, or `SOPS_GPG_EXEC`.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { TsopsError } from '../../errors.js';
import type { Io, RunResult } from '../../io/types.js';
import { redactSecrets } from '../secret-guard.js';

export const SOPS_GPG_EXEC = 'SOPS_GPG_EXEC';
/** Seconds a gpg run may take when no terminal is attached (no person can answer a pinentry). */
export const TSOPS_GPG_TIMEOUT = 'TSOPS_GPG_TIMEOUT';
const DEFAULT_TIMEOUT_SECONDS = 120;

/** What the data-key code needs to wrap and unwrap for PGP keys. */
export interface PgpService {
  /** The armored PGP message of `payload` encrypted to `fingerprint`'s public key. */
  encrypt(fingerprint: string, payload: Uint8Array): Promise<string>;
  /** The payload an armored `enc` holds, decrypted with the secret key in the keyring. */
  decrypt(fingerprint: string, enc: string): Promise<Uint8Array>;
  /** The time written as `created_at`. */
  now(): Date;
}

/** Why a gpg run failed, sorted from its status lines and messages for a useful hint. */
export type GpgFailure = 'no-secret-key' | 'no-public-key' | 'agent' | 'other';

/** Classify gpg's stderr; status lines (`[GNUPG:] …`) are checked first, then its messages. */
export function classifyGpgError(stderr: string): GpgFailure {
  // a failed pinentry also ends in "No secret key", so the agent's reasons come first
  if (/public key decryption failed|pinentry|agent|Inappropriate ioctl|Operation cancelled|Bad passphrase|No passphrase given/i.test(stderr)) {
    return 'agent';
  }
  if (/\[GNUPG:\] NO_SECKEY\b|No secret key/.test(stderr)) return 'no-secret-key';
  if (/\[GNUPG:\] INV_RECP\b|No public key/.test(stderr)) return 'no-public-key';
  return 'other';
}

/** gpg's own messages, without status lines, on one line, bounded (never key material: gpg prints none). */
export function gpgMessages(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('[GNUPG:]'));
  // gpg prints no key material; a wrapper named by SOPS_GPG_EXEC might, so it is redacted anyway
  const text = redactSecrets(lines.join('; '));
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** sops' shortenFingerprint: the last 16 hex digits (the long key id). */
export function shortFingerprint(fp: string): string {
  return fp.length > 16 ? fp.slice(fp.length - 16) : fp;
}

/**
 * The GnuPG home gpg uses, for messages: `$GNUPGHOME`, else `~/.gnupg`. gpg finds it itself
 * (sops passes `--homedir` only for a key service's own home).
 */
export function gnupgHome(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env['GNUPGHOME'];
  if (dir !== undefined && dir !== '') return dir;
  return path.join(env['HOME'] || os.homedir(), '.gnupg');
}

/** The gpg binary: `SOPS_GPG_EXEC` when set, else `gpg` from PATH. */
export function gpgBinary(env: Readonly<Record<string, string | undefined>>): string {
  const b = env[SOPS_GPG_EXEC];
  return b !== undefined && b !== '' ? b : 'gpg';
}

/** GnuPG through the Io's child processes. */
export class GnuPG implements PgpService {
  constructor(private readonly io: Io) {}

  now(): Date {
    return this.io.now();
  }

  /**
   * No limit while a person may be answering a pinentry on the terminal; otherwise a generous
   * one (TSOPS_GPG_TIMEOUT seconds), so a pinentry nobody can see does not hang a script.
   */
  private timeoutMs(): number | undefined {
    if (this.io.stdinIsTTY || this.io.stderr.isTTY) return undefined;
    const raw = this.io.env[TSOPS_GPG_TIMEOUT];
    const n = raw === undefined || raw === '' ? NaN : Number(raw);
    return (Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  private async exec(args: string[], input: Uint8Array, fingerprint: string, doing: string): Promise<RunResult> {
    const binary = gpgBinary(this.io.env);
    const argv = [binary, ...args];
    const limit = this.timeoutMs();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      const run = await this.io.run(argv, {
        env: this.io.env,
        input,
        onSpawn: (child) => {
          if (limit === undefined) return;
          timer = setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, limit);
        },
      });
      if (timedOut) {
        throw new TsopsError('GENERIC', `gpg did not finish ${doing} for the pgp key ${fingerprint} within ${limit! / 1000} s`, {
          hint: `a pinentry may be waiting with no terminal to show it; run in a terminal with GPG_TTY=$(tty), or raise ${TSOPS_GPG_TIMEOUT}`,
        });
      }
      return run;
    } catch (e) {
      if (e instanceof TsopsError) throw e;
      const code = (e as { code?: unknown }).code;
      const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : 'could not be run';
      throw new TsopsError('GENERIC', `gpg (${JSON.stringify(binary)}) ${why}, needed for the pgp key ${fingerprint}: install GnuPG or set ${SOPS_GPG_EXEC} to the gpg binary`, {
        cause: e,
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  async encrypt(fingerprint: string, payload: Uint8Array): Promise<string> {
    const args = [
      '--batch',
      '--status-fd',
      '2',
      '--no-default-recipient',
      '--yes',
      '--encrypt',
      '-a',
      '-r',
      fingerprint,
      '--trusted-key',
      shortFingerprint(fingerprint),
      '--no-encrypt-to',
    ];
    const run = await this.exec(args, payload, fingerprint, 'encrypting');
    const stderr = Buffer.from(run.stderr).toString('utf8');
    const armored = Buffer.from(run.stdout).toString('utf8').trim();
    if (run.code !== 0 || !armored.startsWith('-----BEGIN PGP MESSAGE-----')) {
      const kind = classifyGpgError(stderr);
      throw new TsopsError('GENERIC', `could not encrypt data key with PGP key ${fingerprint}: ${gpgMessages(stderr) || `gpg exit status ${run.code}`}`, {
        hint:
          kind === 'no-public-key'
            ? `import the public key ${fingerprint} into the keyring at ${gnupgHome(this.io.env)} (gpg --import), or set GNUPGHOME`
            : 'check that gpg can encrypt to this key: gpg --encrypt -r FINGERPRINT',
      });
    }
    return armored;
  }

  async decrypt(fingerprint: string, enc: string): Promise<Uint8Array> {
    const run = await this.exec(['--use-agent', '--status-fd', '2', '-d'], Buffer.from(enc, 'utf8'), fingerprint, 'decrypting');
    if (run.code === 0) return run.stdout;
    const stderr = Buffer.from(run.stderr).toString('utf8');
    const kind = classifyGpgError(stderr);
    const what =
      kind === 'no-secret-key' ? 'no secret key for it in the keyring'
      : kind === 'agent' ? 'gpg-agent or pinentry failed (for a pinentry on this terminal: export GPG_TTY=$(tty))'
      : 'gpg failed';
    throw new TsopsError(
      'NO_IDENTITY',
      `failed to decrypt sops data key with pgp key ${fingerprint}: ${what}: ${gpgMessages(stderr) || `gpg exit status ${run.code}`}`,
    );
  }
}
