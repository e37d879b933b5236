/**
 * Comment text the `yaml` library's nodes no longer tell apart, restored from its own tokens of
 * the source, so that the library parser reads comments as go-yaml does.
 */
import { Parser } from 'yaml';
import { Comment, isList, isMap } from '../../../core/tree.js';
import type { TreeMap, Value } from '../../../core/tree.js';

/**
 * The library keeps a comment's text after its `#` but gives an empty one as ' ', so `#` and
 * `# ` read alike; go-yaml (like the fast parser) keeps them apart, and sops writes `#` back as
 * `#`. The source's comment tokens, in order, tell which each ' ' was. Should the library have
 * dropped some of them (comments inside a flow collection), the two counts differ and only a
 * source whose such comments are all alike is restored.
 */
export function restoreEmptyComments(text: string, branches: TreeMap[]): void {
  if (!/#[ ]?\r?$/m.test(text)) return;
  // Each comment read as ' ', with the way to put its restored text in its place.
  const found: Array<(text: string) => void> = [];
  const visit = (v: Value): void => {
    if (isMap(v)) {
      for (const item of v.items) {
        if (!(item.key instanceof Comment)) visit(item.value);
        else if (item.key.text === ' ') found.push((t) => (item.key = new Comment(t, (item.key as Comment).inline)));
      }
    } else if (isList(v)) {
      v.items.forEach((item, i) => {
        if (!(item instanceof Comment)) visit(item);
        else if (item.text === ' ') found.push((t) => (v.items[i] = new Comment(t, item.inline)));
      });
    }
  };
  for (const b of branches) visit(b);
  if (found.length === 0) return;
  const source: Array<{ offset: number; text: string }> = [];
  const collect = (o: unknown): void => {
    if (Array.isArray(o)) {
      for (const x of o) collect(x);
    } else if (typeof o === 'object' && o !== null) {
      const t = o as { type?: unknown; offset?: unknown; source?: unknown };
      if (t.type === 'comment' && typeof t.source === 'string' && typeof t.offset === 'number') {
        if (t.source === '#' || /^# \r?$/.test(t.source)) source.push({ offset: t.offset, text: t.source === '#' ? '' : ' ' });
        return;
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'source') collect(x);
    }
  };
  for (const token of new Parser().parse(text)) collect(token);
  source.sort((a, b) => a.offset - b.offset);
  const allEmpty = source.length > 0 && source.every((c) => c.text === '');
  found.forEach((restore, i) => restore(source.length === found.length ? source[i]!.text : allEmpty ? '' : ' '));
}
