/**
 * A fast parser for block-style YAML, the style sops writes and most people use (spec §6.1).
 * It places comments where go-yaml v3 + sops put them: a comment stays in the innermost open
 * block whose owner (key or dash) sits left of it, comments between a key and its nested block
 * open that block, line comments after scalars become inline comments before their entry.
 * Simple anchors (`&name` on a value) and aliases (`*name`, expanded into copies) are read here,
 * see fast-anchors.ts. Anything else (flow collections, multi-line flow scalars, folded blocks,
 * complex keys, tags on collections, directives) throws {@link Unsupported} so the library
 * parser runs.
 */
import { Comment, isMap, newList, newMap } from '../../../core/tree.js';
import type { MapItem, TreeList, TreeMap, Value } from '../../../core/tree.js';
import { resolvePlain } from '../scalars.js';
import { MAX_YAML_DEPTH, Unsupported, depthError, duplicateKeyError, rootTypeError } from './result.js';
import type { NonStringKey, ParsedYaml } from './result.js';
import { checkMergeValue, resolveCoreTag, unescapeDouble } from './resolve.js';
import { doubleQuotedEnd, flowNestingBeyond, readLiteralBlock, singleQuotedEnd } from './fast-scalars.js';
import { AnchorTable, nameEnd, type AnchorMark } from './fast-anchors.js';

/** How a scalar was written: plain, quoted (one line) or as a literal block. */
export type ScalarStyle = 'plain' | 'quoted' | 'block';

export interface FastOptions {
  /**
   * Resolves scalars in place of go-yaml's rules, for a reader with rules of its own (it may
   * throw {@link Unsupported}). Under it a plain key must resolve to a string and a quoted key
   * may not be `<<`, or the document is declined.
   */
  scalars?: (text: string, style: ScalarStyle, tag: string | undefined, line: number) => Value;
  /** Told of every anchor as its node completes: its value, document and top-level key. */
  onAnchor?: (anchor: { name: string; value: Value; doc: number; topKey: string | undefined }) => void;
}

const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;
const DOC_START = 3;
const DOC_END = 4;

interface PendingComment {
  col: number;
  text: string;
  /** Comments separated by a blank line are in different groups. */
  group: number;
}

interface Inline {
  value: Value;
  /** Text of a `#` comment after the value on its line. */
  comment: string | undefined;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09;

class FastParser {
  private readonly lines: string[];
  private readonly kinds: Uint8Array;
  private readonly indents: Int32Array;
  private li = 0;
  private pending: PendingComment[] = [];
  private group = 0;
  private blankSincePending = false;
  private checkDuplicates = true;
  /** Block collections open around the current line (the recursion depth of parseMap/parseSeq). */
  private depth = 0;
  private readonly anchors = new AnchorTable();
  /** Comment lines met so far: an anchored collection with comments in or after it is declined. */
  private comments = 0;
  private doc = 0;
  /** The root mapping's key whose value is being read. */
  private topKey: string | undefined;
  nonStringKey: NonStringKey | undefined;

  constructor(
    text: string,
    private readonly options: FastOptions = {},
  ) {
    if (text.includes('\r')) text = text.replace(/\r\n/g, '\n');
    if (text.includes('\r')) throw new Unsupported('bare carriage return');
    this.lines = text.split('\n');
    const n = this.lines.length;
    this.kinds = new Uint8Array(n);
    this.indents = new Int32Array(n);
    for (let i = 0; i < n; i++) this.classify(i);
  }

  private classify(i: number): void {
    const line = this.lines[i]!;
    let p = 0;
    while (p < line.length && line.charCodeAt(p) === 0x20) p++;
    let q = p;
    while (q < line.length && isSpace(line.charCodeAt(q))) q++;
    this.indents[i] = q;
    if (q === line.length) {
      this.kinds[i] = BLANK;
    } else if (line.charCodeAt(q) === 0x23) {
      this.kinds[i] = COMMENT;
    } else {
      if (q !== p) throw new Unsupported('tab in indentation');
      if (p === 0 && (line.startsWith('---') || line.startsWith('...')) && (line.length === 3 || isSpace(line.charCodeAt(3)))) {
        this.kinds[i] = line[0] === '-' ? DOC_START : DOC_END;
      } else {
        if (p === 0 && line.charCodeAt(0) === 0x25) throw new Unsupported('directive');
        this.kinds[i] = CONTENT;
      }
    }
  }

