/** Option groups shared by several commands, and their conversion to typed options. */
import { Option, type Command } from 'commander';
import type { SelectorFlags } from '../commands/shared/key-rules.js';
import type { InputOptions, OutputOptions } from '../commands/shared/files.js';
import { parseIntOption } from './global-options.js';
import { foreignKeyOptions } from './sops-flags.js';

export function selectorOptions(cmd: Command): Command {
  return cmd
    .option('--unencrypted-suffix <suffix>', 'leave values clear under keys ending with this (default _unencrypted)')
    .option('--encrypted-suffix <suffix>', 'encrypt only values under keys ending with this')
    .option('--unencrypted-regex <re>', 'leave values clear under keys matching this')
    .option('--encrypted-regex <re>', 'encrypt only values under keys matching this')
    .option('--unencrypted-comment-regex <re>', 'leave values clear after comments matching this')
    .option('--encrypted-comment-regex <re>', 'encrypt only values after comments matching this');
}

export function selectorFlags(o: Record<string, unknown>): SelectorFlags {
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return {
    unencrypted_suffix: s('unencryptedSuffix'),
    encrypted_suffix: s('encryptedSuffix'),
    unencrypted_regex: s('unencryptedRegex'),
    encrypted_regex: s('encryptedRegex'),
    unencrypted_comment_regex: s('unencryptedCommentRegex'),
    encrypted_comment_regex: s('encryptedCommentRegex'),
  };
}

export function keyOptions(cmd: Command): Command {
  foreignKeyOptions(cmd);
  return cmd
    .option('-a, --age <recipients>', 'comma-separated age recipients (env SOPS_AGE_RECIPIENTS); overrides .sops.yaml keys')
    .option('-p, --pgp <fingerprints>', 'comma-separated PGP fingerprints (env SOPS_PGP_FP); overrides .sops.yaml keys')
    .option('--shamir-secret-sharing-threshold <n>', 'number of key groups needed to decrypt', parseIntOption('--shamir-secret-sharing-threshold'))
    .option('--mac-only-encrypted', 'compute the MAC over encrypted values only');
}

/** `--accept-legacy-mac`, on every command that re-encrypts an existing file. */
export function acceptLegacyMacOption(cmd: Command): Command {
  return cmd.option('--accept-legacy-mac', 're-encrypt a file whose MAC matches only the sops 3.13.2 rule, once its list comments are checked');
}

export function outputOptions(cmd: Command): Command {
  return cmd
    .option('-i, --in-place', 'write the result back to the file (atomically)')
    .option('--output <path>', 'write the result to this file instead of stdout');
}

export function str(o: Record<string, unknown>, k: string): string | undefined {
  return typeof o[k] === 'string' ? (o[k] as string) : undefined;
}

export function bool(o: Record<string, unknown>, k: string): boolean | undefined {
  return o[k] === true ? true : undefined;
}

export function num(o: Record<string, unknown>, k: string): number | undefined {
  return typeof o[k] === 'number' ? (o[k] as number) : undefined;
}

/** The input and output flags every file command shares (`[file]`, types, -i, --output). */
export function fileOptionsFrom(o: Record<string, unknown>, file: string | undefined): InputOptions & OutputOptions {
  return {
    file,
    filenameOverride: str(o, 'filenameOverride'),
    inputType: str(o, 'inputType'),
    outputType: str(o, 'outputType'),
    inPlace: bool(o, 'inPlace'),
    output: str(o, 'output'),
  };
}

export function inputTypeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'))
    .addOption(new Option('--output-type <type>', 'output format: yaml, json, dotenv, ini or binary (default: by extension)'));
}
