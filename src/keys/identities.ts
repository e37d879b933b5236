/**
 * Identity discovery for decryption (spec §4.3). Every source is consulted and the identities
 * combined; a broken source does not stop the others, and each source's outcome is kept for
 * the data-key failure report (spec §4.5).
 *
 * Sources, in sops' order: the SSH sources (items 1–3, supplied by an {@link SshSourceFactory}),
 * `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD` (run once per recipient, with
 * `SOPS_AGE_RECIPIENT` set), and `<userConfigDir>/sops/age/keys.txt`.
 */
import * as os from 'node:os';
import { readKeySource } from './source-limits.js';
import * as path from 'node:path';
import type { Io } from '../io/types.js';
import { TsopsError, messageOf } from '../errors.js';
import type { Identity } from './identity.js';
import {
  describeReadError,
  nativeRecipientsOf,
  parseIdentityText,
  parseSourceContent,
  runKeyCommand,
  sourceFailure,
  sourceOutcome,
} from './identity-source.js';
import type { AskPassphrase, IdentitySource, SourceOutcome, SourceResult } from './identity-source.js';
import type { PluginHost } from './age/plugin/client.js';

export type { AskPassphrase, IdentitySource, SourceOutcome, SourceResult, SourceStatus } from './identity-source.js';
export { parseIdentityText, parseSourceContent, isEncryptedIdentityFile } from './identity-source.js';

export const SOPS_AGE_KEY = 'SOPS_AGE_KEY';
export const SOPS_AGE_KEY_FILE = 'SOPS_AGE_KEY_FILE';
export const SOPS_AGE_KEY_CMD = 'SOPS_AGE_KEY_CMD';
export const SOPS_AGE_RECIPIENT = 'SOPS_AGE_RECIPIENT';
/** Relative to the user config directory (spec §4.3 item 7). */
export const DEFAULT_KEYS_FILE = path.join('sops', 'age', 'keys.txt');

/** What SSH identity sources get to work with. */
export interface SshSourceContext {
  readonly io: Io;
  /** The home directory (`$HOME`), if known: `~/.ssh/id_ed25519` and `~/.ssh/id_rsa` live there. */
  readonly home: string | undefined;
  readonly askPassphrase: AskPassphrase | undefined;
}

/**
 * Builds the SSH identity sources of spec §4.3 items 1–3 (`SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
 * `SOPS_AGE_SSH_PRIVATE_KEY_CMD` per recipient, `~/.ssh/id_ed25519`, `~/.ssh/id_rsa`), in that
 * order. They are consulted before the age sources.
 */
export type SshSourceFactory = (ctx: SshSourceContext) => IdentitySource[];

export interface IdentityLoaderOptions {
  /** Prompt for passphrase-protected identity files; without it such files fail with a message. */
  askPassphrase?: AskPassphrase;
  /** SSH identity sources; without it no SSH keys are consulted. */
  sshSources?: SshSourceFactory;
  /** Decides the user config directory rules; defaults to the running platform. */
  platform?: NodeJS.Platform;
  /** Where plugin identities run and ask; the process's own Io without it. */
  pluginHost?: PluginHost;
}

/** What the data-key code needs from an identity loader. */
export interface IdentityProvider {
  /** Identities to try for one master key's recipient. */
  identitiesFor(recipient: string): Promise<readonly Identity[]>;
  /** Unlock passphrase-protected sources (once each); true when new identities came out of it. */
  unlock?(): Promise<boolean>;
  /** Per-source outcomes; with a recipient, per-recipient sources show that recipient's run. */
  report(recipient?: string): readonly SourceOutcome[];
  /**
   * The recipients of every native identity a run can use without asking or running anything
   * more; undefined while that is not known (sources not loaded yet, a passphrase-protected file
   * still locked, a per-recipient command configured, a native identity of unknown recipient).
   */
  nativeRecipients?(): ReadonlySet<string> | undefined;
}


/**
 * The user config directory as Go's os.UserConfigDir finds it (spec §4.3 item 7), or the
 * reason it cannot be determined.
 */
export function userConfigDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): { dir: string } | { error: string } {
  const xdg = env['XDG_CONFIG_HOME'];
  const home = env['HOME'];
  if (platform === 'win32') {
    const appData = env['AppData'] ?? env['APPDATA'];
    return appData ? { dir: appData } : { error: '%AppData% is not defined' };
  }
  if (platform === 'darwin') {
    if (xdg) return { dir: xdg };
    return home ? { dir: path.posix.join(home, 'Library', 'Application Support') } : { error: '$HOME is not defined' };
  }
  if (xdg) {
    return path.posix.isAbsolute(xdg) ? { dir: xdg } : { error: 'path in $XDG_CONFIG_HOME is relative' };
  }
  return home ? { dir: path.posix.join(home, '.config') } : { error: 'neither $XDG_CONFIG_HOME nor $HOME are defined' };
}

