/**
 * The INI store (spec §6.4, §3.3): read and written with the rules of go-ini v1.67 as sops uses
 * it. Each section is a top-level map of strings; keys outside any section are in `DEFAULT`;
 * the metadata is a `[sops]` section of flattened keys.
 */
import { TsopsError } from '../errors.js';
import { flatten, unflatten, type FlatEntry } from '../core/flatten.js';
import { formatJsonValue } from './json-emit.js';
import { Comment, isMap, newMap, type Branches, type MapItem, type TreeMap, type Value } from '../core/tree.js';
import type { EncryptedDocument, Store } from './format.js';
import { decodeFlatText, flatTextString, flatTextValue, flatWriter, valueToString, valueToText, type FlatWriter } from './value-string.js';

const METADATA_SECTION = 'sops';
const DEFAULT_SECTION = 'DEFAULT';

interface IniKey {
  name: string;
  value: string | Uint8Array;
  comment: string;
}

/** go-ini's section model: keys in first-seen order, a repeated key updates its value. */
class IniSection {
  comment = '';
  readonly keys: IniKey[] = [];
  private readonly byName = new Map<string, IniKey>();

  constructor(readonly name: string) {}

  key(name: string, value: string | Uint8Array): IniKey {
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      existing.value = value;
      return existing;
    }
    const key: IniKey = { name, value, comment: '' };
    this.keys.push(key);
    this.byName.set(name, key);
    return key;
  }
}

/** Go's `unicode.IsSpace`; for text that is not UTF-8 only ASCII spaces count. */
function isSpace(c: number, bytes: boolean): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (bytes || c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function trimLeft(s: string, bytes: boolean): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i), bytes)) i++;
  return i === 0 ? s : s.slice(i);
}

function trim(s: string, bytes: boolean): string {
  let end = s.length;
  while (end > 0 && isSpace(s.charCodeAt(end - 1), bytes)) end--;
  return trimLeft(end === s.length ? s : s.slice(0, end), bytes);
}

/** The first position at or after `from` holding `a` or `b`, or -1. */
function indexOfEither(s: string, a: string, b: string, from = 0): number {
  const i = s.indexOf(a, from);
  const j = s.indexOf(b, from);
  return i < 0 ? j : j < 0 ? i : Math.min(i, j);
}

/** go-ini's `hasSurroundedQuote`: quoted at both ends with no quote inside. */
function hasSurroundedQuote(s: string, q: string): boolean {
  return s.length >= 2 && s[0] === q && s[s.length - 1] === q && s.indexOf(q, 1) === s.length - 1;
}

function parseError(line: number, reason: string): TsopsError {
  // go-ini quotes the offending line; it may hold a secret, so only its number is given.
  return new TsopsError('PARSE_INPUT', `could not parse ini input: line ${line}: ${reason}`, {
    hint: 'check the INI syntax on that line (sections `[name]`, `key = value`, `;` or `#` comments)',
  });
}

/** A go-ini v1.67 parser with sops' options (non-unique sections allowed, all else default). */
class IniParser {
  private pos = 0;
  private eof = false;
  private lineNo = 0;
  private comment = '';

  constructor(
    private readonly text: string,
    private readonly bytes: boolean,
  ) {}

  /** go-ini's `readUntil('\n')`: the next line with its newline. */
  private readLine(): string {
    this.lineNo++;
    const nl = this.text.indexOf('\n', this.pos);
    if (nl < 0) {
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      this.eof = true;
      return rest;
    }
    const line = this.text.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return line;
  }

  parse(): IniSection[] {
    let section = new IniSection(DEFAULT_SECTION);
    const sections = [section];
    let autoCount = 1;
    while (!this.eof) {
      const line = trimLeft(this.readLine(), this.bytes);
      if (line.length === 0) continue;
      const first = line[0];
      if (first === '#' || first === ';') {
        this.comment += line;
        continue;
      }
      if (first === '[') {
        const close = line.lastIndexOf(']');
        if (close < 0) throw parseError(this.lineNo, 'unclosed section');
        const name = line.slice(1, close);
        if (name.length === 0) throw parseError(this.lineNo, 'empty section name');
        section = new IniSection(name);
        sections.push(section);
        const inline = indexOfEither(line, '#', ';', close + 1);
        if (inline >= 0) this.comment += line.slice(inline);
        section.comment = trim(this.comment, this.bytes);
        this.comment = '';
        autoCount = 1;
        continue;
      }
      const [rawName, offset] = this.readKeyName(line);
      // go-ini's auto-increment keys: `-` becomes `#1`, `#2`, … within a section.
      const name = rawName === '-' ? `#${autoCount++}` : rawName;
      const value = this.readValue(line.slice(offset));
      if (name.length === 0) throw parseError(this.lineNo, 'empty key name');
      const key = section.key(name, value);
      key.comment = trim(this.comment, this.bytes);
      this.comment = '';
    }
    return sections;
  }

