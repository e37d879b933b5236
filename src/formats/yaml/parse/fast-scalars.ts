/**
 * Scalar text the fast YAML parser reads line by line: where a one-line quoted scalar ends, and
 * the content of a literal block scalar as go-yaml's scanner reads it (scannerc.go
 * `yaml_parser_scan_block_scalar`).
 */
import { Unsupported } from './result.js';

/** The index just after the `"` that closes the double-quoted scalar opening at `p`, if on this line. */
export function doubleQuotedEnd(line: string, p: number): number | undefined {
  for (let q = p + 1; q < line.length; q++) {
    const c = line.charCodeAt(q);
    if (c === 0x5c) q++;
    else if (c === 0x22) return q + 1;
  }
  return undefined;
}

/** The index just after the `'` that closes the single-quoted scalar opening at `p`, if on this line. */
export function singleQuotedEnd(line: string, p: number): number | undefined {
  for (let q = p + 1; q < line.length; q++) {
    if (line.charCodeAt(q) === 0x27) {
      if (line.charCodeAt(q + 1) === 0x27) q++;
      else return q + 1;
    }
  }
  return undefined;
}

/**
 * The content of a literal block scalar whose lines start at `first`: indentation explicit
 * (`|2`) or found from the first non-empty line, chomping `+`, `-` or clip (''). `next` is the
 * first line after it. A last line without a line break (end of file) keeps none, as in go-yaml.
 */
export function readLiteralBlock(lines: string[], first: number, parentIndent: number, explicit: number, chomp: string): { value: string; next: number } {
  const n = lines.length;
  let indent = explicit > 0 ? (parentIndent >= 0 ? parentIndent + explicit : explicit) : 0;
  let i = first;
  if (indent === 0) {
    let maxEmpty = 0;
    let k = i;
    for (; k < n; k++) {
      const l = lines[k]!;
      let s = 0;
      while (s < l.length && l.charCodeAt(s) === 0x20) s++;
      if (s < l.length) {
        indent = s;
        break;
      }
      if (s > maxEmpty) maxEmpty = s;
    }
    if (k === n) indent = maxEmpty;
    if (maxEmpty > indent) throw new Unsupported('leading empty lines more indented');
    if (indent < parentIndent + 1) indent = parentIndent + 1;
    if (indent < 1) indent = 1;
  }
  const parts: string[] = [];
  let lastText = -1;
  for (; i < n; i++) {
    const l = lines[i]!;
    if (l.length <= indent && isAllSpaces(l)) {
      parts.push('');
      continue;
    }
    let s = 0;
    while (s < indent && l.charCodeAt(s) === 0x20) s++;
    if (s < indent) break;
    parts.push(l.slice(indent));
    lastText = parts.length - 1;
  }
  // A line ends in a break unless it is the last one of the text (no final newline).
  const hasBreak = (k: number): boolean => first + k < n - 1;
  let value = parts.slice(0, lastText + 1).join('\n');
  if (chomp === '+') {
    for (let k = Math.max(lastText, 0); k < parts.length; k++) if (hasBreak(k)) value += '\n';
  } else if (chomp === '' && lastText >= 0 && hasBreak(lastText)) {
    value += '\n';
  }
  return { value, next: i };
}

const isAllSpaces = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 0x20) return false;
  return true;
};

/**
 * Where a flow collection starting at `lines[first][p]` nests past `max` levels (counting `base`
 * levels around it): its 1-based line, or undefined when it closes first or the scan cannot
 * tell. Such a document is refused before the library parser sees it, whose recursion over
 * thousands of levels exhausts the call stack (in a warm process even fatally, inside V8's
 * regexp compiler). Quoted scalars are skipped; a quote inside a plain scalar or a quoted scalar
 * over several lines ends the scan, which then leaves the document to the library as before.
 */
export function flowNestingBeyond(lines: string[], first: number, p: number, base: number, max: number): number | undefined {
  let depth = base;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    let prev = i === first ? -1 : 0x5b; // a new line inside a flow collection starts a token
    for (let q = i === first ? p : 0; q < line.length; q++) {
      const c = line.charCodeAt(q);
      if (c === 0x20 || c === 0x09) continue;
      if (c === 0x5b || c === 0x7b) {
        if (++depth > max) return i + 1;
      } else if (c === 0x5d || c === 0x7d) {
        if (--depth === base) return undefined;
      } else if ((c === 0x22 || c === 0x27) && (prev === 0x5b || prev === 0x7b || prev === 0x2c || prev === 0x3a)) {
        const end = c === 0x22 ? doubleQuotedEnd(line, q) : singleQuotedEnd(line, q);
        if (end === undefined) return undefined;
        q = end - 1;
      } else if (c === 0x22 || c === 0x27) {
        return undefined;
      } else if (c === 0x23 && (q === 0 || line.charCodeAt(q - 1) === 0x20 || line.charCodeAt(q - 1) === 0x09)) {
        break; // a comment to the end of the line
      }
      prev = c;
    }
  }
  return undefined;
}
