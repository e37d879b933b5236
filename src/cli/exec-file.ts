import type { Command } from 'commander';
import { Option } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { refuseUnsupported } from './exec-env.js';
import { str, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerExecFile(program: Command, io: Io): void {
  const cmd = program
    .command('exec-file')
    .description('run COMMAND (with /bin/sh -c) with {} replaced by the path of the decrypted file')
    .argument('[file]')
    .argument('[command]')
    .allowExcessArguments(true)
    .option('--no-fifo', 'use a regular 0600 file instead of a FIFO')
    .option('--filename <name>', 'name of the decrypted file (default tmp-file)')
    .addOption(new Option('--background', 'deprecated in sops; not supported').hideHelp())
    .addOption(new Option('--user <name>', 'not supported').hideHelp());
  inputTypeOptions(cmd);
  addGlobalOptions(cmd);
  cmd.action(async (_f: unknown, _c: unknown, _o: unknown, self: Command) => {
    const o = self.opts();
    if (self.args.length !== 2) {
      throw new TsopsError('GENERIC', 'missing file to decrypt, or command: need exactly 2 arguments', { hint: `tsops exec-file FILE 'COMMAND {}'` });
    }
    refuseUnsupported(o);
    if (o['background']) throw new TsopsError('UNSUPPORTED', '--background is not supported', { hint: 'run tsops itself in the background' });
    await (await load.execFile()).execFileCommand(contextFor(io, self), {
      file: self.args[0]!,
      command: self.args[1]!,
      inputType: str(o, 'inputType'),
      outputType: str(o, 'outputType'),
      // commander's --no-fifo sets `fifo: false`
      noFifo: o['fifo'] === false ? true : undefined,
      filename: str(o, 'filename'),
    });
  });
}
