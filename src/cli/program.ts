/**
 * Commander wiring only: flags become typed options for the commands in src/commands/.
 * Global flags may come before or after the subcommand; like sops, long flags also take one dash.
 */
import { Command } from 'commander';
import type { Io } from '../io/types.js';
import { registerEncrypt } from './encrypt.js';
import { registerDecrypt } from './decrypt.js';
import { registerLegacy } from './legacy.js';
import { registerSshToAge } from './ssh-to-age.js';
import { registerKeygen } from './keygen.js';
import { registerEdit } from './edit.js';
import { registerSet } from './set.js';
import { registerUnset } from './unset.js';
import { registerExecEnv } from './exec-env.js';
import { registerExecFile } from './exec-file.js';
import { registerFileStatus } from './filestatus.js';
import { registerRotate } from './rotate.js';
import { registerUpdateKeys } from './updatekeys.js';
import { registerGroups } from './groups.js';
import { registerGit, registerRecipients } from './git.js';
import { VERSION_LINE } from '../version.js';
import { addGlobalOptions } from './global-options.js';
import { registerExtraCommands } from './extra-commands.js';

/** Long flags sops accepts with a single dash (Go's flag package); rewritten to `--name`. */
const SINGLE_DASH_LONG = /^-([a-z][a-z0-9-]+)(=.*)?$/;

export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    out.push(SINGLE_DASH_LONG.test(a) ? `-${a}` : a);
  }
  return out;
}

/**
 * Commands whose registration needs no other: a command line that starts with one of these
 * names gets only that command (and the global flags). Registering every command, with the
 * legacy flags, is most of commander's share of a small decrypt's start-up.
 */
const SINGLE_COMMANDS: Readonly<Record<string, (program: Command, io: Io) => void>> = {
  decrypt: registerDecrypt,
  encrypt: registerEncrypt,
  rotate: registerRotate,
  updatekeys: registerUpdateKeys,
  filestatus: registerFileStatus,
  'exec-env': registerExecEnv,
  'exec-file': registerExecFile,
  set: registerSet,
  unset: registerUnset,
  edit: registerEdit,
};

/** The program; with the (normalized) command line, only the command it names when that is enough. */
export function buildProgram(io: Io, argv?: readonly string[]): Command {
  const program = new Command('tsops');
  program
    .description('Encrypt the values of YAML, JSON, dotenv, INI and binary files with age and PGP keys, compatible with sops.')
    .version(VERSION_LINE, '-v, --version', 'print the version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `tsops: ${s}` : s),
    })
    .showSuggestionAfterError(true);
  addGlobalOptions(program);
  const first = argv?.[0];
  const only = first !== undefined && Object.hasOwn(SINGLE_COMMANDS, first) ? SINGLE_COMMANDS[first] : undefined;
  if (only !== undefined) {
    only(program, io);
    return program;
  }
  registerEncrypt(program, io);
  registerDecrypt(program, io);
  registerSshToAge(program, io);
  registerKeygen(program, io);
  registerRotate(program, io);
  registerUpdateKeys(program, io);
  registerGroups(program, io);
  registerGit(program, io);
  registerRecipients(program, io);
  registerEdit(program, io);
  registerSet(program, io);
  registerUnset(program, io);
  registerExecEnv(program, io);
  registerExecFile(program, io);
  registerFileStatus(program, io);
  registerExtraCommands(program, io);
  registerLegacy(program, io);
  return program;
}
