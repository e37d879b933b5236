/**
 * Aliases: their resolution in documents parsed by the `yaml` library (one pass over the
 * document) and go-yaml's bound on their expansion, shared by the library parser and `.sops.yaml`.
 */
import { isAlias, isNode, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode } from 'yaml';
import { TsopsError } from '../../../errors.js';
import { parseError } from './result.js';

/**
 * Every alias's node: the last node before the alias with its anchor, as the library's own
 * `Alias.resolve` finds it. That method walks the whole document on each call, so a document of
 * many aliases would take quadratic time; undefined marks an alias whose anchor is not defined.
 */
export function aliasTargets(doc: Document.Parsed): Map<Alias, YamlNode | undefined> {
  const latest = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode | undefined>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (isNode(node) && typeof node.anchor === 'string') latest.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * go-yaml v3's bound on alias expansion (decode.go, `allowedAliasRatio`): once more than 100
 * nodes come from aliases in a document of more than 1000 decoded nodes, the share of nodes
 * decoded through aliases may not exceed 99% up to 400,000 nodes, falling to 10% at 4,000,000.
 * Each alias is expanded into a copy, so without this nine lines of nested aliases make a
 * billion nodes; with it, expansion stays within about 100 times the document's own nodes.
 */
export class AliasBudget {
  private decoded = 0;
  private viaAlias = 0;
  private depth = 0;

  /** Count one decoded node; throws once aliases account for too large a share. */
  node(): void {
    this.decoded++;
    if (this.depth > 0) this.viaAlias++;
    if (this.viaAlias > 100 && this.decoded > 1000 && this.viaAlias / this.decoded > allowedAliasRatio(this.decoded)) {
      throw excessiveAliasingError();
    }
  }

  /** Count `size` nodes decoded at once through an alias (a converted node reused as a copy). */
  expanded(size: number): void {
    for (let i = 0; i < size; i++) {
      this.decoded++;
      this.viaAlias++;
      if (this.viaAlias > 100 && this.decoded > 1000 && this.viaAlias / this.decoded > allowedAliasRatio(this.decoded)) {
        throw excessiveAliasingError();
      }
    }
  }

  /** Run `f` as the expansion of an alias. */
  through<T>(f: () => T): T {
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }
}

function allowedAliasRatio(decoded: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decoded <= low) return 0.99;
  if (decoded >= high) return 0.1;
  return 0.99 - 0.89 * ((decoded - low) / (high - low));
}

export function excessiveAliasingError(): TsopsError {
  return new TsopsError('PARSE_INPUT', 'yaml: document contains excessive aliasing', {
    hint: 'an alias is expanded into a copy of its anchor: this document would expand into too many nodes',
  });
}

/** go-yaml's error for an alias whose anchor is not defined before it. */
export function unknownAnchorError(name: string, line: number | undefined): TsopsError {
  const where = line === undefined || line <= 0 ? '' : `line ${line}: `;
  return parseError(`${where}unknown anchor '${name}' referenced`);
}
