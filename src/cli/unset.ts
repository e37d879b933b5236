import { Option, type Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor, parseIntOption } from './global-options.js';
import { acceptLegacyMacOption, bool, str, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerUnset(program: Command, io: Io): void {
  const cmd = program
    .command('unset')
    .description(`remove one key or list element in place, e.g. tsops unset f.yaml '["db"]["password"]'`)
    .argument('[file]')
    .argument('[index]', `what, e.g. '["key"][0]'`)
    .allowExcessArguments(true);
  inputTypeOptions(cmd);
  cmd
    .option('--idempotent', 'succeed without writing when the key is not there')
    .option('--ignore-mac', 'do not verify the MAC (values are still authenticated)')
    // accepted for compatibility with sops, which takes it here too; unused, so not in --help
    .addOption(new Option('--shamir-secret-sharing-threshold <n>').argParser(parseIntOption('--shamir-secret-sharing-threshold')).hideHelp());
  acceptLegacyMacOption(cmd);
  addGlobalOptions(cmd);
  cmd.action(async (_f: unknown, _i: unknown, _o: unknown, self: Command) => {
    const o = self.opts();
    if (self.args.length !== 2) {
      throw new TsopsError('NO_FILE', 'no file specified, or index is missing: need exactly 2 arguments', { hint: 'tsops unset FILE INDEX' });
    }
    await (await load.unset()).unsetCommand(contextFor(io, self), {
      file: self.args[0]!,
      index: self.args[1]!,
      inputType: str(o, 'inputType'),
      outputType: str(o, 'outputType'),
      ignoreMac: bool(o, 'ignoreMac'),
      idempotent: bool(o, 'idempotent'),
      acceptLegacyMac: bool(o, 'acceptLegacyMac'),
    });
  });
}
