/**
 * One plugin process per plugin for all the age files of one sops file, and, in a run over
 * several sops files, for those of the files still to come that will need that plugin. Each
 * `enc` of a sops file is an age file of its own, and a Shamir split or several keys of one
 * plugin put many of them behind the same plugin; `identity-v1` takes many files in one session,
 * so the first key that needs a plugin runs it once for every file still unopened, and the other
 * keys use what it found. A hardware key then asks its PIN once per run, not once per key or
 * per file.
 */
import { base64nopad } from '@scure/base';
import { armorDecode } from '../armor.js';
import { readAgeHeaderStanzas } from '../age-file.js';
import type { KeyGroup } from '../../../core/keys-model.js';
import type { Identity } from '../../identity.js';
import type { Identity as AgeLibIdentity, Stanza } from '../stanza.js';
import { PluginIdentity, unwrapFilesWithPlugin } from './client.js';
import type { FileUnwrap } from './client.js';
import { parsePluginIdentity, parsePluginRecipient } from './names.js';

/**
 * What the sops files of one run share for their plugin sessions: the key groups of the files
 * still to come (read only when a plugin is about to run), and what earlier sessions found.
 */
export class PluginRun {
  #upcoming: (() => readonly (readonly KeyGroup[])[]) | undefined;
  /** By plugin, its identities and the age file: the file key, or null when none of them opens it. */
  readonly #found = new Map<string, Uint8Array | null>();

  /** The key groups of the files that come after the one in hand; called when a plugin is about to run. */
  setUpcoming(upcoming: (() => readonly (readonly KeyGroup[])[]) | undefined): void {
    this.#upcoming = upcoming;
  }

  /** What the provider gives; it never throws (a file it cannot read is left to its turn). */
  upcoming(): readonly (readonly KeyGroup[])[] {
    return this.#upcoming?.() ?? [];
  }

  found(key: string): Uint8Array | null | undefined {
    return this.#found.get(key);
  }

  remember(key: string, fileKey: Uint8Array | null): void {
    this.#found.set(key, fileKey);
  }
}

/** The plugin a recipient string names (`age1<name>1…`, or an `AGE-PLUGIN-…` identity as a recipient), if any. */
function pluginOfRecipient(recipient: string): string | undefined {
  return (parsePluginRecipient(recipient) ?? parsePluginIdentity(recipient))?.name;
}

/**
 * The age files of an upcoming sops file to open in a session of `plugin` now: all of them, as
 * its own session would, when its turn would come to this plugin and nothing else first. That is
 * when it has a key of this plugin, or of a plugin the run holds no identity of (an `age1tag1…`
 * recipient is opened by the identity of a hardware key's plugin), and otherwise only native age
 * keys whose recipients no identity at hand opens (`native`, known only when no passphrase or
 * per-recipient command could add one). A PGP key, a native key the run holds, a key of another
 * plugin the run holds (`others`), or a key of no held plugin while another is held, would be
 * tried before, or instead of, this plugin.
 */
function upcomingFor(plugin: string, groups: readonly KeyGroup[], native: ReadonlySet<string>, others: ReadonlySet<string>): string[] {
  const encs: string[] = [];
  let needs = false;
  for (const key of groups.flat()) {
    if (key.type !== 'age') return [];
    const name = pluginOfRecipient(key.recipient);
    if (name === undefined ? native.has(key.recipient) : name !== plugin && others.size > 0) return [];
    if (name !== undefined) needs = true;
    encs.push(key.enc);
  }
  return needs ? encs : [];
}

/** What a batch may take from the rest of its run. */
export interface BatchRun {
  run: PluginRun;
  /**
   * The recipients the run's native identities open, or undefined when that is not known without
   * asking or running something (a locked key file, SOPS_AGE_KEY_CMD): then no upcoming file is taken.
   */
  nativeRecipients: () => ReadonlySet<string> | undefined;
}

interface Session {
  readonly plugin: string;
  readonly identities: ReadonlySet<string>;
  readonly files: ReadonlySet<number>;
  readonly results: Promise<ReadonlyMap<number, FileUnwrap>>;
}

/** Two age files with the same stanzas are the same file key: one entry for both. */
function fileId(stanzas: readonly Stanza[]): string {
  return stanzas.map((s) => `${s.args.join(' ')}\n${base64nopad.encode(s.body)}`).join('\n');
}

/**
 * The plugin sessions of one data-key unwrap. Results are reused for a key only when the
 * session was given every identity of that plugin the key has (sources run per recipient, such
 * as SOPS_AGE_KEY_CMD, may give other keys other identities); otherwise a new session runs.
 */
export class PluginBatch {
  readonly #encs: readonly string[];
  #files: Stanza[][] | undefined;
  readonly #ids = new Map<string, number>();
  /** Each known file's {@link fileId}, by index. */
  readonly #idOf: string[] = [];
  readonly #opened = new Set<number>();
  readonly #sessions: Session[] = [];
  readonly #shared: BatchRun | undefined;
  /** How many of the known files are this sops file's own (the run's later files come after them). */
  #ownCount = 0;

  /**
   * @param encs - the armored age files (`enc`) of every age key of every group, in the order they are tried.
   * @param shared - the run this sops file is one of, when there are others.
   */
  constructor(encs: readonly string[], shared?: BatchRun) {
    this.#encs = encs;
    this.#shared = shared;
  }

