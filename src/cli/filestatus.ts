import type { Command } from 'commander';
import { Option } from 'commander';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { str } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerFileStatus(program: Command, io: Io): void {
  const cmd = program
    .command('filestatus')
    .description('print {"encrypted":true} when FILE is a complete sops file, else {"encrypted":false}')
    .argument('<file>')
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'));
  addGlobalOptions(cmd, ['config', 'indent', 'decryption-order']);
  cmd.action(async (file: string, _o: unknown, self: Command) => {
    await (await load.filestatus()).fileStatusCommand(contextFor(io, self), { file, inputType: str(self.opts(), 'inputType') });
  });
}
