/**
 * A JSON reader with the semantics of sops' token-by-token JSON store (spec §6.2): key order
 * and duplicate keys are kept, integers that fit int64 stay exact (`bigint`), other numbers are
 * float64, invalid UTF-8 becomes U+FFFD, and anything but whitespace after the top-level object
 * is an error, as in Go's `json.Unmarshal`.
 * `JSON.parse` can give none of that, hence a hand-written scanner.
 */
import { TsopsError } from '../errors.js';
import { newList, newMap, type TreeList, type TreeMap, type Value } from '../core/tree.js';
import { decodeUtf8Lenient } from './json-utf8.js';

/** Nesting limit (objects and arrays, the top-level object included), the one Go's encoding/json enforces. */
export const MAX_JSON_DEPTH = 10000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const WRAP_HINT = 'to encrypt this file, wrap it in an object, e.g. {"data": [...]}';

interface Frame {
  node: TreeMap | TreeList;
  /** Elements read so far: a comma must precede every one after the first. */
  count: number;
}

/**
 * Parse JSON bytes whose top level must be an object into a map. Throws TsopsError(PARSE_INPUT)
 * with the line and column of the first problem.
 */
export function parseJsonObject(data: Uint8Array): TreeMap {
  return new JsonScanner(decodeUtf8Lenient(data)).document();
}

class JsonScanner {
  private pos = 0;

  constructor(private readonly s: string) {}