  /** Skip blank and comment lines, queueing the comments. */
  private skipToContent(): void {
    const n = this.lines.length;
    while (this.li < n) {
      const k = this.kinds[this.li]!;
      if (k === BLANK) {
        if (this.pending.length > 0) this.blankSincePending = true;
        this.li++;
      } else if (k === COMMENT) {
        const col = this.indents[this.li]!;
        if (this.blankSincePending) this.group++;
        this.blankSincePending = false;
        this.comments++;
        this.pending.push({ col, text: this.lines[this.li]!.slice(col + 1), group: this.group });
        this.li++;
      } else {
        return;
      }
    }
  }

  private atContent(): boolean {
    return this.li < this.lines.length && this.kinds[this.li] === CONTENT;
  }

  private takeAll(): PendingComment[] {
    const all = this.pending;
    this.pending = [];
    this.blankSincePending = false;
    return all;
  }

  /**
   * Comments that still belong to a closing block: the first group (up to a blank line) of
   * those right of its owner; later groups head whatever comes next, as in go-yaml.
   */
  private takeFoot(ownerCol: number, entryCol: number, indentless: boolean): PendingComment[] {
    const atEnd = !this.atContent();
    if (ownerCol < 0) return this.takeAll();
    const group = this.pending[0]?.group;
    let i = 0;
    while (i < this.pending.length) {
      const p = this.pending[i]!;
      if (p.group === group && (p.col > ownerCol || (indentless && atEnd && p.col >= entryCol))) i++;
      else break;
    }
    if (i === 0) return [];
    return this.pending.splice(0, i);
  }

  parse(): ParsedYaml {
    const branches: TreeMap[] = [];
    const n = this.lines.length;
    for (;;) {
      this.skipToContent();
      if (this.li >= n) break;
      let explicit = false;
      const kind = this.kinds[this.li]!;
      if (kind === DOC_END) throw new Unsupported('document end marker');
      if (kind === DOC_START) {
        explicit = true;
        const rest = this.lines[this.li]!.slice(3).trimStart();
        if (rest !== '' && !rest.startsWith('#')) throw new Unsupported('content after ---');
        if (rest !== '') this.pending.push({ col: 0, text: rest.slice(1), group: this.group });
        this.li++;
        this.skipToContent();
      }
      if (!explicit && branches.length > 0) throw new Unsupported('document without marker');
      this.anchors.reset();
      this.doc = branches.length;
      const branch = this.parseDocumentBody(branches.length);
      branches.push(branch);
      this.checkDuplicates = false;
      if (this.li < n && this.kinds[this.li] === DOC_END) {
        this.li++;
        this.skipToContent();
        if (this.li < n && this.kinds[this.li] !== DOC_START) throw new Unsupported('content after ...');
      }
    }
    if (this.pending.length > 0 && branches.length > 0) {
      const last = branches[branches.length - 1]!;
      for (const c of this.takeAll()) last.items.push({ key: new Comment(c.text), value: null });
    }
    return { branches, nonStringKey: this.nonStringKey };
  }

