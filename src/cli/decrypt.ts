import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { DecryptOptions } from '../commands/decrypt.js';
import { addGlobalOptions, contextFor, inputTypeOptions } from './program.js';
import { bool, outputOptions, str } from './shared-options.js';

// Command modules load on use, so a run pays only for the command it runs.
const loadDecrypt = () => import('../commands/decrypt.js');

export function decryptOptionsFrom(o: Record<string, unknown>, file: string | undefined): DecryptOptions {
  return {
    file,
    filenameOverride: str(o, 'filenameOverride'),
    inputType: str(o, 'inputType'),
    outputType: str(o, 'outputType'),
    inPlace: bool(o, 'inPlace'),
    output: str(o, 'output'),
    extract: str(o, 'extract'),
    ignoreMac: bool(o, 'ignoreMac'),
  };
}

export function registerDecrypt(program: Command, io: Io): void {
  const cmd = program.command('decrypt').description('decrypt a file (stdin when no file is given)').argument('[file]');
  outputOptions(cmd);
  inputTypeOptions(cmd);
  cmd
    .option('--extract <path>', `print one value, e.g. '["db"]["password"]'`)
    .option('--ignore-mac', 'do not verify the MAC (values are still authenticated)')
    .option('--filename-override <path>', 'the path that decides the format');
  addGlobalOptions(cmd);
  cmd.action(async (file: string | undefined, _o: unknown, self: Command) => {
    await (await loadDecrypt()).decryptCommand(contextFor(io, self), decryptOptionsFrom(self.opts(), file));
  });
}
