/** Alias resolution for documents parsed by the `yaml` library, in one pass over the document. */
import { isAlias, isNode, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode } from 'yaml';

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