  private parseDocumentBody(docIndex: number): TreeMap {
    if (!this.atContent()) {
      return newMap(this.takeAll().map((c) => ({ key: new Comment(c.text), value: null })));
    }
    const line = this.lines[this.li]!;
    const col = this.indents[this.li]!;
    const startLine = this.li + 1;
    if (this.isDash(line, col)) throw rootTypeError('sequences', startLine);
    if (line[col] === '&' || line[col] === '*') throw new Unsupported('anchor or alias at the root');
    if (this.keyEnd(line, col) !== undefined) {
      const map = this.parseMap(col, -1, col);
      if (this.atContent()) throw new Unsupported('content after root mapping');
      return map;
    }
    const value = this.parseInline(col, -1);
    this.skipToContent();
    if (this.atContent()) throw new Unsupported('content after root scalar');
    if (isMap(value.value)) {
      const items = this.commentItems(this.takeAll());
      if (value.comment !== undefined) items.push({ key: new Comment(value.comment), value: null });
      return newMap(items.concat(value.value.items));
    }
    if (value.value !== null) {
      throw docIndex === 0 && typeof value.value === 'object' && 'kind' in value.value && value.value.kind === 'list'
        ? rootTypeError('sequences', startLine)
        : rootTypeError('values', startLine);
    }
    const items: MapItem[] = [];
    if (value.comment !== undefined) items.push({ key: new Comment(value.comment), value: null });
    for (const c of this.takeAll()) items.push({ key: new Comment(c.text), value: null });
    return newMap(items);
  }

  private isDash(line: string, p: number): boolean {
    return line.charCodeAt(p) === 0x2d && (p + 1 === line.length || isSpace(line.charCodeAt(p + 1)));
  }

  /**
   * If a mapping key starts at `p`, the index just after its `:`; otherwise undefined. Keys with
   * anchors, tags, flow syntax or `?` are left to the library parser.
   */
  private keyEnd(line: string, p: number): number | undefined {
    const c = line.charCodeAt(p);
    if (c === 0x22 || c === 0x27) {
      const close = c === 0x22 ? doubleQuotedEnd(line, p) : singleQuotedEnd(line, p);
      if (close === undefined) return undefined;
      let q = close;
      while (q < line.length && isSpace(line.charCodeAt(q))) q++;
      if (line.charCodeAt(q) === 0x3a && (q + 1 === line.length || isSpace(line.charCodeAt(q + 1)))) return q + 1;
      return undefined;
    }
    let q = p;
    for (;;) {
      q = line.indexOf(':', q);
      if (q < 0) return undefined;
      if (q + 1 === line.length || isSpace(line.charCodeAt(q + 1))) break;
      q++;
    }
    for (let h = line.indexOf('#', p); h >= 0 && h < q; h = line.indexOf('#', h + 1)) {
      if (h === p || isSpace(line.charCodeAt(h - 1))) return undefined;
    }
    if (q === p) throw new Unsupported('empty key');
    if ('&*!|>%@`{[,]}#'.includes(line[p]!) || ((c === 0x2d || c === 0x3f || c === 0x3a) && (p + 1 === q || isSpace(line.charCodeAt(p + 1))))) {
      throw new Unsupported('key starting with an indicator');
    }
    return q + 1;
  }

  private commentItems(list: PendingComment[]): MapItem[] {
    return list.map((c) => ({ key: new Comment(c.text), value: null }));
  }

