/**
 * `tsops ssh-to-age` (as Mic92/ssh-to-age): SSH Ed25519 public keys become `age1…` recipients,
 * or with `--private-key` an OpenSSH Ed25519 private key becomes an `AGE-SECRET-KEY-1…`
 * identity, so sops-nix hosts can be listed in `.sops.yaml` by their SSH host keys.
 */
import { TsopsError, isTsopsError, messageOf } from '../errors.js';
import type { AskPassphrase } from '../keys/identity-source.js';
import { inspectSshPrivateKey } from '../keys/ssh/openssh-key.js';
import { convertPublicKeys, sshPrivateKeyToAgeIdentity } from '../keys/ssh/ssh-to-age.js';
import { terminalAskPassphrase } from '../keys/tty-passphrase.js';
import type { CommandContext } from './shared/context.js';

/** The passphrase of a protected private key, when not asked on the terminal. */
export const SSH_TO_AGE_PASSPHRASE = 'SSH_TO_AGE_PASSPHRASE';

export interface SshToAgeOptions {
  /** `-i`: the input file; stdin when undefined or `-`. */
  input?: string | undefined;
  /** `-o`: the output file; stdout when undefined or `-`. */
  output?: string | undefined;
  /** `-private-key`: convert a private key instead of public keys. */
  privateKey?: boolean | undefined;
}

export interface SshToAgeDeps {
  /** How to ask for a key's passphrase; the controlling terminal by default. */
  askPassphrase?: AskPassphrase;
}

/** `-` and an absent flag both mean the standard stream. */
const fileOrStd = (p: string | undefined): string | undefined => (p === undefined || p === '-' ? undefined : p);

async function readSource(ctx: CommandContext, input: string | undefined): Promise<Uint8Array> {
  if (input === undefined) return ctx.io.readStdin();
  const file = ctx.absolute(input);
  try {
    return ctx.io.readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') throw new TsopsError('NO_FILE', `cannot read non-existent file ${JSON.stringify(input)}`);
    throw new TsopsError('READ_INPUT', `could not read ${input}: ${messageOf(e)}`, { cause: e });
  }
}

/** Prefix a library error with the input it concerns, keeping its code and hint. */
function about(name: string, e: unknown): unknown {
  if (!isTsopsError(e)) return e;
  return new TsopsError(e.code, `${name}: ${e.message}`, { hint: e.hint, cause: e.cause, exitCode: e.exitCode });
}

/** The identity of a private key, asking for its passphrase when it has one. */
export async function convertPrivateKey(
  text: Uint8Array,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  askPassphrase: AskPassphrase,
): Promise<string> {
  let passphrase: string | undefined;
  try {
    if (inspectSshPrivateKey(text).encrypted) {
      passphrase = env[SSH_TO_AGE_PASSPHRASE] ?? (await askPassphrase(`Enter passphrase for ${JSON.stringify(name)}:`));
    }
    return sshPrivateKeyToAgeIdentity(text, passphrase);
  } catch (e) {
    throw about(name, e);
  }
}

export async function sshToAgeCommand(ctx: CommandContext, options: SshToAgeOptions, deps: SshToAgeDeps = {}): Promise<void> {
  const input = fileOrStd(options.input);
  const name = input ?? '<stdin>';
  const source = await readSource(ctx, input);
  let out: string;
  if (options.privateKey) {
    const ask = deps.askPassphrase ?? terminalAskPassphrase(ctx.io);
    out = `${await convertPrivateKey(source, name, ctx.io.env, ask)}\n`;
  } else {
    let converted;
    try {
      converted = convertPublicKeys(Buffer.from(source).toString('utf8'));
    } catch (e) {
      throw about(name, e);
    }
    for (const note of converted.skipped) ctx.io.stderr.write(`tsops: ${name}: ${note}\n`);
    if (converted.recipients.length === 0) {
      throw new TsopsError('INVALID_RECIPIENT', `${name}: no ssh-ed25519 public key found`, {
        hint: 'give authorized_keys, known_hosts or ssh-keyscan lines; only ssh-ed25519 keys convert',
      });
    }
    out = converted.recipients.map((r) => `${r}\n`).join('');
  }
  writeResult(ctx, out, fileOrStd(options.output), options.privateKey === true);
}

function writeResult(ctx: CommandContext, text: string, output: string | undefined, secret: boolean): void {
  if (output === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  const file = ctx.absolute(output);
  const before = ctx.io.fileMode(file);
  try {
    // 0600 for public keys too, like every file tsops creates; an existing file keeps its mode
    ctx.io.writeFileAtomic(file, Buffer.from(text, 'utf8'), 0o600);
  } catch (e) {
    throw new TsopsError('WRITE_OUTPUT', `could not write ${output}: ${messageOf(e)}`, { cause: e });
  }
  // an existing file keeps its mode: say so when that leaves a secret readable by others
  if (secret && before !== undefined && (before & 0o077) !== 0) {
    ctx.warn(`${output} is readable by other users (mode ${before.toString(8).padStart(4, '0')}); consider chmod 600`);
  }
}
