/**
 * JSON writing as sops does it (spec §6.2): values encoded like Go's `json.Marshal`, laid out
 * like `json.MarshalIndent` with an empty prefix. Comments cannot be written in JSON and are
 * dropped, as sops drops them.
 */
import { TsopsError } from '../errors.js';
import { Comment, Timestamp, type TreeList, type TreeMap, type Value } from '../core/tree.js';
import { MAX_JSON_DEPTH } from './json-parse.js';
import { forEachUtf8Run } from './json-utf8.js';

/**
 * `JSON.stringify` already escapes exactly as Go does for quotes, backslashes and control
 * characters (`\b \f \n \r \t` short, others `\u00xx` lowercase) and runs natively, so it is
 * the fast path. Go's HTML-safe default (which sops uses) adds `<` `>` `&` U+2028 U+2029.
 */
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function htmlEscape(ch: string): string {
  return HTML_ESCAPES[ch] ?? ch;
}

/** A JSON string literal for `s`, escaped exactly like Go's `json.Marshal`. */
export function quoteJsonString(s: string): string {
  let q = JSON.stringify(s);
  // A lone surrogate has no UTF-8 form: it is written as U+FFFD, as UTF-8 encoding would.
  if (q.length !== s.length + 2 && q.includes('\\ud')) {
    q = JSON.stringify(s.replace(LONE_SURROGATE, '\uFFFD'));
  }
  if (
    q.indexOf('<') >= 0 ||
    q.indexOf('>') >= 0 ||
    q.indexOf('&') >= 0 ||
    q.indexOf('\u2028') >= 0 ||
    q.indexOf('\u2029') >= 0
  ) {
    q = q.replace(HTML_UNSAFE, htmlEscape);
  }
  return q;
}

/** The escaped text of `s` without the surrounding quotes. */
function escapeText(s: string): string {
  const q = quoteJsonString(s);
  return q.slice(1, q.length - 1);
}

/** A JSON string literal for a Go byte string: each byte that is not valid UTF-8 is `\ufffd`. */
export function quoteJsonBytes(bytes: Uint8Array): string {
  const parts: string[] = ['"'];
  forEachUtf8Run(
    bytes,
    (t) => parts.push(escapeText(t)),
    () => parts.push('\\ufffd'),
  );
  parts.push('"');
  return parts.join('');
}

/** A float as Go's `json.Marshal` writes it; NaN and ±Inf are not representable. */
export function formatJsonFloat(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  // Go uses %f for 1e-6 ≤ |n| < 1e21 and %e otherwise, trimming `e-07` to `e-7`: exactly the
  // shortest-digits form JS prints, except that Go keeps the sign of negative zero.
  if (n === 0 && Object.is(n, -0)) return '-0';
  return String(n);
}

/**
 * The indentation string sops' JSON store uses: a tab for -1 (the default), N spaces for N ≥ 0.
 * Anything below -1 is refused, as sops refuses it.
 */
export function jsonIndentString(indent: number | undefined): string {
  if (indent === undefined || indent === -1) return '\t';
  if (!Number.isInteger(indent) || indent < -1) {
    throw new TsopsError('DUMP_TREE', `json indentation ${indent} is not accepted: it must be -1 (tab) or a whole number ≥ 0`, {
      hint: 'set --indent or stores.json.indent to -1 (tab) or a number of spaces',
    });
  }
  return ' '.repeat(indent);
}

/** Serialize `value` as indented JSON text, without a trailing newline. */
export function formatJsonValue(value: Value, indent: string): string {
  const w = new JsonWriter(indent);
  w.write(value);
  return w.out;
}

interface EmitFrame {
  node: TreeMap | TreeList;
  /** Index of the next item to look at. */
  next: number;
  depth: number;
  /** Items written so far (comments are skipped). */
  written: number;
  /** Key (or list index) of the item being written, for error messages. */
  key: string;
}

/**
 * Writes with an explicit stack rather than recursion, so documents nested as deep as the
 * parser accepts (Go's limit of 10000) do not exhaust the call stack.
 */
class JsonWriter {
  out = '';
  private readonly stack: EmitFrame[] = [];
  private readonly newlines: string[] = ['\n'];

  constructor(private readonly indent: string) {}

  /** A newline followed by `depth` indentation units, cached per depth. */
  private newline(depth: number): string {
    let nl = this.newlines[depth];
    if (nl === undefined) {
      nl = '\n' + this.indent.repeat(depth);
      this.newlines[depth] = nl;
    }
    return nl;
  }

  write(root: Value): void {
    if (!isContainer(root)) {
      this.out = this.scalar(root);
      return;
    }
    const stack = this.stack;
    stack.push({ node: root, next: 0, depth: 0, written: 0, key: '' });
    // Appending to one local string is cheaper in V8 than joining many parts (it builds a rope).
    let out = '';
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as EmitFrame;
      const isMap = frame.node.kind === 'map';
      let value: Value | undefined;
      if (frame.node.kind === 'map') {
        const items = frame.node.items;
        while (frame.next < items.length) {
          const item = items[frame.next++];
          if (item !== undefined && !(item.key instanceof Comment)) {
            frame.key = item.key;
            value = item.value;
            break;
          }
        }
      } else {
        const items = frame.node.items;
        while (frame.next < items.length) {
          const item = items[frame.next++];
          if (item !== undefined && !(item instanceof Comment)) {
            frame.key = String(frame.written);
            value = item;
            break;
          }
        }
      }
      if (value === undefined) {
        if (frame.written === 0) out += isMap ? '{}' : '[]';
        else out += this.newline(frame.depth) + (isMap ? '}' : ']');
        stack.pop();
        continue;
      }
      out += (frame.written === 0 ? (isMap ? '{' : '[') : ',') + this.newline(frame.depth + 1);
      if (isMap) out += quoteJsonString(frame.key) + ': ';
      frame.written++;
      if (isContainer(value)) {
        // deeper than the parser reads back (a `set` of a deep value): refuse rather than write an unreadable file
        if (frame.depth + 1 >= MAX_JSON_DEPTH) {
          throw new TsopsError('DUMP_TREE', `error marshaling to json: objects and arrays nested deeper than ${MAX_JSON_DEPTH} levels`, {
            hint: 'flatten the document',
          });
        }
        stack.push({ node: value, next: 0, depth: frame.depth + 1, written: 0, key: '' });
      } else out += this.scalar(value);
    }
    this.out = out;
  }

  private scalar(v: Exclude<Value, TreeMap | TreeList>): string {
    if (typeof v === 'string') return quoteJsonString(v);
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return this.float(v);
    if (v instanceof Uint8Array) return quoteJsonBytes(v);
    return quoteJsonString(v.text);
  }

  private float(n: number): string {
    const text = formatJsonFloat(n);
    if (text === undefined) {
      const path = this.stack.map((f) => f.key);
      const where = path.length === 0 ? 'the top level' : `key path ${path.join('.')}`;
      throw new TsopsError('DUMP_TREE', `error marshaling to json: unsupported float value ${String(n)} at ${where}`, {
        hint: 'json cannot represent NaN or infinity; use another output type or change the value',
      });
    }
    return text;
  }
}

function isContainer(v: Value): v is TreeMap | TreeList {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Timestamp);
}
