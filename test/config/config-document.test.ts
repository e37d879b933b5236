/**
 * The two `.sops.yaml` readers agree: over generated sops-nix style configs (anchored keys,
 * aliases, merges, typos, wrong types, comments), whenever the fast block parser reads a config
 * the resulting config (rules, keys, errors for later, warnings, recipient names) equals the one
 * read through the `yaml` library; the fast reader declines every config the library refuses, so
 * the errors are the library reader's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { readConfigFast, type ConfigDocument } from '../../src/config/config-document.js';
import { configFromDocument, parseConfig, readConfigDocument } from '../../src/config/parse.js';
import type { SopsConfig } from '../../src/config/types.js';
import { TsopsError } from '../../src/errors.js';
import { repoRoot } from '../helpers/paths.js';

const FILE = '/repo/.sops.yaml';
const RECIPIENTS = [
  'age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep',
  'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw',
  'age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr',
  'FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4',
];

type Outcome = { config: unknown } | { error: string };

/** The config with its compiled regexes and deferred errors as text, to compare. */
function comparable(c: SopsConfig): unknown {
  return {
    ...c,
    creationRules: c.creationRules?.map(({ regex, regexError, ruleError, ...r }) => ({
      ...r,
      regex: regex?.source,
      regexError: regexError?.message,
      ruleError: ruleError?.message,
    })),
  };
}

function outcome(doc: ConfigDocument | undefined): Outcome {
  try {
    return { config: comparable(configFromDocument(doc, FILE)) };
  } catch (e) {
    if (e instanceof TsopsError) return { error: `${e.code} ${e.message}` };
    throw e;
  }
}

/** Compare the readers on one text; returns whether the fast reader declined it. */
function agree(text: string): boolean {
  const fast = readConfigFast(text);
  if (fast === undefined) return true;
  let library: ConfigDocument | undefined;
  try {
    library = readConfigDocument(text, FILE);
  } catch (e) {
    assert.fail(`the library reader refused what the fast reader read: ${(e as Error).message}\n${text}`);
  }
  // The same rules, keys, warnings and names, or the same error about a field.
  assert.deepStrictEqual(outcome(fast ?? undefined), outcome(library), text);
  return false;
}

// ---- generated configs ----

const NAMES = ['alice', 'bob', 'server_web', 'host-1', 'ci'];
const name = fc.constantFrom(...NAMES);
const recipient = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...RECIPIENTS) },
  { weight: 1, arbitrary: fc.constantFrom(`${RECIPIENTS[0]},${RECIPIENTS[1]}`, `"${RECIPIENTS[2]}"`, `'${RECIPIENTS[1]}'`, ' ', '123', 'true', '~') },
);
const comment = fc.constantFrom('# people', '#', '# hosts: ssh-to-age', '# ENC[x]');
const regex = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('secrets/[^/]+\\.(yaml|json|env|ini)$', '.*\\.enc\\.yaml$', '^k8s/', '"quoted/.*"', "'single'", 'a(b', '(?i)x', '') },
  { weight: 1, arbitrary: fc.constant('[') },
);
const scalarField = fc.constantFrom('true', 'false', 'yes', 'True', '2', '0', '-1', '2.5', '07', 'two', '', '~', '"3"');
const unknownKey = fc.constantFrom('path_regexp', 'age_keys', 'Path_Regex', 'creation-rules', 'key_group', 'comment');