  document(): TreeMap {
    this.skipSpace();
    if (this.pos >= this.s.length) {
      throw new TsopsError('PARSE_INPUT', 'invalid json: the input is empty (EOF), expected a top-level object', {
        hint: 'a json file must contain an object, e.g. {}',
      });
    }
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x5b /* [ */) {
      throw new TsopsError(
        'PARSE_INPUT',
        "sops only supports json files with a top-level object (starting with '{'), not arrays or other types; got delimiter [ instead",
        { hint: WRAP_HINT },
      );
    }
    if (c !== 0x7b /* { */) {
      const v = this.scalar();
      throw new TsopsError(
        'PARSE_INPUT',
        `sops only supports json files with a top-level object (starting with '{'), not other json types; got ${describe(v)} instead`,
        { hint: 'to encrypt this file, wrap it in an object, e.g. {"data": ...}' },
      );
    }
    this.pos++;
    const root = newMap();
    const stack: Frame[] = [{ node: root, count: 0 }];
    for (;;) {
      const frame = stack[stack.length - 1] as Frame;
      const isMap = frame.node.kind === 'map';
      this.skipSpace();
      let c = this.peek();
      if (c === (isMap ? 0x7d /* } */ : 0x5d) /* ] */) {
        this.pos++;
        stack.pop();
        if (stack.length === 0) {
          // Go's json.Unmarshal (sops reads an encrypted file's metadata with it) refuses anything
          // but whitespace after the value: trailing text could hide a second document.
          this.skipSpace();
          if (this.pos < this.s.length) this.fail(`${this.found()} after top-level value`);
          return root;
        }
        continue;
      }
      if (frame.count > 0) {
        if (c !== 0x2c /* , */) {
          this.fail(`${this.found()} after ${isMap ? 'object key:value pair' : 'array element'}`);
        }
        this.pos++;
        this.skipSpace();
        c = this.peek();
      }
      let key = '';
      if (isMap) {
        if (c !== 0x22 /* " */) this.fail(`${this.found()} looking for beginning of object key string`);
        key = this.string();
        this.skipSpace();
        if (this.peek() !== 0x3a /* : */) this.fail(`${this.found()} after object key`);
        this.pos++;
        this.skipSpace();
        c = this.peek();
      }
      frame.count++;
      let value: Value;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= MAX_JSON_DEPTH) this.fail('exceeded max depth');
        this.pos++;
        const child = c === 0x7b ? newMap() : newList();
        stack.push({ node: child, count: 0 });
        value = child;
      } else {
        value = this.scalar();
      }
      if (frame.node.kind === 'map') frame.node.items.push({ key, value });
      else frame.node.items.push(value);
    }
  }

  /** A string, number, bool or null starting at the current position. */
  private scalar(): Value {
    const c = this.peek();
    if (c === 0x22) return this.string();
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x74 /* t */) return this.literal('true', true);
    if (c === 0x66 /* f */) return this.literal('false', false);
    if (c === 0x6e /* n */) return this.literal('null', null);
    return this.fail(`${this.found()} looking for beginning of value`);
  }

  private literal<T extends Value>(word: string, value: T): T {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    for (let i = 0; i < word.length; i++) {
      if (this.s.charCodeAt(this.pos + i) !== word.charCodeAt(i)) {
        this.pos += i;
        this.fail(`${this.found()} in literal ${word} (expecting '${word[i]}')`);
      }
    }
    return value;
  }

  /** Go's number grammar; int64 literals without fraction or exponent are exact bigints. */
  private number(): bigint | number {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const first = s.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) i = this.digits(i);
    else this.failAt(i, `${this.foundAt(i)} in numeric literal`);
    let integer = true;
    if (s.charCodeAt(i) === 0x2e /* . */) {
      integer = false;
      if (!isDigit(s.charCodeAt(i + 1))) this.failAt(i + 1, `${this.foundAt(i + 1)} after decimal point in numeric literal`);
      i = this.digits(i + 1);
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(s.charCodeAt(i))) this.failAt(i, `${this.foundAt(i)} in exponent of numeric literal`);
      i = this.digits(i);
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (integer) {
      const big = BigInt(text);
      if (big >= INT64_MIN && big <= INT64_MAX) return big;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) this.failAt(start, 'number out of float64 range');
    return n;
  }

  private digits(i: number): number {
    while (isDigit(this.s.charCodeAt(i))) i++;
    return i;
  }

  /** A quoted string; plain runs are sliced out whole, escapes take the slow path. */
  private string(): string {
    const s = this.s;
    const start = this.pos + 1;
    const end = s.length;
    let i = start;
    for (;;) {
      if (i >= end) this.stringError(i);
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === 0x5c /* \ */) break;
      if (c < 0x20) this.stringError(i);
      i++;
    }
    const parts: string[] = [s.slice(start, i)];
    let runStart = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        parts.push(s.slice(runStart, i));
        this.pos = i + 1;
        return parts.join('');
      }
      if (c !== 0x5c) {
        if (c < 0x20 || Number.isNaN(c)) this.stringError(i);
        i++;
        continue;
      }
      parts.push(s.slice(runStart, i));
      const esc = s.charCodeAt(i + 1);
      i += 2;
      switch (esc) {
        case 0x22: parts.push('"'); break;
        case 0x5c: parts.push('\\'); break;
        case 0x2f: parts.push('/'); break;
        case 0x62: parts.push('\b'); break;
        case 0x66: parts.push('\f'); break;
        case 0x6e: parts.push('\n'); break;
        case 0x72: parts.push('\r'); break;
        case 0x74: parts.push('\t'); break;
        case 0x75: {
          const u = this.hex4(i);
          i += 4;
          if (u >= 0xd800 && u < 0xe000) {
            // Go keeps only a proper high+low pair; any other surrogate becomes U+FFFD.
            if (u < 0xdc00 && s.charCodeAt(i) === 0x5c && s.charCodeAt(i + 1) === 0x75) {
              const lo = hex4Value(s, i + 2);
              if (lo >= 0xdc00 && lo < 0xe000) {
                parts.push(String.fromCharCode(u, lo));
                i += 6;
                break;
              }
            }
            parts.push('\uFFFD');
          } else {
            parts.push(String.fromCharCode(u));
          }
          break;
        }
        default:
          if (Number.isNaN(esc)) this.stringError(i - 1);
          this.failAt(i - 1, `${this.foundAt(i - 1)} in string escape code`);
      }
      runStart = i;
    }
  }

  private hex4(i: number): number {
    const v = hex4Value(this.s, i);
    if (v < 0) {
      let j = i;
      while (j < i + 4 && hexDigit(this.s.charCodeAt(j)) >= 0) j++;
      if (j >= this.s.length) this.stringError(j);
      this.failAt(j, `${this.foundAt(j)} in \\u hexadecimal character escape`);
    }
    return v;
  }

  private stringError(i: number): never {
    if (i >= this.s.length) return this.failAt(i, 'unexpected end of input in string literal');
    return this.failAt(i, `${this.foundAt(i)} in string literal`);
  }

  private skipSpace(): void {
    const s = this.s;
    let i = this.pos;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) i++;
      else break;
    }
    this.pos = i;
  }

  private peek(): number {
    return this.s.charCodeAt(this.pos);
  }

  private found(): string {
    return this.foundAt(this.pos);
  }

  private foundAt(i: number): string {
    if (i >= this.s.length) return 'unexpected end of input';
    return `invalid character ${describeChar(this.s.codePointAt(i) ?? 0)}`;
  }

  private fail(what: string): never {
    return this.failAt(this.pos, what);
  }

  private failAt(i: number, what: string): never {
    const { line, column } = lineColumn(this.s, i);
    throw new TsopsError('PARSE_INPUT', `invalid json at line ${line}, column ${column}: ${what}`);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The value of four hex digits at `i`, or -1. */
function hex4Value(s: string, i: number): number {
  let v = 0;
  for (let j = i; j < i + 4; j++) {
    const d = hexDigit(s.charCodeAt(j));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function describeChar(cp: number): string {
  if (cp > 0x20 && cp < 0x7f) return `'${String.fromCodePoint(cp)}'`;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp === 0xfeff) return `U+${hex} (byte order mark)`;
  return `U+${hex}`;
}

/** The kind of a rejected top-level value, never the value itself (it may be a secret). */
function describe(v: Value): string {
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'bigint') return 'an integer';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'null';
}

/** 1-based line and column (in characters) of offset `i`. */
function lineColumn(s: string, i: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = s.indexOf('\n'); nl >= 0 && nl < i; nl = s.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: Math.min(i, s.length) - lineStart + 1 };
}
