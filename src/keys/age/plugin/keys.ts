/**
 * Plugin keys where the rest of tsops meets them: a recipient string becomes a
 * {@link PluginRecipient}, an identity line a {@link PluginIdentity}, and before a file is
 * opened the plugin identities are merged per plugin and put after the native ones.
 */
import { TsopsError } from '../../../errors.js';
import type { Identity } from '../../identity.js';
import { PluginIdentity, PluginRecipient, type PluginHost } from './client.js';
import { looksLikePluginIdentity, parsePluginIdentity, parsePluginRecipient, pluginBinary } from './names.js';

function short(r: string): string {
  return r.length <= 80 ? r : `${r.slice(0, 24)}…${r.slice(-12)}`;
}

/**
 * The recipient for `age1<name>1…`, or for `AGE-PLUGIN-<NAME>-1…` used as a recipient (wrapped
 * with `add-identity`, for plugins that allow it). No plugin runs until a key is wrapped.
 * @throws TsopsError `INVALID_RECIPIENT` when the Bech32 text or the plugin name is malformed.
 */
export function parsePluginRecipientText(r: string): PluginRecipient {
  if (looksLikePluginIdentity(r)) {
    const key = parsePluginIdentity(r);
    // the text may be secret: never quote it
    if (!key) throw new TsopsError('INVALID_RECIPIENT', 'malformed age plugin identity given as a recipient');
    return new PluginRecipient(key, true);
  }
  const key = parsePluginRecipient(r);
  if (!key) {
    throw new TsopsError('INVALID_RECIPIENT', `malformed age plugin recipient "${short(r)}"`, {
      hint: 'a plugin recipient is Bech32 text "age1<plugin name>1…", as the plugin printed it',
    });
  }
  return new PluginRecipient(key, false);
}

/**
 * An identity line `AGE-PLUGIN-<NAME>-1…` as an identity tried through its plugin, its requests
 * answered through `host` (the process's own Io without one); undefined when it is malformed.
 */
export function pluginIdentityFromLine(text: string, origin: string, host?: PluginHost): Identity | undefined {
  const key = parsePluginIdentity(text);
  if (!key) return undefined;
  return { origin, recipient: undefined, secret: new PluginIdentity(key.name, [key.encoding], host) };
}

/** The plugin binary behind an identity, when it is a plugin identity. */
export function pluginOf(identity: Identity): string | undefined {
  return identity.secret instanceof PluginIdentity ? pluginBinary(identity.secret.name) : undefined;
}

/**
 * The identities in the order to try them: native ones first, as given; then one identity per
 * plugin holding all of that plugin's identities (one process each), the plugin a plugin
 * recipient `preferRecipient` names first.
 */
export function arrangePluginIdentities(identities: readonly Identity[], preferRecipient?: string): readonly Identity[] {
  if (!identities.some((i) => i.secret instanceof PluginIdentity)) return identities;
  const native = identities.filter((i) => !(i.secret instanceof PluginIdentity));
  const byName = new Map<string, Identity>();
  for (const id of identities) {
    if (!(id.secret instanceof PluginIdentity)) continue;
    const seen = byName.get(id.secret.name);
    if (!seen) {
      byName.set(id.secret.name, id);
      continue;
    }
    const merged = (seen.secret as PluginIdentity).merge(id.secret);
    byName.set(id.secret.name, { origin: `${seen.origin}, ${id.origin}`, recipient: undefined, secret: merged });
  }
  const preferred = preferRecipient === undefined ? undefined : parsePluginRecipient(preferRecipient)?.name;
  const plugins = [...byName.values()].sort(
    (a, b) =>
      Number((b.secret as PluginIdentity).name === preferred) - Number((a.secret as PluginIdentity).name === preferred),
  );
  return [...native, ...plugins];
}
