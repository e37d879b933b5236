/**
 * Go's regular expression syntax (`regexp/syntax/parse.go`, with the Perl flags `regexp.Compile`
 * uses) parsed into a small tree: the patterns Go accepts, with Go's meaning, and Go's error text
 * for the ones it rejects — including lookarounds and backreferences, which RE2 lacks.
 */

export type Range = [number, number];

interface Flags {
  /** `i`: case folding. */
  fold: boolean;
  /** `m`: `^`/`$` match at line boundaries. */
  multiLine: boolean;
  /** `s`: `.` matches `\n`. */
  dotNL: boolean;
  /** `U`: quantifiers are lazy unless followed by `?`. */
  ungreedy: boolean;
}

export type Node =
  | { t: 'lit'; cp: number; fold: boolean }
  | {
      t: 'class';
      ranges: Range[];
      /** JS property escapes (`\p{L}`, `\P{N}`). */
      props: string[];
      /**
       * Class bodies (e.g. `\p{Lu}`) of negated Unicode classes under case folding. Go negates
       * after folding (`(?i)\P{Lu}` matches no letter that has an uppercase form) while JS folds
       * a `\P{…}` after negating, so these stay apart until emission. Without folding a negated
       * Unicode class is a plain `\P{…}` in `props`.
       */
      negProps: string[];
      negated: boolean;
      fold: boolean;
    }
  | { t: 'any'; dotNL: boolean }
  | { t: 'assert'; js: string }
  | { t: 'group'; capture: boolean; alts: Node[][] }
  | { t: 'repeat'; min: number; max: number; greedy: boolean; sub: Node };

const MAX_RUNE = 0x10ffff;

/** Ranges from a compact spec such as `0-9A-Za-z_` (ASCII only). */
function ascii(spec: string): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < spec.length; i++) {
    const lo = spec.charCodeAt(i);
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      out.push([lo, spec.charCodeAt(i + 2)]);
      i += 2;
    } else out.push([lo, lo]);
  }
  return out;
}

/** Go's Perl class escapes (`regexp/syntax/perl_groups.go`): ASCII only, so `\s` has no `\v`. */
const PERL_CLASSES: Record<string, Range[]> = { d: ascii('0-9'), s: ascii('\t\n\f\r '), w: ascii('0-9A-Z_a-z') };

/** Go's POSIX classes, valid only inside brackets (`[[:alpha:]]`, `[[:^alpha:]]`). */
const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: ascii('0-9A-Za-z'),
  alpha: ascii('A-Za-z'),
  ascii: ascii('\x00-\x7f'),
  blank: ascii('\t '),
  cntrl: ascii('\x00-\x1f\x7f'),
  digit: ascii('0-9'),
  graph: ascii('!-~'),
  lower: ascii('a-z'),
  print: ascii(' -~'),
  punct: ascii('!-/:-@[-`{-~'),
  space: ascii('\t-\r '),
  upper: ascii('A-Z'),
  word: ascii('0-9A-Z_a-z'),
  xdigit: ascii('0-9A-Fa-f'),
};

/** Go's Unicode general categories (`unicode.Categories`); other names are scripts. */
const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

/** A pattern Go's parser rejects; the message is Go's error text. */
export class GoRegexSyntaxError extends Error {}

/** Go's `regexp/syntax` error text, with an explanation where RE2 differs from Perl/JS. */
function syntaxError(code: string, expr: string, why?: string): GoRegexSyntaxError {
  const shown = expr.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return new GoRegexSyntaxError(`error parsing regexp: ${code}: \`${shown}\`${why === undefined ? '' : ` (${why})`}`);
}

const NO_LOOKAROUND = 'lookahead and lookbehind assertions are not supported: Go RE2 has none';
const NO_BACKREF = 'backreferences are not supported: Go RE2 has none';

