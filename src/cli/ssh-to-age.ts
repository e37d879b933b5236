import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { SshToAgeOptions } from '../commands/ssh-to-age.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { VERSION_LINE } from '../version.js';
import { bool, str } from './shared-options.js';
import { load } from './command-loaders.js';

export function sshToAgeOptionsFrom(o: Record<string, unknown>): SshToAgeOptions {
  return { input: str(o, 'input'), output: str(o, 'output'), privateKey: bool(o, 'privateKey') };
}

/** `tsops ssh-to-age [-i FILE] [-o FILE] [-private-key]`, with the flags of Mic92/ssh-to-age. */
export function registerSshToAge(program: Command, io: Io): void {
  const cmd = program
    .command('ssh-to-age')
    .description('convert SSH ed25519 public keys to age recipients, or a private key to an age identity')
    .option('-i, --input <file>', 'read keys from this file (default: stdin)')
    .option('-o, --output <file>', 'write the result to this file (default: stdout)')
    .option(
      '--private-key',
      'convert an OpenSSH ed25519 private key to AGE-SECRET-KEY-1… (passphrase: env SSH_TO_AGE_PASSPHRASE or the terminal)',
    );
  cmd.option('--version', 'print the version (ssh-to-age -version)');
  addGlobalOptions(cmd, ['config', 'indent', 'decryption-order']);
  cmd.action(async (_o: unknown, self: Command) => {
    if (self.opts()['version'] === true) {
      io.stdout.write(`${VERSION_LINE}\n`);
      return;
    }
    await (await load.sshToAge()).sshToAgeCommand(contextFor(io, self), sshToAgeOptionsFrom(self.opts()));
  });
}
