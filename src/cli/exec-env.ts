import type { Command } from 'commander';
import { Option } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { bool, str } from './shared-options.js';
import { load } from './command-loaders.js';

/** Flags sops has that tsops refuses rather than ignores. */
export function refuseUnsupported(o: Record<string, unknown>): void {
  if (o['user'] !== undefined) {
    throw new TsopsError('UNSUPPORTED', '--user is not supported', { hint: 'run tsops as that user instead, e.g. with sudo -u' });
  }
}

export function registerExecEnv(program: Command, io: Io): void {
  const cmd = program
    .command('exec-env')
    .description(`run COMMAND (with /bin/sh -c) with the file's top-level values in its environment`)
    .argument('[files...]', 'one or more sops files, then the command')
    .allowExcessArguments(true)
    .option('--pristine', "give the command only the file's values, not tsops' environment")
    .option('--same-process', 'accepted for compatibility: the command always runs as a child')
    .addOption(new Option('--background', 'deprecated in sops; not supported').hideHelp())
    .addOption(new Option('--user <name>', 'not supported').hideHelp())
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'));
  addGlobalOptions(cmd, ['indent']);
  cmd.action(async (_f: unknown, _o: unknown, self: Command) => {
    const o = self.opts();
    if (self.args.length < 2) {
      throw new TsopsError('GENERIC', 'missing file to decrypt, or command: need a file and a command', {
        hint: `tsops exec-env FILE [FILE...] 'COMMAND'`,
      });
    }
    refuseUnsupported(o);
    if (o['background']) throw new TsopsError('UNSUPPORTED', '--background is not supported', { hint: 'run tsops itself in the background' });
    await (await load.execEnv()).execEnvCommand(contextFor(io, self), {
      files: self.args.slice(0, -1),
      command: self.args[self.args.length - 1]!,
      inputType: str(o, 'inputType'),
      pristine: bool(o, 'pristine'),
    });
  });
}
