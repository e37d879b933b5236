import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/parse.js';
import type { CreationRule, SopsConfig } from '../../src/config/types.js';
import { TsopsError } from '../../src/errors.js';
import { fakeIo } from '../helpers/fake-io.js';
import type { Io } from '../../src/io/types.js';
import { tempDir } from '../helpers/paths.js';
import { interopDir, interopSkip } from '../helpers/interop.js';

const FILE = '/repo/.sops.yaml';
const ALICE = 'age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep';
const WEB = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
const DB = 'age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr';

function rules(config: SopsConfig): CreationRule[] {
  assert.ok(config.creationRules, 'expected creation_rules');
  return config.creationRules;
}

function rule(text: string, i = 0): CreationRule {
  const r = rules(parseConfig(text, FILE))[i];
  assert.ok(r, `no rule ${i}`);
  return r;
}

/** The ids of each group, prefixed with the key type. */
function groups(r: CreationRule): string[][] {
  assert.equal(r.ruleError, undefined, r.ruleError?.message);
  return r.keyGroups.map((g) => g.map((k) => `${k.type}:${k.id}`));
}

function assertConfigError(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseConfig(text, FILE),
    (e: unknown) => {
      assert.ok(e instanceof TsopsError, String(e));
      assert.equal(e.code, 'CONFIG');
      assert.ok(!e.message.includes('\n'), `multi-line message: ${e.message}`);
      assert.ok(e.message.startsWith(`${FILE}: invalid .sops.yaml: `), e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('parseConfig', () => {
  it('reads the spec §7.2 rule fields', () => {
    const config = parseConfig(
      `creation_rules:
  - path_regex: secrets/.*\\.yaml$
    age: ${ALICE},${WEB}
    shamir_threshold: 2
    encrypted_regex: ^(data|stringData)$
    mac_only_encrypted: true
stores:
  yaml: {indent: 4}
  json: {indent: -1}
  json_binary: {indent: 2}
  dotenv: {}
  ini: {}
`,
      FILE,
    );
    assert.equal(config.path, FILE);
    assert.equal(config.dir, '/repo');
    const [r] = rules(config);
    assert.ok(r);
    assert.equal(r.pathRegex, 'secrets/.*\\.yaml$');
    assert.ok(r.regex?.test('secrets/a.yaml'));
    assert.deepEqual(groups(r), [[`age:${ALICE}`, `age:${WEB}`]]);
    assert.equal(r.shamirThreshold, 2);
    assert.deepEqual(r.selector, { kind: 'encrypted_regex', value: '^(data|stringData)$' });
    assert.equal(r.macOnlyEncrypted, true);
    assert.deepEqual(config.stores, { yaml: { indent: 4 }, json: { indent: -1 }, json_binary: { indent: 2 }, dotenv: {}, ini: {} });
  });

  it('defaults: no selector, threshold 0, mac over all values, one empty group without keys', () => {
    const r = rule('creation_rules:\n  - path_regex: x\n');
    assert.equal(r.selector, undefined);
    assert.equal(r.shamirThreshold, 0);
    assert.equal(r.macOnlyEncrypted, false);
    assert.deepEqual(r.keyGroups, [[]]);
  });

  it('expands sops-nix style anchors and aliases in key lists', () => {
    const config = parseConfig(
      `keys:
  - &admin_alice ${ALICE}
  - &server_web ${WEB}
creation_rules:
  - path_regex: secrets/web/[^/]+\\.(yaml|json|env|ini)$
    key_groups:
      - age:
          - *admin_alice
          - *server_web
  - path_regex: secrets/[^/]+\\.yaml$
    age: *admin_alice
`,
      FILE,
    );
    const [web, other] = rules(config);
    assert.ok(web && other);
    assert.deepEqual(groups(web), [[`age:${ALICE}`, `age:${WEB}`]]);
    assert.deepEqual(groups(other), [[`age:${ALICE}`]]);
    assert.ok(web.regex?.test('secrets/web/app.env'));
    assert.ok(!web.regex?.test('secrets/web/app.txt'));
  });

  it('applies << merge keys: explicit keys win, earlier merge sources win', () => {
    const r = rule(`base: &base {path_regex: a, shamir_threshold: 1, age: ${ALICE}}
extra: &extra {path_regex: c, mac_only_encrypted: true}
creation_rules:
  - <<: [*base, *extra]
    shamir_threshold: 3
`);
    assert.equal(r.pathRegex, 'a');
    assert.equal(r.shamirThreshold, 3);
    assert.equal(r.macOnlyEncrypted, true);
    assert.deepEqual(groups(r), [[`age:${ALICE}`]]);
  });

  it('rejects a merge of something that is not a map', () => {
    assertConfigError('creation_rules:\n  - <<: 5\n', /map merge requires map or sequence of maps/);
  });

  it('builds the top-level group in the order age, pgp, kms, gcp_kms, hckms, azure_keyvault, hc_vault_transit_uri', () => {
    const r = rule(`creation_rules:
  - hc_vault_transit_uri: https://vault.example.com:8200/v1/transit/keys/k1
    azure_keyvault: https://v.vault.azure.net/keys/k/v1
    hckms: [eu-west-0:0000-1111]
    gcp_kms: projects/p/locations/l/keyRings/r/cryptoKeys/k
    kms: arn:aws:kms:us-east-1:111:key/abc
    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
    age: ${ALICE}
`);
    assert.deepEqual(groups(r), [
      [
        `age:${ALICE}`,
        'pgp:FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4',
        'kms:arn:aws:kms:us-east-1:111:key/abc',
        'gcp_kms:projects/p/locations/l/keyRings/r/cryptoKeys/k',
        'hckms:eu-west-0:0000-1111',
        'azure_kv:https://v.vault.azure.net/keys/k/v1',
        'hc_vault:https://vault.example.com:8200/v1/transit/keys/k1',
      ],
    ]);
  });

  it("names other key types by sops' identity strings and keeps their fields", () => {
    const r = rule(`creation_rules:
  - kms: "arn:aws:kms:us-east-1:111:key/abc+arn:aws:iam::111:role/r, arn:aws:kms:us-east-1:111:key/def"
    aws_profile: prod
    pgp: "FBC7 B9E2 A4F9"
    azure_keyvault: https://v.vault.azure.net/keys/k
    hc_vault_transit_uri: http://127.0.0.1:8200/v1/some/engine/keys/key
`);
    assert.equal(r.ruleError, undefined);
    const [g] = r.keyGroups;
    assert.ok(g);
    assert.deepEqual(g[0], { type: 'pgp', id: 'FBC7B9E2A4F9', fields: { fp: 'FBC7B9E2A4F9' } });
    assert.deepEqual(g[1], {
      type: 'kms',
      id: 'arn:aws:kms:us-east-1:111:key/abc',
      fields: { arn: 'arn:aws:kms:us-east-1:111:key/abc', role: 'arn:aws:iam::111:role/r', aws_profile: 'prod' },
    });
    assert.equal(g[2]?.id, 'arn:aws:kms:us-east-1:111:key/def');
    assert.deepEqual(g[3], { type: 'azure_kv', id: 'https://v.vault.azure.net/keys/k/', fields: { vaultUrl: 'https://v.vault.azure.net', key: 'k', version: '' } });
    assert.deepEqual(g[4], {
      type: 'hc_vault',
      id: 'http://127.0.0.1:8200/v1/some/engine/keys/key',
      fields: { vault_address: 'http://127.0.0.1:8200', engine_path: 'some/engine', key_name: 'key' },
    });
  });

  it('reads key_groups structs, lists merge groups first and drops duplicates within a group', () => {
    const r = rule(`creation_rules:
  - age: ${DB}
    key_groups:
      - pgp: [FP1]
        age: [${WEB}, "${ALICE}, ${WEB}"]
        merge:
          - age: [${ALICE}]
            kms:
              - arn: arn:aws:kms:us-east-1:111:key/abc
                role: arn:aws:iam::111:role/r
                context: {team: web}
                aws_profile: p
          - gcp_kms: [{resource_id: projects/p/k}]
            azure_keyvault: [{vaultUrl: "https://v.vault.azure.net", key: k, version: v}]
            hckms: [{key_id: "eu:1"}]
            hc_vault: [https://vault:8200/v1/transit/keys/x]
      - age: [${DB}, ${DB}]
`);
    assert.deepEqual(groups(r), [
      [
        `age:${ALICE}`,
        'kms:arn:aws:kms:us-east-1:111:key/abc',
        'gcp_kms:projects/p/k',
        'hckms:eu:1',
        'azure_kv:https://v.vault.azure.net/keys/k/v',
        'hc_vault:https://vault:8200/v1/transit/keys/x',
        `age:${WEB}`,
        'pgp:FP1',
      ],
      [`age:${DB}`],
    ]);
    assert.deepEqual(r.keyGroups[0]?.[1]?.fields, {
      arn: 'arn:aws:kms:us-east-1:111:key/abc',
      role: 'arn:aws:iam::111:role/r',
      context: { team: 'web' },
      aws_profile: 'p',
    });
  });

  it('keeps duplicates in the top-level group, as sops does', () => {
    assert.deepEqual(groups(rule(`creation_rules:\n  - age: ${ALICE},${ALICE}\n`)), [[`age:${ALICE}`, `age:${ALICE}`]]);
  });

  it('uses the top-level keys when key_groups is empty', () => {
    assert.deepEqual(groups(rule(`creation_rules:\n  - age: ${ALICE}\n    key_groups: []\n`)), [[`age:${ALICE}`]]);
  });

  it('splits an age string on commas, trimming and skipping empty elements', () => {
    assert.deepEqual(groups(rule(`creation_rules:\n  - age: " ${ALICE} ,, ${WEB},"\n`)), [[`age:${ALICE}`, `age:${WEB}`]]);
    assert.deepEqual(groups(rule(`creation_rules:\n  - age: >-\n      ${ALICE},\n      ${WEB}\n`)), [[`age:${ALICE}`, `age:${WEB}`]]);
  });

  it('accepts an age list whose items are comma lists', () => {
    assert.deepEqual(groups(rule(`creation_rules:\n  - age: ["${ALICE},${WEB}", ${DB}]\n`)), [[`age:${ALICE}`, `age:${WEB}`, `age:${DB}`]]);
  });

  it('reports an empty element in an age list item when the rule is used, naming the field', () => {
    const top = rule(`creation_rules:\n  - age: ["${ALICE},", ${WEB}]\n`);
    assert.match(top.ruleError?.message ?? '', /^\/repo\/\.sops\.yaml: invalid \.sops\.yaml: creation_rules\[0\]\.age: empty recipient/);
    const grouped = rule(`creation_rules:\n  - key_groups:\n      - age: ["${ALICE},,${WEB}"]\n`);
    assert.match(grouped.ruleError?.message ?? '', /creation_rules\[0\]\.key_groups\[0\]\.age\[0\]: empty recipient/);
  });

  it('requires key_groups age to be a list', () => {
    assertConfigError(`creation_rules:\n  - key_groups:\n      - age: ${ALICE}\n`, /creation_rules\[0\]\.key_groups\[0\]\.age: must be a list, got string/);
  });

  it('reports a non-string in a top-level key list when the rule is used', () => {
    const r = rule('creation_rules:\n  - age: [5]\n');
    assert.match(r.ruleError?.message ?? '', /creation_rules\[0\]\.age\[0\]: must be a string, got number 5/);
  });

  it('reports more than one selector in a rule when the rule is used', () => {
    const r = rule('creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: _u\n');
    assert.match(r.ruleError?.message ?? '', /creation_rules\[0\]: cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex for the same rule$/);
  });

  it('keeps an invalid path_regex as an error for when matching reaches the rule', () => {
    const r = rule('creation_rules:\n  - path_regex: "(?=x)"\n');
    assert.equal(r.regex, undefined);
    assert.match(r.regexError?.message ?? '', /^\/repo\/\.sops\.yaml: invalid \.sops\.yaml: creation_rules\[0\]\.path_regex: can not compile regexp: error parsing regexp: .*Go RE2 has none\)$/);
  });

  it('reports malformed keys of other types when the rule is used', () => {
    assert.match(rule('creation_rules:\n  - azure_keyvault: http://x/keys/k\n').ruleError?.message ?? '', /azure_keyvault: could not parse "http:\/\/x\/keys\/k"/);
    assert.match(rule('creation_rules:\n  - hckms: [nocolon]\n').ruleError?.message ?? '', /hckms: invalid key ID format/);
    assert.match(rule('creation_rules:\n  - hc_vault_transit_uri: vault/keys\n').ruleError?.message ?? '', /missing scheme in Vault URL/);
    assert.match(rule('creation_rules:\n  - shamir_threshold: -1\n').ruleError?.message ?? '', /shamir_threshold: must not be negative/);
  });

  it('decodes scalars as go-yaml does into typed fields', () => {
    const r = rule('creation_rules:\n  - path_regex: 1.10\n    shamir_threshold: 2.7\n    mac_only_encrypted: "on"\n    encrypted_suffix: 123\n');
    assert.equal(r.pathRegex, '1.10');
    assert.equal(r.shamirThreshold, 2);
    assert.equal(r.macOnlyEncrypted, true);
    assert.deepEqual(r.selector, { kind: 'encrypted_suffix', value: '123' });
  });

  it('distinguishes a missing creation_rules (undefined) from an empty list', () => {
    assert.equal(parseConfig('stores: {yaml: {indent: 2}}\n', FILE).creationRules, undefined);
    assert.equal(parseConfig('creation_rules:\n', FILE).creationRules, undefined);
    assert.equal(parseConfig('', FILE).creationRules, undefined);
    assert.equal(parseConfig('# only a comment\n', FILE).creationRules, undefined);
    assert.deepEqual(parseConfig('creation_rules: []\n', FILE).creationRules, []);
  });

  it('skips null list items like go-yaml, keeping YAML positions in messages', () => {
    const config = parseConfig('creation_rules:\n  - ~\n  - path_regex: "("\n', FILE);
    assert.equal(rules(config).length, 1);
    assert.match(rules(config)[0]?.regexError?.message ?? '', /creation_rules\[1\]\.path_regex/);
  });

  it('ignores unknown keys (a misspelt path_regexp leaves a rule that matches everything)', () => {
    const r = rule(`destination_rules: [{s3_bucket: b}]\nfoo: bar\ncreation_rules:\n  - path_regexp: x\n    age: ${ALICE}\n    whatever: [1]\n`);
    assert.equal(r.pathRegex, undefined);
    assert.deepEqual(groups(r), [[`age:${ALICE}`]]);
  });

  it('reads only the first YAML document', () => {
    assert.deepEqual(groups(rule(`creation_rules: [{age: ${ALICE}}]\n---\ncreation_rules: 5\n`)), [[`age:${ALICE}`]]);
  });

  describe('errors name the file and the field on one line', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['invalid YAML', 'creation_rules:\n  - path_regex: [\n', /: not valid YAML: .*line \d+/],
      ['duplicate keys', 'a: 1\na: 2\n', /: not valid YAML: Map keys must be unique/],
      ['an unknown alias', 'creation_rules:\n  - age: *nope\n', /: creation_rules\[0\]\.age: unknown anchor "nope" referenced$/],
      ['a top-level list', '- 1\n', /: the top level must be a map, got a list$/],
      ['creation_rules not a list', 'creation_rules: x\n', /: creation_rules: must be a list, got string "x"$/],
      ['a rule that is not a map', 'creation_rules: [5]\n', /: creation_rules\[0\]: must be a map, got number 5$/],
      ['path_regex not a string', 'creation_rules:\n  - path_regex: [a]\n', /: creation_rules\[0\]\.path_regex: must be a string, got a list$/],
      ['shamir_threshold not an integer', 'creation_rules:\n  - {}\n  - shamir_threshold: x\n', /: creation_rules\[1\]\.shamir_threshold: must be an integer, got string "x"$/],
      ['mac_only_encrypted not a bool', 'creation_rules:\n  - mac_only_encrypted: 1\n', /: creation_rules\[0\]\.mac_only_encrypted: must be true or false, got number 1$/],
      ['key_groups not a list', 'creation_rules:\n  - key_groups: {age: [a]}\n', /: creation_rules\[0\]\.key_groups: must be a list, got a map$/],
      ['kms key not a map', 'creation_rules:\n  - key_groups:\n      - kms: [arn]\n', /: creation_rules\[0\]\.key_groups\[0\]\.kms\[0\]: must be a map, got string "arn"$/],
      ['hckms not a list', 'creation_rules:\n  - hckms: a:b\n', /: creation_rules\[0\]\.hckms: must be a list/],
      ['stores indent not an integer', 'stores:\n  yaml:\n    indent: wide\n', /: stores\.yaml\.indent: must be an integer, got string "wide"$/],
    ];
    for (const [name, text, pattern] of cases) it(name, () => assertConfigError(text, pattern));
  });

  it('parses every interop fixture config', { skip: interopSkip }, () => {
    const flux = parseConfig(fs.readFileSync(path.join(interopDir, 'fluxcd-kustomize-controller/.sops.yaml'), 'utf8'), '/f/.sops.yaml');
    const fluxRules = rules(flux);
    assert.equal(fluxRules.length, 5);
    assert.deepEqual(fluxRules[0]?.selector, { kind: 'encrypted_regex', value: '^(data|stringData)$' });
    assert.deepEqual(fluxRules[2]?.selector, fluxRules[0]?.selector);
    assert.deepEqual(groups(fluxRules[4] as CreationRule), [
      ['age:age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29'],
      ['pgp:35C1A64CD7FC0AB6EB66756B2445463C3234ECE1'],
    ]);
    assert.deepEqual(flux.stores, { json: { indent: 2 }, yaml: { indent: 2 } });

    const pr1031 = parseConfig(fs.readFileSync(path.join(interopDir, 'getsops-sops-pr1031-examples/.sops.yaml'), 'utf8'), '/p/.sops.yaml');
    assert.deepEqual(groups(rules(pr1031)[0] as CreationRule), [
      [`age:${ALICE}`, `age:${WEB}`, 'pgp:FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4', 'pgp:D7229043384BCC60326C6FB9D8720D957C3D3074'],
    ]);

    const humphd = parseConfig(fs.readFileSync(path.join(interopDir, 'humphd-sops-age/.sops.yaml'), 'utf8'), '/h/.sops.yaml');
    const [h] = rules(humphd);
    assert.equal(h?.pathRegex, undefined);
    assert.equal(h?.keyGroups[0]?.length, 3);
  });
});

describe('loadConfig', () => {
  function ioAt(cwd: string): Io {
    return fakeIo({ cwd, env: process.env }).io;
  }

  it('reads the file through the Io, resolving a relative path against its cwd', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - age: ${ALICE}\n`);
    const config = loadConfig(ioAt(dir), '.sops.yaml');
    assert.equal(config.path, path.join(dir, '.sops.yaml'));
    assert.equal(config.dir, dir);
    assert.deepEqual(groups(rules(config)[0] as CreationRule), [[`age:${ALICE}`]]);
  });

  it('names the file it cannot read', () => {
    const dir = tempDir();
    assert.throws(
      () => loadConfig(ioAt(dir), 'missing.yaml'),
      (e: unknown) => e instanceof TsopsError && e.code === 'CONFIG' && e.message.startsWith(`${path.join(dir, 'missing.yaml')}: could not read config file`),
    );
  });

  it('rejects a file that is not UTF-8', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.sops.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]));
    assert.throws(() => loadConfig(ioAt(dir), '.sops.yaml'), /invalid \.sops\.yaml: not valid UTF-8/);
  });
});
