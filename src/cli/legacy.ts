/**
 * sops' flag mode (spec §8.3): `tsops -e FILE`, `tsops -d FILE`, `tsops -r FILE`,
 * `tsops --set '["k"] "v"' FILE`; no mode flag means edit.
 */
import type { Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { contextFor } from './global-options.js';
import { encryptOptionsFrom } from './encrypt.js';
import { decryptOptionsFrom } from './decrypt.js';
import { recipientChangeOptions, rotateOptionsFrom } from './rotate.js';
import { keyOptions, outputOptions, selectorOptions, inputTypeOptions } from './shared-options.js';
import { editOnlyOptions, editOptionsFrom } from './edit.js';
import { load } from './command-loaders.js';

export function registerLegacy(program: Command, io: Io): void {
  program
    .argument('[file]', 'file to edit (or to encrypt/decrypt with -e/-d)')
    .option('-e, --encrypt', 'encrypt the file (same as `tsops encrypt`)')
    .option('-d, --decrypt', 'decrypt the file (same as `tsops decrypt`)')
    .option('-r, --rotate', 'give the file a new data key (same as `tsops rotate`)')
    .option('--extract <path>', 'with -d: print one value')
    .option('--ignore-mac', 'do not verify the MAC')
    .option('--filename-override <path>', 'the path that decides format and creation rule')
    .option('--set <index-and-value>', `set one value in place, e.g. --set '["key"] "value"'`);
  editOnlyOptions(program);
  outputOptions(program);
  keyOptions(program);
  selectorOptions(program);
  inputTypeOptions(program);
  recipientChangeOptions(program);
  program.action(async (file: string | undefined, _o: unknown, self: Command) => {
    const o = self.opts();
    const ctx = contextFor(io, self);
    if (file === undefined) {
      throw new TsopsError('NO_FILE', 'no file specified', { hint: 'run `tsops --help` for usage' });
    }
    if (o['addAge'] !== undefined || o['rmAge'] !== undefined || o['addPgp'] !== undefined || o['rmPgp'] !== undefined) {
      (await load.rotate()).refuseKeyChangeOnMissingFile(ctx, file, true, true);
    }
    // As in sops, the last of -e/-d/-r/--set wins when several are given.
    if (typeof o['set'] === 'string') {
      const { path, value } = (await load.setValue()).parseLegacySet(o['set']);
      const types = { inputType: o['inputType'] as string | undefined, outputType: o['outputType'] as string | undefined };
      return (await load.set()).setValueInFile(ctx, { file, ...types, ignoreMac: o['ignoreMac'] === true, acceptLegacyMac: o['acceptLegacyMac'] === true }, path, value);
    }
    if (o['rotate']) return (await load.rotate()).rotateCommand(ctx, { ...rotateOptionsFrom(o, file), legacy: true });
    if (o['decrypt']) return (await load.decrypt()).decryptCommand(ctx, decryptOptionsFrom(o, file));
    if (o['encrypt']) return (await load.encrypt()).encryptCommand(ctx, encryptOptionsFrom(o, file));
    return (await load.edit()).editCommand(ctx, editOptionsFrom(o, file));
  });
}