  /** A block mapping whose entries start at column `col`; the first one at `first` on this line. */
  private parseMap(col: number, ownerCol: number, first: number, leading: PendingComment[] = []): TreeMap {
    this.enter();
    const items: MapItem[] = this.commentItems(leading);
    const seen = this.checkDuplicates ? new Map<string, number>() : undefined;
    let p = first;
    for (;;) {
      for (const c of this.takeAll()) items.push({ key: new Comment(c.text), value: null });
      const lineNo = this.li + 1;
      const line = this.lines[this.li]!;
      const end = this.keyEnd(line, p);
      if (end === undefined) throw new Unsupported('not a key');
      const key = this.keyText(line, p, end - 1, lineNo);
      if (seen !== undefined) {
        const prev = seen.get(key);
        if (prev !== undefined) throw duplicateKeyError(key, lineNo, prev);
        seen.set(key, lineNo);
      }
      const mergeKey = seen !== undefined && key === '<<' && line.charCodeAt(p) === 0x3c;
      if (this.depth === 1) this.topKey = key;
      this.anchors.count(2);
      let q = end;
      while (q < line.length && isSpace(line.charCodeAt(q))) q++;
      const anchor = this.anchorAt(line, q);
      if (anchor !== undefined) {
        q = anchor.next;
        if (q < line.length && (this.keyEnd(line, q) !== undefined || '&*#'.includes(line[q]!))) throw new Unsupported('anchor here');
      }
      if (q === line.length || line.charCodeAt(q) === 0x23) {
        const keyComment = q === line.length ? undefined : line.slice(q + 1);
        this.li++;
        const { value, heads } = anchor === undefined ? this.parseValueBelow(col, true) : this.anchoredBelow(anchor.name, col, true);
        if (keyComment !== undefined) items.push({ key: new Comment(keyComment), value: null });
        for (const h of heads) items.push({ key: h, value: null });
        items.push({ key, value });
      } else {
        const v = anchor === undefined ? this.parseInline(q, col) : this.anchoredInline(anchor.name, q, col);
        if (v.comment !== undefined) items.push({ key: new Comment(v.comment, true), value: null });
        items.push({ key, value: v.value });
        this.skipToContent();
        if (this.atContent() && this.indents[this.li]! > col) throw new Unsupported('continuation line');
      }
      if (mergeKey) checkMergeValue(items[items.length - 1]!.value);
      this.skipToContent();
      if (!this.atContent()) break;
      const ind = this.indents[this.li]!;
      if (ind < col) break;
      if (ind > col) throw new Unsupported('unexpected indentation');
      if (this.isDash(this.lines[this.li]!, col)) throw new Unsupported('sequence entry in mapping');
      p = col;
    }
    for (const c of this.takeFoot(ownerCol, col, false)) items.push({ key: new Comment(c.text), value: null });
    this.depth--;
    return newMap(items);
  }

  /** Count one more open collection; refuse nesting the library parser could not handle either. */
  private enter(): void {
    if (++this.depth > MAX_YAML_DEPTH) throw depthError(this.li + 1);
  }

  /**
   * The value of a key or dash with nothing after it on its line: a nested block, an indentless
   * sequence (for keys), a scalar on the next line, or null. Comments before a nested block open it.
   */
  private parseValueBelow(col: number, forKey: boolean): { value: Value; heads: Comment[] } {
    this.skipToContent();
    if (!this.atContent()) return { value: null, heads: [] };
    const ind = this.indents[this.li]!;
    const line = this.lines[this.li]!;
    if (ind > col) {
      if (this.isDash(line, ind)) return { value: this.parseSeq(ind, col, ind, false, this.takeAll()), heads: [] };
      if (this.keyEnd(line, ind) !== undefined) return { value: this.parseMap(ind, col, ind, this.takeAll()), heads: [] };
      const heads = this.takeAll().map((c) => new Comment(c.text));
      const v = this.parseInline(ind, col);
      if (v.comment !== undefined) heads.push(new Comment(v.comment, true));
      this.skipToContent();
      if (this.atContent() && this.indents[this.li]! > col) throw new Unsupported('continuation line');
      return { value: v.value, heads };
    }
    if (forKey && ind === col && this.isDash(line, col)) {
      return { value: this.parseSeq(col, col, col, true, this.takeAll()), heads: [] };
    }
    return { value: null, heads: [] };
  }

