/**
 * The general YAML path: the `yaml` library parses what the fast parser leaves aside (anchors
 * and aliases, flow collections, multi-line flow scalars, folded blocks, complex keys), and its
 * nodes are converted to the tree with go-yaml's scalar rules. Aliases are expanded into copies
 * (spec §6.1). Comment placement follows the library's attachment, close to go-yaml's.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Alias, Document, Node as YamlNode, Scalar } from 'yaml';
import { Comment, newList, newMap } from '../../../core/tree.js';
import type { MapItem, TreeList, TreeMap, Value } from '../../../core/tree.js';
import { resolvePlain } from '../scalars.js';
import { AliasBudget, aliasTargets, unknownAnchorError } from './aliases.js';
import { MAX_YAML_DEPTH, depthError, duplicateKeyError, parseError, rootTypeError } from './result.js';
import type { NonStringKey, ParsedYaml } from './result.js';
import { restoreEmptyComments } from './library-comments.js';
import { checkMergeValue, resolveCoreTag } from './resolve.js';

const TAG_PREFIX = 'tag:yaml.org,2002:';

/** Comment text (as the library keeps it, without `#`) split into lines, empty lines dropped. */
function commentLines(c: string | null | undefined): string[] {
  if (c === undefined || c === null || c === '') return [];
  return c.split('\n').filter((l) => l !== '');
}

const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;

