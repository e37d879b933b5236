/** Results, errors and scalar helpers shared by the two YAML parsers (fast block parser, library). */
import { TsopsError } from '../errors.js';
import { Comment, Timestamp, isList, isMap } from '../core/tree.js';
import { resolvePlain } from './yaml-scalars.js';
import type { TreeMap, Value } from '../core/tree.js';

/** Where a mapping key that is not a string (`1:`, `true:`, `2024-01-01:`) was seen. */
export interface NonStringKey {
  line: number;
  text: string;
}

export interface ParsedYaml {
  branches: TreeMap[];
  /** The first non-string key; sops refuses to walk such a tree (spec §9). */
  nonStringKey: NonStringKey | undefined;
}

/** Thrown by the fast parser on syntax it leaves to the library parser. */
export class Unsupported extends Error {}

export function parseError(message: string): TsopsError {
  return new TsopsError('PARSE_INPUT', `yaml: ${message}`, { hint: 'fix the YAML syntax of the input file' });
}

/**
 * The deepest nesting of mappings and sequences tsops reads or writes as YAML (the root mapping
 * is level 1). go-yaml allows more, but the `yaml` library's recursive composer exhausts the
 * call stack at about 900 levels; one limit for both parsers and the emitter refuses such
 * documents with a clear message and keeps every YAML file tsops writes readable again.
 */
export const MAX_YAML_DEPTH = 500;

/** The error for a document nested deeper than {@link MAX_YAML_DEPTH}. */
export function depthError(line: number | undefined): TsopsError {
  const where = line === undefined || line <= 0 ? '' : `line ${line}: `;
  return new TsopsError('PARSE_INPUT', `yaml: ${where}mappings and sequences nested deeper than ${MAX_YAML_DEPTH} levels are not supported`, {
    hint: 'flatten the document',
  });
}

export function duplicateKeyError(key: string, line: number, first: number): TsopsError {
  return parseError(`line ${line}: mapping key ${JSON.stringify(key)} already defined at line ${first}`);
}

export function rootTypeError(kind: 'sequences' | 'values', line: number): TsopsError {
  return new TsopsError('PARSE_INPUT', `yaml documents that are ${kind} are not supported (line ${line})`, {
    hint: 'the top level of a YAML document must be a mapping, e.g. `data: [...]`',
  });
}

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