  /** A block sequence with dashes at column `col`; the first dash at `first` on this line. */
  private parseSeq(col: number, ownerCol: number, first: number, indentless: boolean, leading: PendingComment[] = []): TreeList {
    this.enter();
    const items: Array<Value | Comment> = leading.map((c) => new Comment(c.text));
    let p = first;
    for (;;) {
      for (const c of this.takeAll()) items.push(new Comment(c.text));
      const line = this.lines[this.li]!;
      this.anchors.count(1);
      let q = p + 1;
      while (q < line.length && isSpace(line.charCodeAt(q))) q++;
      const anchor = this.anchorAt(line, q);
      if (anchor !== undefined) {
        q = anchor.next;
        if (q < line.length && (this.isDash(line, q) || this.keyEnd(line, q) !== undefined || '&*#'.includes(line[q]!))) {
          throw new Unsupported('anchor here');
        }
        if (q === line.length) {
          this.li++;
          const { value } = this.anchoredBelow(anchor.name, col, false);
          items.push(value);
        } else {
          const v = this.anchoredInline(anchor.name, q, col);
          if (v.comment !== undefined) items.push(new Comment(v.comment, true));
          items.push(v.value);
          this.skipToContent();
          if (this.atContent() && this.indents[this.li]! > col) throw new Unsupported('continuation line');
        }
      } else if (q === line.length || line.charCodeAt(q) === 0x23) {
        // A comment after a lone dash heads whatever follows (go-yaml scanner rule).
        if (q < line.length) {
          this.pending.push({ col: -1, text: line.slice(q + 1), group: this.group });
          this.comments++;
        }
        this.li++;
        const { value, heads } = this.parseValueBelow(col, false);
        for (const h of heads) items.push(h);
        items.push(value);
      } else if (this.isDash(line, q)) {
        items.push(this.parseSeq(q, col, q, false));
      } else if (this.keyEnd(line, q) !== undefined) {
        items.push(this.parseMap(q, col, q));
      } else {
        const v = this.parseInline(q, col);
        if (v.comment !== undefined) items.push(new Comment(v.comment, true));
        items.push(v.value);
        this.skipToContent();
        if (this.atContent() && this.indents[this.li]! > col) throw new Unsupported('continuation line');
      }
      this.skipToContent();
      if (!this.atContent()) break;
      const ind = this.indents[this.li]!;
      if (ind < col) break;
      if (ind > col) throw new Unsupported('unexpected indentation');
      if (!this.isDash(this.lines[this.li]!, col)) {
        if (indentless) break;
        throw new Unsupported('mapping entry in sequence');
      }
      p = col;
    }
    for (const c of this.takeFoot(ownerCol, col, indentless)) items.push(new Comment(c.text));
    this.depth--;
    return newList(items);
  }

  /** An anchor `&name` at `p`: its name and where the value after it starts. */
  private anchorAt(line: string, p: number): { name: string; next: number } | undefined {
    if (line.charCodeAt(p) !== 0x26) return undefined;
    const end = nameEnd(line, p + 1);
    if (end === undefined) throw new Unsupported('anchor name');
    let next = end;
    while (next < line.length && isSpace(line.charCodeAt(next))) next++;
    return { name: line.slice(p + 1, end), next };
  }

  /** An anchored value on the key's or dash's line. */
  private anchoredInline(name: string, p: number, parentIndent: number): Inline {
    const mark = this.anchors.begin(name);
    const v = this.parseInline(p, parentIndent);
    // An empty flow collection keeps a comment after it or below it (`[] # c`), which copies
    // would repeat: the library decides.
    if (typeof v.value === 'object' && v.value !== null && 'kind' in v.value) {
      if (v.value.items.length > 0 || this.commentFollows()) throw new Unsupported('anchored flow collection');
    }
    this.anchored(mark, v.value);
    return v;
  }

  /** Whether a comment line comes before the next content line. */
  private commentFollows(): boolean {
    for (let i = this.li; i < this.lines.length && this.kinds[i] !== CONTENT; i++) if (this.kinds[i] === COMMENT) return true;
    return false;
  }

  /** An anchored value below its key or dash (`key: &name` alone on its line). */
  private anchoredBelow(name: string, col: number, forKey: boolean): { value: Value; heads: Comment[] } {
    const mark = this.anchors.begin(name);
    const comments = this.comments;
    const below = this.parseValueBelow(col, forKey);
    // Comments in or just after an anchored block: where copies get them is the library's call.
    if (this.comments !== comments || below.heads.length > 0) throw new Unsupported('comments around an anchored block');
    this.anchored(mark, below.value);
    return below;
  }

  private anchored(mark: AnchorMark, value: Value): void {
    this.anchors.end(mark, value);
    this.options.onAnchor?.({ name: mark.name, value, doc: this.doc, topKey: this.topKey });
  }

