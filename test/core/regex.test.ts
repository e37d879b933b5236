import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileGoRegex, tryCompileGoRegex } from '../../src/core/regex.js';
import { TsopsError } from '../../src/errors.js';

/** [Go pattern, strings it must match, strings it must not match] — Go's `MatchString` results. */
const TABLE: Array<[string, string[], string[]]> = [
  // unanchored search
  ['secrets', ['a/secrets/b.yaml'], ['a/secret/b.yaml']],
  ['\\.yaml$', ['x.yaml'], ['x.yaml.bak', 'x.yaml\n']],
  ['^ab', ['abc'], ['cab', 'x\nab']],
  // inline flags
  ['(?i)secret', ['MY_SECRET', 'Secret'], ['secre']],
  ['(?i)k', ['K', '\u212a'], ['x']],
  ['a(?i:bc)d', ['aBcd', 'abCd'], ['Abcd', 'abcD']],
  ['A(?i)b|c', ['AB', 'C'], ['aB']],
  ['(?i)[^k]', ['x'], ['k', 'K', '\u212a']],
  ['x(?i:[a-c])', ['xB', 'xa'], ['Xb', 'xd']],
  ['(?i:s)', ['\u017f', 'S'], ['t']],
  // Go negates a class after folding it
  ['(?i)\\P{Lu}', ['1', ' '], ['x', 'X', '\u017f']],
  ['(?i)[\\W]', ['-'], ['\u017f', '\u212a', 'a']],
  ['(?i)[a\\P{Lu}]', ['a', 'A', '1'], ['b']],
  ['x(?i:[^a\\P{Lu}])', ['xB', 'xb'], ['xa', 'x1']],
  ['x(?i:[[:^alpha:]])', ['x1'], ['xk', 'x\u212a']],
  ['(?s)a.b', ['a\nb'], []],
  ['a.b', ['a\rb', 'a\u2028b'], ['a\nb']],
  ['(?m)^b$', ['a\nb\nc'], ['ab\nc']],
  ['^b$', ['b'], ['a\nb\nc']],
  ['(?U)<.+>', ['<a>'], ['<>']],
  ['(?i-i)a', ['a'], ['A']],
  ['(?i)a(?-i)b', ['Ab'], ['AB']],
  ['(?:a(?i)b)B', ['aBB'], ['aBb']],
  // Go-only syntax
  ['(?P<name>ab)+c', ['ababc'], ['ac']],
  ['\\Aab\\z', ['ab'], ['ab\n', 'xab']],
  ['\\Qa.b*\\E', ['a.b*'], ['axbb']],
  ['\\Qa.b', ['xa.b'], ['axb']],
  ['[[:alpha:]]+[[:digit:]]', ['ab1'], ['1', '_1']],
  ['^[[:^space:]]+$', ['abc'], ['a b', 'a\tb']],
  ['^[[:word:][:punct:]]+$', ['a_!'], ['a b']],
  ['\\pL', ['é', 'Ж'], ['1', '_']],
  ['\\p{Greek}', ['α'], ['a']],
  ['\\PN', ['a'], ['1', '٣']],
  ['\\p{^Lu}', ['a'], ['A']],
  ['[\\p{Lu}\\d]', ['A', '5'], ['a']],
  ['^\\p{Any}$', ['\u{1f600}'], ['']],
  // ASCII-only Perl classes, unlike JS's Unicode \s
  ['^\\s$', [' ', '\t', '\n', '\f', '\r'], ['\v', '\u00a0', '\u2003']],
  ['^\\w+$', ['a_1'], ['é']],
  ['^[^\\d\\S]$', [' '], ['1', 'a']],
  ['\\bfoo\\b', ['a foo b'], ['afoob']],
  // escapes
  ['\\x41\\x{1F600}\\101\\0', ['A\u{1f600}A\0'], []],
  ['\\#\\-\\_\\%', ['#-_%'], []],
  ['\\a\\f\\v', ['\x07\f\v'], []],
  // literal braces and brackets Go allows
  ['a{,3}', ['a{,3}'], ['aaa']],
  ['a{01}', ['a{01}'], ['a']],
  ['x{', ['x{'], []],
  ['[]a]', [']', 'a'], ['b']],
  ['[a-]', ['-'], ['b']],
  ['[\\d-z]', ['-', 'z', '5'], ['y']],
  // repetition
  ['^a{2,3}$', ['aa', 'aaa'], ['a', 'aaaa']],
  ['^a{2}$', ['aa'], ['aaa']],
  ['^(?:ab)*?$', ['abab', ''], ['aba']],
  ['^*a', ['a'], []],
  ['', ['', 'anything'], []],
  ['a|', ['', 'b'], []],
];

