import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { DecryptOptions } from '../commands/decrypt.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { bool, outputOptions, str, fileOptionsFrom, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function decryptOptionsFrom(o: Record<string, unknown>, file: string | undefined): DecryptOptions {
  return {
    ...fileOptionsFrom(o, file),
    extract: str(o, 'extract'),
    ignoreMac: bool(o, 'ignoreMac'),
  };
}

export function registerDecrypt(program: Command, io: Io): void {
  const cmd = program
    .command('decrypt')
    .description('decrypt files (stdin when no file is given); several files print one after another, or each in place with -i')
    .argument('[files...]');
  outputOptions(cmd);
  inputTypeOptions(cmd);
  cmd
    .option('--extract <path>', `print one value, e.g. '["db"]["password"]'`)
    .option('--ignore-mac', 'do not verify the MAC (values are still authenticated)')
    .option('--filename-override <path>', 'the path that decides the format');
  addGlobalOptions(cmd);
  cmd.action(async (files: string[], _o: unknown, self: Command) => {
    const [{ decryptCommand }, { forEachFile }] = await Promise.all([load.decrypt(), load.manyFiles()]);
    const ctx = contextFor(io, self);
    await forEachFile(ctx, files, self.opts(), (file) => decryptCommand(ctx, decryptOptionsFrom(self.opts(), file)));
  });
}