/** Sorted, merged ranges. */
export function normalize(ranges: Range[]): Range[] {
  const sorted = ranges.map((r): Range => [r[0], r[1]]).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

/**
 * Add the case variants of ASCII ranges: the other-case letter, plus U+212A (Kelvin sign) for k
 * and U+017F (long s) for s, the only non-ASCII members of ASCII letters' folding orbits.
 */
function foldAscii(ranges: Range[]): Range[] {
  const out = [...ranges];
  for (const [lo, hi] of ranges) {
    for (let c = lo; c <= Math.min(hi, 0x7f); c++) {
      if (c >= 0x41 && c <= 0x5a) out.push([c + 32, c + 32]);
      else if (c >= 0x61 && c <= 0x7a) out.push([c - 32, c - 32]);
      if (c === 0x4b || c === 0x6b) out.push([0x212a, 0x212a]);
      if (c === 0x53 || c === 0x73) out.push([0x17f, 0x17f]);
    }
  }
  return normalize(out);
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

/** Recursive-descent parser for Go's syntax (`regexp/syntax/parse.go`, Perl flags). */
class Parser {
  private pos = 0;
  private depth = 0;
  private flags: Flags = { fold: false, multiLine: false, dotNL: false, ungreedy: false };

  constructor(private readonly src: string) {}

  parse(): Node[][] {
    const alts = this.parseAlternation();
    if (this.pos < this.src.length) throw syntaxError('unexpected )', this.src);
    return alts;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private nextCodePoint(): number {
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** Parse alternatives up to a `)` (left for the caller) or the end. */
  private parseAlternation(): Node[][] {
    const alts: Node[][] = [[]];
    let cur = alts[0] as Node[];
    // Start of the previous item when it was a repetition operator (Go: `lastRepeat`).
    let lastRepeat = -1;
    while (this.pos < this.src.length) {
      const c = this.peek() as string;
      let repeatStart = -1;
      if (c === ')') break;
      if (c === '|') {
        this.pos++;
        cur = [];
        alts.push(cur);
      } else if (c === '(') {
        const group = this.parseGroup();
        if (group !== undefined) cur.push(group);
      } else if (c === '[') {
        cur.push(this.parseClass());
      } else if (c === '.') {
        this.pos++;
        cur.push({ t: 'any', dotNL: this.flags.dotNL });
      } else if (c === '^') {
        this.pos++;
        cur.push({ t: 'assert', js: this.flags.multiLine ? '(?:^|(?<=\\n))' : '^' });
      } else if (c === '$') {
        this.pos++;
        cur.push({ t: 'assert', js: this.flags.multiLine ? '(?:$|(?=\\n))' : '$' });
      } else if (c === '*' || c === '+' || c === '?' || c === '{') {
        const start = this.pos;
        let min: number;
        let max: number;
        if (c === '{') {
          const rep = this.parseRepeatBraces();
          if (rep === undefined) {
            // Go: a `{` that does not start a valid repeat is a literal.
            this.pos++;
            cur.push({ t: 'lit', cp: 0x7b, fold: this.flags.fold });
            lastRepeat = -1;
            continue;
          }
          [min, max] = rep;
          if (min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            throw syntaxError('invalid repeat count', this.src.slice(start, this.pos));
          }
        } else {
          this.pos++;
          [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
        }
        let greedy = !this.flags.ungreedy;
        if (this.peek() === '?') {
          this.pos++;
          greedy = !greedy;
        }
        if (lastRepeat >= 0) throw syntaxError('invalid nested repetition operator', this.src.slice(lastRepeat, this.pos));
        const sub = cur.pop();
        if (sub === undefined) throw syntaxError('missing argument to repetition operator', this.src.slice(start, this.pos));
        cur.push({ t: 'repeat', min, max, greedy, sub });
        repeatStart = start;
      } else if (c === '\\') {
        this.parseEscapeAtom(cur);
      } else {
        cur.push({ t: 'lit', cp: this.nextCodePoint(), fold: this.flags.fold });
      }
      lastRepeat = repeatStart;
    }
    return alts;
  }

  /** `{n}`, `{n,}`, `{n,m}` at pos; undefined (pos unchanged) when it is not a repeat. */
  private parseRepeatBraces(): [number, number] | undefined {
    const re = /\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return undefined;
    this.pos += m[0].length;
    // Go caps parsed numbers at 1e8 (then "invalid repeat count"); any > 1000 is rejected anyway.
    const num = (s: string): number => (s.length > 9 ? 1e9 : Number(s));
    const min = num(m[1] as string);
    const max = m[2] === undefined ? min : m[3] === undefined ? -1 : num(m[3]);
    return [min, max];
  }

  /** A group at `(`; returns undefined for a flags-only group such as `(?i)`. */
  private parseGroup(): Node | undefined {
    const start = this.pos;
    const rest = this.src.slice(start);
    let capture = true;
    let groupFlags: Flags | undefined;
    if (rest.startsWith('(?')) {
      if (rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
        throw syntaxError('invalid or unsupported Perl syntax', rest.slice(0, rest[2] === '<' ? 4 : 3), NO_LOOKAROUND);
      }
      if (rest.startsWith('(?P=') || rest.startsWith('(?P>')) {
        throw syntaxError('invalid or unsupported Perl syntax', rest.slice(0, 4), NO_BACKREF);
      }
      const named = /^\(\?P?<([^>]*)>/.exec(rest);
      if (named !== null || rest.startsWith('(?P<') || rest.startsWith('(?<')) {
        if (named === null) throw syntaxError('invalid named capture', rest);
        if (!/^[A-Za-z0-9_]+$/.test(named[1] as string)) throw syntaxError('invalid named capture', named[0]);
        // The name is irrelevant to matching; JS names have stricter rules, so drop it.
        this.pos += named[0].length;
      } else {
        const parsed = this.parseFlags();
        if (parsed.endsGroup) {
          this.flags = parsed.flags;
          return undefined;
        }
        capture = false;
        groupFlags = parsed.flags;
      }
    } else {
      this.pos++;
    }
    // Go's limit (maxHeight); it also keeps deep nesting from exhausting the stack here.
    if (++this.depth > 1000) throw syntaxError('expression nests too deeply', this.src);
    const saved = this.flags;
    this.flags = { ...(groupFlags ?? saved) };
    const alts = this.parseAlternation();
    this.depth--;
    if (this.peek() !== ')') throw syntaxError('missing closing )', this.src);
    this.pos++;
    this.flags = saved;
    return { t: 'group', capture, alts };
  }

  /** `(?flags)` or `(?flags:`, as Go's parsePerlFlags accepts them. */
  private parseFlags(): { flags: Flags; endsGroup: boolean } {
    const start = this.pos;
    this.pos += 2;
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++] as string;
      const value = !negate;
      if (c === 'i') flags.fold = value;
      else if (c === 'm') flags.multiLine = value;
      else if (c === 's') flags.dotNL = value;
      else if (c === 'U') flags.ungreedy = value;
      else if (c === '-' && !negate) {
        negate = true;
        sawFlag = false;
        continue;
      } else if ((c === ':' || c === ')') && (!negate || sawFlag)) {
        return { flags, endsGroup: c === ')' };
      } else break;
      sawFlag = true;
    }
    throw syntaxError('invalid or unsupported Perl syntax', this.src.slice(start, this.pos));
  }

  /** A backslash outside a class. */
  private parseEscapeAtom(cur: Node[]): void {
    const next = this.peek(1);
    const fold = this.flags.fold;
    switch (next) {
      case undefined:
        throw syntaxError('trailing backslash at end of expression', '');
      case 'A':
        this.pos += 2;
        cur.push({ t: 'assert', js: '^' });
        return;
      case 'z':
        this.pos += 2;
        cur.push({ t: 'assert', js: '$' });
        return;
      case 'b':
      case 'B':
        // Go's \b is ASCII-only, which JS's \b is too.
        this.pos += 2;
        cur.push({ t: 'assert', js: `\\${next}` });
        return;
      case 'C':
        throw syntaxError('invalid escape sequence', '\\C');
      case 'Q': {
        this.pos += 2;
        const end = this.src.indexOf('\\E', this.pos);
        const lit = this.src.slice(this.pos, end < 0 ? undefined : end);
        this.pos = end < 0 ? this.src.length : end + 2;
        for (const ch of lit) cur.push({ t: 'lit', cp: ch.codePointAt(0) as number, fold });
        return;
      }
      case 'p':
      case 'P': {
        const { ranges, props, negProps } = this.parseUnicodeClass();
        cur.push({ t: 'class', ranges, props, negProps, negated: false, fold });
        return;
      }
    }
    const perl = PERL_CLASSES[(next as string).toLowerCase()];
    if (perl !== undefined) {
      this.pos += 2;
      cur.push({ t: 'class', ranges: perl, props: [], negProps: [], negated: next !== next.toLowerCase(), fold });
      return;
    }
    cur.push({ t: 'lit', cp: this.parseEscape(), fold });
  }

  /** Go's parseEscape: a single character written with a backslash. */
  private parseEscape(): number {
    const start = this.pos;
    this.pos++;
    if (this.pos >= this.src.length) throw syntaxError('trailing backslash at end of expression', '');
    const c = String.fromCodePoint(this.nextCodePoint());
    const invalid = (why?: string): GoRegexSyntaxError =>
      syntaxError('invalid escape sequence', this.src.slice(start, this.pos), why);
    if (c >= '1' && c <= '7' && !isOctal(this.peek())) throw invalid(NO_BACKREF);
    if (c === '8' || c === '9') throw invalid(NO_BACKREF);
    if (c >= '0' && c <= '7') {
      let r = Number(c);
      for (let i = 1; i < 3 && isOctal(this.peek()); i++) r = r * 8 + Number(this.src[this.pos++]);
      return r;
    }
    if (c === 'x') {
      if (this.peek() === '{') {
        // Any number of hex digits, at least one, up to U+10FFFF (Go's error names the text read so far).
        this.pos++;
        let value = 0;
        let digits = 0;
        for (;;) {
          const d = this.peek();
          if (d === undefined) throw invalid();
          this.pos++;
          if (d === '}') break;
          if (!isHex(d)) throw invalid();
          value = value * 16 + parseInt(d, 16);
          if (value > MAX_RUNE) throw invalid();
          digits++;
        }
        if (digits === 0) throw invalid();
        return value;
      }
      const h = this.src.slice(this.pos, this.pos + 2);
      if (!isHex(h[0]) || !isHex(h[1])) {
        this.pos = Math.min(this.pos + 2, this.src.length);
        throw invalid();
      }
      this.pos += 2;
      return parseInt(h, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (simple[c] !== undefined) return simple[c];
    // Escaped ASCII punctuation is itself (`\_` included); any other letter is an error.
    if (c.length === 1 && c < '\x80' && !/[0-9A-Za-z]/.test(c)) return c.charCodeAt(0);
    throw invalid(c === 'k' ? NO_BACKREF : undefined);
  }

  /** `\pL`, `\p{Greek}`, `\PL`, `\p{^L}` at pos. */
  private parseUnicodeClass(): { ranges: Range[]; props: string[]; negProps: string[] } {
    const start = this.pos;
    const negatedEscape = this.src[this.pos + 1] === 'P';
    this.pos += 2;
    let name: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) throw syntaxError('invalid character class range', this.src.slice(start));
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      if (this.pos >= this.src.length) throw syntaxError('invalid character class range', this.src.slice(start));
      name = String.fromCodePoint(this.nextCodePoint());
    }
    let negated = negatedEscape;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === 'Any') return { ranges: negated ? [] : [[0, MAX_RUNE]], props: [], negProps: [] };
    let positive: string[];
    let complemented: string[];
    if (name === 'C') {
      // Go's C is Cc|Cf|Co|Cs; JS's \p{C} also holds unassigned code points (Cn).
      positive = ['\\p{Cc}', '\\p{Cf}', '\\p{Co}', '\\p{Cs}'];
      complemented = ['\\P{C}', '\\p{Cn}'];
    } else {
      const prop = CATEGORIES.has(name) ? name : `Script=${name}`;
      positive = [`\\p{${prop}}`];
      complemented = [`\\P{${prop}}`];
      try {
        new RegExp(positive[0] as string, 'u');
      } catch {
        throw syntaxError('invalid character class range', this.src.slice(start, this.pos));
      }
    }
    if (!negated) return { ranges: [], props: positive, negProps: [] };
    if (!this.flags.fold) return { ranges: [], props: complemented, negProps: [] };
    return { ranges: [], props: [], negProps: [positive.join('')] };
  }

  /** A bracketed class at `[` (Go's parseClass, Perl flags: `-` may appear anywhere). */
  private parseClass(): Node {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const props: string[] = [];
    const negProps: string[] = [];
    // Go folds a negated group before negating it (appendGroup), so K and ſ stay out of (?i)[\W].
    const negate = (cls: Range[]): Range[] => complement(this.flags.fold ? foldAscii(cls) : cls);
    const missing = (): GoRegexSyntaxError => syntaxError('missing closing ]', this.src.slice(start));
    let first = true;
    while (this.peek() !== ']' || first) {
      if (this.pos >= this.src.length) throw missing();
      first = false;
      if (this.src.startsWith('[:', this.pos)) {
        const end = this.src.indexOf(':]', this.pos + 2);
        if (end >= 0) {
          let name = this.src.slice(this.pos + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = POSIX_CLASSES[name];
          if (cls === undefined) throw syntaxError('invalid character class range', this.src.slice(this.pos, end + 2));
          ranges.push(...(neg ? negate(cls) : cls));
          this.pos = end + 2;
          continue;
        }
      }
      if (this.peek() === '\\' && (this.peek(1) === 'p' || this.peek(1) === 'P')) {
        const u = this.parseUnicodeClass();
        ranges.push(...u.ranges);
        props.push(...u.props);
        negProps.push(...u.negProps);
        continue;
      }
      const perl = this.peek() === '\\' ? PERL_CLASSES[(this.peek(1) ?? '').toLowerCase()] : undefined;
      if (perl !== undefined) {
        const upper = this.peek(1) !== (this.peek(1) as string).toLowerCase();
        ranges.push(...(upper ? negate(perl) : perl));
        this.pos += 2;
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(missing);
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        hi = this.parseClassChar(missing);
        if (hi < lo) throw syntaxError('invalid character class range', this.src.slice(rangeStart, this.pos));
      }
      ranges.push([lo, hi]);
    }
    this.pos++;
    return { t: 'class', ranges: normalize(ranges), props, negProps, negated, fold: this.flags.fold };
  }

  private parseClassChar(missing: () => GoRegexSyntaxError): number {
    if (this.pos >= this.src.length) throw missing();
    if (this.peek() === '\\') return this.parseEscape();
    return this.nextCodePoint();
  }
}

/** Parse a Go RE2 pattern into alternatives of atoms. Throws GoRegexSyntaxError with Go's error text. */
export function parseGoRegex(source: string): Node[][] {
  return new Parser(source).parse();
}
