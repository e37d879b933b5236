/**
 * sops' flag mode (spec §8.3): `tsops -e FILE`, `tsops -d FILE`, `tsops -r FILE`,
 * `tsops --set '["k"] "v"' FILE`; no mode flag means edit.
 */
import type { Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io.js';
import { contextFor, inputTypeOptions } from './program.js';
import { encryptOptionsFrom } from './encrypt.js';
import { decryptOptionsFrom } from './decrypt.js';
import { recipientChangeOptions, rotateOptionsFrom } from './rotate.js';
import { keyOptions, outputOptions, selectorOptions } from './shared-options.js';
import { editOnlyOptions, editOptionsFrom } from './edit.js';

// Command modules load on use, so a run pays only for the command it runs.
const loadEncrypt = () => import('../commands/encrypt.js');
const loadDecrypt = () => import('../commands/decrypt.js');
const loadRotate = () => import('../commands/rotate.js');
const loadEdit = () => import('../commands/edit.js');
const loadSet = () => import('../commands/set.js');
const loadSetValue = () => import('../commands/set-value.js');

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
      (await loadRotate()).refuseKeyChangeOnMissingFile(ctx, file, true, true);
    }
    // As in sops, the last of -e/-d/-r/--set wins when several are given.
    if (typeof o['set'] === 'string') {
      const { path, value } = (await loadSetValue()).parseLegacySet(o['set']);
      const types = { inputType: o['inputType'] as string | undefined, outputType: o['outputType'] as string | undefined };
      return (await loadSet()).setValueInFile(ctx, { file, ...types, ignoreMac: o['ignoreMac'] === true, acceptLegacyMac: o['acceptLegacyMac'] === true }, path, value);
    }
    if (o['rotate']) return (await loadRotate()).rotateCommand(ctx, { ...rotateOptionsFrom(o, file), legacy: true });
    if (o['decrypt']) return (await loadDecrypt()).decryptCommand(ctx, decryptOptionsFrom(o, file));
    if (o['encrypt']) return (await loadEncrypt()).encryptCommand(ctx, encryptOptionsFrom(o, file));
    return (await loadEdit()).editCommand(ctx, editOptionsFrom(o, file));
  });
}
