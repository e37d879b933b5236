import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { translateGoRegex } from '../../src/core/regex-fast.js';
import { compileGoRegex } from '../../src/core/regex.js';

/** re2js, a port of Go's RE2, is the reference: MatchString is an unanchored search. */
function re2(source: string): RE2JS | undefined {
  try {
    return RE2JS.compile(source);
  } catch {
    return undefined;
  }
}

const SAMPLES = [
  '',
  'secrets/a.yaml',
  'secrets/hosts/b.yaml',
  'secrets/a.yaml.bak',
  'x.json',
  'a\nb.yaml',
  'a\rb',
  'é/😀.env',
  '-_/.',
  'aaa',
  'ab',
  'ba',
  'A1 z',
  '\t\f\v\u00a0',
];

describe('translateGoRegex', () => {
  it('translates the common path_regex shapes', () => {
    for (const p of [
      '\\.yaml$',
      '^secrets/.*\\.yaml$',
      'secrets/[^/]+\\.(yaml|json|env|ini)$',
      '^(hosts|users)/[a-z0-9_-]+/secrets\\.yaml$',
      '.*',
      '',
      'secrets/.*',
      '\\d+\\s\\w',
    ]) {
      const fast = translateGoRegex(p);
      assert.ok(fast !== undefined, p);
      const ref = re2(p)!;
      for (const s of SAMPLES) assert.equal(fast.regex.test(s), ref.test(s), `${p} on ${JSON.stringify(s)}`);
    }
  });

  it('leaves to re2js what Go and JavaScript read differently, and what Go refuses', () => {
    for (const p of [
      '(?i)secret',
      '\\pL',
      'a{2}',
      'a{,3}',
      '[[:alpha:]]',
      '(ab)*',
      '[]a]',
      '[^]a]',
      '[a-c-e]',
      '[z-a]',
      '\\Qa.b\\E',
      'a*?',
      '\\bfoo',
      '\\x41',
      '\\1',
      '(?=a)',
      'a]',
      '*a',
      '(a',
      'a)',
      '^*',
      '\\',
      '[\\d]',
    ]) {
      assert.equal(translateGoRegex(p), undefined, p);
    }
  });

  it('bounds backtracking: more unbounded repeats give a shorter text limit, too many branches none', () => {
    assert.equal(translateGoRegex('^secrets/a\\.yaml$')!.maxLength, Infinity);
    const one = translateGoRegex('^secrets/.*')!.maxLength;
    const two = translateGoRegex('secrets/.*')!.maxLength;
    const three = translateGoRegex('a.*b.*c')!.maxLength;
    assert.ok(one > two && two > three, `${one} ${two} ${three}`);
    assert.ok(two >= 200, 'an ordinary path fits the fast path');
    assert.equal(translateGoRegex('(a|a)'.repeat(9)), undefined);
    assert.equal(translateGoRegex('a?'.repeat(9)), undefined);
  });

  it('agrees with re2js on random patterns and texts, and only translates what Go accepts', () => {
    const token = fc.constantFrom(
      'a', 'b', '/', '.', '\\.', '\\-', '\\_', '\\/', '-', 'é', '😀', '\n', ' ',
      '*', '+', '?', '(', ')', '(?:', '|', '^', '$',
      '[^/]', '[a-c]', '[-a]', '[a-]', '[^\n]', '[é-😀]', '[', ']',
      '\\d', '\\D', '\\s', '\\S', '\\w', '\\W', '{', '}', '\\', '(?i)',
    );
    const pattern = fc.array(token, { maxLength: 10 }).map((t) => t.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', '/', '.', '-', '_', 'é', '😀', '\n', '\r', ' ', '\t', '1', 'Z', '\u00a0', '\v', '\ud800', '\udfff'), { maxLength: 12 }).map((t) => t.join(''));
    let translated = 0;
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 8 }), (p, texts) => {
        const fast = translateGoRegex(p);
        const ref = re2(p);
        if (fast === undefined) return;
        translated++;
        assert.ok(ref !== undefined, `translated ${JSON.stringify(p)}, which Go refuses`);
        for (const s of texts) assert.equal(fast.regex.test(s), ref.test(s), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 3000 },
    );
    assert.ok(translated > 300, `only ${translated} patterns were in the subset`);
  });
});

describe('compileGoRegex beyond the fast path limit', () => {
  it('hands a text longer than the limit to re2js, with the same answer', { timeout: 20_000 }, () => {
    const p = 'a.*a.*a.*b';
    const limit = translateGoRegex(p)!.maxLength;
    const long = 'a'.repeat(limit + 1000);
    const re = compileGoRegex(p);
    assert.equal(re.test(long), false);
    assert.equal(re.test(`${long}b`), true);
    assert.equal(re.test('aaab'), true);
  });
});