/** The age identity sources of spec §4.3 items 4–7. */
export function ageIdentitySources(
  io: Io,
  askPassphrase: AskPassphrase | undefined,
  platform: NodeJS.Platform,
  pluginHost?: PluginHost,
): IdentitySource[] {
  const keyEnv: IdentitySource = {
    location: SOPS_AGE_KEY,
    perRecipient: false,
    load: async () => {
      const value = io.env[SOPS_AGE_KEY];
      if (value === undefined) return { outcome: sourceOutcome(SOPS_AGE_KEY, 'not-set'), identities: [] };
      return parseSourceContent(Buffer.from(value, 'utf8'), SOPS_AGE_KEY, { multiplePerLine: true, askPassphrase, pluginHost });
    },
  };
  const keyFile: IdentitySource = {
    location: SOPS_AGE_KEY_FILE,
    perRecipient: false,
    load: async () => {
      const file = io.env[SOPS_AGE_KEY_FILE];
      if (file === undefined) return { outcome: sourceOutcome(SOPS_AGE_KEY_FILE, 'not-set'), identities: [] };
      let content: Uint8Array;
      try {
        if (file === '') throw Object.assign(new Error('empty path'), { code: 'ENOENT' });
        // relative to the run's working directory, which in-process runs set through the Io
        content = readKeySource(io, path.resolve(io.cwd(), file));
      } catch (e) {
        const why = `failed to open ${SOPS_AGE_KEY_FILE} file: ${describeReadError(e, file)}`;
        return sourceFailure(SOPS_AGE_KEY_FILE, why, { detail: file });
      }
      return parseSourceContent(content, SOPS_AGE_KEY_FILE, { askPassphrase, extra: { detail: file }, pluginHost });
    },
  };
  const keyCmd: IdentitySource = {
    location: SOPS_AGE_KEY_CMD,
    perRecipient: true,
    load: (recipient) => loadCommandSource(io, recipient, askPassphrase, pluginHost),
  };
  const defaultFile: IdentitySource = {
    location: 'default keys file',
    perRecipient: false,
    load: async () => {
      const cfg = userConfigDir(io.env, platform);
      if ('error' in cfg) {
        return sourceFailure('default keys file', `user config directory could not be determined: ${cfg.error}`);
      }
      const file = path.join(cfg.dir, DEFAULT_KEYS_FILE);
      if (!io.exists(file)) return { outcome: sourceOutcome(file, 'not-found'), identities: [] };
      let content: Uint8Array;
      try {
        content = readKeySource(io, file);
      } catch (e) {
        return sourceFailure(file, `failed to open file: ${describeReadError(e, file)}`);
      }
      return parseSourceContent(content, file, { askPassphrase, pluginHost });
    },
  };
  return [keyEnv, keyFile, keyCmd, defaultFile];
}

/**
 * Run `SOPS_AGE_KEY_CMD` for one recipient: split shell-style, executed without a shell with the
 * environment plus `SOPS_AGE_RECIPIENT`; stdout is parsed like a key file; a non-zero exit fails
 * the source.
 */
async function loadCommandSource(
  io: Io,
  recipient: string,
  askPassphrase: AskPassphrase | undefined,
  pluginHost: PluginHost | undefined,
): Promise<SourceResult> {
  const ran = await runKeyCommand(io, SOPS_AGE_KEY_CMD, recipient);
  if ('result' in ran) return ran.result;
  return parseSourceContent(ran.stdout, SOPS_AGE_KEY_CMD, { askPassphrase, extra: { forRecipient: recipient }, pluginHost });
}

/**
 * Loads identities from every source of spec §4.3 for one run: static sources once, command
 * sources once per recipient; passphrase-protected files only when {@link unlock} is called.
 */
export class IdentityLoader implements IdentityProvider {
  readonly #sources: IdentitySource[];
  #static: Promise<Map<IdentitySource, SourceResult>> | undefined;
  readonly #staticResults = new Map<IdentitySource, SourceResult>();
  readonly #perRecipient = new Map<IdentitySource, Map<string, Promise<SourceResult>>>();
  readonly #perRecipientResults = new Map<IdentitySource, Map<string, SourceResult>>();

  constructor(io: Io, options: IdentityLoaderOptions = {}) {
    const platform = options.platform ?? os.platform();
    const ssh = options.sshSources?.({ io, home: io.env['HOME'], askPassphrase: options.askPassphrase }) ?? [];
    this.#sources = [...ssh, ...ageIdentitySources(io, options.askPassphrase, platform, options.pluginHost)];
  }

  /** All sources, in the order they are consulted. */
  get sources(): readonly IdentitySource[] {
    return this.#sources;
  }

