import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor, parseIntOption } from './global-options.js';
import { bool, num, str } from './shared-options.js';
import { foreignKeyOptions } from './sops-flags.js';
import { load } from './command-loaders.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function commonOptions(cmd: Command): Command {
  cmd
    .option('-f, --file <file>', 'the sops file to change')
    .option('-i, --in-place', 'write the result back to the file (atomically) instead of stdout')
    .option(
      '--shamir-secret-sharing-threshold <n>',
      'number of key groups needed to decrypt',
      parseIntOption('--shamir-secret-sharing-threshold'),
    );
  return addGlobalOptions(cmd);
}

export function registerGroups(program: Command, io: Io): void {
  const groups = program.command('groups').description('add or delete key groups of a sops file');
  const add = groups.command('add').description('add a key group of age recipients; the data key is kept');
  add.option('--age <recipients>', 'age recipients of the new group (repeatable, or comma-separated)', collect);
  foreignKeyOptions(add);
  add.option('--pgp <fingerprints>', 'PGP fingerprints of the new group (repeatable, or comma-separated)', collect);
  commonOptions(add).action(async (_o: unknown, self: Command) => {
    const o = self.opts();
    await (await load.groups()).groupsAddCommand(contextFor(io, self), {
      file: str(o, 'file'),
      inPlace: bool(o, 'inPlace'),
      threshold: num(o, 'shamirSecretSharingThreshold'),
      age: (o['age'] as string[] | undefined) ?? [],
      pgp: (o['pgp'] as string[] | undefined) ?? [],
    });
  });
  const del = groups.command('delete').description('delete the key group at a 0-based index; the data key is kept').argument('[index]');
  commonOptions(del).action(async (index: string | undefined, _o: unknown, self: Command) => {
    const o = self.opts();
    await (await load.groups()).groupsDeleteCommand(contextFor(io, self), {
      file: str(o, 'file'),
      inPlace: bool(o, 'inPlace'),
      threshold: num(o, 'shamirSecretSharingThreshold'),
      index,
    });
  });
}