  private keyText(line: string, p: number, colon: number, lineNo: number): string {
    const c = line.charCodeAt(p);
    const scalars = this.options.scalars;
    if (c === 0x22 || c === 0x27) {
      const text =
        c === 0x22 ? unescapeDouble(line.slice(p + 1, doubleQuotedEnd(line, p)! - 1)) : line.slice(p + 1, singleQuotedEnd(line, p)! - 1).replaceAll("''", "'");
      // Only a plain `<<` merges; a reader with its own rules would tell the two apart.
      if (scalars !== undefined && text === '<<') throw new Unsupported('quoted merge key');
      return text;
    }
    let e = colon;
    while (e > p && isSpace(line.charCodeAt(e - 1))) e--;
    const text = line.slice(p, e);
    if (scalars !== undefined && typeof scalars(text, 'plain', undefined, lineNo) !== 'string') throw new Unsupported('key that is not a string');
    const resolved = resolvePlain(text);
    if (typeof resolved !== 'string' && this.nonStringKey === undefined) this.nonStringKey = { line: lineNo, text };
    return text;
  }

  /** A scalar starting at column `p` of the current line; `parentIndent` is its block's column. */
  private parseInline(p: number, parentIndent: number): Inline {
    const line = this.lines[this.li]!;
    const lineNo = this.li + 1;
    const c = line.charCodeAt(p);
    if (c === 0x2a) {
      const end = nameEnd(line, p + 1);
      if (end === undefined) throw new Unsupported('alias name');
      const value = this.anchors.alias(line.slice(p + 1, end), this.depth);
      const comment = this.trailingComment(line, end);
      this.li++;
      return { value, comment };
    }
    let tag: string | undefined;
    if (c === 0x21) {
      let q = p;
      while (q < line.length && !isSpace(line.charCodeAt(q))) q++;
      tag = line.slice(p, q);
      if (tag.startsWith('!<') || tag === '!') throw new Unsupported('verbatim tag');
      while (q < line.length && isSpace(line.charCodeAt(q))) q++;
      if (q === line.length || line.charCodeAt(q) === 0x23) throw new Unsupported('tagged collection');
      p = q;
    }
    const d = line.charCodeAt(p);
    let text: string;
    let quoted = false;
    let after: number;
    if (d === 0x7c || d === 0x3e) {
      return this.parseBlockScalar(p, parentIndent, tag, lineNo);
    } else if (d === 0x22) {
      const close = doubleQuotedEnd(line, p);
      if (close === undefined) throw new Unsupported('multi-line double-quoted scalar');
      text = unescapeDouble(line.slice(p + 1, close - 1));
      quoted = true;
      after = close;
    } else if (d === 0x27) {
      const close = singleQuotedEnd(line, p);
      if (close === undefined) throw new Unsupported('multi-line single-quoted scalar');
      text = line.slice(p + 1, close - 1).replaceAll("''", "'");
      quoted = true;
      after = close;
    } else if (d === 0x5b || d === 0x7b) {
      return this.parseEmptyFlow(p, d === 0x5b, tag);
    } else {
      if ('&*%@`,]}#'.includes(line[p]!)) throw new Unsupported('indicator at scalar start');
      if ((d === 0x2d || d === 0x3f || d === 0x3a) && (p + 1 === line.length || isSpace(line.charCodeAt(p + 1)))) {
        throw new Unsupported('indicator at scalar start');
      }
      let e = line.length;
      for (let q = line.indexOf('#', p + 1); q >= 0; q = line.indexOf('#', q + 1)) {
        if (isSpace(line.charCodeAt(q - 1))) {
          e = q;
          break;
        }
      }
      let s = e;
      while (s > p && isSpace(line.charCodeAt(s - 1))) s--;
      text = line.slice(p, s);
      if (text.includes(': ') || text.includes(':\t') || text.endsWith(':')) throw new Unsupported('mapping value in scalar');
      after = s;
    }
    const comment = this.trailingComment(line, after);
    this.li++;
    return { value: this.resolve(text, quoted ? 'quoted' : 'plain', tag, lineNo), comment };
  }