  async #loadStatic(): Promise<Map<IdentitySource, SourceResult>> {
    this.#static ??= (async () => {
      const staticSources = this.#sources.filter((s) => !s.perRecipient);
      const results = await Promise.all(staticSources.map((s) => safeLoad(s, '')));
      staticSources.forEach((s, i) => this.#staticResults.set(s, results[i] as SourceResult));
      return this.#staticResults;
    })();
    return this.#static;
  }

  #loadFor(source: IdentitySource, recipient: string): Promise<SourceResult> {
    let byRecipient = this.#perRecipient.get(source);
    if (!byRecipient) {
      byRecipient = new Map();
      this.#perRecipient.set(source, byRecipient);
    }
    let pending = byRecipient.get(recipient);
    if (!pending) {
      pending = safeLoad(source, recipient).then((r) => {
        let results = this.#perRecipientResults.get(source);
        if (!results) {
          results = new Map();
          this.#perRecipientResults.set(source, results);
        }
        results.set(recipient, r);
        return r;
      });
      byRecipient.set(recipient, pending);
    }
    return pending;
  }

  async identitiesFor(recipient: string): Promise<readonly Identity[]> {
    await this.#loadStatic();
    const out: Identity[] = [];
    for (const source of this.#sources) {
      const result = source.perRecipient ? await this.#loadFor(source, recipient) : this.#staticResults.get(source);
      if (result) out.push(...result.identities);
    }
    return out;
  }

  async unlock(): Promise<boolean> {
    let gained = false;
    const results: Array<[SourceResult, (r: SourceResult) => void]> = [];
    for (const [source, r] of this.#staticResults) results.push([r, (n) => this.#staticResults.set(source, n)]);
    for (const byRecipient of this.#perRecipientResults.values()) {
      for (const [rcpt, r] of byRecipient) results.push([r, (n) => byRecipient.set(rcpt, n)]);
    }
    // one prompt at a time, and each file is asked for at most once per run
    for (const [result, replace] of results) {
      if (!result.unlock) continue;
      let next: SourceResult;
      try {
        next = await result.unlock();
      } catch (e) {
        next = sourceFailure(result.outcome.location, messageOf(e));
      }
      replace(next);
      if (next.identities.length > 0) gained = true;
    }
    return gained;
  }

  nativeRecipients(): ReadonlySet<string> | undefined {
    if (this.#static === undefined || this.#staticResults.size === 0) return undefined;
    const results = [...this.#staticResults.values()];
    if (results.some((r) => r.unlock !== undefined)) return undefined;
    const out = nativeRecipientsOf(results.flatMap((r) => r.identities));
    if (out === undefined) return undefined;
    for (const source of this.#sources) {
      if (!source.perRecipient) continue;
      const ran = this.#perRecipientResults.get(source);
      // a source never run for any recipient is not known to give nothing
      if (ran === undefined) return undefined;
      if (source.knownRecipients !== undefined) {
        const known = source.knownRecipients();
        if (known === undefined) return undefined;
        for (const r of known) out.add(r);
        continue;
      }
      // a command run per recipient may give any recipient its own keys, unless it is not set
      if ([...ran.values()].some((r) => r.outcome.status !== 'not-set')) return undefined;
    }
    return out;
  }

  report(recipient?: string): readonly SourceOutcome[] {
    const out: SourceOutcome[] = [];
    for (const source of this.#sources) {
      if (!source.perRecipient) {
        const r = this.#staticResults.get(source);
        if (r) out.push(r.outcome);
        continue;
      }
      const results = this.#perRecipientResults.get(source);
      if (!results) continue;
      if (recipient !== undefined) {
        const r = results.get(recipient);
        if (r) out.push(r.outcome);
        continue;
      }
      // a source that is not configured says so once, not once per recipient
      const seen = new Set<string>();
      for (const r of results.values()) {
        const key = r.outcome.forRecipient === undefined ? `${r.outcome.status}` : `for:${r.outcome.forRecipient}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(r.outcome);
      }
    }
    return out;
  }
}

async function safeLoad(source: IdentitySource, recipient: string): Promise<SourceResult> {
  try {
    return await source.load(recipient);
  } catch (e) {
    return sourceFailure(source.location, messageOf(e));
  }
}

/** Identities given directly (library use and tests), not discovered from the environment. */
export class FixedIdentities implements IdentityProvider {
  readonly #identities: readonly Identity[];
  readonly #outcome: SourceOutcome;

  private constructor(identities: readonly Identity[], outcomeValue: SourceOutcome) {
    this.#identities = identities;
    this.#outcome = outcomeValue;
  }

  /** Parse identity strings (`AGE-SECRET-KEY-…`, one or more per string, `#` lines skipped). */
  static async fromStrings(identities: readonly string[], location = 'given identities'): Promise<FixedIdentities> {
    const result = await parseIdentityText(identities.join('\n'), location, { multiplePerLine: true });
    if (result.outcome.status === 'error') {
      throw new TsopsError('GENERIC', result.outcome.message ?? `failed to parse '${location}' age identities`);
    }
    return new FixedIdentities(result.identities, result.outcome);
  }

  /** Use already-built identities (e.g. SSH ones). */
  static of(identities: readonly Identity[], location = 'given identities'): FixedIdentities {
    return new FixedIdentities(
      identities,
      sourceOutcome(location, identities.length > 0 ? 'loaded' : 'empty', {
        count: identities.length,
        recipients: identities.flatMap((i) => (i.recipient === undefined ? [] : [i.recipient])),
      }),
    );
  }

  async identitiesFor(): Promise<readonly Identity[]> {
    return this.#identities;
  }

  nativeRecipients(): ReadonlySet<string> | undefined {
    return nativeRecipientsOf(this.#identities);
  }

  report(): readonly SourceOutcome[] {
    return [this.#outcome];
  }
}
