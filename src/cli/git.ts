import type { Command } from 'commander';
import { Option } from 'commander';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { str } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerGit(program: Command, io: Io): void {
  const git = program.command('git').description('git integration: plaintext diffs and value-wise merges of sops files');
  const setup = git
    .command('setup')
    .description("wire this repository's diff and merge drivers for PATTERNs (default: from .sops.yaml rules)")
    .argument('[patterns...]');
  addGlobalOptions(setup).action(async (patterns: string[], _o: unknown, self: Command) => {
    await (await load.gitSetup()).gitSetupCommand(contextFor(io, self), { patterns });
  });
  const textconv = git.command('textconv').description('print the plaintext of a sops file, any other file as it is (diff driver)').argument('<file>');
  addGlobalOptions(textconv).action(async (file: string, _o: unknown, self: Command) => {
    await (await load.gitTextconv()).textconvCommand(contextFor(io, self), file);
  });
  const merge = git
    .command('merge-driver')
    .description('merge sops files value by value (git merge driver: %O %A %B %P)')
    .argument('<base>')
    .argument('<ours>')
    .argument('<theirs>')
    .argument('<path>');
  addGlobalOptions(merge).action(async (base: string, ours: string, theirs: string, path: string, _o: unknown, self: Command) => {
    await (await load.gitMerge()).mergeDriverCommand(contextFor(io, self), { base, ours, theirs, path });
  });
}

export function registerRecipients(program: Command, io: Io): void {
  const cmd = program
    .command('recipients')
    .description('list who can open each FILE (key groups, names, key types), without decrypting it')
    .argument('<files...>')
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'));
  addGlobalOptions(cmd);
  cmd.action(async (files: string[], _o: unknown, self: Command) => {
    await (await load.recipients()).recipientsCommand(contextFor(io, self), { files, inputType: str(self.opts(), 'inputType') });
  });
}
