/**
 * Scalar and tag resolution shared by the two YAML parsers: go-yaml's core tags, `!!binary`
 * data, double-quoted escapes and the `<<` merge-value check, so both parsers read a scalar alike.
 */
import { Comment, Timestamp, isList, isMap } from '../../../core/tree.js';
import type { Value } from '../../../core/tree.js';
import { resolvePlain } from '../scalars.js';
import { Unsupported, parseError } from './result.js';

/** go-yaml's UTF-8 check of `!!binary` data: a byte string that is not text stays bytes. */
export function decodeBinary(b64: string, line: number): string | Uint8Array {
  const clean = b64.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw parseError(`line ${line}: !!binary value contains invalid base64 data`);
  }
  const bytes = Buffer.from(clean, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}

/**
 * sops first decodes document 0 into a Go map, which applies `<<` merge keys: their value must
 * be a mapping or a list of mappings (the tree itself keeps `<<` as an ordinary key).
 */
export function checkMergeValue(v: Value): void {
  const ok = isMap(v) || (isList(v) && v.items.every((i) => i instanceof Comment || isMap(i)));
  if (!ok) throw parseError('map merge requires map or sequence of maps as the value');
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** The content of a one-line double-quoted scalar with its escapes resolved. */
export function unescapeDouble(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = s[++i];
    if (e === undefined) throw new Unsupported('escaped line break');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = s.slice(i + 1, i + 1 + len);
    if (len === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new Unsupported('bad escape');
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Unsupported('bad escape');
    out += String.fromCodePoint(cp);
    i += len;
  }
  return out;
}

/**
 * The value of a scalar with a YAML core tag in short form (`!!str`, `!!int`, …), as go-yaml
 * decodes it; a value the tag does not fit is a parse error naming only the line (the value may
 * be a secret being edited). Undefined for any other tag, which each parser treats its own way.
 */
export function resolveCoreTag(text: string, tag: string, line: number): Value | undefined {
  switch (tag) {
    case '!!str':
      return text;
    case '!!binary':
      return decodeBinary(text, line);
    case '!!int':
    case '!!float':
    case '!!bool':
    case '!!null':
    case '!!timestamp': {
      const v = resolvePlain(text);
      if (tag === '!!int' && typeof v === 'bigint') return v;
      if (tag === '!!float' && (typeof v === 'number' || typeof v === 'bigint')) return Number(v);
      if (tag === '!!bool' && typeof v === 'boolean') return v;
      if (tag === '!!null' && v === null) return null;
      if (tag === '!!timestamp' && v instanceof Timestamp) return v;
      throw parseError(`line ${line}: cannot decode the value as a ${tag}`);
    }
    default:
      return undefined;
  }
}
