import { Option, type Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { addGlobalOptions, contextFor, parseIntOption } from './global-options.js';
import { acceptLegacyMacOption, bool, str, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function registerSet(program: Command, io: Io): void {
  const cmd = program
    .command('set')
    .description(`set one value in place; VALUE is JSON, e.g. tsops set f.yaml '["db"]["password"]' '"s3cret"'`)
    .argument('[file]')
    .argument('[index]', `where, e.g. '["key"][0]'`)
    .argument('[value]', 'the JSON value (with --value-file: a file holding it)')
    .allowExcessArguments(true);
  inputTypeOptions(cmd);
  cmd
    .option('--value-stdin', 'read the JSON value from stdin (keeps it out of the process list)')
    .option('--value-file', 'VALUE names a file that holds the JSON value')
    .option('--idempotent', 'write nothing when the value is already there')
    .option('--ignore-mac', 'do not verify the MAC (values are still authenticated)')
    // accepted for compatibility with sops, which takes it here too; unused, so not in --help
    .addOption(new Option('--shamir-secret-sharing-threshold <n>').argParser(parseIntOption('--shamir-secret-sharing-threshold')).hideHelp());
  acceptLegacyMacOption(cmd);
  addGlobalOptions(cmd);
  cmd.action(async (_f: unknown, _i: unknown, _v: unknown, _o: unknown, self: Command) => {
    const o = self.opts();
    const args = self.args;
    const want = o['valueStdin'] ? 2 : 3;
    if (args.length !== want) {
      throw new TsopsError('NO_FILE', `no file specified, or index and value are missing: need exactly ${want} arguments${o['valueStdin'] ? ' with --value-stdin' : ''}`, {
        hint: `tsops set FILE INDEX ${o['valueStdin'] ? '(value on stdin)' : 'VALUE'}`,
      });
    }
    await (await load.set()).setCommand(contextFor(io, self), {
      file: args[0]!,
      index: args[1]!,
      value: args[2],
      valueStdin: bool(o, 'valueStdin'),
      valueFile: bool(o, 'valueFile'),
      inputType: str(o, 'inputType'),
      outputType: str(o, 'outputType'),
      ignoreMac: bool(o, 'ignoreMac'),
      idempotent: bool(o, 'idempotent'),
      acceptLegacyMac: bool(o, 'acceptLegacyMac'),
    });
  });
}