  /** The age files, parsed on first need, so a run without plugins pays nothing. */
  #known(): Stanza[][] {
    if (this.#files) return this.#files;
    const files: Stanza[][] = [];
    this.#files = files;
    for (const enc of this.#encs) this.#parse(enc);
    this.#ownCount = files.length;
    return files;
  }

  #parse(enc: string): number | undefined {
    try {
      return this.#add(readAgeHeaderStanzas(armorDecode(enc)));
    } catch {
      // a malformed enc is reported when its own key is tried
      return undefined;
    }
  }

  #add(stanzas: readonly Stanza[]): number {
    const files = this.#known();
    const id = fileId(stanzas);
    let i = this.#ids.get(id);
    if (i === undefined) {
      i = files.length;
      files.push([...stanzas]);
      this.#ids.set(id, i);
      this.#idOf.push(id);
    }
    return i;
  }

  /** One identity standing for `plugins` (one per plugin, in the order to try them) for one key. */
  identity(plugins: readonly PluginIdentity[]): AgeLibIdentity {
    return { unwrapFileKey: (stanzas: Stanza[]) => this.#unwrap(plugins, stanzas) };
  }

  #usable(p: PluginIdentity, file: number): Session | undefined {
    return this.#sessions.find((s) => s.plugin === p.name && s.files.has(file) && p.encodings.every((e) => s.identities.has(e)));
  }

  async #unwrap(plugins: readonly PluginIdentity[], stanzas: Stanza[]): Promise<Uint8Array | null> {
    const file = this.#add(stanzas);
    // a file another of this key's plugins already opened starts no plugin
    for (const p of plugins) {
      const r = await this.#usable(p, file)?.results.catch(() => undefined);
      const found = r?.get(file);
      if (found && 'fileKey' in found && found.fileKey) return found.fileKey;
      const earlier = this.#shared?.run.found(this.#runKey(p, file));
      if (earlier) return earlier.slice();
    }
    for (const p of plugins) {
      let session = this.#usable(p, file);
      // an earlier file's session already asked this plugin, with these identities, about this file
      if (session === undefined && this.#shared?.run.found(this.#runKey(p, file)) === null) continue;
      session ??= this.#start(p, file, plugins);
      const r = (await session.results).get(file);
      if (r === undefined) continue;
      if ('error' in r) throw r.error;
      if (r.fileKey) return r.fileKey;
    }
    return null;
  }

  /** A session of `p` for `file` and this sops file's other unopened files (`all`: every plugin the run has identities of). */
  #start(p: PluginIdentity, file: number, all: readonly PluginIdentity[]): Session {
    const known = this.#known();
    const own = known.flatMap((_, i) => (i === file || (i < this.#ownCount && !this.#opened.has(i)) ? [i] : []));
    const later = this.#upcoming(p, new Set(own), new Set(all.filter((q) => q !== p).map((q) => q.name)));
    const open = (indices: number[]) =>
      unwrapFilesWithPlugin(
        p.name,
        p.encodings,
        indices.map((i) => known[i] as Stanza[]),
        p.host,
      ).then((rs) => {
        const byFile = new Map<number, FileUnwrap>();
        rs.forEach((r, k) => {
          const i = indices[k] as number;
          byFile.set(i, r);
          if ('fileKey' in r) {
            if (r.fileKey) this.#opened.add(i);
            this.#shared?.run.remember(this.#runKey(p, i), r.fileKey && r.fileKey.slice());
          }
        });
        return byFile;
      });
    // Another file's age file that breaks the plugin must not cost this file its key: without it, once more.
    const files = [...own, ...later];
    const results = later.length === 0 ? open(own) : open(files).catch(() => open(own));
    const session: Session = { plugin: p.name, identities: new Set(p.encodings), files: new Set(files), results };
    this.#sessions.push(session);
    return session;
  }

  /**
   * The age files of the run's later sops files that this session of `p` opens too (indices into
   * the known files); `others` names the other plugins the run has identities of.
   */
  #upcoming(p: PluginIdentity, taken: ReadonlySet<number>, others: ReadonlySet<string>): number[] {
    const native = this.#shared?.nativeRecipients();
    if (this.#shared === undefined || native === undefined) return [];
    const out: number[] = [];
    for (const groups of this.#shared.run.upcoming()) {
      for (const enc of upcomingFor(p.name, groups, native, others)) {
        const i = this.#parse(enc);
        if (i === undefined || taken.has(i) || out.includes(i)) continue;
        if (this.#shared.run.found(this.#runKey(p, i)) !== undefined) continue;
        out.push(i);
      }
    }
    return out;
  }

  /** Where the run keeps what a session of `p` found for known file `i`. */
  #runKey(p: PluginIdentity, i: number): string {
    return `${p.name}\n${[...p.encodings].sort().join(' ')}\n${this.#idOf[i]}`;
  }
}

/**
 * `ordered` (as {@link arrangePluginIdentities} left it: native identities first, then one per
 * plugin) with the plugin ones replaced by one identity that unwraps through `batch`.
 */
export function batchPluginIdentities(ordered: readonly Identity[], batch: PluginBatch): readonly Identity[] {
  const plugins = ordered.filter((i) => i.secret instanceof PluginIdentity);
  if (plugins.length === 0) return ordered;
  const native = ordered.filter((i) => !(i.secret instanceof PluginIdentity));
  const secret = batch.identity(plugins.map((i) => i.secret as PluginIdentity));
  return [...native, { origin: plugins.map((i) => i.origin).join(', '), recipient: undefined, secret }];
}