class Converter {
  nonStringKey: NonStringKey | undefined;
  private readonly budget = new AliasBudget();
  private readonly targets: Map<Alias, YamlNode | undefined>;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly lineOf: (offset: number) => number,
    private readonly checkDuplicates: boolean,
  ) {
    this.targets = aliasTargets(this.doc);
  }

  /** The node an alias stands for; an alias without an anchor before it is an error, as in go-yaml. */
  target(alias: Alias): YamlNode {
    const t = this.targets.get(alias);
    if (t === undefined) throw unknownAnchorError(alias.source, this.line(alias));
    return t;
  }

  /** Whether a node's trailing comment starts on its own line (a go-yaml line comment). */
  private sameLineComment(node: YamlNode): boolean {
    if (!node.range) return false;
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
      // The library keeps a block scalar's header comment (`key: | # c`), go-yaml's line comment.
      const nl = this.text.indexOf('\n', node.range[0]);
      return this.text.slice(node.range[0], nl < 0 ? undefined : nl).includes('#');
    }
    const tail = this.text.slice(node.range[1], node.range[2]);
    const hash = tail.indexOf('#');
    const nl = tail.indexOf('\n');
    return hash >= 0 && (nl < 0 || hash < nl);
  }

  private endsInputUnbroken(node: YamlNode): boolean {
    const end = node.range?.[1];
    let last = this.text.length;
    while (last > 0 && (this.text.charCodeAt(last - 1) === 0x20 || this.text.charCodeAt(last - 1) === 0x09)) last--;
    // The scalar's last line is the input's, and no line break follows it.
    return end !== undefined && end >= last && last > 0 && !isLineBreak(this.text.charCodeAt(last - 1));
  }

  /** A scalar's comment lines; the library drops an empty header comment (`| #`), kept as ' ' like others. */
  private scalarComments(node: YamlNode): string[] {
    const lines = commentLines(node.comment);
    if (lines.length === 0 && isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && this.sameLineComment(node)) return [' '];
    return lines;
  }

  /** Whether only blanks stand before a node on its line. */
  private startsOwnLine(node: YamlNode): boolean {
    const start = node.range?.[0];
    if (start === undefined) return false;
    return /^[ \t]*$/.test(this.text.slice(this.text.lastIndexOf('\n', start - 1) + 1, start));
  }

  /** Whether a `#` comment follows a key on its line. */
  private commentOnLine(key: YamlNode | null): boolean {
    const end = key?.range?.[1];
    if (end === undefined) return false;
    const nl = this.text.indexOf('\n', end);
    return this.text.slice(end, nl < 0 ? undefined : nl).includes('#');
  }

  private line(node: YamlNode | null | undefined): number {
    return node?.range ? this.lineOf(node.range[0]) : 0;
  }

  scalar(node: Scalar): Value {
    const raw = node.value;
    let text = typeof raw === 'string' ? raw : String(raw);
    // A block scalar at the end of a file without a final line break: go-yaml has no break to
    // keep (scannerc.go reads none at the end of input), the library adds one.
    if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && text.endsWith('\n') && this.endsInputUnbroken(node)) {
      text = text.slice(0, -1);
    }
    const tag = node.tag;
    const plain = node.type === 'PLAIN';
    if (tag === undefined || tag === '!') return plain && tag === undefined ? resolvePlain(text) : text;
    const short = tag.startsWith(TAG_PREFIX) ? `!!${tag.slice(TAG_PREFIX.length)}` : tag;
    const core = resolveCoreTag(text, short, this.line(node));
    return core === undefined ? text : core;
  }

  value(node: YamlNode | null | undefined, depth: number): Value {
    // Alias hops count as levels too, so a chain of aliases cannot recurse without bound either.
    if (depth > MAX_YAML_DEPTH) throw depthError(this.line(node));
    if (node === null || node === undefined) return null;
    this.budget.node();
    if (isAlias(node)) {
      const target = this.target(node);
      return this.budget.through(() => this.value(target, depth + 1));
    }
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.map(node as unknown as { items: unknown[]; comment?: string | null }, depth);
    if (isSeq(node)) return this.list(node as unknown as { items: unknown[]; comment?: string | null }, depth);
    return null;
  }

  private keyText(key: unknown, depth: number): string {
    if (isScalar(key)) {
      if (typeof key.value === 'symbol') return '<<';
      const v = this.value(key as YamlNode, depth);
      const text = typeof key.value === 'string' ? key.value : String(key.value);
      if (typeof v !== 'string' && this.nonStringKey === undefined) this.nonStringKey = { line: this.line(key as YamlNode), text };
      return typeof v === 'string' ? v : text;
    }
    if (isAlias(key)) {
      const target = this.target(key);
      return this.budget.through(() => this.keyText(target, depth + 1));
    }
    const text = key === null || key === undefined ? '' : String(key);
    if (this.nonStringKey === undefined) this.nonStringKey = { line: this.line(key as YamlNode), text };
    return text;
  }

  map(node: { items: unknown[]; comment?: string | null }, depth: number, leading: string[] = []): TreeMap {
    if (depth >= MAX_YAML_DEPTH) throw depthError(this.line(node as YamlNode));
    const items: MapItem[] = leading.map((t) => ({ key: new Comment(t), value: null }));
    const seen = this.checkDuplicates ? new Map<string, number>() : undefined;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      for (const t of commentLines(keyNode?.commentBefore)) items.push({ key: new Comment(t), value: null });
      const key = this.keyText(keyNode, depth + 1);
      if (seen !== undefined) {
        const line = this.line(keyNode);
        const prev = seen.get(key);
        if (prev !== undefined) throw duplicateKeyError(key, line, prev);
        seen.set(key, line);
      }
      const v = pair.value as YamlNode | null;
      let after: string[] = [];
      if (v !== null && v !== undefined && !isCollection(v)) {
        for (const t of commentLines(v.commentBefore)) items.push({ key: new Comment(t), value: null });
        const [first, ...rest] = this.scalarComments(v);
        // After a key with no value on its line (`key: # c`) the comment is the key's, not a line comment.
        const empty = v.range !== undefined && v.range !== null && v.range[0] === v.range[1];
        if (first !== undefined && this.sameLineComment(v)) items.push({ key: new Comment(first, !empty), value: null });
        else if (first !== undefined) rest.unshift(first);
        after = rest;
      }
      for (const t of commentLines(keyNode?.comment)) items.push({ key: new Comment(t), value: null });
      let lead: string[] = [];
      if (isCollection(v)) {
        lead = commentLines(v.commentBefore);
        // go-yaml gives a comment on the key's line (`key: # c`) to the key, and sops lists it
        // before the entry; only the comments below it open the nested block.
        if (lead.length > 0 && this.commentOnLine(keyNode)) items.push({ key: new Comment(lead.shift()!), value: null });
      }
      const value = isCollection(v) ? this.nested(v, depth, lead) : this.value(v, depth + 1);
      if (seen !== undefined && key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') checkMergeValue(value);
      items.push({ key, value });
      for (const t of after) items.push({ key: new Comment(t), value: null });
    }
    for (const t of commentLines(node.comment)) items.push({ key: new Comment(t), value: null });
    return newMap(items);
  }

  /** A nested collection; `lead` are the comments it opens with (by default those before it). */
  private nested(v: YamlNode, depth: number, lead = commentLines(v.commentBefore)): Value {
    this.budget.node();
    if (isMap(v)) return this.map(v as unknown as { items: unknown[]; comment?: string | null }, depth + 1, lead);
    return this.list(v as unknown as { items: unknown[]; comment?: string | null }, depth + 1, lead);
  }

  list(node: { items: unknown[]; comment?: string | null }, depth: number, leading: string[] = []): TreeList {
    if (depth >= MAX_YAML_DEPTH) throw depthError(this.line(node as YamlNode));
    const items: Array<Value | Comment> = leading.map((t) => new Comment(t));
    for (const raw of node.items) {
      const item = raw as YamlNode | null;
      if (item !== null && isCollection(item)) {
        // go-yaml gives a comment before a collection in a list to that item, and sops lists
        // an item's head comment before the item; only a collection that starts on a line of
        // its own (`- # c` above it) opens with the comments before it.
        const lead = commentLines(item.commentBefore);
        if (this.startsOwnLine(item)) {
          items.push(this.nested(item, depth, lead));
        } else {
          for (const t of lead) items.push(new Comment(t));
          items.push(this.nested(item, depth, []));
        }
        continue;
      }
      for (const t of commentLines(item?.commentBefore)) items.push(new Comment(t));
      const [first, ...rest] = item === null ? [] : this.scalarComments(item);
      // A comment after a lone dash (`- # c`) heads what follows the empty item, as in go-yaml.
      const empty = item?.range !== undefined && item.range !== null && item.range[0] === item.range[1];
      if (first !== undefined && item !== null && this.sameLineComment(item) && !empty) items.push(new Comment(first, true));
      else if (first !== undefined) rest.unshift(first);
      items.push(this.value(item, depth + 1));
      for (const t of rest) items.push(new Comment(t));
    }
    for (const t of commentLines(node.comment)) items.push(new Comment(t));
    return newList(items);
  }
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The library's documents; a stack overflow inside it is reported as too deep a document. */
function parseDocuments(text: string): Document.Parsed[] {
  try {
    const docs = parseAllDocuments(text, { schema: 'failsafe', resolveKnownTags: false, uniqueKeys: false, merge: false, strict: false });
    return Array.isArray(docs) ? docs : [];
  } catch (e) {
    if (e instanceof RangeError) throw depthError(undefined);
    throw parseError(e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e));
  }
}

