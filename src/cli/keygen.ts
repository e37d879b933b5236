import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { KeygenOptions } from '../commands/keygen.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { bool, str } from './shared-options.js';
import { load } from './command-loaders.js';

export function keygenOptionsFrom(o: Record<string, unknown>): KeygenOptions {
  return { output: str(o, 'output'), pq: bool(o, 'pq') };
}

/** `tsops keygen [-o FILE] [--pq]`, like age-keygen. */
export function registerKeygen(program: Command, io: Io): void {
  const cmd = program
    .command('keygen')
    .description('generate a new age identity (key file to stdout or -o FILE, public key to stderr)')
    .option('-o, --output <file>', 'create this file (mode 0600; an existing file is never overwritten)')
    .option('--pq', 'generate a post-quantum hybrid key (age1pq1…)');
  addGlobalOptions(cmd, ['config', 'indent', 'decryption-order']);
  cmd.action(async (_o: unknown, self: Command) => {
    await (await load.keygen()).keygenCommand(contextFor(io, self), keygenOptionsFrom(self.opts()));
  });
}