  private readKeyName(line: string): [string, number] {
    let quote = '';
    if (line[0] === '"') quote = line.length > 6 && line.startsWith('"""') ? '"""' : '"';
    else if (line[0] === '`') quote = '`';
    if (quote !== '') {
      const close = line.indexOf(quote, quote.length);
      if (close < 0) throw parseError(this.lineNo, 'missing closing key quote');
      const delim = indexOfEither(line, '=', ':', close + quote.length);
      if (delim < 0) throw parseError(this.lineNo, 'key-value delimiter not found');
      return [trim(line.slice(quote.length, close), this.bytes), delim + 1];
    }
    const delim = indexOfEither(line, '=', ':');
    if (delim < 0) throw parseError(this.lineNo, 'key-value delimiter not found');
    if (delim === 0) throw parseError(this.lineNo, 'empty key name');
    return [trim(line.slice(0, delim), this.bytes), delim + 1];
  }

  private readValue(input: string): string {
    let line = trimLeft(input, this.bytes);
    if (line.length === 0) return '';
    let quote = '';
    if (line.length > 3 && line.startsWith('"""')) quote = '"""';
    else if (line[0] === '`') quote = '`';
    if (quote !== '') {
      const close = line.lastIndexOf(quote);
      if (close < quote.length) return this.readMultilines(line.slice(quote.length), quote);
      return line.slice(quote.length, close);
    }
    line = trim(line, this.bytes);
    if (line.endsWith('\\')) return this.readContinuation(line.slice(0, -1));
    const inline = indexOfEither(line, '#', ';');
    if (inline >= 0) {
      this.comment += line.slice(inline);
      line = trim(line.slice(0, inline), this.bytes);
    }
    if (hasSurroundedQuote(line, "'") || hasSurroundedQuote(line, '"')) line = line.slice(1, -1);
    return line;
  }

  private readMultilines(start: string, quote: string): string {
    const startLine = this.lineNo;
    let value = start;
    for (;;) {
      const next = this.readLine();
      const close = next.lastIndexOf(quote);
      if (close >= 0) {
        value += next.slice(0, close);
        const inline = indexOfEither(next, '#', ';', close);
        if (inline >= 0) this.comment += trim(next.slice(inline), this.bytes);
        return value;
      }
      value += next;
      if (this.eof) throw parseError(startLine, `missing closing ${quote} of the value`);
    }
  }

  private readContinuation(start: string): string {
    let value = start;
    for (;;) {
      const next = trim(this.readLine(), this.bytes);
      if (next.length === 0) return value;
      value += next;
      if (!value.endsWith('\\')) return value;
      value = value.slice(0, -1);
    }
  }
}

