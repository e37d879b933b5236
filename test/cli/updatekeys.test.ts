/** `tsops updatekeys`: sops' diff, prompt and re-wrap; foreign keys; failures; the repository-wide mode. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { gnupgHome, gpgAvailable } from '../helpers/gnupg.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import {
  copyFixture,
  dataKeyHex,
  encValues,
  encryptTo,
  interopKey,
  metadataOf,
  newKey,
  recipientsOf,
  run,
  yamlParts,
  type AgeKey,
} from './key-management-helpers.js';
import { interopSkip } from '../helpers/interop.js';

const alice = await newKey();
const bob = await newKey();
const carol = await newKey();
const PLAIN = 'db:\n    user: admin\n    password: hunter2\nport: 5432\n';
const HEADER = "The following changes will be made to the file's groups:\n";

function writeConfig(dir: string, rules: string): void {
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n${rules}`);
}

function ageRule(recipients: AgeKey[], pathRegex?: string): string {
  const re = pathRegex === undefined ? '' : `    path_regex: ${pathRegex}\n`;
  return `  - age: ${recipients.map((k) => k.recipient).join(',')}\n${re}`;
}

function groupsRule(groups: AgeKey[][]): string {
  return `  - key_groups:\n${groups.map((g) => `      - age: [${g.map((k) => k.recipient).join(', ')}]\n`).join('')}`;
}

async function setup(recipients: AgeKey[], rule: string): Promise<{ dir: string; file: string }> {
  const dir = tempDir();
  const file = await encryptTo(dir, 'app.yaml', PLAIN, recipients.map((k) => k.recipient));
  writeConfig(dir, rule);
  return { dir, file };
}

describe('tsops updatekeys FILE', () => {
  it("prints sops' diff, asks, and re-wraps the same data key for the rule's recipients", async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob]));
    const keyBefore = await dataKeyHex(file, [alice]);
    const r = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [alice], answers: ['y'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${HEADER}Group 1\n    ${alice.recipient}\n+++ ${bob.recipient}\nIs this okay? (y/n):`);
    assert.equal(r.reads, 1);
    assert.match(r.stderr, new RegExp(`^Syncing keys for file ${file}\nFile ${file} synced with new keys\n$`));
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient]]);
    assert.equal(await dataKeyHex(file, [bob]), keyBefore);
    const dec = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [bob] });
    assert.equal(dec.stdout.toString(), PLAIN);
  });

  it('leaves the values, mac and lastmodified byte for byte as they were', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([alice, carol]));
    const before = yamlParts(file);
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice], now: new Date('2040-01-01T00:00:00Z') });
    assert.equal(r.code, 0, r.stderr);
    const after = yamlParts(file);
    assert.deepEqual(after.data, before.data);
    assert.equal(after.mac.length, 2);
    assert.deepEqual(after.mac, before.mac);
  });

  it('-y does not ask; n leaves the file unchanged; other answers ask again', async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob]));
    const original = fs.readFileSync(file);
    const no = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [alice], answers: ['maybe', 'n'] });
    assert.equal(no.code, 0, no.stderr);
    assert.equal(no.reads, 2);
    assert.ok(no.stdout.toString().endsWith('Is this okay? (y/n):Is this okay? (y/n):'));
    assert.match(no.stderr, /File .*app\.yaml left unchanged/);
    assert.deepEqual(fs.readFileSync(file), original);
    const yes = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.reads, 0);
    assert.doesNotMatch(yes.stdout.toString(), /Is this okay/);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient]]);
  });

  it('end of input at the prompt cancels without writing', async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob]));
    const original = fs.readFileSync(file);
    const r = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no answer to "Is this okay\?"/);
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('reports a file that already matches its rule and does not touch it', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([bob, alice]));
    const original = fs.readFileSync(file);
    const r = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, new RegExp(`File ${file} already up to date`));
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('--dry-run prints the diff and writes nothing', async () => {
    const { dir, file } = await setup([alice], ageRule([bob]));
    const original = fs.readFileSync(file);
    const r = await run(['updatekeys', '--dry-run', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${HEADER}Group 1\n+++ ${bob.recipient}\n--- ${alice.recipient}\n`);
    assert.equal(r.reads, 0);
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('colors the diff only when stdout is a terminal', async () => {
    const { dir } = await setup([alice], ageRule([bob]));
    const r = await run(['updatekeys', '--dry-run', 'app.yaml'], { cwd: dir, tty: true });
    assert.ok(r.stdout.toString().includes(`\u001b[32m+++ ${bob.recipient}\n\u001b[0m`));
    assert.ok(r.stdout.toString().includes('\u001b[4mGroup 1\n\u001b[0m'));
  });

  it('a removed recipient loses access; without --rotate the data key stays and a note says so', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([alice]));
    const key = await dataKeyHex(file, [alice]);
    const values = encValues(file);
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /pass --rotate/);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [bob] })).code, 128);
    assert.equal(await dataKeyHex(file, [alice]), key);
    assert.deepEqual(encValues(file), values);
  });

  it('--rotate also replaces the data key of a file that loses a recipient', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([alice]));
    const key = await dataKeyHex(file, [alice]);
    const values = encValues(file);
    const r = await run(['updatekeys', '-y', '--rotate', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /synced with new keys and a new data key/);
    assert.notEqual(await dataKeyHex(file, [alice]), key);
    encValues(file).forEach((v, i) => assert.notEqual(v, values[i]));
    const dec = await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(dec.stdout.toString(), PLAIN);
  });

  it('asks whether to replace the data key when a recipient is removed', async () => {
    for (const [answers, rotated] of [[['y', 'y'], true], [['y', 'n'], false]] as const) {
      const { dir, file } = await setup([alice, bob], ageRule([alice]));
      const key = await dataKeyHex(file, [alice]);
      const r = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [alice], answers });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.reads, 2);
      assert.match(r.stdout.toString(), /Also replace the data key, so they cannot read values written from now on\? \(y\/n\):/);
      assert.equal((await dataKeyHex(file, [alice])) !== key, rotated, `answers ${answers.join(',')}`);
    }
  });

  it('end of input at the second question cancels like the first: exit 1, nothing written (real binary)', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([alice]));
    const original = fs.readFileSync(file);
    const r = await runCli(['updatekeys', 'app.yaml'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: alice.secret }), stdin: 'y\n' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout.toString(), /Is this okay\? \(y\/n\):/);
    assert.match(r.stdout.toString(), /Also replace the data key/);
    assert.match(r.stderr, /no answer to "Also replace the data key\?" \(end of input\); nothing was changed/);
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('does not ask about the data key when only recipients are added', async () => {
    const { dir } = await setup([alice], ageRule([alice, bob]));
    const r = await run(['updatekeys', 'app.yaml'], { cwd: dir, keys: [alice], answers: ['y'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.reads, 1);
  });

  it('splits into Shamir shares when the rule has two key groups, then needs both', async () => {
    const { dir, file } = await setup([alice], groupsRule([[alice], [bob]]));
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${HEADER}Group 1\n    ${alice.recipient}\nGroup 2\n+++ ${bob.recipient}\n`);
    assert.deepEqual(recipientsOf(file), [[alice.recipient], [bob.recipient]]);
    assert.equal(metadataOf(file).shamirThreshold, 2);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 128);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice, bob] })).stdout.toString(), PLAIN);
  });

  it('caps the threshold at the new group count and prints the threshold change', async () => {
    const { dir, file } = await setup([alice], groupsRule([[alice], [bob], [carol]]));
    assert.equal((await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 0);
    assert.equal(metadataOf(file).shamirThreshold, 3);
    writeConfig(dir, groupsRule([[alice], [bob]]));
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice, bob, carol] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.toString(),
      `${HEADER}+++ shamir_threshold: 2\n--- shamir_threshold: 3\nGroup 1\n    ${alice.recipient}\nGroup 2\n    ${bob.recipient}\nGroup 3\n--- ${carol.recipient}\n`,
    );
    assert.equal(metadataOf(file).shamirThreshold, 2);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [alice, bob] })).stdout.toString(), PLAIN);
  });

  it('needs the data key: exit 128 when no identity opens the file, which stays unchanged', async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob]));
    const original = fs.readFileSync(file);
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [carol] });
    assert.equal(r.code, 128);
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('needs a config with creation rules that match the file', async () => {
    const dir = tempDir();
    await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    const none = await run(['updatekeys', 'app.yaml'], { cwd: dir, env: { SOPS_CONFIG: undefined } });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /config file not found/);
    fs.writeFileSync(path.join(dir, '.sops.yaml'), 'stores:\n  yaml:\n    indent: 2\n');
    const noRules = await run(['updatekeys', 'app.yaml'], { cwd: dir });
    assert.match(noRules.stderr, /does not contain any creation rule/);
    writeConfig(dir, ageRule([bob], '^secrets/'));
    const noMatch = await run(['updatekeys', 'app.yaml'], { cwd: dir });
    assert.equal(noMatch.code, 1);
    assert.match(noMatch.stderr, /no matching creation rules found/);
  });

  it('takes --config from before or after the subcommand', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.yaml', PLAIN, [alice.recipient]);
    fs.writeFileSync(path.join(dir, 'rules.yaml'), `creation_rules:\n${ageRule([alice, bob])}`);
    const r = await run(['--config', 'rules.yaml', 'updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient]]);
  });

  it('several files: every file is tried, failures are listed and summed up, the exit code is 1', async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob], '^app') + ageRule([bob], '^locked'));
    await encryptTo(dir, 'locked.yaml', PLAIN, [carol.recipient]);
    const r = await run(['updatekeys', '-y', 'missing.yaml', 'app.yaml', 'locked.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not update keys for file missing\.yaml: cannot operate on non-existent file/);
    assert.match(r.stderr, /could not update keys for file locked\.yaml: failed to get the data key/);
    assert.match(r.stderr, /tsops: failed updating 2 key\(s\)\n/);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient]]);
  });

  it('keys already in the file keep their enc byte for byte; only an added recipient gets a new one', async () => {
    const { dir, file } = await setup([alice, bob], ageRule([alice, bob, carol]));
    const encBefore = metadataOf(file).keyGroups[0]!.map((k) => (k.type === 'age' ? k.enc : ''));
    const r = await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    const after = metadataOf(file).keyGroups[0]!;
    assert.deepEqual(after.slice(0, 2).map((k) => (k.type === 'age' ? k.enc : '')), encBefore);
    assert.equal(after[2]?.type === 'age' && after[2].recipient, carol.recipient);
    assert.equal((await run(['decrypt', 'app.yaml'], { cwd: dir, keys: [carol] })).stdout.toString(), PLAIN);
  });

  it('when the key groups change, every key wraps its new payload (none is kept)', async () => {
    const { dir, file } = await setup([alice], groupsRule([[alice], [bob]]));
    const before = metadataOf(file).keyGroups[0]![0]!;
    assert.equal((await run(['updatekeys', '-y', 'app.yaml'], { cwd: dir, keys: [alice] })).code, 0);
    const after = metadataOf(file).keyGroups[0]![0]!;
    assert.ok(before.type === 'age' && after.type === 'age' && before.recipient === after.recipient);
    assert.notEqual(after.enc, before.enc);
  });

  it('-y over several files: messages and diffs come file by file, a failure reported in its place', async () => {
    const { dir } = await setup([alice], ageRule([alice, bob], '^(app|f)') + ageRule([bob], '^locked'));
    const names = ['f1.yaml', 'f2.yaml', 'locked.yaml', 'f3.yaml', 'missing.yaml', 'f4.yaml'];
    for (const n of names.filter((n) => n.startsWith('f'))) await encryptTo(dir, n, PLAIN, [alice.recipient]);
    await encryptTo(dir, 'locked.yaml', PLAIN, [carol.recipient]);
    const r = await run(['updatekeys', '-y', ...names], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    const events = r.stderr
      .split('\n')
      .flatMap((l) => {
        const m = /^(?:Syncing keys for file|File) (\S+?)(?: synced with new keys)?$|^tsops: could not update keys for file ([^:]+):/.exec(l);
        if (!m) return [];
        const name = path.basename(m[1] ?? m[2]!);
        return [l.startsWith('Syncing') ? `start ${name}` : l.startsWith('File') ? `done ${name}` : `failed ${name}`];
      });
    const expected = names.flatMap((n) => [`start ${n}`, n.startsWith('f') ? `done ${n}` : `failed ${n}`]);
    assert.deepEqual(events, expected);
    const added = `${HEADER}Group 1\n    ${alice.recipient}\n+++ ${bob.recipient}\n`;
    const swapped = `${HEADER}Group 1\n+++ ${bob.recipient}\n--- ${carol.recipient}\n`;
    assert.equal(r.stdout.toString(), added + added + swapped + added + added);
    for (const n of names.filter((n) => n.startsWith('f'))) assert.deepEqual(recipientsOf(path.join(dir, n)), [[alice.recipient, bob.recipient]]);
  });

  it('answers piped on stdin go to successive prompts, one file after the other (real binary)', async () => {
    const { dir, file } = await setup([alice], ageRule([alice, bob]));
    const second = path.join(dir, 'second.yaml');
    fs.copyFileSync(file, second);
    const r = await runCli(['updatekeys', 'app.yaml', 'second.yaml'], {
      cwd: dir,
      env: cleanEnv({ SOPS_AGE_KEY: alice.secret }),
      stdin: 'y\nn\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.toString().match(/Is this okay\? \(y\/n\):/g) ?? []).length, 2);
    assert.deepEqual(recipientsOf(file), [[alice.recipient, bob.recipient]]);
    assert.deepEqual(recipientsOf(second), [[alice.recipient]]);
    assert.match(r.stderr, /second\.yaml left unchanged/);
  });

  it('keeps the format of a JSON file and --input-type overrides the extension', async () => {
    const dir = tempDir();
    const file = await encryptTo(dir, 'app.json', '{"a": "b"}', [alice.recipient]);
    fs.renameSync(file, path.join(dir, 'app.data'));
    writeConfig(dir, ageRule([alice, bob]));
    const r = await run(['updatekeys', '-y', '--input-type', 'json', 'app.data'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    const text = fs.readFileSync(path.join(dir, 'app.data'), 'utf8');
    assert.ok(text.startsWith('{'));
    assert.ok(text.includes(bob.recipient));
  });
});

describe('updatekeys on files written by sops', { skip: interopSkip }, () => {
  const nixKey = interopKey('sops-nix', 'age-keys.txt');
  const nixRecipient = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';
  const pgpKept = '7FB89715AADA920D65D25E63F9BA9DEBD03F57C0';
  const pgpEntry = (text: string, fp: string) => {
    const m = new RegExp(`- created_at: "[^"]+"\\n {10}enc: \\|\\n(?: {12}.*\\n|\\n)+? {10}fp: ${fp}\\n`).exec(text);
    return m?.[0];
  };

  it('sops-nix: keeps the pgp key that stays in the rule with its enc, drops the other, values and mac untouched', async () => {
    const dir = tempDir();
    const file = copyFixture('sops-nix', 'secrets.yaml', dir);
    const original = fs.readFileSync(file, 'utf8');
    const kept = pgpEntry(original, pgpKept);
    assert.ok(kept, 'the fixture has the pgp entry');
    writeConfig(dir, `  - key_groups:\n      - age: [${nixRecipient}, ${alice.recipient}]\n        pgp: [${pgpKept}]\n`);
    const before = yamlParts(file);
    const r = await run(['updatekeys', '-y', 'secrets.yaml'], { cwd: dir, keys: [nixKey] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.toString(),
      `${HEADER}Group 1\n    ${nixRecipient}\n    ${pgpKept}\n+++ ${alice.recipient}\n` +
        '--- 2504791468B153B8A3963CC97BA53D1919C5DFD4\n--- age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs\n',
    );
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(pgpEntry(text, pgpKept), kept);
    assert.ok(!text.includes('2504791468B153B8A3963CC97BA53D1919C5DFD4'));
    const after = yamlParts(file);
    assert.deepEqual(after.data, before.data);
    assert.deepEqual(after.mac, before.mac);
    assert.equal(metadataOf(file).version, '3.7.1');
    for (const key of [nixKey, alice.secret]) {
      const dec = await run(['decrypt', 'secrets.yaml'], { cwd: dir, keys: [key] });
      assert.equal(dec.code, 0, dec.stderr);
      assert.match(dec.stdout.toString(), /test_key: test_value/);
    }
  });

  it('sops-nix: adding a pgp key or replacing the data key without the public keys in the keyring fails and writes nothing', async () => {
    const dir = tempDir();
    const file = copyFixture('sops-nix', 'secrets.yaml', dir);
    const original = fs.readFileSync(file);
    const gpgEnv = { GNUPGHOME: gnupgHome(), SOPS_GPG_EXEC: gpgAvailable ? undefined : '/nonexistent/gpg' };
    writeConfig(dir, `  - pgp: ${pgpKept},ABCDEF0123456789ABCDEF0123456789ABCDEF01\n    age: ${nixRecipient}\n`);
    const add = await run(['updatekeys', '-y', 'secrets.yaml'], { cwd: dir, keys: [nixKey], env: gpgEnv });
    assert.equal(add.code, 1);
    assert.match(add.stderr, /pgp key ABCDEF0123456789ABCDEF0123456789ABCDEF01/i);
    writeConfig(dir, `  - pgp: ${pgpKept}\n    age: ${nixRecipient}\n`);
    const rotate = await run(['updatekeys', '-y', '--rotate', 'secrets.yaml'], { cwd: dir, keys: [nixKey], env: gpgEnv });
    assert.equal(rotate.code, 1);
    assert.match(rotate.stderr, /pgp key (7FB89715AADA920D65D25E63F9BA9DEBD03F57C0|2504791468B153B8A3963CC97BA53D1919C5DFD4)/i);
    assert.deepEqual(fs.readFileSync(file), original);
  });

  it('humphd-sops-age: drops the two recipients it cannot open, with the one key it has; values and mac stay', async () => {
    const dir = tempDir();
    const key = interopKey('humphd-sops-age', 'key.txt');
    const own = 'age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr';
    writeConfig(dir, `  - age: ${own}\n`);
    for (const name of ['secret.enc.yaml', 'secret.enc.json', 'secret.enc.env']) {
      const file = copyFixture('humphd-sops-age', name, dir);
      const before = metadataOf(file);
      const values = encValues(file);
      const plain = await run(['decrypt', name], { cwd: dir, keys: [key] });
      const r = await run(['updatekeys', '-y', name], { cwd: dir, keys: [key] });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal((r.stdout.toString().match(/^--- age1/gm) ?? []).length, 2);
      const after = metadataOf(file);
      assert.deepEqual(recipientsOf(file), [[own]]);
      assert.equal(after.mac, before.mac);
      assert.equal(after.lastModified, before.lastModified);
      assert.deepEqual(encValues(file), values);
      assert.deepEqual((await run(['decrypt', name], { cwd: dir, keys: [key] })).stdout, plain.stdout);
    }
  });
});

describe('updatekeys across the repository (no file arguments)', () => {
  async function repo(): Promise<{ dir: string; files: Record<string, string> }> {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (const name of ['secrets/a.yaml', 'secrets/nested/deep/b.json', 'secrets/c.env', 'other/d.yaml', '.git/e.yaml']) {
      files[name] = await encryptTo(dir, name, name.endsWith('.json') ? '{"k": "v"}' : name.endsWith('.env') ? 'K=v\n' : 'k: v\n', [alice.recipient]);
    }
    fs.writeFileSync(path.join(dir, 'secrets/plain.yaml'), 'k: v\n');
    files['secrets/plain.yaml'] = path.join(dir, 'secrets/plain.yaml');
    writeConfig(dir, ageRule([alice, bob], '^secrets/'));
    return { dir, files };
  }
  const snapshot = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, f]) => [k, fs.readFileSync(f, 'utf8')]));

  it('updates exactly the sops files a rule matches, nested ones too, asking once', async () => {
    const { dir, files } = await repo();
    const before = snapshot(files);
    const r = await run(['updatekeys'], { cwd: path.join(dir, 'secrets'), keys: [alice], answers: ['y'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.reads, 1);
    const after = snapshot(files);
    const changed = Object.keys(files).filter((k) => after[k] !== before[k]).sort();
    assert.deepEqual(changed, ['secrets/a.yaml', 'secrets/c.env', 'secrets/nested/deep/b.json']);
    for (const name of changed) assert.deepEqual(recipientsOf(files[name]!), [[alice.recipient, bob.recipient]]);
    const out = r.stdout.toString();
    assert.ok(out.startsWith(`a.yaml:\n${HEADER}Group 1\n    ${alice.recipient}\n+++ ${bob.recipient}\n`), out);
    assert.match(out, /^nested\/deep\/b\.json:$/m);
    assert.match(r.stderr, /^\[1\/3\] a\.yaml: updated$/m);
    assert.match(r.stderr, /^\[3\/3\] nested\/deep\/b\.json: updated$/m);
    assert.match(r.stderr, /3 file\(s\) updated, 0 already up to date/);
    const again = await run(['updatekeys', '--all', '-y'], { cwd: dir, keys: [] });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.length, 0);
    assert.match(again.stderr, /3 file\(s\) already up to date/);
  });

  it('--dry-run lists the changes and writes nothing', async () => {
    const { dir, files } = await repo();
    const before = snapshot(files);
    const r = await run(['updatekeys', '--dry-run'], { cwd: dir, keys: [] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.reads, 0);
    assert.equal((r.stdout.toString().match(/^\+\+\+ /gm) ?? []).length, 3);
    assert.match(r.stderr, /dry run: 3 of 3 file\(s\) would be updated, 0 already up to date; nothing was written/);
    assert.deepEqual(snapshot(files), before);
  });

  it('answering n writes nothing', async () => {
    const { dir, files } = await repo();
    const before = snapshot(files);
    const r = await run(['updatekeys'], { cwd: dir, keys: [alice], answers: ['n'] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /3 file\(s\) left unchanged/);
    assert.deepEqual(snapshot(files), before);
  });

  it('goes on past a file it cannot open, then fails with a summary', async () => {
    const { dir, files } = await repo();
    await encryptTo(dir, 'secrets/locked.yaml', 'k: v\n', [carol.recipient]);
    const r = await run(['updatekeys', '-y'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^\[3\/4\] secrets\/locked\.yaml: failed$/m);
    assert.match(r.stderr, /could not update keys for file secrets\/locked\.yaml: failed to get the data key/);
    assert.match(r.stderr, /tsops: failed updating keys of 1 file\(s\)/);
    assert.deepEqual(recipientsOf(files['secrets/c.env']!), [[alice.recipient, bob.recipient]]);
  });

  it('--rotate gives a new data key to the files that lose a recipient', async () => {
    const { dir, files } = await repo();
    writeConfig(dir, ageRule([bob], '^secrets/'));
    const key = await dataKeyHex(files['secrets/a.yaml']!, [alice]);
    const r = await run(['updatekeys', '-y', '--rotate'], { cwd: dir, keys: [alice] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[1\/3\] secrets\/a\.yaml: updated with a new data key/);
    assert.notEqual(await dataKeyHex(files['secrets/a.yaml']!, [bob]), key);
    assert.equal((await run(['decrypt', 'secrets/a.yaml'], { cwd: dir, keys: [alice] })).code, 128);
  });

  it('loads identities once for the whole run (one key command run per recipient)', async () => {
    const { dir } = await repo();
    const counter = path.join(dir, 'count');
    const script = path.join(dir, 'key.sh');
    fs.writeFileSync(script, `#!/bin/sh\necho x >> '${counter}'\necho '${alice.secret}'\n`, { mode: 0o700 });
    const r = await run(['updatekeys', '-y'], { cwd: dir, env: { SOPS_AGE_KEY_CMD: script } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(counter, 'utf8'), 'x\n');
  });

  it('refuses --all with files and --input-type without files (exit 8)', async () => {
    const { dir } = await repo();
    assert.equal((await run(['updatekeys', '--all', 'secrets/a.yaml'], { cwd: dir })).code, 8);
    assert.equal((await run(['updatekeys', '--input-type', 'yaml'], { cwd: dir })).code, 8);
  });

  it('runs through the real binary', async () => {
    const { dir, files } = await repo();
    const r = await runCli(['updatekeys', '-y'], { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^secrets\/a\.yaml:$/m);
    assert.deepEqual(recipientsOf(files['secrets/a.yaml']!), [[alice.recipient, bob.recipient]]);
  });
});
