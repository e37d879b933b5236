import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { RotateOptions } from '../commands/rotate.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { acceptLegacyMacOption, bool, outputOptions, str, fileOptionsFrom, inputTypeOptions } from './shared-options.js';
import { foreignRotateOptions } from './sops-flags.js';
import { load } from './command-loaders.js';

export function rotateOptionsFrom(o: Record<string, unknown>, file: string | undefined): RotateOptions {
  return {
    ...fileOptionsFrom(o, file),
    addAge: str(o, 'addAge'),
    rmAge: str(o, 'rmAge'),
    addPgp: str(o, 'addPgp'),
    rmPgp: str(o, 'rmPgp'),
    ignoreMac: bool(o, 'ignoreMac'),
    acceptLegacyMac: bool(o, 'acceptLegacyMac'),
  };
}

/** The `--add-age` / `--rm-age` flags, shared by `rotate` and legacy `-r`. */
export function recipientChangeOptions(cmd: Command): Command {
  foreignRotateOptions(cmd);
  return cmd
    .option('--add-age <recipients>', 'comma-separated age recipients to add to the first key group')
    .option('--rm-age <recipients>', 'comma-separated age recipients to remove from every key group')
    .option('--add-pgp <fingerprints>', 'comma-separated PGP fingerprints to add to the first key group')
    .option('--rm-pgp <fingerprints>', 'comma-separated PGP fingerprints to remove from every key group');
}

export function registerRotate(program: Command, io: Io): void {
  const cmd = program
    .command('rotate')
    .description('re-encrypt files under a new data key, optionally adding or removing age recipients; several files need -i')
    .argument('[files...]');
  outputOptions(cmd);
  inputTypeOptions(cmd);
  recipientChangeOptions(cmd);
  cmd.option('--filename-override <path>', 'the path that decides the format and the creation rule');
  acceptLegacyMacOption(cmd);
  addGlobalOptions(cmd);
  cmd.action(async (files: string[], _o: unknown, self: Command) => {
    const ctx = contextFor(io, self);
    await (await load.rotate()).rotateFilesCommand(ctx, files, (file) => rotateOptionsFrom(self.opts(), file));
  });
}