describe('compileGoRegex', () => {
  for (const [pattern, yes, no] of TABLE) {
    it(`gives Go's matches for ${JSON.stringify(pattern)}`, () => {
      const re = compileGoRegex(pattern);
      for (const s of yes) assert.equal(re.test(s), true, `${JSON.stringify(pattern)} should match ${JSON.stringify(s)}`);
      for (const s of no) assert.equal(re.test(s), false, `${JSON.stringify(pattern)} should not match ${JSON.stringify(s)}`);
    });
  }

  it('matches in time linear in the text, where a backtracking engine would hang', () => {
    const evil = `${'a'.repeat(100_000)}!`;
    const start = process.hrtime.bigint();
    for (const p of ['(a+)+$', '^(a|a)*$', '(a*)*b', '^(a|aa)+$', '(.*a){12}$']) assert.equal(compileGoRegex(p).test(evil), false, p);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 5_000, `took ${ms} ms`);
  });

  /** [pattern, Go's error text]. */
  const ERRORS: Array<[string, RegExp]> = [
    ['(?=a)b', /^error parsing regexp: invalid or unsupported Perl syntax: `\(\?=` \(lookahead and lookbehind .*Go RE2 has none\)$/],
    ['(?!a)', /lookahead and lookbehind assertions are not supported/],
    // Go reads `(?<` as the start of a named group (Go 1.22), so its error is about the name.
    ['(?<=a)b', /^error parsing regexp: invalid named capture: `\(\?<=a\)b` \(lookahead and lookbehind .*\)$/],
    ['(?<!a)b', /lookahead and lookbehind assertions are not supported/],
    ['(a)\\1', /^error parsing regexp: invalid escape sequence: `\\1` \(backreferences are not supported: Go RE2 has none\)$/],
    ['(?P<n>a)(?P=n)', /backreferences are not supported/],
    ['\\k<n>', /backreferences are not supported/],
    ['(abc', /^error parsing regexp: missing closing \): `\(abc`$/],
    ['abc)', /^error parsing regexp: unexpected \): `abc\)`$/],
    ['[abc', /^error parsing regexp: missing closing \]: `\[abc`$/],
    ['a**', /^error parsing regexp: invalid nested repetition operator: `\*\*`$/],
    ['*a', /^error parsing regexp: missing argument to repetition operator: `\*`$/],
    ['a{1001}', /^error parsing regexp: invalid repeat count: `\{1001\}`$/],
    ['a{3,2}', /invalid repeat count/],
    ['[z-a]', /^error parsing regexp: invalid character class range: `z-a`$/],
    ['[[:foo:]]', /invalid character class range: `\[:foo:\]`/],
    ['\\p{Klingon}', /invalid character class range: `\\p\{Klingon\}`/],
    ['\\Z', /invalid escape sequence: `\\Z`/],
    ['\\C', /invalid escape sequence: `\\C`/],
    ['\\é', /invalid escape sequence/],
    ['(?x)a', /invalid or unsupported Perl syntax: `\(\?x`/],
    ['(?i-)a', /invalid or unsupported Perl syntax/],
    ['(?P<a-b>x)', /invalid named capture/],
    ['a\\', /trailing backslash at end of expression/],
    ['\\x{110000}', /invalid escape sequence/],
    ['('.repeat(5000) + ')'.repeat(5000), /^error parsing regexp: expression nests too deeply$/],
    ['((a{1000}){1000}){1000}', /^error parsing regexp: invalid repeat count: `\{1000\}`$/],
    ['[' + 'x'.repeat(5000), /^error parsing regexp: missing closing \]: `\[x{119}…`$/],
  ];
  for (const [pattern, message] of ERRORS) {
    it(`rejects ${JSON.stringify(pattern.length > 30 ? `${pattern.slice(0, 30)}…` : pattern)} with a one-line CONFIG error`, () => {
      assert.throws(
        () => compileGoRegex(pattern),
        (e: unknown) => e instanceof TsopsError && e.code === 'CONFIG' && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('keeps error messages on one line even for patterns with newlines', () => {
    assert.throws(() => compileGoRegex('a\n('), (e: unknown) => e instanceof TsopsError && !e.message.includes('\n'));
  });

  it('compiles every pattern it accepts, and rejects the others with a CONFIG error', () => {
    const pieces = ['a', 'K', 'ſ', '\\d', '\\S', '\\b', '\\A', '\\z', '[a-c]', '[^k]', '[[:alpha:]]', '\\pL', '\\p{^Lu}', '.', '^', '$',
      '*', '+?', '{2}', '{1,}', '{', '}', ']', '(', ')', '(?:', '(?i)', '(?i:', '(?s)', '(?m)', '(?U)', '|', '\\Qa(\\E', '\\x{41}'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        const pattern = parts.join('');
        try {
          assert.equal(typeof compileGoRegex(pattern).test('aK(1'), 'boolean');
        } catch (e) {
          assert.ok(e instanceof TsopsError && e.code === 'CONFIG' && e.message.startsWith('error parsing regexp: '), String(e));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('matches any literal text quoted with \\Q…\\E', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\\E')), (s) => {
        assert.equal(compileGoRegex(`^\\Q${s}\\E$`).test(s), true);
      }),
      { numRuns: 100 },
    );
  });

  it('folds case only inside a (?i:…) group', () => {
    const swap = (s: string): string => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }).filter((s) => !s.includes('\\E')), (s) => {
        const re = compileGoRegex(`^x(?i:\\Q${s}\\E)$`);
        assert.equal(re.test(`x${swap(s)}`), true);
        assert.equal(re.test(`X${s}`), false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('tryCompileGoRegex', () => {
  it('returns undefined for an invalid pattern and a RegExp for a valid one', () => {
    assert.equal(tryCompileGoRegex('(?=x)'), undefined);
    assert.equal(tryCompileGoRegex('[a'), undefined);
    assert.ok(tryCompileGoRegex('^(data|stringData)$')?.test('stringData'));
    assert.equal(tryCompileGoRegex('^(data|stringData)$')?.test('data2'), false);
  });
});
