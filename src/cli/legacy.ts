/**
 * sops' flag mode (spec §8.3): `tsops -e FILE`, `tsops -d FILE`, `tsops -r FILE`,
 * `tsops --set '["k"] "v"' FILE`; no mode flag means edit.
 */
import type { Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io.js';
import { encryptCommand } from '../commands/encrypt.js';
import { decryptCommand } from '../commands/decrypt.js';
import { contextFor, inputTypeOptions } from './program.js';
import { encryptOptionsFrom } from './encrypt.js';
import { decryptOptionsFrom } from './decrypt.js';
import { keyOptions, outputOptions, selectorOptions } from './shared-options.js';

export function registerLegacy(program: Command, io: Io): void {
  program
    .argument('[file]', 'file to edit (or to encrypt/decrypt with -e/-d)')
    .option('-e, --encrypt', 'encrypt the file (same as `tsops encrypt`)')
    .option('-d, --decrypt', 'decrypt the file (same as `tsops decrypt`)')
    .option('--extract <path>', 'with -d: print one value')
    .option('--ignore-mac', 'do not verify the MAC')
    .option('--filename-override <path>', 'the path that decides format and creation rule');
  outputOptions(program);
  keyOptions(program);
  selectorOptions(program);
  inputTypeOptions(program);
  program.action(async (file: string | undefined, _o: unknown, self: Command) => {
    const o = self.opts();
    const ctx = contextFor(io, self);
    if (file === undefined) {
      throw new TsopsError('NO_FILE', 'no file specified', { hint: 'run `tsops --help` for usage' });
    }
    // As in sops, the last of -e/-d wins when several are given.
    if (o['decrypt']) return decryptCommand(ctx, decryptOptionsFrom(o, file));
    if (o['encrypt']) return encryptCommand(ctx, encryptOptionsFrom(o, file));
    throw new TsopsError('UNSUPPORTED', 'editing is not available in this build', { hint: 'use -e or -d' });
  });
}
