/**
 * The words of sops' command surface that are not file commands: `help`, `version`,
 * `completion`, and `publish` / `keyservice`, which tsops does not offer. Registered as commands
 * so none of them is ever taken for the name of a file to edit.
 */
import type { Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import { VERSION_LINE } from '../version.js';
import { load } from './command-loaders.js';

/** sops commands tsops leaves out, and what to use instead. */
const NOT_OFFERED: Array<[string, string]> = [
  ['publish', '`publish` is not offered by tsops: decrypt or re-encrypt with tsops and copy the files with your storage tool, or use sops publish'],
  ['keyservice', '`keyservice` is not offered by tsops: it uses the age keys of the machine it runs on (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, SOPS_AGE_KEY_CMD), or use sops keyservice'],
];

export function registerExtraCommands(program: Command, io: Io): void {
  program
    .command('help')
    .description('show the commands, or the options of one command (help groups add)')
    .argument('[command...]')
    .action((names: string[]) => {
      let target: Command = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (next === undefined) {
          // sops (urfave/cli) words it the same way
          throw new TsopsError('GENERIC', `No help topic for '${name.slice(0, 40)}'`, { hint: 'run `tsops help` for the list of commands' });
        }
        target = next;
      }
      target.outputHelp();
    });

  program
    .command('version')
    .description('print the version')
    .option('--check-for-updates', 'accepted as in sops; tsops never contacts the network')
    .action(() => {
      io.stdout.write(`${VERSION_LINE}\n`);
    });

  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish (e.g. source <(tsops completion bash))')
    .argument('<shell>')
    .action(async (shell: string) => {
      io.stdout.write((await load.completion()).completionScript(program, shell));
    });

  for (const [name, message] of NOT_OFFERED) {
    program
      .command(name, { hidden: true })
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new TsopsError('UNSUPPORTED', message);
      });
  }
}
