import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { RotateOptions } from '../commands/rotate.js';
import { addGlobalOptions, contextFor, inputTypeOptions } from './program.js';
import { bool, outputOptions, str, fileOptionsFrom } from './shared-options.js';

// Command modules load on use, so a run pays only for the command it runs.
const loadRotate = () => import('../commands/rotate.js');

export function rotateOptionsFrom(o: Record<string, unknown>, file: string | undefined): RotateOptions {
  return {
    ...fileOptionsFrom(o, file),
    addAge: str(o, 'addAge'),
    rmAge: str(o, 'rmAge'),
    addPgp: str(o, 'addPgp'),
    rmPgp: str(o, 'rmPgp'),
    ignoreMac: bool(o, 'ignoreMac'),
  };
}

/** The `--add-age` / `--rm-age` flags, shared by `rotate` and legacy `-r`. */
export function recipientChangeOptions(cmd: Command): Command {
  return cmd
    .option('--add-age <recipients>', 'comma-separated age recipients to add to the first key group')
    .option('--rm-age <recipients>', 'comma-separated age recipients to remove from every key group')
    .option('--add-pgp <fingerprints>', 'comma-separated PGP fingerprints to add to the first key group')
    .option('--rm-pgp <fingerprints>', 'comma-separated PGP fingerprints to remove from every key group');
}

export function registerRotate(program: Command, io: Io): void {
  const cmd = program
    .command('rotate')
    .description('re-encrypt a file under a new data key, optionally adding or removing age recipients')
    .argument('[file]');
  outputOptions(cmd);
  inputTypeOptions(cmd);
  recipientChangeOptions(cmd);
  cmd.option('--filename-override <path>', 'the path that decides the format and the creation rule');
  addGlobalOptions(cmd);
  cmd.action(async (file: string | undefined, _o: unknown, self: Command) => {
    await (await loadRotate()).rotateCommand(contextFor(io, self), rotateOptionsFrom(self.opts(), file));
  });
}
