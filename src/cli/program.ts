/**
 * Commander wiring only: flags become typed options for the commands in src/commands/.
 * Global flags may come before or after the subcommand; like sops, long flags also take one dash.
 */
import { Command, Option } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io.js';
import type { KeyType } from '../core/keys-model.js';
import { CommandContext, type GlobalOptions } from '../commands/context.js';
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
import { VERSION } from '../version.js';
import { checkForeignFlags, foreignGlobalOptions } from './sops-flags.js';
import { registerExtraCommands } from './extra-commands.js';

export const VERSION_LINE = `tsops ${VERSION} (sops 3.13.2 compatible)`;

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

export function parseIntOption(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) {
      throw new TsopsError('CONFLICTING_PARAMETERS', `${name} must be an integer, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

export type GlobalOptionName = 'config' | 'indent' | 'decryption-order';

/**
 * Options every command accepts (sops reads them globally). Those a command has no use for are
 * still accepted, for scripts that pass them everywhere, but left out of its --help.
 */
export function addGlobalOptions(cmd: Command, unused: readonly GlobalOptionName[] = []): Command {
  foreignGlobalOptions(cmd);
  cmd
    .option('--config <path>', 'path to .sops.yaml (default: search upwards from the current directory; env SOPS_CONFIG)')
    .option('--indent <n>', 'indentation of YAML/JSON output', parseIntOption('--indent'))
    .option('--verbose', 'log what tsops does (never values)')
    .option('--decryption-order <types>', 'key types to try first within a key group, comma-separated (env SOPS_DECRYPTION_ORDER; default age,pgp)');
  for (const o of cmd.options) if ((unused as readonly string[]).includes(o.name())) o.hideHelp();
  return cmd;
}

const KEY_TYPE_IDS = new Set(['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms']);

/**
 * sops' --decryption-order (§4.4): the key types tried first within each group, in this order;
 * the other keys follow in file order. Checked as sops checks it (exit 112 for a duplicate).
 */
export function checkDecryptionOrder(value: string | undefined): KeyType[] | undefined {
  if (value === undefined || value === '') return undefined;
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    const t = raw.trim();
    if (!KEY_TYPE_IDS.has(t)) {
      throw new TsopsError('GENERIC', `unknown key type in --decryption-order: ${JSON.stringify(t)}`, {
        hint: `use a comma list of ${[...KEY_TYPE_IDS].join(', ')}`,
      });
    }
    if (seen.has(t)) throw new TsopsError('DUPLICATE_DECRYPTION_KEY_TYPE', `duplicate decryption key type: ${t}`);
    seen.add(t);
  }
  return [...seen] as KeyType[];
}

/** The global options of a command merged with those given before the subcommand. */
export function globalsOf(cmd: Command): GlobalOptions {
  const merged: Record<string, unknown> = {};
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  for (const c of chain) {
    const o = c.opts();
    for (const k of ['config', 'indent', 'verbose']) if (o[k] !== undefined) merged[k] = o[k];
  }
  return merged as GlobalOptions;
}

export function contextFor(io: Io, cmd: Command): CommandContext {
  let order: string | undefined;
  for (let c: Command | null = cmd; c && order === undefined; c = c.parent) order = c.opts()['decryptionOrder'] as string | undefined;
  const decryptionOrder = checkDecryptionOrder(order ?? io.env['SOPS_DECRYPTION_ORDER']);
  checkForeignFlags(io, cmd);
  return new CommandContext(io, { ...globalsOf(cmd), decryptionOrder });
}

export function inputTypeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input-type <type>', 'input format: yaml, json, dotenv, ini or binary (default: by extension)'))
    .addOption(new Option('--output-type <type>', 'output format: yaml, json, dotenv, ini or binary (default: by extension)'));
}

export function buildProgram(io: Io): Command {
  const program = new Command('tsops');
  program
    .description('Encrypt the values of YAML, JSON, dotenv, INI and binary files with age, compatible with sops.')
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
