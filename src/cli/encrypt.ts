import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { EncryptOptions } from '../commands/encrypt.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { bool, keyOptions, num, outputOptions, selectorFlags, selectorOptions, str, fileOptionsFrom, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function encryptOptionsFrom(o: Record<string, unknown>, file: string | undefined): EncryptOptions {
  return {
    ...fileOptionsFrom(o, file),
    age: str(o, 'age'),
    pgp: str(o, 'pgp'),
    shamirSecretSharingThreshold: num(o, 'shamirSecretSharingThreshold'),
    macOnlyEncrypted: bool(o, 'macOnlyEncrypted'),
    ...selectorFlags(o),
  };
}

export function registerEncrypt(program: Command, io: Io): void {
  const cmd = program
    .command('encrypt')
    .description('encrypt files (stdin when no file is given); several files print one after another, or each in place with -i')
    .argument('[files...]');
  outputOptions(cmd);
  keyOptions(cmd);
  selectorOptions(cmd);
  inputTypeOptions(cmd);
  cmd.option('--filename-override <path>', 'the path that decides format and creation rule (required for stdin)');
  addGlobalOptions(cmd, ['decryption-order']);
  cmd.action(async (files: string[], _o: unknown, self: Command) => {
    const ctx = contextFor(io, self);
    const [{ encryptCommand }, { forEachFile }] = await Promise.all([load.encrypt(), load.manyFiles()]);
    await forEachFile(ctx, files, self.opts(), (file) => encryptCommand(ctx, encryptOptionsFrom(self.opts(), file)));
  });
}
