/**
 * Recipients by name: the anchors of `.sops.yaml` (`- &alice age1…`) name keys in the updatekeys
 * diff, the no-key report and `tsops recipients`. Keys without an anchor show as before.
 */
import type { SopsConfig } from '../../config/types.js';
import { shortRecipient } from '../../keys/secret-guard.js';
import type { CommandContext } from './context.js';

/** Looks up a key's name by its identity string (age: the recipient); undefined when unnamed. */
export type RecipientNamer = (id: string) => string | undefined;

/**
 * The identity shown beside a name: whole, so it can be compared and copied, except the very long
 * ones (post-quantum and RSA keys), shortened as the no-key report shortens them.
 */
export function shortKeyId(id: string): string {
  return shortRecipient(id);
}

/** The name of the key `id` in `config`, or undefined. */
export function recipientName(config: SopsConfig | undefined, id: string): string | undefined {
  return config?.recipientNames?.get(id);
}

/**
 * How a key is shown to people: `alice (age1ql3z…)` when `.sops.yaml` names it, else the
 * identity string unchanged.
 */
export function recipientDisplayName(config: SopsConfig | undefined, id: string): string {
  const name = recipientName(config, id);
  return name === undefined ? id : `${name} (${shortKeyId(id)})`;
}

/**
 * The names of this run's config. Never throws: names only decorate messages, so a missing or
 * broken `.sops.yaml` must not change what a command does (it reports config errors itself).
 */
export function recipientNamer(ctx: CommandContext): RecipientNamer {
  let config: SopsConfig | undefined;
  let loaded = false;
  return (id) => {
    if (!loaded) {
      loaded = true;
      try {
        config = ctx.config();
      } catch {
        config = undefined;
      }
    }
    return recipientName(config, id);
  };
}
