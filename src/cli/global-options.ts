/**
 * The flags every command accepts (sops reads them globally) and the command context built from
 * them; shared by program.ts and every command file.
 */
import type { Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';
import type { KeyType } from '../core/keys-model.js';
import { CommandContext, type GlobalOptions } from '../commands/shared/context.js';
import { checkForeignFlags, foreignGlobalOptions } from './sops-flags.js';

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
