/** `.sops.yaml` keys sops would not read are warned about; a malformed recipient names the file and rule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { parseConfig } from '../../src/config/parse.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';

const alice = await generateAgeKeyFile({ pq: false, now: new Date() });
const bob = await generateAgeKeyFile({ pq: false, now: new Date() });

function workspace(config: string) {
  const dir = tempDir();
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text);
  const configPath = path.join(dir, '.sops.yaml');
  fs.writeFileSync(configPath, config);
  const write = (name: string, content: string): string => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  };
  return { dir, configPath, env: cleanEnv({ SOPS_AGE_KEY_FILE: keys }), write };
}

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('tsops: warning:'));
}

describe('.sops.yaml typos', () => {
  it('warns that a misspelled path_regex makes the rule a catch-all, naming key, rule and file', async () => {
    const w = workspace(`creation_rules:
  - path_regx: ^prod/
    age: ${bob.recipient}
  - path_regex: ^dev/
    age: ${alice.recipient}
`);
    w.write('dev/app.yaml', 'token: abc\n');
    const r = await runCli(['encrypt', 'dev/app.yaml'], { cwd: w.dir, env: w.env });
    // sops ignores the key too: the first rule matches everything and the file goes to bob
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.toString().includes(bob.recipient));
    const lines = warnings(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    const line = lines[0]!;
    assert.ok(line.includes(w.configPath), line);
    assert.ok(line.includes('"path_regx"'), line);
    assert.ok(line.includes('creation_rules[0]'), line);
    assert.ok(line.includes('did you mean "path_regex"'), line);
    assert.ok(line.includes('matches every file'), line);
  });

  it('warns about unknown keys at the top level, in rules, key groups, kms entries and stores', async () => {
    const w = workspace(`creation_rule:
  - age: ${alice.recipient}
creation_rules:
  - path_regex: \\.yaml$
    encrypted_regexp: ^pass
    key_groups:
      - age: [${alice.recipient}]
        agee: [${bob.recipient}]
        kms:
          - arn: arn:aws:kms:us-east-1:1:key/x
            rol: admin
stores:
  yml:
    indent: 2
  yaml:
    indnt: 2
`);
    w.write('app.yaml', 'password: abc\n');
    const r = await runCli(['encrypt', '--age', alice.recipient, 'app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    const lines = warnings(r.stderr);
    const expected: Array<[string, string]> = [
      ['"creation_rule"', 'at the top level'],
      ['"encrypted_regexp"', 'in creation_rules[0]'],
      ['"agee"', 'in creation_rules[0].key_groups[0]'],
      ['"rol"', 'in creation_rules[0].key_groups[0].kms[0]'],
      ['"yml"', 'in stores'],
      ['"indnt"', 'in stores.yaml'],
    ];
    assert.equal(lines.length, expected.length, r.stderr);
    expected.forEach(([key, where], i) => {
      assert.ok(lines[i]!.includes(key) && lines[i]!.includes(`${where} is ignored`), lines[i]);
      assert.ok(lines[i]!.includes(w.configPath), lines[i]);
    });
    // a misspelling outside path_regex is not said to make a catch-all
    assert.ok(!r.stderr.includes('matches every file'));
  });

  it('a top-level section that defines anchors for the rules (the sops-nix layout) is no typo', async () => {
    const w = workspace(`keys:
  - &alice ${alice.recipient}
  - &bob ${bob.recipient}
creation_rules:
  - key_groups:
      - age: [*alice, *bob]
`);
    w.write('app.yaml', 'k: v\n');
    const r = await runCli(['encrypt', 'app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    // without anchors nothing can use it: sops ignores it and so the warning stays
    const text = `keys: [${alice.recipient}]\ncreation_rules:\n  - age: ${alice.recipient}\n`;
    assert.deepEqual(parseConfig(text, '/repo/.sops.yaml').warnings, [
      '/repo/.sops.yaml: unknown key "keys" at the top level is ignored, as sops ignores it',
    ]);
  });

  it('an anchor on a section sops reads still has its keys checked', () => {
    const text = `keys:\n  - &alice ${alice.recipient}\ncreation_rules: &rules\n  - path_regx: ^a/\n    age: *alice\n`;
    const warnings = parseConfig(text, '/repo/.sops.yaml').warnings ?? [];
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /unknown key "path_regx" in creation_rules\[0\] is ignored.*did you mean "path_regex"/);
  });

  it('says nothing about a config that uses only keys sops reads', async () => {
    const text = `creation_rules:
  - path_regex: ^a/
    age: ${alice.recipient}
    pgp: ''
    kms: ''
    aws_profile: ''
    gcp_kms: ''
    azure_keyvault: ''
    hc_vault_transit_uri: ''
    hckms: []
    shamir_threshold: 0
    unencrypted_suffix: _clear
    mac_only_encrypted: false
  - path_regex: ^b/
    encrypted_regex: ^x
    key_groups:
      - merge:
          - age: [${alice.recipient}]
        age: [${bob.recipient}]
        pgp: []
        kms: [{ arn: 'arn:aws:kms:us-east-1:1:key/x', role: r, context: { a: b }, aws_profile: p }]
        gcp_kms: [{ resource_id: projects/p/locations/l/keyRings/r/cryptoKeys/k }]
        azure_keyvault: [{ vaultUrl: 'https://v.vault.azure.net', key: k, version: v }]
        hc_vault: []
        hckms: [{ key_id: 'region:uuid' }]
  - unencrypted_regex: ^y
    encrypted_suffix: ''
    unencrypted_comment_regex: ''
    encrypted_comment_regex: ''
    age: ${alice.recipient}
destination_rules:
  - path_regex: x
    s3_bucket: b
    s3_prefix: p
    gcs_bucket: g
    gcs_prefix: p
    vault_path: v
    vault_address: a
    vault_kv_mount_name: m
    vault_kv_version: 2
    omit_extensions: true
    recreation_rule:
      age: ${alice.recipient}
stores:
  yaml: { indent: 2 }
  json: { indent: 2 }
  json_binary: { indent: 2 }
  dotenv: {}
  ini: {}
`;
    assert.equal(parseConfig(text, '/repo/.sops.yaml').warnings, undefined);
    const w = workspace(text);
    w.write('a/app.yaml', 'k: v\n');
    const r = await runCli(['encrypt', 'a/app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('malformed recipients in .sops.yaml', () => {
  it('encrypt fails with one line naming the config file and the rule, and writes nothing', async () => {
    const w = workspace(`creation_rules:
  - path_regex: ^other/
    age: ${alice.recipient}
  - key_groups:
      - age:
          - ${alice.recipient}
          - age1notarecipient
`);
    const file = w.write('app.yaml', 'token: abc\n');
    const r = await runCli(['encrypt', '-i', 'app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 1);
    const first = r.stderr.split('\n')[0]!;
    assert.ok(first.startsWith(`tsops: ${w.configPath}: invalid .sops.yaml: creation_rules[1].key_groups[0].age[1]: `), first);
    assert.ok(first.includes('age1notarecipient'), first);
    assert.equal(fs.readFileSync(file, 'utf8'), 'token: abc\n');
  });

  it('updatekeys fails the same way before asking anything', async () => {
    const w = workspace(`creation_rules:
  - age: ${alice.recipient}
`);
    w.write('app.yaml', 'token: abc\n');
    const enc = await runCli(['encrypt', '-i', 'app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(enc.code, 0, enc.stderr);
    const before = fs.readFileSync(path.join(w.dir, 'app.yaml'));
    fs.writeFileSync(w.configPath, `creation_rules:\n  - age: ${alice.recipient},age1bogus\n`);
    const r = await runCli(['updatekeys', '-y', 'app.yaml'], { cwd: w.dir, env: w.env });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`${w.configPath}: invalid .sops.yaml: creation_rules[0].age: `), r.stderr);
    assert.ok(!r.stderr.includes('Is this okay'), r.stderr);
    assert.deepEqual(fs.readFileSync(path.join(w.dir, 'app.yaml')), before);
  });
});