/** Configs whose aliases name the anchors their keys section defines, now and then another. */
const generate = (defined: string[]) => {
const known = defined.length > 0 ? fc.constantFrom(...defined) : name;
const keyRef = fc.oneof({ weight: 60, arbitrary: known.map((n) => `*${n}`) }, { weight: 1, arbitrary: name.map((n) => `*${n}`) }, { weight: 10, arbitrary: recipient });
const keyList = (indent: string, field: string) =>
  fc.oneof(
    fc.array(keyRef, { minLength: 1, maxLength: 3 }).map((refs) => [`${indent}${field}:`, ...refs.map((r) => `${indent}  - ${r}`)]),
    keyRef.map((r) => [`${indent}${field}: ${r}`]),
    fc.constant([`${indent}${field}:`]),
  );

const group = fc
  .tuple(keyList('        ', 'age'), fc.option(keyList('        ', 'pgp'), { nil: undefined, freq: 3 }))
  .map(([age, pgp]) => {
    const lines = [...age, ...(pgp ?? [])];
    lines[0] = `      - ${lines[0]!.trimStart()}`;
    return lines;
  });

const rule = fc
  .record({
    path: fc.option(regex, { nil: undefined, freq: 5 }),
    keys: fc.oneof(
      keyList('    ', 'age'),
      fc.array(group, { minLength: 1, maxLength: 2 }).map((gs) => ['    key_groups:', ...gs.flat()]),
    ),
    // One of each key, mostly: a duplicate key is the library's to report.
    extra: fc.uniqueArray(
      fc.oneof(
        scalarField.map((v) => `    shamir_threshold: ${v}`),
        scalarField.map((v) => `    mac_only_encrypted: ${v}`),
        fc.constantFrom('    encrypted_regex: ^(data|stringData)$', '    unencrypted_suffix: _unencrypted', '    encrypted_suffix: _enc'),
        unknownKey.map((k) => `    ${k}: x`),
        fc.constant('    <<: *defaults'),
      ),
      { maxLength: 3, selector: (line) => line.split(':')[0] },
    ),
    head: fc.option(comment, { nil: undefined, freq: 3 }),
  })
  .map(({ path: p, keys, extra, head }) => {
    const body = [...(p === undefined ? [] : [`    path_regex: ${p}`]), ...keys, ...extra];
    body[0] = `  - ${body[0]!.trimStart()}`;
    return [...(head === undefined ? [] : [`  ${head}`]), ...body];
  });

const keysSection = fc
  .tuple(...defined.map((n) => fc.record({ n: fc.constant(n), r: recipient, c: fc.option(comment, { nil: undefined, freq: 4 }), trailing: fc.option(comment, { nil: undefined, freq: 4 }) })))
  .map((ks) => ['keys:', ...ks.flatMap(({ n, r, c, trailing }) => [...(c === undefined ? [] : [`  ${c}`]), `  - &${n} ${r}${trailing === undefined ? '' : ` ${trailing}`}`])]);

return fc
  .record({
    keys: defined.length === 0 ? fc.constant(undefined) : keysSection,
    defaults: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(['defaults: &defaults', '  shamir_threshold: 1'], ['defaults: &defaults', `  age: *${defined[0] ?? 'alice'}`]) },
      { weight: 1, arbitrary: fc.constantFrom(['defaults: &defaults ~'], []) },
    ),
    rules: fc.array(rule, { minLength: 0, maxLength: 4 }),
    stores: fc.option(fc.constantFrom(['stores:', '  yaml:', '    indent: 4'], ['stores:', '  json:', '    indent: two'], ['stores:', '  yml: {}']), {
      nil: undefined,
      freq: 3,
    }),
    top: fc.option(unknownKey.map((k) => `${k}: 1`), { nil: undefined, freq: 4 }),
    emptyRules: fc.boolean(),
  })
  .map(({ keys, defaults, rules, stores, top, emptyRules }) => {
    const lines = [...(keys ?? []), ...(defaults ?? [])];
    lines.push(rules.length === 0 ? (emptyRules ? 'creation_rules: []' : 'creation_rules:') : 'creation_rules:', ...rules.flat());
    lines.push(...(stores ?? []), ...(top === undefined ? [] : [top]));
    return `${lines.join('\n')}\n`;
  });
};

const configText = fc.shuffledSubarray(NAMES, { minLength: 1 }).chain(generate);

describe('the fast .sops.yaml reader', () => {
  it('reads generated configs as the yaml library reader does, or declines', () => {
    let total = 0;
    let declined = 0;
    fc.assert(
      fc.property(configText, (text) => {
        total++;
        if (agree(text)) declined++;
      }),
      { numRuns: 1500 },
    );
    // Most configs of this shape are read by the fast reader.
    assert.ok(declined / total < 0.5, `the fast reader declined ${declined} of ${total} configs`);
  });

  it('reads the examples and a sops-nix layout itself, with warnings and names as the library reader gives them', () => {
    const nix = [
      'keys:',
      `  - &admin_alice ${RECIPIENTS[0]} # alice`,
      '  # hosts',
      `  - &server_web ${RECIPIENTS[1]}`,
      'creation_rules:',
      '  - path_regex: secrets/[^/]+\\.(yaml|json|env|ini)$',
      '    key_groups:',
      '    - age:',
      '      - *admin_alice',
      '      - *server_web',
      '  - path_regexp: typo/.*',
      '    age: *admin_alice',
      '',
    ].join('\n');
    const example = fs.readFileSync(path.join(repoRoot, 'examples', '.sops.yaml'), 'utf8');
    for (const text of [nix, example]) {
      assert.notEqual(readConfigFast(text), undefined, text);
      assert.equal(agree(text), false);
    }
    const config = parseConfig(nix, FILE);
    assert.deepEqual(config.warnings, [
      `${FILE}: unknown key "path_regexp" in creation_rules[1] is ignored, as sops ignores it (did you mean "path_regex"?); without path_regex this rule matches every file`,
    ]);
    assert.deepEqual([...(config.recipientNames ?? [])], [
      [RECIPIENTS[0], 'admin_alice'],
      [RECIPIENTS[1], 'server_web'],
    ]);
    assert.deepEqual(
      config.creationRules?.[0]?.keyGroups[0]?.map((k) => k.id),
      [RECIPIENTS[0], RECIPIENTS[1]],
    );
  });

  it('leaves a config the library refuses to the library, whose error is the one reported', () => {
    const cases: Array<[string, RegExp]> = [
      ['a: 1\na: 2\n', /not valid YAML: Map keys must be unique/],
      ['creation_rules:\n  - age: *nope\n', /creation_rules\[0\]\.age: unknown anchor "nope" referenced$/],
      ['creation_rules:\n  - <<: 5\n', /map merge requires map or sequence of maps/],
      ['x: &x\n  - *x\ncreation_rules: []\n', /an alias refers to the node that contains it/],
    ];
    for (const [text, pattern] of cases) {
      assert.equal(readConfigFast(text), undefined, text);
      assert.throws(() => parseConfig(text, FILE), (e: unknown) => e instanceof TsopsError && e.code === 'CONFIG' && pattern.test(e.message), text);
    }
  });
});
