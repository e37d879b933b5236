/**
 * A run over several sops files tells its plugin sessions which files come next, so a plugin (a
 * hardware key asking its PIN) runs once for all the files that need it, not once a file. The
 * files are read for that only when a plugin is about to run, each at most once and without a
 * word: each is read again, and any problem with it reported, when its turn comes.
 */
import type { KeyGroup } from '../../core/keys-model.js';
import { formatForPath, parseFormatName } from '../../formats/index.js';
import type { CommandContext } from './context.js';
import { parseSopsFile } from './files.js';

export class UpcomingFiles {
  readonly #ctx: CommandContext;
  readonly #files: readonly string[];
  readonly #inputType: string | undefined;
  readonly #groups = new Map<string, readonly KeyGroup[] | undefined>();

  constructor(ctx: CommandContext, files: readonly string[], inputType?: string) {
    this.#ctx = ctx;
    this.#files = files;
    this.#inputType = inputType;
  }

  /** File `index` is about to be done: the upcoming ones are those after it. */
  at(index: number): void {
    const later = this.#files.slice(index + 1);
    this.#ctx.pluginRun().setUpcoming(() => {
      const out: (readonly KeyGroup[])[] = [];
      for (const file of later) {
        if (!this.#groups.has(file)) this.#groups.set(file, this.#read(file));
        const groups = this.#groups.get(file);
        if (groups !== undefined) out.push(groups);
      }
      return out;
    });
  }

  /** The run is over: nothing comes. */
  done(): void {
    this.#ctx.pluginRun().setUpcoming(undefined);
  }

  #read(file: string): readonly KeyGroup[] | undefined {
    if (file === '-') return undefined;
    try {
      const bytes = this.#ctx.io.readFile(this.#ctx.absolute(file));
      const format = parseFormatName(this.#inputType) ?? formatForPath(file);
      return parseSopsFile(this.#ctx.store(format), bytes, file).metadata.keyGroups;
    } catch {
      return undefined;
    }
  }
}
