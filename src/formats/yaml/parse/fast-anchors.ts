/**
 * Anchors and aliases for the fast YAML parser: each alias becomes an independent copy of its
 * anchor's value, as the library path expands them (spec §6.1). What the library would refuse or
 * bound is declined ({@link Unsupported}) so that the library parser decides it, with its own
 * error and go-yaml's exact expansion bound: an alias to an anchor not yet defined or still open
 * (an alias inside its own anchor), expansion heavy enough to come near that bound, copies that
 * would nest past the depth limit.
 */
import { Comment, cloneValue, isList, isMap } from '../../../core/tree.js';
import type { Value } from '../../../core/tree.js';
import { MAX_YAML_DEPTH, Unsupported } from './result.js';

interface Anchored {
  value: Value;
  /** Nodes the value decodes to, counting its own aliases' copies (go-yaml's count). */
  size: number;
  /** Levels of nested collections in the value. */
  height: number;
  /** Where the anchor stands among the document's anchors. */
  order: number;
}

/** An anchored node being read. */
export interface AnchorMark {
  name: string;
  nodes: number;
  order: number;
}

// go-yaml's scanner accepts only these characters in an anchor name.
const NAME_CHAR = /[0-9A-Za-z_-]/;

/** Copies from aliases the fast parser makes at most; beyond, the library applies go-yaml's bound. */
const MAX_ALIASED_NODES = 10_000;

/** The end of an anchor or alias name starting at `p` (after its `&` or `*`), if one is there. */
export function nameEnd(line: string, p: number): number | undefined {
  let q = p;
  while (q < line.length && NAME_CHAR.test(line[q]!)) q++;
  if (q === p) return undefined;
  // A name must end at a blank or the line's end; anything else is for the library to read.
  if (q < line.length && line[q] !== ' ' && line[q] !== '\t') return undefined;
  return q;
}

function heightOf(v: Value): number {
  if (!isMap(v) && !isList(v)) return 0;
  let h = 0;
  if (isMap(v)) {
    for (const i of v.items) h = Math.max(h, heightOf(i.value));
  } else {
    for (const i of v.items) if (!(i instanceof Comment)) h = Math.max(h, heightOf(i));
  }
  return h + 1;
}

/** The anchors of one document, with the node counts that bound alias expansion. */
export class AnchorTable {
  private readonly defined = new Map<string, Anchored>();
  private readonly open = new Set<string>();
  /** Nodes decoded so far (keys, values, aliases and their copies), as go-yaml counts them. */
  private nodes = 0;
  private viaAlias = 0;
  private order = 0;

  /** Count `n` decoded nodes of the document's own text. */
  count(n: number): void {
    this.nodes += n;
  }

  /** An anchored node starts (its own node already counted); returns the mark for {@link end}. */
  begin(name: string): AnchorMark {
    this.open.add(name);
    return { name, nodes: this.nodes, order: ++this.order };
  }

  /**
   * The anchored node is complete: later aliases of its name copy `value`, unless an anchor of
   * that name inside it came later (an alias refers to the last anchor before it in the text).
   */
  end(mark: AnchorMark, value: Value): void {
    this.open.delete(mark.name);
    const inner = this.defined.get(mark.name);
    if (inner !== undefined && inner.order > mark.order) return;
    this.defined.set(mark.name, { value, size: this.nodes - mark.nodes + 1, height: heightOf(value), order: mark.order });
  }

  /** A copy of the value an alias at nesting `depth` stands for. */
  alias(name: string, depth: number): Value {
    const target = this.defined.get(name);
    if (target === undefined || this.open.has(name)) throw new Unsupported('alias to an unknown or open anchor');
    if (depth + target.height > MAX_YAML_DEPTH) throw new Unsupported('alias copy nested too deeply');
    this.nodes += target.size;
    this.viaAlias += target.size;
    // Well below go-yaml's ratio (99% up to 400,000 nodes), so the library never refuses what is read here.
    if (this.viaAlias > MAX_ALIASED_NODES || (this.viaAlias > 100 && this.nodes > 1000 && this.viaAlias > this.nodes / 2)) {
      throw new Unsupported('heavy aliasing');
    }
    return cloneValue(target.value);
  }

  /** Anchors are per document. */
  reset(): void {
    this.defined.clear();
    this.open.clear();
    this.nodes = 0;
    this.viaAlias = 0;
    this.order = 0;
  }
}