  /**
   * `[]` / `{}`, possibly spread over lines holding only comments. go-yaml drops the comments
   * inside and keeps a comment after the closing bracket as the collection's first item.
   */
  private parseEmptyFlow(p: number, isList: boolean, tag: string | undefined): Inline {
    const line = this.lines[this.li]!;
    const closeCh = isList ? ']' : '}';
    if (this.depth + 1 > MAX_YAML_DEPTH) throw depthError(this.li + 1);
    if (tag !== undefined) this.declineFlow(p, 'tagged flow collection');
    let q = p + 1;
    while (q < line.length && isSpace(line.charCodeAt(q))) q++;
    let closeLine = line;
    if (line[q] !== closeCh) {
      if (q < line.length && line[q] !== '#') this.declineFlow(p, 'flow collection');
      let i = this.li + 1;
      while (i < this.lines.length && (this.kinds[i] === BLANK || this.kinds[i] === COMMENT)) i++;
      const l = this.lines[i];
      if (l === undefined || this.kinds[i] !== CONTENT || l[this.indents[i]!] !== closeCh) this.declineFlow(p, 'flow collection');
      this.li = i;
      closeLine = l;
      q = this.indents[i]!;
    }
    const rest = this.trailingComment(closeLine, q + 1);
    this.li++;
    const value = isList
      ? newList(rest === undefined ? [] : [new Comment(rest)])
      : newMap(rest === undefined ? [] : [{ key: new Comment(rest), value: null }]);
    return { value, comment: undefined };
  }

  /** Leave a flow collection to the library, unless it nests past the depth limit. */
  private declineFlow(p: number, why: string): never {
    const deep = flowNestingBeyond(this.lines, this.li, p, this.depth, MAX_YAML_DEPTH);
    if (deep !== undefined) throw depthError(deep);
    throw new Unsupported(why);
  }

  /** The `#` comment after a value, or undefined; anything else after it is left to the library. */
  private trailingComment(line: string, q: number): string | undefined {
    const start = q;
    while (q < line.length && isSpace(line.charCodeAt(q))) q++;
    if (q === line.length) return undefined;
    if (line.charCodeAt(q) === 0x23 && q > start) return line.slice(q + 1);
    throw new Unsupported('text after scalar');
  }

  private resolve(text: string, style: ScalarStyle, tag: string | undefined, lineNo: number): Value {
    if (this.options.scalars !== undefined) return this.options.scalars(text, style, tag, lineNo);
    if (tag === undefined) return style === 'plain' ? resolvePlain(text) : text;
    const core = resolveCoreTag(text, tag, lineNo);
    if (core !== undefined) return core;
    if (tag.startsWith('!')) return text;
    throw new Unsupported('tag');
  }

  /** A literal block scalar (`|`, `|-`, `|+`, `|2`); folded blocks go to the library. */
  private parseBlockScalar(p: number, parentIndent: number, tag: string | undefined, lineNo: number): Inline {
    const line = this.lines[this.li]!;
    if (line.charCodeAt(p) === 0x3e) throw new Unsupported('folded scalar');
    let q = p + 1;
    let chomp = '';
    let explicit = 0;
    for (let k = 0; k < 2 && q < line.length; k++) {
      const ch = line[q]!;
      if ((ch === '+' || ch === '-') && chomp === '') {
        chomp = ch;
        q++;
      } else if (ch >= '1' && ch <= '9' && explicit === 0) {
        explicit = Number(ch);
        q++;
      }
    }
    const comment = this.trailingComment(line, q);
    const { value, next } = readLiteralBlock(this.lines, this.li + 1, parentIndent, explicit, chomp);
    this.li = next;
    return { value: this.resolve(value, 'block', tag, lineNo), comment };
  }
}

/** Parse block-style YAML text; throws {@link Unsupported} for syntax the library must handle. */
export function parseFast(text: string, options: FastOptions = {}): ParsedYaml {
  return new FastParser(text, options).parse();
}
