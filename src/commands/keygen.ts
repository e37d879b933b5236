/**
 * `tsops keygen` (as age-keygen): a new age identity in the key-file format, to stdout or to a
 * new file with mode 0600; the public key goes to stderr.
 */
import { TsopsError, messageOf } from '../errors.js';
import { generateAgeKeyFile } from '../keys/age/keygen.js';
import type { CommandContext } from './shared/context.js';

export interface KeygenOptions {
  /** `-o`: a file to create (never overwritten); stdout when undefined or `-`. */
  output?: string | undefined;
  /** `--pq`: a post-quantum hybrid (ML-KEM-768 + X25519) identity. */
  pq?: boolean | undefined;
}

/** Generates the key and writes it; returns the new recipient. */
export async function keygenCommand(ctx: CommandContext, options: KeygenOptions): Promise<string> {
  const output = options.output === '-' ? undefined : options.output;
  const file = output === undefined ? undefined : ctx.absolute(output);
  if (file !== undefined && ctx.io.exists(file)) {
    throw new TsopsError('WRITE_OUTPUT', `refusing to overwrite existing file ${output}`, {
      hint: 'choose another path, or remove the file first if its key is no longer needed',
    });
  }
  const key = await generateAgeKeyFile({ pq: options.pq === true, now: ctx.io.now() });
  if (file === undefined) {
    ctx.io.stdout.write(key.text);
  } else {
    try {
      ctx.io.writeFileAtomic(file, Buffer.from(key.text, 'utf8'), 0o600);
    } catch (e) {
      throw new TsopsError('WRITE_OUTPUT', `could not write ${output}: ${messageOf(e)}`, { cause: e });
    }
  }
  ctx.io.stderr.write(`Public key: ${key.recipient}\n`);
  return key.recipient;
}
