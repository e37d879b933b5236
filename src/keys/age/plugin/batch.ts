/**
 * One plugin process per plugin for all the age files of one sops file. Each `enc` of a sops
 * file is an age file of its own, and a Shamir split or several keys of one plugin put many of
 * them behind the same plugin; `identity-v1` takes many files in one session, so the first key
 * that needs a plugin runs it once for every file still unopened, and the other keys use what
 * it found. A hardware key then asks its PIN once per run, not once per key.
 */
import { base64nopad } from '@scure/base';
import { armorDecode } from '../armor.js';
import { readAgeHeaderStanzas } from '../age-file.js';
import type { Identity } from '../../identity.js';
import type { Identity as AgeLibIdentity, Stanza } from '../stanza.js';
import { PluginIdentity, unwrapFilesWithPlugin } from './client.js';
import type { FileUnwrap } from './client.js';

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
  readonly #opened = new Set<number>();
  readonly #sessions: Session[] = [];

  /** @param encs - the armored age files (`enc`) of every age key of every group, in the order they are tried. */
  constructor(encs: readonly string[]) {
    this.#encs = encs;
  }

  /** The age files, parsed on first need, so a run without plugins pays nothing. */
  #known(): Stanza[][] {
    if (this.#files) return this.#files;
    const files: Stanza[][] = [];
    this.#files = files;
    for (const enc of this.#encs) {
      try {
        this.#add(readAgeHeaderStanzas(armorDecode(enc)));
      } catch {
        // a malformed enc is reported when its own key is tried
      }
    }
    return files;
  }

  #add(stanzas: readonly Stanza[]): number {
    const files = this.#known();
    const id = fileId(stanzas);
    let i = this.#ids.get(id);
    if (i === undefined) {
      i = files.length;
      files.push([...stanzas]);
      this.#ids.set(id, i);
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
    }
    for (const p of plugins) {
      const session = this.#usable(p, file) ?? this.#start(p, file);
      const r = (await session.results).get(file);
      if (r === undefined) continue;
      if ('error' in r) throw r.error;
      if (r.fileKey) return r.fileKey;
    }
    return null;
  }

  #start(p: PluginIdentity, file: number): Session {
    const known = this.#known();
    const files = known.flatMap((_, i) => (i === file || !this.#opened.has(i) ? [i] : []));
    const results = unwrapFilesWithPlugin(
      p.name,
      p.encodings,
      files.map((i) => known[i] as Stanza[]),
      p.host,
    ).then((rs) => {
      const byFile = new Map<number, FileUnwrap>();
      rs.forEach((r, k) => {
        const i = files[k] as number;
        byFile.set(i, r);
        if ('fileKey' in r && r.fileKey) this.#opened.add(i);
      });
      return byFile;
    });
    const session: Session = { plugin: p.name, identities: new Set(p.encodings), files: new Set(files), results };
    this.#sessions.push(session);
    return session;
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
