/** The identity loader a command run uses: every identity source of spec §4.3. */
import type { Io } from '../io/types.js';
import { IdentityLoader } from './identities.js';
import type { AskPassphrase } from './identity-source.js';
import { sshIdentitySources } from './ssh/sources.js';
import { terminalAskPassphrase } from './tty-passphrase.js';
import { pluginHostFor } from './age/plugin/client.js';

export interface CreateIdentityLoaderOptions {
  /** How passphrases are asked; the controlling terminal by default. */
  askPassphrase?: AskPassphrase;
}

/**
 * The loader for one run: the SSH key sources (spec §4.3 items 1–3) and the age sources
 * (items 4–7), passphrases and plugin identities' requests asked on the run's terminal, plugins
 * started with its environment.
 * Importing this module also makes SSH public keys valid age recipients.
 */
export function createIdentityLoader(io: Io, options: CreateIdentityLoaderOptions = {}): IdentityLoader {
  return new IdentityLoader(io, {
    askPassphrase: options.askPassphrase ?? terminalAskPassphrase(io),
    sshSources: sshIdentitySources,
    // plugin identities start with this run's environment and ask on its terminal and stderr
    pluginHost: pluginHostFor(io),
  });
}
