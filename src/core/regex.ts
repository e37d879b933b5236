/**
 * Go RE2 regular expressions (`regexp` package, Perl flags) translated to JavaScript RegExps.
 * sops matches `path_regex` and the regex selectors with Go's engine (spec §1.6, §7.3): an
 * unanchored search, `^`/`$` at the text's ends unless `(?m)`, `.` not matching `\n` unless
 * `(?s)`, ASCII-only `\d \s \w \b`, inline flags scoped to the enclosing group.
 *
 * The translation parses the Go syntax itself, so Go-only constructs (`\A`, `\z`, `\Q…\E`,
 * `[[:alpha:]]`, `\pL`, `(?U)`, `(?i:…)`, `(?P<n>…)`) get Go's meaning and anything Go rejects
 * is rejected with Go's error text — including lookarounds and backreferences, which RE2 lacks.
 * The emitted source always uses the `u` flag; case-insensitivity uses the `i` flag when the
 * whole pattern is case-insensitive, and otherwise expands case-folded atoms into classes
 * (Node 20 has no `(?i:…)` modifiers).
 */
import { TsopsError } from '../errors.js';
import { isCased, orbits } from './regex-fold.js';
import { GoRegexSyntaxError, normalize, parseGoRegex, type Node, type Range } from './regex-syntax.js';

const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function literalSource(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_CHARS.has(ch)) return `\\${ch}`;
  return cp >= 0x20 && cp < 0x7f ? ch : hexEscape(cp);
}

function classCharSource(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if ('\\]-^['.includes(ch)) return `\\${ch}`;
  return cp >= 0x20 && cp < 0x7f ? ch : hexEscape(cp);
}

function classBody(ranges: Range[], props: string[]): string {
  let out = props.join('');
  for (const [lo, hi] of normalize(ranges)) {
    out += classCharSource(lo);
    if (hi > lo) out += `${hi > lo + 1 ? '-' : ''}${classCharSource(hi)}`;
  }
  return out;
}

/**
 * A class body closed under case folding: Go folds the positive set, then negates (parseClass),
 * so add every case variant of a member.
 */
function foldedBody(ranges: Range[], props: string[]): string {
  const member = new RegExp(`^[${classBody(ranges, props)}]$`, 'u');
  const extra: Range[] = [];
  for (const [cp, orbit] of orbits()) {
    if (member.test(String.fromCodePoint(cp))) for (const m of orbit) extra.push([m, m]);
  }
  return classBody(normalize([...ranges, ...extra]), props);
}

/** Whether an atom's case folding can matter (so it decides between `i` and expansion). */
function foldSensitive(node: Node): boolean {
  if (node.t === 'lit') return isCased(node.cp);
  return node.t === 'class';
}

function collectFoldUse(alts: Node[][], use: { on: boolean; off: boolean }): void {
  for (const seq of alts) {
    for (const node of seq) {
      let n: Node = node;
      while (n.t === 'repeat') n = n.sub;
      if (n.t === 'group') collectFoldUse(n.alts, use);
      else if (foldSensitive(n)) {
        if ((n as { fold: boolean }).fold) use.on = true;
        else use.off = true;
      }
    }
  }
}

class Emitter {
  constructor(private readonly expandFold: boolean) {}

  alts(alts: Node[][]): string {
    return alts.map((seq) => seq.map((n) => this.node(n)).join('')).join('|');
  }

  private node(n: Node): string {
    switch (n.t) {
      case 'lit':
        return this.literal(n.cp, n.fold);
      case 'class':
        return this.cls(n);
      case 'any':
        return n.dotNL ? '[^]' : '[^\\n]';
      case 'assert':
        return n.js;
      case 'group':
        return `(${n.capture ? '' : '?:'}${this.alts(n.alts)})`;
      case 'repeat': {
        let sub = this.node(n.sub);
        // JS cannot quantify an assertion directly (Go can: `^*` matches the empty string).
        if (n.sub.t === 'assert') sub = `(?:${sub})`;
        const q =
          n.min === 0 && n.max === -1
            ? '*'
            : n.min === 1 && n.max === -1
              ? '+'
              : n.min === 0 && n.max === 1
                ? '?'
                : n.max === -1
                  ? `{${n.min},}`
                  : n.min === n.max
                    ? `{${n.min}}`
                    : `{${n.min},${n.max}}`;
        return `${sub}${q}${n.greedy ? '' : '?'}`;
      }
    }
  }

  private literal(cp: number, fold: boolean): string {
    if (this.expandFold && fold && isCased(cp)) {
      const orbit = orbits().get(cp);
      if (orbit !== undefined) return `[${classBody(orbit.map((m): Range => [m, m]), [])}]`;
    }
    return literalSource(cp);
  }

  private cls(n: Extract<Node, { t: 'class' }>): string {
    const expand = this.expandFold && n.fold;
    const body = (ranges: Range[], props: string[]): string => (expand ? foldedBody(ranges, props) : classBody(ranges, props));
    const positive = n.ranges.length > 0 || n.props.length > 0 ? body(n.ranges, n.props) : undefined;
    const negatedSets = n.negProps.map((p) => body([], [p]));
    if (negatedSets.length === 0) return `[${n.negated ? '^' : ''}${positive ?? ''}]`;
    if (positive === undefined && negatedSets.length === 1) return `[${n.negated ? '' : '^'}${negatedSets[0]}]`;
    // A union with complements of folded sets: JS classes cannot nest, so use alternatives.
    const alts = [...(positive === undefined ? [] : [`[${positive}]`]), ...negatedSets.map((b) => `[^${b}]`)].join('|');
    return n.negated ? `(?:(?!${alts})[^])` : `(?:${alts})`;
  }
}

/**
 * Translate Go RE2 syntax to a JavaScript RegExp source and flags with the same matches under
 * unanchored search. Throws TsopsError('CONFIG') with Go's one-line error text on invalid input.
 */
export function translateGoRegex(source: string): { source: string; flags: string } {
  let alts: Node[][];
  try {
    alts = parseGoRegex(source);
  } catch (e) {
    if (e instanceof GoRegexSyntaxError) throw new TsopsError('CONFIG', e.message);
    throw e;
  }
  const use = { on: false, off: false };
  collectFoldUse(alts, use);
  const mixed = use.on && use.off;
  const body = new Emitter(mixed).alts(alts);
  return { source: body === '' ? '(?:)' : body, flags: use.on && !mixed ? 'iu' : 'u' };
}

/**
 * Compile a Go RE2 regular expression to an equivalent JavaScript RegExp (use `.test()` for
 * Go's unanchored `MatchString`). Throws TsopsError('CONFIG') with a one-line message naming the
 * problem; callers add which file and field it came from.
 */
export function compileGoRegex(source: string): RegExp {
  const t = translateGoRegex(source);
  try {
    return new RegExp(t.source, t.flags);
  } catch (e) {
    // A translation JS refuses is a bug here, but report it like any invalid pattern.
    throw new TsopsError('CONFIG', `error parsing regexp: cannot translate \`${source}\`: ${(e as Error).message}`);
  }
}

/** Like {@link compileGoRegex}, but undefined for an invalid pattern (selectors then never match, §1.6). */
export function tryCompileGoRegex(source: string): RegExp | undefined {
  try {
    return compileGoRegex(source);
  } catch {
    return undefined;
  }
}