/** Parse any YAML stream with the `yaml` library and convert it like the fast parser does. */
export function parseWithLibrary(text: string): ParsedYaml {
  const list = parseDocuments(text);
  const lineOf = lineIndex(text);
  const branches: TreeMap[] = [];
  let nonStringKey: NonStringKey | undefined;
  for (const [i, doc] of list.entries()) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const where = err.linePos?.[0];
      // the library's recursive composer reports a call stack overflow as a document error
      if (/call stack/i.test(err.message)) throw depthError(where?.line);
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw parseError(where ? `line ${where.line}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}` : msg);
    }
    const conv = new Converter(doc, text, lineOf, i === 0);
    const root = doc.contents as YamlNode | null;
    const head = commentLines(doc.commentBefore);
    const foot = commentLines(doc.comment);
    const target = isAlias(root) ? conv.target(root) : root;
    let branch: TreeMap;
    if (target === null || target === undefined) {
      branch = newMap();
    } else if (isMap(target)) {
      branch = conv.map(target as unknown as { items: unknown[]; comment?: string | null }, 0, commentLines(target.commentBefore));
    } else if (isSeq(target)) {
      throw rootTypeError('sequences', lineOf(target.range?.[0] ?? 0));
    } else {
      if (conv.value(target, 0) !== null) throw rootTypeError('values', lineOf(target.range?.[0] ?? 0));
      branch = newMap();
    }
    branch.items.unshift(...head.map((t) => ({ key: new Comment(t), value: null })));
    branch.items.push(...foot.map((t) => ({ key: new Comment(t), value: null })));
    branches.push(branch);
    nonStringKey ??= conv.nonStringKey;
  }
  restoreEmptyComments(text, branches);
  return { branches, nonStringKey };
}