/** sops' `stripCommentChar`: drop the leading `;`/`#` run and the spaces after it. */
function stripCommentChar(comment: string): string {
  if (comment.startsWith(';')) return comment.replace(/^[; ]+/, '');
  if (comment.startsWith('#')) return comment.replace(/^[# ]+/, '');
  return comment;
}

/** The sections of an INI file; go-ini drops a leading byte order mark. */
function parseSections(data: Uint8Array): { sections: IniSection[]; bytes: boolean } {
  let start = 0;
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) start = 3;
  else if ((data[0] === 0xfe && data[1] === 0xff) || (data[0] === 0xff && data[1] === 0xfe)) start = 2;
  const { text, bytes } = decodeFlatText(start === 0 ? data : data.subarray(start));
  return { sections: new IniParser(text, bytes).parse(), bytes };
}

/**
 * One section as a tree item (sops' `treeItemFromSection`): the section comment first, and each
 * key's comment (the comment lines before it) as a Comment item after the key.
 */
function sectionItem(section: IniSection, bytes: boolean): MapItem {
  const items: MapItem[] = [];
  if (section.comment !== '') {
    items.push({ key: new Comment(stripCommentChar(flatTextString(section.comment, bytes))), value: null });
  }
  for (const key of section.keys) {
    const value = typeof key.value === 'string' ? flatTextValue(key.value, bytes) : key.value;
    items.push({ key: flatTextString(key.name, bytes), value });
    if (key.comment !== '') {
      items.push({ key: new Comment(stripCommentChar(flatTextString(key.comment, bytes))), value: null });
    }
  }
  return { key: flatTextString(section.name, bytes), value: newMap(items) };
}

function emitError(message: string, hint: string): TsopsError {
  return new TsopsError('DUMP_TREE', message, { hint });
}

/**
 * Tree → go-ini sections (sops' `encodeTree`). The file starts with an empty `DEFAULT`
 * section that a leading `DEFAULT` map fills; other sections are appended, repeats kept apart.
 * A map's first Comment is the section comment; a later Comment belongs to the key before it.
 */
function toSections(branches: Branches): IniSection[] {
  const sections = [new IniSection(DEFAULT_SECTION)];
  let first = true;
  for (const branch of branches) {
    for (const item of branch.items) {
      if (item.key instanceof Comment) continue;
      const name = item.key;
      if (!isMap(item.value)) {
        throw emitError(`cannot write ini section ${JSON.stringify(name)}: section values should always be tree branches`,
          'every top-level value of an INI file must be a map of keys; choose yaml or json as the output type');
      }
      if (name.length === 0 || name.includes('\n')) {
        throw emitError('cannot write an ini section with an empty name or a newline in its name', 'rename the section');
      }
      const section = first && name === DEFAULT_SECTION ? (sections[0] as IniSection) : new IniSection(name);
      if (section !== sections[0]) sections.push(section);
      first = false;
      let last: IniKey | undefined;
      item.value.items.forEach((entry, i) => {
        if (entry.key instanceof Comment) {
          if (i === 0) section.comment = entry.key.text;
          else if (last !== undefined) last.comment = entry.key.text;
          return;
        }
        if (!writableKey(entry.key)) {
          throw emitError(`cannot write ini key ${JSON.stringify(entry.key)} in section ${JSON.stringify(name)}: go-ini cannot read it back`,
            'rename the key: an INI key cannot be empty, "-", start or end with a space, hold a newline, or hold a backquote and end with `"`');
        }
        last = section.key(entry.key, valueToText(entry.value, `${name}.${entry.key}`, 'ini'));
      });
    }
  }
  return sections;
}

/** go-ini's comment line: `; text` unless the line already starts with `;` or `#`. */
function commentLine(line: string, trimBody: boolean): string {
  if (line.length === 0) return ';';
  if (line[0] !== '#' && line[0] !== ';') return '; ' + (trimBody ? trim(line, false) : line);
  return line[0] + ' ' + trim(line.slice(1), false);
}

/**
 * Whether some quoting of `k` reads back as `k`. go-ini trims keys, treats `-` as an
 * auto-numbered key, and a key with a backquote needs `"""…"""`. A key that would read back
 * differently must not be written: its value was encrypted under the original name.
 */
function writableKey(k: string): boolean {
  if (k.length === 0 || k === '-' || k.includes('\n') || trim(k, false) !== k) return false;
  return !k.includes('`') || !(k.endsWith('"') || k.includes('"""'));
}

/**
 * go-ini's key quoting, extended to the keys it would write unreadably (a `:` delimiter, a
 * leading comment or section character, a key with both `"` and a backquote).
 */
function quoteKey(k: string): string {
  if (k.includes('`')) return '"""' + k + '"""';
  if (k.includes('"') || k.includes('=') || k.includes(':') || k[0] === '#' || k[0] === ';' || k[0] === '[') {
    return '`' + k + '`';
  }
  return k;
}

/**
 * go-ini's value quoting: `"""` for newlines or backquotes, backquotes for `#`/`;`, `"…"` for
 * outer spaces. Values go-ini would read back differently (a trailing `\` continuation, a
 * leading `"""`, quotes it would strip, outer spaces next to a `"`) get backquotes too.
 */
function quoteValue(v: string, bytes: boolean): string {
  if (v.includes('\n') || v.includes('`')) return '"""' + v + '"""';
  if (v.includes('#') || v.includes(';')) return '`' + v + '`';
  if (trim(v, bytes).length !== v.length) return v.includes('"') ? '`' + v + '`' : '"' + v + '"';
  if (v.endsWith('\\') || v.startsWith('"""') || hasSurroundedQuote(v, '"') || hasSurroundedQuote(v, "'")) {
    return '`' + v + '`';
  }
  return v;
}

/** go-ini's `WriteTo` with its defaults: aligned ` = `, a blank line between sections. */
function writeSections(sections: IniSection[], w: FlatWriter): Uint8Array {
  let out = '';
  const lastIndex = sections.length - 1;
  sections.forEach((section, i) => {
    if (section.comment !== '') {
      for (const line of section.comment.split('\n')) out += w.text(commentLine(line, false)) + '\n';
    }
    // Only the file's own leading DEFAULT section goes without a header, and only when it has keys.
    if (i > 0) out += '[' + w.text(section.name) + ']\n';
    else if (section.keys.length === 0) return;
    const names = section.keys.map((k) => w.text(quoteKey(k.name)));
    const widths = names.map((n) => w.byteLength(n));
    let align = 0;
    for (const width of widths) if (width > align) align = width;
    section.keys.forEach((key, k) => {
      if (key.comment !== '') {
        for (const line of key.comment.split('\n')) out += w.text(commentLine(line, true)) + '\n';
      }
      const value = w.text(key.value);
      out += (names[k] as string) + ' '.repeat(align - (widths[k] as number)) + ' = ' + quoteValue(value, w.bytes) + '\n';
    });
    if (i !== lastIndex) out += '\n';
  });
  return w.encode(out);
}

function emitIni(branches: Branches): Uint8Array {
  const sections = toSections(branches);
  const bytes = sections.some((s) => s.keys.some((k) => k.value instanceof Uint8Array));
  return writeSections(sections, flatWriter(bytes));
}

/**
 * Compact JSON, as Go's `json.Marshal` writes an extracted non-string value. Written with an
 * explicit stack: the value may be nested as deep as the JSON reader allows.
 */
function compactJson(value: Value): string {
  let out = '';
  const open: Array<{ entries: Array<[string | undefined, Value]>; next: number; close: string }> = [];
  const start = (v: Value): void => {
    if (v === null || typeof v !== 'object' || !('kind' in v)) {
      out += formatJsonValue(v, '');
    } else if (v.kind === 'list') {
      out += '[';
      open.push({ entries: v.items.filter((x): x is Value => !(x instanceof Comment)).map((x) => [undefined, x]), next: 0, close: ']' });
    } else {
      out += '{';
      const entries = v.items.flatMap((i): Array<[string, Value]> => (typeof i.key === 'string' ? [[i.key, i.value]] : []));
      open.push({ entries, next: 0, close: '}' });
    }
  };
  start(value);
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    const entry = top.entries[top.next++];
    if (entry === undefined) {
      out += top.close;
      open.pop();
      continue;
    }
    if (top.next > 1) out += ',';
    if (entry[0] !== undefined) out += formatJsonValue(entry[0], '') + ':';
    start(entry[1]);
  }
  return out;
}

