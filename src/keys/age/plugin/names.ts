/**
 * Plugin recipients and identities (C2SP age-plugin, "Mapping recipients and identities to
 * plugin binaries"): `age1<name>1…` and `AGE-PLUGIN-<NAME>-1…` in Bech32, with the plugin name
 * rules of age's `plugin` package; the binary is `age-plugin-<name>`.
 */
import { bech32 } from '@scure/base';

const NAME = /^[A-Za-z0-9+\-._]+$/;

/** What a plugin recipient or identity string names. */
export interface PluginKey {
  /** The plugin name, lower case. */
  readonly name: string;
  /** The string as given, sent to the plugin as is. */
  readonly encoding: string;
}

/** The plugin binary a name runs. */
export function pluginBinary(name: string): string {
  return `age-plugin-${name}`;
}

function decode(s: string): { prefix: string } | undefined {
  // Bech32 is all one case; age's decoder allows any length
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return undefined;
  try {
    const { prefix } = bech32.decode(s as `${string}1${string}`, false);
    return { prefix };
  } catch {
    return undefined;
  }
}

/** Whether `s` looks like a plugin recipient (`age1<name>1…`), valid or not. */
export function looksLikePluginRecipient(s: string): boolean {
  // A native X25519 recipient's data has no '1', so a second '1' means a plugin name before it;
  // `age1pq1…` is age's own post-quantum recipient.
  return s.startsWith('age1') && !s.startsWith('age1pq1') && s.indexOf('1', 4) >= 0;
}

/** Whether `s` looks like a plugin identity (`AGE-PLUGIN-…`), valid or not. */
export function looksLikePluginIdentity(s: string): boolean {
  return s.slice(0, 11).toUpperCase() === 'AGE-PLUGIN-';
}

/** Parse `age1<name>1…`; undefined when it is not a valid plugin recipient. */
export function parsePluginRecipient(s: string): PluginKey | undefined {
  const d = decode(s);
  if (!d || !d.prefix.startsWith('age1')) return undefined;
  const name = d.prefix.slice(4);
  if (!NAME.test(name) || name !== name.toLowerCase()) return undefined;
  return { name, encoding: s };
}

/** Parse `AGE-PLUGIN-<NAME>-1…`; undefined when it is not a valid plugin identity. */
export function parsePluginIdentity(s: string): PluginKey | undefined {
  const d = decode(s);
  if (!d) return undefined;
  const hrp = d.prefix.toUpperCase();
  if (!hrp.startsWith('AGE-PLUGIN-') || !hrp.endsWith('-')) return undefined;
  const name = hrp.slice(11, -1).toLowerCase();
  if (!NAME.test(name)) return undefined;
  return { name, encoding: s };
}
