import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchCreationRule, parseRecipientList, rulePathFor } from '../../src/config/match.js';
import { parseConfig } from '../../src/config/parse.js';
import { TsopsError } from '../../src/errors.js';

const CONFIG = '/repo/.sops.yaml';

function config(text: string) {
  return parseConfig(text, CONFIG);
}

function matchedIndex(text: string, file: string, cwd = '/repo'): number | undefined {
  return matchCreationRule(config(text), file, cwd)?.index;
}

const RULES = `creation_rules:
  - path_regex: ^secrets/web/
    age: age1web
  - path_regex: \\.yaml$
    age: age1yaml
  - age: age1fallback
`;

describe('matchCreationRule', () => {
  it('returns the first rule that matches', () => {
    assert.equal(matchedIndex(RULES, 'secrets/web/a.yaml'), 0);
    assert.equal(matchedIndex(RULES, 'secrets/db/a.yaml'), 1);
  });

  it('lets a rule without path_regex match every file', () => {
    assert.equal(matchedIndex(RULES, 'notes.txt'), 2);
  });

  it("matches paths relative to the config file's directory, resolving against cwd", () => {
    assert.equal(rulePathFor(config(RULES), 'a.yaml', '/repo/secrets/web'), 'secrets/web/a.yaml');
    assert.equal(matchedIndex(RULES, 'a.yaml', '/repo/secrets/web'), 0);
    assert.equal(matchedIndex(RULES, '/repo/secrets/web/../web/a.yaml', '/elsewhere'), 0);
  });

  it('matches the absolute path of a file outside the config directory', () => {
    assert.equal(rulePathFor(config(RULES), '/other/secrets/web/a.env', '/'), '/other/secrets/web/a.env');
    // `^secrets/web/` cannot match an absolute path, so the fallback rule applies.
    assert.equal(matchedIndex(RULES, '/other/secrets/web/a.env', '/'), 2);
    assert.equal(matchedIndex('creation_rules:\n  - path_regex: ^/other/\n', '/other/x'), 0);
    // A sibling directory that shares the prefix is outside too.
    assert.equal(rulePathFor(config(RULES), '/repo2/a.yaml', '/'), '/repo2/a.yaml');
  });

  it('uses unanchored Go regex search', () => {
    assert.equal(matchedIndex('creation_rules:\n  - path_regex: (?i)SECRETS\n', 'x/secrets/y'), 0);
  });

  it('returns undefined when the config has no creation_rules', () => {
    assert.equal(matchCreationRule(config('stores: {}\n'), 'a.yaml', '/repo'), undefined);
  });

  it('fails with NO_MATCHING_RULE naming the config and the path tried', () => {
    assert.throws(
      () => matchCreationRule(config('creation_rules:\n  - path_regex: ^prod/\n'), 'dev/a.yaml', '/repo'),
      (e: unknown) =>
        e instanceof TsopsError &&
        e.code === 'NO_MATCHING_RULE' &&
        e.message === 'error loading config: no matching creation rules found' &&
        (e.hint ?? '').includes(CONFIG) &&
        (e.hint ?? '').includes('"dev/a.yaml"'),
    );
    assert.throws(() => matchCreationRule(config('creation_rules: []\n'), 'a', '/repo'), { code: 'NO_MATCHING_RULE' });
  });

  it('raises an invalid path_regex only when matching reaches that rule', () => {
    const text = 'creation_rules:\n  - path_regex: ^ok/\n  - path_regex: "(?<=x)"\n';
    assert.equal(matchedIndex(text, 'ok/a.yaml'), 0);
    assert.throws(
      () => matchedIndex(text, 'other/a.yaml'),
      (e: unknown) =>
        e instanceof TsopsError && e.code === 'CONFIG' && e.message.startsWith(`${CONFIG}: invalid .sops.yaml: creation_rules[1].path_regex: can not compile regexp: `),
    );
  });

  it('raises a rule problem only when that rule is the one matched', () => {
    const text = 'creation_rules:\n  - path_regex: ^bad/\n    encrypted_regex: a\n    encrypted_suffix: b\n  - age: age1ok\n';
    assert.equal(matchedIndex(text, 'good/a.yaml'), 1);
    assert.throws(() => matchedIndex(text, 'bad/a.yaml'), /creation_rules\[0\]: cannot use more than one of/);
  });
});

describe('parseRecipientList', () => {
  it('splits on commas and trims each element', () => {
    assert.deepEqual(parseRecipientList(' age1a , age1b,age1c '), ['age1a', 'age1b', 'age1c']);
    assert.deepEqual(parseRecipientList('age1a'), ['age1a']);
  });

  it('treats the empty string as no recipients', () => {
    assert.deepEqual(parseRecipientList(''), []);
  });

  it('rejects an empty element', () => {
    for (const bad of ['age1a,', ',age1a', 'age1a,,age1b', ' ', 'age1a, ,age1b']) {
      assert.throws(
        () => parseRecipientList(bad),
        (e: unknown) => e instanceof TsopsError && e.code === 'INVALID_RECIPIENT' && /empty recipient/.test(e.message),
        bad,
      );
    }
  });
});
