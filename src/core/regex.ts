/**
 * Go RE2 regular expressions (`regexp` package, Perl flags) on re2js, a port of RE2: Go's syntax
 * and meaning (an unanchored search, `^`/`$` at the text's ends unless `(?m)`, ASCII-only
 * `\d \s \w \b`, `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`, scoped inline flags), and matching in
 * time linear in the text, so a pattern from a hostile file or `.sops.yaml` cannot hang a run.
 * The common simple shapes run as a JavaScript RegExp instead (regex-fast.ts), on texts short
 * enough that its backtracking stays within a fixed budget.
 */
import { RE2JS } from 're2js';
import { TsopsError, isTsopsError } from '../errors.js';
import { translateGoRegex } from './regex-fast.js';

/** A compiled Go regex; `test` is Go's unanchored `MatchString`. */
export interface GoRegex {
  readonly source: string;
  test(s: string): boolean;
}

const NO_LOOKAROUND = 'lookahead and lookbehind assertions are not supported: Go RE2 has none';
const NO_BACKREF = 'backreferences are not supported: Go RE2 has none';
/** Longest expression quoted in a message: a message stays one readable line. */
const MAX_SHOWN = 120;

/** Why RE2 refused a construct Perl and JavaScript accept, where the error alone would puzzle. */
function hint(description: string, input: string): string | undefined {
  if (/^\(\?(?:=|!|<=|<!)/.test(input)) return NO_LOOKAROUND;
  if (description === 'invalid escape sequence' && /^\\(?:[1-9]|k)/.test(input)) return NO_BACKREF;
  if (/^\(\?P=/.test(input)) return NO_BACKREF;
  return undefined;
}

function shown(expr: string): string {
  const cut = [...expr];
  const text = cut.length > MAX_SHOWN ? `${cut.slice(0, MAX_SHOWN).join('')}…` : expr;
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Go's one-line `regexp/syntax` error text, control characters escaped, long input cut. */
function syntaxMessage(e: { error?: unknown; input?: unknown; message: string }, source: string): string {
  const description = typeof e.error === 'string' ? e.error : e.message.replace(/^error parsing regexp: /, '');
  const input = typeof e.input === 'string' ? e.input : '';
  // re2js reports `(?P` for `(?P=n)`; the hint needs the text that follows.
  const why = hint(description, input === '(?P' && source.includes('(?P=') ? '(?P=' : input);
  return `error parsing regexp: ${description}${input === '' ? '' : `: \`${shown(input)}\``}${why === undefined ? '' : ` (${why})`}`;
}

/**
 * Compile a Go RE2 regular expression. Throws TsopsError('CONFIG') with Go's one-line message
 * naming the problem; callers add which file and field it came from.
 */
export function compileGoRegex(source: string): GoRegex {
  const fast = translateGoRegex(source);
  if (fast !== undefined) {
    let slow: RE2JS | undefined;
    // s.length counts UTF-16 units, never fewer than the code points the budget is about
    return { source, test: (s: string) => (s.length <= fast.maxLength ? fast.regex.test(s) : (slow ??= RE2JS.compile(source)).test(s)) };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    const err = e as { name?: unknown; error?: unknown; input?: unknown; message: string };
    if (typeof err.name === 'string' && err.name.startsWith('RE2JS')) throw new TsopsError('CONFIG', syntaxMessage(err, source));
    throw e;
  }
  return { source, test: (s: string) => re.test(s) };
}

/** Like {@link compileGoRegex}, but undefined for an invalid pattern (selectors then never match, §1.6). */
export function tryCompileGoRegex(source: string): GoRegex | undefined {
  try {
    return compileGoRegex(source);
  } catch (e) {
    // only a pattern Go refuses; anything else (re2js failing to load) is not the pattern's fault
    if (isTsopsError(e)) return undefined;
    throw e;
  }
}
