import { Option, type Command } from 'commander';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { acceptLegacyMacOption, bool, str } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerUpdateKeys(program: Command, io: Io): void {
  const cmd = program
    .command('updatekeys')
    .description(
      "make files' key groups match their creation rule in .sops.yaml, keeping the data key; " +
        'with no file, every sops file under the config directory',
    )
    .argument('[files...]')
    .option('-y, --yes', 'apply the changes without asking')
    .option('--all', 'sync every sops-encrypted file under the config directory that a creation rule matches (the default without files)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--rotate', 'also replace the data key of files that lose a recipient')
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'));
  acceptLegacyMacOption(cmd);
  addGlobalOptions(cmd);
  cmd.action(async (files: string[], _o: unknown, self: Command) => {
    const o = self.opts();
    await (await load.updatekeys()).updateKeysCommand(contextFor(io, self), {
      files,
      all: bool(o, 'all'),
      yes: bool(o, 'yes'),
      dryRun: bool(o, 'dryRun'),
      rotate: bool(o, 'rotate'),
      acceptLegacyMac: bool(o, 'acceptLegacyMac'),
      inputType: str(o, 'inputType'),
    });
  });
}
