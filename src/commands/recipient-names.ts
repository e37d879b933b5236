/**
 * Recipients by name: the anchors of `.sops.yaml` (`- &alice age1…`) name keys in the updatekeys
 * diff, the no-key report and `tsops recipients`. Keys without an anchor show as before.
 */
import type { SopsConfig } from '../config/types.js';
import type { CommandContext } from './context.js';

/** Looks up a key's name by its identity string (age: the recipient); undefined when unnamed. */
export type RecipientNamer = (id: string) => string | undefined;

/** A recipient shortened for a line that also shows its name. */
export function shortKeyId(id: string): string {
  const space = id.indexOf(' ');
  // ssh keys all start alike (`ssh-ed25519 AAAAC3Nz…`): their type and the end of the key tell them apart
  if (space > 0) {
    const key = id.slice(space + 1).split(' ')[0] ?? '';
    return key.length <= 16 ? id : `${id.slice(0, space)} …${key.slice(-10)}`;
  }
  return id.length <= 24 ? id : `${id.slice(0, 12)}…${id.slice(-6)}`;
}

/** The name of the key `id` in `config`, or undefined. */
export function recipientName(config: SopsConfig | undefined, id: string): string | undefined {
  return config?.recipientNames?.get(id);
}

/**
 * How a key is shown to people: `alice (age1ql3zkfm…k7x3ab)` when `.sops.yaml` names it, else the
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
