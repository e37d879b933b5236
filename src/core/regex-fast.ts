/**
 * The common `path_regex` shapes (`\.yaml$`, `^secrets/[^/]+\.json$`, `(a|b)/.*`) as a JavaScript
 * RegExp, so a run whose patterns are all simple never loads re2js (about 15 ms on Node: loading,
 * compiling and running it cold). Only a subset whose meaning is the same in Go and in JavaScript's
 * `u` mode is translated; anything else returns undefined and goes to re2js, which also gives Go's
 * error for invalid patterns. The subset has no nested repetition, so backtracking is bounded by a
 * polynomial in the text length; `maxLength` keeps that under a fixed budget, and longer texts go
 * to re2js, so matching stays bounded on hostile input.
 */

export interface FastRegex {
  readonly regex: RegExp;
  /** Longest text this RegExp may be run on; longer texts need the linear-time engine. */
  readonly maxLength: number;
}

/** Backtracking steps a match may take: the worst texts at the limit take about a millisecond. */
const STEP_BUDGET = 20_000_000;
const MAX_PATTERN = 256;
const MAX_BRANCH_PRODUCT = 256;

/** Go's ASCII Perl classes, which JavaScript's `\s` (Unicode spaces, `\v`) does not share. */
const PERL_CLASSES: Record<string, string> = {
  d: '[0-9]',
  D: '[^0-9]',
  w: '[0-9A-Za-z_]',
  W: '[^0-9A-Za-z_]',
  s: '[\\t\\n\\f\\r ]',
  S: '[^\\t\\n\\f\\r ]',
};

const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/** A literal character for a `u`-mode RegExp, inside or outside a class. */
function literal(c: string): string {
  return isAlnum(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/**
 * Translate a Go pattern in the shared subset, or undefined. The subset: literal characters; `\`
 * before ASCII punctuation; `\d \D \w \W \s \S`; `.`; classes of literal characters and ranges,
 * optionally negated; `*`, `+`, `?` on one of those atoms; `^`, `$`; groups `(…)` and `(?:…)` with
 * `|`, never repeated.
 */
export function translateGoRegex(source: string): FastRegex | undefined {
  const chars = [...source];
  if (chars.length > MAX_PATTERN) return undefined;
  let out = '';
  let unbounded = 0;
  let branchProduct = 1;
  // branch counts of the open groups, the whole pattern first
  const branches: number[] = [1];
  let atom = false;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*' || c === '+' || c === '?') {
      if (!atom) return undefined;
      const next = chars[i + 1];
      if (next === '*' || next === '+' || next === '?') return undefined;
      if (c === '?') branchProduct *= 2;
      else unbounded++;
      out += c;
      atom = false;
      i++;
      continue;
    }
    atom = false;
    if (c === '.') {
      out += '[^\\n]';
      atom = true;
      i++;
    } else if (c === '\\') {
      const e = chars[i + 1];
      if (e === undefined) return undefined;
      const perl = PERL_CLASSES[e];
      if (perl !== undefined) out += perl;
      else if (e.codePointAt(0)! < 0x80 && !isAlnum(e)) out += literal(e);
      else return undefined;
      atom = true;
      i += 2;
    } else if (c === '[') {
      const cls = translateClass(chars, i + 1);
      if (cls === undefined) return undefined;
      out += cls.text;
      atom = true;
      i = cls.end;
    } else if (c === '(') {
      if (chars[i + 1] === '?') {
        if (chars[i + 2] !== ':') return undefined;
        i += 3;
      } else {
        i++;
      }
      out += '(?:';
      branches.push(1);
    } else if (c === ')') {
      if (branches.length === 1) return undefined;
      branchProduct *= branches.pop()!;
      out += ')';
      i++;
      if (chars[i] === '*' || chars[i] === '+' || chars[i] === '?') return undefined;
    } else if (c === '|') {
      branches[branches.length - 1]!++;
      out += '|';
      i++;
    } else if (c === '^' || c === '$') {
      out += c;
      i++;
      if (chars[i] === '*' || chars[i] === '+' || chars[i] === '?') return undefined;
    } else if (c === ']' || c === '{' || c === '}') {
      // Go reads these as literals in places and as syntax in others; re2js decides
      return undefined;
    } else {
      out += literal(c);
      atom = true;
      i++;
    }
  }
  if (branches.length !== 1) return undefined;
  branchProduct *= branches[0]!;
  if (branchProduct > MAX_BRANCH_PRODUCT) return undefined;
  let regex: RegExp;
  try {
    regex = new RegExp(out, 'u');
  } catch {
    return undefined;
  }
  // A search tries every start unless the pattern is anchored at the text's start.
  const anchored = source.startsWith('^') && branches[0] === 1;
  const power = unbounded + (anchored ? 0 : 1);
  const perStep = branchProduct * (chars.length + 1);
  const maxLength = power === 0 ? Infinity : Math.floor((STEP_BUDGET / perStep) ** (1 / power));
  return { regex, maxLength };
}

/** A class body from `start` (just past `[`) to its `]`, or undefined outside the subset. */
function translateClass(chars: string[], start: number): { text: string; end: number } | undefined {
  let i = start;
  let text = '[';
  if (chars[i] === '^') {
    text += '^';
    i++;
  }
  const first = i;
  for (;;) {
    const c = chars[i];
    if (c === undefined || c === '\\' || c === '[') return undefined;
    if (c === ']') {
      // Go reads a `]` right after `[` or `[^` as a literal; JavaScript as an empty class
      if (i === first) return undefined;
      return { text: `${text}]`, end: i + 1 };
    }
    if (c === '-') {
      // a `-` that is neither first nor last is an error in Go
      if (i !== first && chars[i + 1] !== ']') return undefined;
      text += literal(c);
      i++;
      continue;
    }
    if (chars[i + 1] === '-' && chars[i + 2] !== ']' && chars[i + 2] !== undefined) {
      const hi = chars[i + 2]!;
      if (hi === '\\' || hi === '[' || hi === '-') return undefined;
      if (hi.codePointAt(0)! < c.codePointAt(0)!) return undefined;
      text += `${literal(c)}-${literal(hi)}`;
      i += 3;
      continue;
    }
    text += literal(c);
    i++;
  }
}