export const iniStore: Store = {
  name: 'ini',

  parsePlain(data: Uint8Array): Branches {
    const { sections, bytes } = parseSections(data);
    return [newMap(sections.map((s) => sectionItem(s, bytes)))];
  },

  parseEncrypted(data: Uint8Array): EncryptedDocument {
    const { sections, bytes } = parseSections(data);
    const meta = sections.find((s) => s.name === METADATA_SECTION);
    const items = sections.filter((s) => s.name !== METADATA_SECTION).map((s) => sectionItem(s, bytes));
    if (meta === undefined) return { branches: [newMap(items)], metadata: undefined };
    const flat: FlatEntry[] = meta.keys.map((k) => {
      const value = flatTextString(k.value as string, bytes);
      // 3.13.2 writes newlines as `\n`; 3.13.0/1 wrote `"""` blocks, which the parser already read.
      return { key: flatTextString(k.name, bytes), value: value.includes('\\n') ? value.replaceAll('\\n', '\n') : value };
    });
    return { branches: [newMap(items)], metadata: unflatten(flat) };
  },

  emitPlain(branches: Branches): Uint8Array {
    return emitIni(branches);
  },

  emitEncrypted(branches: Branches, metadata: TreeMap): Uint8Array {
    for (const branch of branches) {
      if (branch.items.some((item) => item.key === METADATA_SECTION)) {
        throw emitError(`found key "${METADATA_SECTION}" in encrypted data, which is a reserved key used for sops metadata`,
          `rename the [${METADATA_SECTION}] section: it is where sops keeps its metadata`);
      }
    }
    const items: MapItem[] = flatten(metadata).map((e) => {
      const value = valueToString(e.value, e.key, 'ini');
      return { key: e.key, value: value.includes('\n') ? value.replaceAll('\n', '\\n') : value };
    });
    return emitIni([...branches, newMap([{ key: METADATA_SECTION, value: newMap(items) }])]);
  },

  emitValue(value: Value): Uint8Array {
    return new TextEncoder().encode(compactJson(value));
  },

  looksEncrypted(branches: Branches): boolean {
    return branches[0]?.items.some((item) => item.key === METADATA_SECTION) ?? false;
  },
};
