/**
 * What every command needs besides its own options: the Io, the global flags, the config file
 * (found once, lazily), stores with their emit options, and the identity loader.
 */
import * as path from 'node:path';
import { tryCompileGoRegex, type GoRegex } from '../../core/regex.js';
import { findConfigFile } from '../../config/find.js';
import { loadConfig } from '../../config/parse.js';
import type { SopsConfig } from '../../config/types.js';
import { storeFor, type FormatName, type Store } from '../../formats/index.js';
import type { EmitOptions } from '../../formats/format.js';
import type { Io } from '../../io/types.js';
import type { IdentityLoader } from '../../keys/identities.js';
import { createIdentityLoader } from '../../keys/loader.js';
import type { KeyType } from '../../core/keys-model.js';
import { GnuPG, type PgpService } from '../../keys/pgp/gpg.js';
import { pluginHostFor, type PluginHost } from '../../keys/age/plugin/client.js';
import { PluginRun } from '../../keys/age/plugin/batch.js';

export interface GlobalOptions {
  /** `--config` (or SOPS_CONFIG). */
  config?: string | undefined;
  /** `--indent`, overriding the config's `stores:` section. */
  indent?: number | undefined;
  verbose?: boolean | undefined;
  /** `--decryption-order` (or SOPS_DECRYPTION_ORDER), checked. */
  decryptionOrder?: readonly KeyType[] | undefined;
}

export class CommandContext {
  private configLoaded = false;
  private configValue: SopsConfig | undefined;
  private loader: IdentityLoader | undefined;
  private gpg: PgpService | undefined;
  private plugins: PluginHost | undefined;
  private pluginSessions: PluginRun | undefined;
  /** The run this context speaks for (see {@link withIo}): the config is the parent's. */
  private parent: CommandContext | undefined;

  constructor(
    readonly io: Io,
    readonly global: GlobalOptions = {},
  ) {}

  /**
   * This run (flags, config, identity loader) speaking through another Io, e.g. one that holds a
   * file's messages back until its write is done.
   */
  withIo(io: Io, beforeAsking?: () => Promise<void>): CommandContext {
    const other = new CommandContext(io, this.global);
    if (beforeAsking !== undefined) other.beforeAsking = beforeAsking;
    // Loaded once for the whole run, even when the first file to need it has a context of its own.
    other.parent = this.parent ?? this;
    other.loader = this.identities();
    return other;
  }

  /**
   * Awaited before a question is put on stdin's terminal: a context whose output is held (see
   * withIo) first lets the output before it out, so the question shows in its place.
   */
  beforeAsking: () => Promise<void> = () => Promise.resolve();

  /** Absolute form of a user-given path. */
  absolute(p: string): string {
    return path.resolve(this.io.cwd(), p);
  }

  /** The `.sops.yaml` in effect, or undefined when none is found. Loaded once. */
  config(): SopsConfig | undefined {
    if (this.parent !== undefined) return this.parent.config();
    if (!this.configLoaded) {
      const explicit = this.global.config ?? emptyToUndefined(this.io.env['SOPS_CONFIG']);
      const file = findConfigFile(this.io, { explicit });
      this.debug(file === undefined ? 'no .sops.yaml found' : `config file: ${file}`);
      this.configValue = file === undefined ? undefined : loadConfig(this.io, file);
      this.configLoaded = true;
      for (const w of this.configValue?.warnings ?? []) this.warn(w);
    }
    return this.configValue;
  }

  /** One identity loader per run, so keys are read and passphrases asked once. */
  identities(): IdentityLoader {
    this.loader ??= createIdentityLoader(this.io);
    return this.loader;
  }

  /**
   * What wrapping and unwrapping the data key need beyond age identities: GnuPG, the decryption
   * order, and where plugin recipients run. Plugins run on the run's own Io, not a held one: a
   * plugin's request must reach the terminal at once.
   */
  keyOptions(): { pgp: PgpService; decryptionOrder: readonly KeyType[] | undefined; pluginHost: PluginHost; pluginRun: PluginRun } {
    this.gpg ??= new GnuPG(this.io);
    return { pgp: this.gpg, decryptionOrder: this.global.decryptionOrder, pluginHost: this.pluginHost(), pluginRun: this.pluginRun() };
  }

  /** What the files of this run share for their plugin sessions (see {@link PluginRun}). */
  pluginRun(): PluginRun {
    if (this.parent !== undefined) return this.parent.pluginRun();
    this.pluginSessions ??= new PluginRun();
    return this.pluginSessions;
  }

  private pluginHost(): PluginHost {
    if (this.parent !== undefined) return this.parent.pluginHost();
    this.plugins ??= pluginHostFor(this.io);
    return this.plugins;
  }

  store(format: FormatName): Store {
    return storeFor(format);
  }

  /** Emit options for a format: `--indent` wins over the config's `stores:` section. */
  emitOptions(format: FormatName): EmitOptions {
    if (this.global.indent !== undefined) return { indent: this.global.indent };
    const stores = this.config()?.stores;
    const indent =
      format === 'yaml' ? stores?.yaml?.indent
      : format === 'json' ? stores?.json?.indent
      : format === 'binary' ? stores?.json_binary?.indent
      : undefined;
    return indent === undefined ? {} : { indent };
  }

  compileRegex = (source: string): GoRegex | undefined => tryCompileGoRegex(source);

  /** Debug output, only with --verbose; callers never pass secrets here. */
  debug(message: string): void {
    if (this.global.verbose) this.io.stderr.write(`[tsops] ${message}\n`);
  }

  warn(message: string): void {
    this.io.stderr.write(`tsops: warning: ${message}\n`);
  }
}

export function emptyToUndefined(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
