/**
 * go-yaml v3's scalar analysis and style choice (emitterc.go `analyze_scalar`,
 * `select_scalar_style`): which of plain, single-quoted, double-quoted or literal a string can
 * be written in, and the escapes of double-quoted text.
 */

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

export const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
/** go-yaml's byte-level `is_printable`, per code point: astral characters are not printable. */
export const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

/** Text made only of these characters needs no character-by-character analysis (ENC[...] values). */
const SIMPLE_TEXT = /^[A-Za-z0-9_][A-Za-z0-9_./+=,[\]:-]*$/;
const FLOW_INDICATOR = /[,[\]:]/;

/** emitterc.go `yaml_emitter_analyze_scalar`. */
export function analyzeScalar(value: string): ScalarAnalysis {
  if (SIMPLE_TEXT.test(value)) {
    return {
      multiline: false,
      flowPlain: !FLOW_INDICATOR.test(value),
      blockPlain: value.charCodeAt(value.length - 1) !== 0x3a,
      singleQuoted: true,
      block: true,
    };
  }
  if (value.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  const n = value.length;
  for (let i = 0; i < n; i++) {
    let c = value.charCodeAt(i);
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      c = value.codePointAt(i)!;
      w = 2;
    }
    const next = i + w < n ? value.charCodeAt(i + w) : -1;
    const followedByWhitespace = next === -1 || isBlank(next) || isBreak(next);
    if (i === 0) {
      switch (c) {
        case 0x23: case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x26: case 0x2a:
        case 0x21: case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:
          flowIndicators = true;
          blockIndicators = true;
          break;
        case 0x3f: case 0x3a:
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case 0x2d:
          if (followedByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    } else {
      switch (c) {
        case 0x2c: case 0x3f: case 0x5b: case 0x5d: case 0x7b: case 0x7d:
          flowIndicators = true;
          break;
        case 0x3a:
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case 0x23:
          if (precededByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    }
    if (c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    const last = i + w === n;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
    i += w - 1;
  }
  const a: ScalarAnalysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || tabs || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

/** `yaml_emitter_select_scalar_style` for an untagged (or `!!binary`) scalar. */
export function selectScalarStyle(requested: ScalarStyle, a: ScalarAnalysis, flow: boolean, simpleKey: boolean, empty: boolean): ScalarStyle {
  let style = requested;
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if ((flow && !a.flowPlain) || (!flow && !a.blockPlain)) style = 'single';
    if (empty && (flow || simpleKey)) style = 'single';
  }
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || flow || simpleKey)) style = 'double';
  return style;
}

/** The escape (after `\\`) go-yaml writes for a character in a double-quoted scalar. */
export function doubleQuotedEscape(c: number): string {
  switch (c) {
    case 0x00: return '0';
    case 0x07: return 'a';
    case 0x08: return 'b';
    case 0x09: return 't';
    case 0x0a: return 'n';
    case 0x0b: return 'v';
    case 0x0c: return 'f';
    case 0x0d: return 'r';
    case 0x1b: return 'e';
    case 0x22: return '"';
    case 0x5c: return '\\';
    case 0x85: return 'N';
    case 0xa0: return '_';
    case 0x2028: return 'L';
    case 0x2029: return 'P';
  }
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return 'x' + hex.padStart(2, '0');
  if (c <= 0xffff) return 'u' + hex.padStart(4, '0');
  return 'U' + hex.padStart(8, '0');
}
