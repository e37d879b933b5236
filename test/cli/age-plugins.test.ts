/**
 * age plugins through the real binary: age's own plugins (age-plugin-tagtest for age's fixed
 * age1tag1… test recipient) and age-plugin-tsopstest, the test plugin proven against the age
 * CLI in test/keys/age/plugin/reference-age.test.ts. Files age wraps open in tsops, files tsops
 * wraps open in age; every command that wraps or unwraps; the terminal; every failure.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateHybridIdentity } from 'age-encryption';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { noScript, runDetached } from './tty-run.js';
import { newKey } from './key-management-helpers.js';
import {
  TAGTEST_HYBRID_RECIPIENT,
  TAGTEST_IDENTITY,
  TAGTEST_RECIPIENT,
  ageDir,
  noAgePlugins,
  pluginPath,
  tsopstestKey,
} from '../keys/age/plugin/plugin-fixture.js';
import { runOnTerminal } from '../keys/age/plugin/terminal-driver.js';
import { armorDecode, armorEncode } from '../../src/keys/age/armor.js';

const alice = await newKey();
const PLAIN = 'db:\n    password: hunter2\nport: 5432\n';
const age = (): string => path.join(ageDir as string, 'age');
const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ PATH: pluginPath(), ...extra });

interface AgeEntry {
  recipient: string;
  enc: string;
}

/** The age entries of a JSON sops file, by group. */
function ageEntries(file: string): AgeEntry[] {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { sops: { age?: AgeEntry[] } };
  return doc.sops.age ?? [];
}

/** Encrypt PLAIN (as JSON) to `recipients` with the real binary. */
async function encryptJson(dir: string, name: string, recipients: string[], extra: Record<string, string> = {}): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ db: { password: 'hunter2' }, port: 5432 }));
  const r = await runCli(['encrypt', '-i', '--age', recipients.join(','), name], { cwd: dir, env: env(extra) });
  assert.equal(r.code, 0, r.stderr);
  return file;
}

async function decrypt(dir: string, name: string, extra: Record<string, string | undefined>) {
  return runCli(['decrypt', '--extract', '["db"]["password"]', name], { cwd: dir, env: env(extra) });
}

/** stderr with the failure report's wrapped reason lines joined again. */
const flat = (stderr: string): string => stderr.replace(/\r?\n\s*\| /g, ' ');

function write(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, { mode: 0o600 });
  return p;
}

/** A `.sops.yaml` whose one rule splits the data key over `groups` (threshold 2). */
function shamirRule(dir: string, groups: string[][]): void {
  const body = groups.map((g) => `      - age:\n${g.map((r) => `          - ${r}\n`).join('')}`).join('');
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: .*\n    shamir_threshold: 2\n    key_groups:\n${body}`);
}

/** Encrypt PLAIN as `name` (YAML) by the rule of `dir`. */
async function encryptByRule(dir: string, name: string, extra: Record<string, string> = {}): Promise<string> {
  const file = write(dir, name, PLAIN);
  const r = await runCli(['encrypt', '-i', name], { cwd: dir, env: env(extra) });
  assert.equal(r.code, 0, r.stderr);
  return file;
}

const logLines = (log: string): string[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
const unwraps = (log: string): string[] => logLines(log).filter((l) => l.startsWith('identity-v1'));

/** Give the tsopstest stanza of a JSON sops file's first age key an argument too many (the test plugin then ends its session). */
function breakStanza(file: string): void {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { sops: { age: AgeEntry[] } };
  const entry = doc.sops.age[0] as AgeEntry;
  const text = Buffer.from(armorDecode(entry.enc)).toString('latin1');
  const broken = text.replace(/^(-> tsopstest \S+)$/m, '$1 extra');
  assert.notEqual(broken, text);
  entry.enc = armorEncode(Buffer.from(broken, 'latin1'));
  fs.writeFileSync(file, JSON.stringify(doc, null, '\t'));
}

describe('age plugins', { skip: noAgePlugins }, () => {
  for (const [kind, tagRecipient] of [
    ['classic', TAGTEST_RECIPIENT],
    ['hybrid', TAGTEST_HYBRID_RECIPIENT],
  ] as const) {
    it(`opens a data key age wrapped for age's ${kind} tag test recipient, and age opens what tsops wraps for it`, async () => {
      const dir = tempDir();
      const aliceFile = write(dir, 'alice.txt', `${alice.secret}\n`);
      const tagFile = write(dir, 'tag.txt', `${TAGTEST_IDENTITY}\n`);
      // a data key written by tsops for alice, taken out by age, and wrapped by age for the tag recipient
      const file = await encryptJson(dir, 'app.json', [alice.recipient]);
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      const dataKey = execFileSync(age(), ['-d', '-i', aliceFile], { input: doc.sops.age[0].enc, env: env() });
      assert.equal(dataKey.length, 32);
      const enc = execFileSync(age(), ['-a', '-r', tagRecipient], { input: dataKey, env: env(), encoding: 'utf8' });
      doc.sops.age = [{ recipient: tagRecipient, enc }];
      fs.writeFileSync(file, JSON.stringify(doc, null, '\t'));
      const r = await decrypt(dir, 'app.json', { SOPS_AGE_KEY_FILE: tagFile });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), 'hunter2');
      // tsops wraps a new data key for the tag recipient: age opens it, through age's own plugin
      const rotated = await runCli(['rotate', '-i', 'app.json'], { cwd: dir, env: env({ SOPS_AGE_KEY_FILE: tagFile }) });
      assert.equal(rotated.code, 0, rotated.stderr);
      const entry = ageEntries(file)[0]!;
      assert.equal(entry.recipient, tagRecipient);
      const newKey = execFileSync(age(), ['-d', '-i', tagFile], { input: entry.enc, env: env() });
      assert.equal(newKey.length, 32);
      assert.notDeepEqual(newKey, dataKey, 'rotate made a new data key');
      assert.equal((await decrypt(dir, 'app.json', { SOPS_AGE_KEY_FILE: tagFile })).stdout.toString(), 'hunter2');
    });
  }

  it('unwraps with plugin identities from every identity source, and age opens what tsops wraps', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const idFile = write(dir, 'id.txt', `# a plugin identity\n${key.identity}\n`);
    const file = await encryptJson(dir, 'app.json', [key.recipient]);
    const entry = ageEntries(file)[0]!;
    assert.equal(entry.recipient, key.recipient);
    const dataKey = execFileSync(age(), ['-d', '-i', idFile], { input: entry.enc, env: env() });
    assert.equal(dataKey.length, 32);
    const config = path.join(dir, 'config');
    fs.mkdirSync(path.join(config, 'sops', 'age'), { recursive: true });
    fs.copyFileSync(idFile, path.join(config, 'sops', 'age', 'keys.txt'));
    const sources: Array<Record<string, string>> = [
      { SOPS_AGE_KEY: `${alice.secret} ${key.identity}` },
      { SOPS_AGE_KEY_FILE: idFile },
      { SOPS_AGE_KEY_CMD: `cat ${idFile}` },
      { XDG_CONFIG_HOME: config },
    ];
    for (const source of sources) {
      const r = await decrypt(dir, 'app.json', source);
      assert.equal(r.code, 0, `${Object.keys(source)[0]}: ${r.stderr}`);
      assert.equal(r.stdout.toString(), 'hunter2');
    }
    // an identity used as a recipient wraps with add-identity, as age -e -i does
    const own = await encryptJson(dir, 'own.json', [key.identity]);
    const ownEnc = ageEntries(own)[0]!.enc;
    assert.equal(execFileSync(age(), ['-d', '-i', idFile], { input: ownEnc, env: env() }).length, 32);
  });

  it('starts a plugin only when no native key opened the file, and once for all its identities', async () => {
    const dir = tempDir();
    const k1 = tsopstestKey();
    const k2 = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    await encryptJson(dir, 'both.json', [alice.recipient, k1.recipient]);
    await encryptJson(dir, 'plugin.json', [k1.recipient]);
    fs.rmSync(log, { force: true });
    const keys = write(dir, 'keys.txt', `${k2.identity}\n${alice.secret}\n`);
    const native = await decrypt(dir, 'both.json', { SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log });
    assert.equal(native.code, 0, native.stderr);
    assert.equal(fs.existsSync(log), false, 'the native key opened the file: no plugin ran');
    const r = await decrypt(dir, 'plugin.json', { SOPS_AGE_KEY_FILE: keys, SOPS_AGE_KEY: k1.identity, TSOPSTEST_LOG: log });
    assert.equal(r.code, 0, r.stderr);
    const runs = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(runs.length, 1, 'one plugin process');
    assert.equal(runs[0]!.split(' ').filter((w) => w.startsWith('add-identity:')).length, 2, 'with both identities');
    assert.match(runs[0]!, /^identity-v1 /);
  });

  it('starts a plugin once for a file whose plugin keys are in two key groups (Shamir) and two keys of one group', async () => {
    const dir = tempDir();
    const k1 = tsopstestKey();
    const k2 = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    shamirRule(dir, [[k1.recipient, k2.recipient], [k2.recipient]]);
    const file = await encryptByRule(dir, 'split.yaml');
    assert.equal(fs.readFileSync(file, 'utf8').match(/recipient: age1tsopstest1/g)?.length, 3, 'three age files');
    // k1's identity is not there: its file is tried first and fails, k2 opens both groups; a
    // post-quantum native identity takes the files through age-encryption's own decrypter
    const pq = await generateHybridIdentity();
    const keys = write(dir, 'keys.txt', `${alice.secret}\n${pq}\n${k2.identity}\n`);
    const r = await runCli(['decrypt', '--extract', '["db"]["password"]', 'split.yaml'], {
      cwd: dir,
      env: env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hunter2');
    const runs = logLines(log);
    assert.equal(runs.length, 1, `one plugin process for the whole decrypt: ${runs.join(' | ')}`);
    assert.match(runs[0]!, /^identity-v1 add-identity:\S+ files:3$/, 'with every age file of the sops file');
    // rotate unwraps (once) and wraps a new data key that still opens
    fs.rmSync(log);
    const rot = await runCli(['rotate', '-i', 'split.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log }) });
    assert.equal(rot.code, 0, rot.stderr);
    assert.equal(logLines(log).filter((l) => l.startsWith('identity-v1')).length, 1);
    assert.equal((await decrypt(dir, 'split.yaml', { SOPS_AGE_KEY_FILE: keys })).stdout.toString(), 'hunter2');
  });

  it('wraps a plugin key that is in two key groups in one process, each group its own age file for that key only', async () => {
    const dir = tempDir();
    const k1 = tsopstestKey();
    const k2 = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    shamirRule(dir, [[k1.recipient, k2.recipient], [k2.recipient]]);
    const file = write(dir, 'split.json', JSON.stringify({ db: { password: 'hunter2' } }));
    const r = await runCli(['encrypt', '-i', 'split.json'], { cwd: dir, env: env({ TSOPSTEST_LOG: log }) });
    assert.equal(r.code, 0, r.stderr);
    const runs = logLines(log).sort();
    assert.equal(runs.length, 2, `one process per key: ${runs.join(' | ')}`);
    const byKey = (k: { recipient: string }) => runs.filter((l) => l.includes(`add-recipient:${k.recipient.slice(0, 30)}`));
    assert.deepEqual(byKey(k1).map((l) => l.split(' ').pop()), ['files:1']);
    assert.deepEqual(byKey(k2).map((l) => l.split(' ').pop()), ['files:2'], 'both shares of k2 in one process');
    const groups = (JSON.parse(fs.readFileSync(file, 'utf8')) as { sops: { key_groups: Array<{ age: AgeEntry[] }> } }).sops.key_groups;
    const k2Encs = groups.flatMap((g) => g.age.filter((e) => e.recipient === k2.recipient).map((e) => e.enc));
    assert.equal(k2Encs.length, 2);
    const idFile = write(dir, 'k2.txt', `${k2.identity}\n`);
    const shares = k2Encs.map((enc) => {
      // one stanza each: the age file of one key, as sops writes it
      const binary = Buffer.from(enc.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64').toString('latin1');
      const header = binary.slice(0, binary.indexOf('\n---'));
      assert.equal(header.split('\n-> ').length - 1, 1, 'one stanza');
      const share = execFileSync(age(), ['-d', '-i', idFile], { input: enc, env: env() });
      assert.equal(share.length, 33, 'a Shamir share');
      return share.toString('hex');
    });
    assert.notEqual(shares[0], shares[1], 'each group its own share');
    const k1Only = write(dir, 'k1.txt', `${k1.identity}\n`);
    for (const enc of k2Encs) {
      assert.throws(() => execFileSync(age(), ['-d', '-i', k1Only], { input: enc, env: env(), stdio: 'pipe' }), 'k1 does not open k2\'s files');
    }
  });

  it('runs a plugin again for a key whose identities the first process was not given (SOPS_AGE_KEY_CMD per recipient)', async () => {
    const dir = tempDir();
    const k1 = tsopstestKey();
    const k2 = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    shamirRule(dir, [[k1.recipient], [k2.recipient]]);
    await encryptByRule(dir, 'split.yaml');
    // each recipient's run of the command yields only that recipient's identity
    const cmd = write(dir, 'keys.sh', `#!/bin/sh\ncase "$SOPS_AGE_RECIPIENT" in\n  ${k1.recipient}) echo ${k1.identity} ;;\n  ${k2.recipient}) echo ${k2.identity} ;;\nesac\n`);
    fs.chmodSync(cmd, 0o755);
    const r = await decrypt(dir, 'split.yaml', { SOPS_AGE_KEY_CMD: cmd, TSOPSTEST_LOG: log });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hunter2');
    const runs = logLines(log);
    assert.equal(runs.length, 2, runs.join(' | '));
    assert.ok(runs[0]!.includes(k1.identity.slice(0, 30)) && runs[0]!.endsWith('files:2'), 'first: k1, every file');
    assert.ok(runs[1]!.includes(k2.identity.slice(0, 30)) && runs[1]!.endsWith('files:1'), 'then k2, for the file still closed');
  });

  it('starts no plugin when native keys open every group, even with plugin keys in each', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    shamirRule(dir, [[alice.recipient, key.recipient], [alice.recipient, key.recipient]]);
    await encryptByRule(dir, 'split.yaml');
    const keys = write(dir, 'keys.txt', `${key.identity}\n${alice.secret}\n`);
    const r = await decrypt(dir, 'split.yaml', { SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hunter2');
    assert.deepEqual(logLines(log), [], 'no plugin ran');
  });

  it("age's own tagtest plugin opens every file of a Shamir split in one process", async () => {
    const dir = tempDir();
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'starts.log');
    const real = path.join(ageDir as string, 'age-plugin-tagtest');
    // a wrapper first on PATH logs each start of the real plugin
    write(bin, 'age-plugin-tagtest', `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(real)} "$@"\n`);
    fs.chmodSync(path.join(bin, 'age-plugin-tagtest'), 0o755);
    const counted = { PATH: `${bin}${path.delimiter}${pluginPath()}` };
    shamirRule(dir, [[TAGTEST_RECIPIENT], [TAGTEST_HYBRID_RECIPIENT, TAGTEST_RECIPIENT]]);
    await encryptByRule(dir, 'split.yaml', counted);
    const tagFile = write(dir, 'tag.txt', `${TAGTEST_IDENTITY}\n`);
    const r = await decrypt(dir, 'split.yaml', { ...counted, SOPS_AGE_KEY_FILE: tagFile });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hunter2');
    assert.deepEqual(logLines(log), ['--age-plugin=identity-v1'], 'one process of the real plugin');
    // a run over three files: the same one process opens them all
    for (const name of ['b.yaml', 'c.yaml']) fs.copyFileSync(path.join(dir, 'split.yaml'), path.join(dir, name));
    await encryptByRule(dir, 'd.yaml', counted);
    fs.rmSync(log);
    const many = await runCli(['decrypt', 'split.yaml', 'd.yaml', 'c.yaml'], { cwd: dir, env: env({ ...counted, SOPS_AGE_KEY_FILE: tagFile }) });
    assert.equal(many.code, 0, many.stderr);
    assert.equal(many.stdout.toString().match(/password: hunter2/g)?.length, 3);
    assert.deepEqual(logLines(log), ['--age-plugin=identity-v1'], 'one process of the real plugin for the three files');
  });

  it("a plugin's error for one file's stanza fails that key only, in the same process", async () => {
    const dir = tempDir();
    const kA = tsopstestKey();
    const kB = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    const keys = write(dir, 'keys.txt', `${kA.identity}\n${kB.identity}\n`);
    const fault = { SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log, TSOPSTEST_FAULT: 'stanza-error' };
    // kA's file (the first) gets the error; kB opens the first group and the second
    shamirRule(dir, [[kA.recipient, kB.recipient], [kB.recipient]]);
    await encryptByRule(dir, 'one.yaml');
    const ok = await decrypt(dir, 'one.yaml', fault);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.toString(), 'hunter2');
    assert.equal(logLines(log).length, 1);
    // with kA alone in the first group, that group fails with the plugin's words and the threshold is not met
    fs.rmSync(log);
    shamirRule(dir, [[kA.recipient], [kB.recipient]]);
    await encryptByRule(dir, 'two.yaml');
    const failed = await decrypt(dir, 'two.yaml', fault);
    assert.equal(failed.code, 128, failed.stderr);
    assert.match(flat(failed.stderr), /age-plugin-tsopstest: a damaged tsopstest stanza/);
    assert.equal(failed.stdout.length, 0);
    assert.equal(logLines(log).length, 1, 'the second key used the same process');
  });

  it('a run over several files starts a plugin once for all the files it must open, leaving out those a native key opens', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const host = await newKey();
    const log = path.join(dir, 'plugin.log');
    for (const name of ['a.json', 'b.json']) await encryptJson(dir, name, [key.recipient, host.recipient]);
    await encryptJson(dir, 'c.json', [key.recipient]);
    // alice's own key opens this one: the plugin is not asked about it
    await encryptJson(dir, 'mine.json', [alice.recipient, key.recipient]);
    // another plugin the run holds could open this one first: it waits for its turn
    await encryptJson(dir, 'tagged.json', [TAGTEST_RECIPIENT, key.recipient]);
    const keys = write(dir, 'keys.txt', `${alice.secret}\n${key.identity}\n${TAGTEST_IDENTITY}\n`);
    const e = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log });
    const files = ['a.json', 'b.json', 'mine.json', 'tagged.json', 'c.json'];
    const r = await runCli(['decrypt', ...files], { cwd: dir, env: e });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString().match(/hunter2/g)?.length, 5);
    // one process for the age files of a.json, b.json and c.json (each file's all, as its own session
    // would take them); tagged.json's own comes in its turn
    const id = `identity-v1 add-identity:${key.identity.slice(0, 30)}`;
    assert.deepEqual(unwraps(log), [`${id} files:5`, `${id} files:2`]);
    // rotate, updatekeys with files and updatekeys --all: one unwrapping process each
    fs.rmSync(log);
    const rot = await runCli(['rotate', '-i', 'a.json', 'b.json', 'mine.json', 'c.json'], { cwd: dir, env: e });
    assert.equal(rot.code, 0, rot.stderr);
    assert.equal(unwraps(log).length, 1, logLines(log).join(' | '));
    const carol = await newKey();
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: '(^|/)(a|b|c)\\.json$'\n    age: ${key.recipient},${host.recipient},${carol.recipient}\n`);
    fs.rmSync(log);
    const upd = await runCli(['updatekeys', '-y', 'a.json', 'b.json', 'c.json'], { cwd: dir, env: e });
    assert.equal(upd.code, 0, upd.stderr);
    assert.equal(unwraps(log).length, 1, logLines(log).join(' | '));
    const dave = await newKey();
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: '(^|/)(a|b|c)\\.json$'\n    age: ${key.recipient},${dave.recipient}\n`);
    fs.rmSync(log);
    const all = await runCli(['updatekeys', '--all', '-y'], { cwd: dir, env: e });
    assert.equal(all.code, 0, all.stderr);
    assert.equal(unwraps(log).length, 1, logLines(log).join(' | '));
    for (const name of ['a.json', 'b.json', 'c.json']) {
      const d = await decrypt(dir, name, { SOPS_AGE_KEY: dave.secret });
      assert.equal(d.stdout.toString(), 'hunter2', `${name} opens for the recipient updatekeys added`);
    }
  });

  it('takes no later file into a plugin session when an identity source could still add native keys (SOPS_AGE_KEY_CMD)', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    for (const name of ['a.json', 'b.json']) await encryptJson(dir, name, [key.recipient]);
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    const r = await runCli(['decrypt', 'a.json', 'b.json'], { cwd: dir, env: env({ SOPS_AGE_KEY_CMD: `cat ${keys}`, TSOPSTEST_LOG: log }) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(unwraps(log).map((l) => l.replace(/^.* files:/, 'files:')), ['files:1', 'files:1']);
  });

  it('a later file that breaks the plugin does not cost the file in hand its key', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const log = path.join(dir, 'plugin.log');
    await encryptJson(dir, 'good.json', [key.recipient]);
    breakStanza(await encryptJson(dir, 'bad.json', [key.recipient]));
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    const r = await runCli(['decrypt', 'good.json', 'bad.json'], { cwd: dir, env: env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_LOG: log }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout.toString(), /hunter2/, 'good.json decrypted');
    assert.match(flat(r.stderr), /bad\.json.*malformed tsopstest stanza/s);
    // both files, then good.json alone, then bad.json alone
    assert.deepEqual(unwraps(log).map((l) => l.replace(/^.* files:/, 'files:')), ['files:2', 'files:1', 'files:1']);
  });

  it('works for encrypt rules, SOPS_AGE_RECIPIENTS, Shamir groups, rotate, updatekeys, groups add, set, unset, edit, exec-env and exec-file', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    const e = env({ SOPS_AGE_KEY_FILE: keys });
    fs.writeFileSync(
      path.join(dir, '.sops.yaml'),
      `creation_rules:\n  - path_regex: split\\.yaml$\n    shamir_threshold: 2\n    key_groups:\n      - age:\n          - ${alice.recipient}\n      - age:\n          - ${key.recipient}\n  - path_regex: .*\n    age: ${key.recipient}\n`,
    );
    fs.writeFileSync(path.join(dir, 'app.yaml'), PLAIN);
    fs.writeFileSync(path.join(dir, 'split.yaml'), PLAIN);
    const ok = async (...argv: string[]) => {
      const r = await runCli(argv, { cwd: dir, env: e });
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      return r.stdout.toString();
    };
    await ok('encrypt', '-i', 'app.yaml');
    await ok('encrypt', '-i', 'split.yaml');
    fs.writeFileSync(path.join(dir, 'byenv.yaml'), PLAIN);
    const byEnv = await runCli(['encrypt', '-i', 'byenv.yaml'], { cwd: dir, env: { ...e, SOPS_AGE_RECIPIENTS: key.recipient } });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.match(await ok('decrypt', 'byenv.yaml'), /hunter2/);
    const both = await runCli(['decrypt', 'split.yaml'], { cwd: dir, env: { ...e, SOPS_AGE_KEY: alice.secret } });
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout.toString(), /hunter2/, 'a native group and a plugin group meet the threshold');
    const nativeOnly = await runCli(['decrypt', 'split.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(nativeOnly.code, 128, 'the plugin group is needed');
    await ok('set', 'app.yaml', '["db"]["password"]', '"s3cret"');
    await ok('unset', 'app.yaml', '["port"]');
    const editor = write(dir, 'ed.sh', `#!/bin/sh\nsed -i 's/s3cret/edited/' "$1"\n`);
    fs.chmodSync(editor, 0o755);
    const edited = await runCli(['edit', 'app.yaml'], { cwd: dir, env: { ...e, EDITOR: editor } });
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(await ok('decrypt', 'app.yaml'), /password: edited/);
    await ok('rotate', '-i', '--add-age', alice.recipient, 'app.yaml');
    const aliceOnly = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(aliceOnly.code, 0, aliceOnly.stderr);
    await ok('rotate', '-i', '--rm-age', alice.recipient, 'app.yaml');
    assert.equal((await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) })).code, 128);
    // updatekeys brings in the rule's plugin recipient; groups add puts one in a new group
    fs.writeFileSync(path.join(dir, 'other.yaml'), 'token: abc\n');
    await runCli(['encrypt', '-i', '--age', alice.recipient, 'other.yaml'], { cwd: dir, env: e });
    const upd = await runCli(['updatekeys', '-y', 'other.yaml'], { cwd: dir, env: env({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(upd.code, 0, upd.stderr);
    assert.match(await ok('decrypt', 'other.yaml'), /token: abc/);
    fs.writeFileSync(path.join(dir, 'env.yaml'), 'TOKEN: xyz\n');
    await runCli(['encrypt', '-i', '--age', alice.recipient, 'env.yaml'], { cwd: dir, env: e });
    const grp = await runCli(['groups', 'add', '-i', '-f', 'env.yaml', '--age', key.recipient], {
      cwd: dir,
      env: env({ SOPS_AGE_KEY: alice.secret }),
    });
    assert.equal(grp.code, 0, grp.stderr);
    // two groups now, threshold 2: the native key and the plugin together
    const both2 = await runCli(['exec-env', 'env.yaml', 'printf %s "$TOKEN"'], { cwd: dir, env: { ...e, SOPS_AGE_KEY: alice.secret } });
    assert.equal(both2.code, 0, both2.stderr);
    assert.equal(both2.stdout.toString(), 'xyz');
    const viaFile = await runCli(['exec-file', 'env.yaml', 'cat {}'], { cwd: dir, env: { ...e, SOPS_AGE_KEY: alice.secret } });
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.match(viaFile.stdout.toString(), /TOKEN: xyz/);
  });
});

describe('age plugin requests on the terminal', { skip: noAgePlugins || noScript }, () => {
  const steps = [
    { expect: '(1 for "yes", 2 for "no")', type: '1' },
    { expect: 'tsopstest serial:', type: 'tsops' },
    { expect: 'tsopstest PIN:', type: '1234' },
  ];

  it('asks msg, confirm, request-public and request-secret on the terminal, never on stdout', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    await encryptJson(dir, 'app.json', [key.recipient]);
    const out = path.join(dir, 'out.txt');
    const ask = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'msg,confirm,public,secret' });
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const r = await runOnTerminal([...bin, 'decrypt', 'app.json'], steps, { env: ask, cwd: dir, stdoutFile: out });
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.answered, 3);
    assert.match(r.screen, /age-plugin-tsopstest: touch the tsopstest key/);
    assert.doesNotMatch(r.screen, /1234/, 'the PIN is not echoed');
    const printed = fs.readFileSync(out, 'utf8');
    assert.deepEqual(JSON.parse(printed), { db: { password: 'hunter2' }, port: 5432 }, 'stdout holds the document only');
    // wrapping asks too (recipient-v1)
    fs.writeFileSync(path.join(dir, 'new.yaml'), PLAIN);
    const w = await runOnTerminal([...bin, 'encrypt', '-i', '--age', key.recipient, 'new.yaml'], steps, { env: ask, cwd: dir });
    assert.equal(w.code, 0, w.screen);
    assert.match(fs.readFileSync(path.join(dir, 'new.yaml'), 'utf8'), /recipient: age1tsopstest1/);
  });

  it('asks a PIN once for a file whose plugin keys are in two key groups and two keys of one group', async () => {
    const dir = tempDir();
    const k1 = tsopstestKey();
    const k2 = tsopstestKey();
    shamirRule(dir, [[k1.recipient, k2.recipient], [k2.recipient]]);
    await encryptByRule(dir, 'split.yaml');
    const keys = write(dir, 'keys.txt', `${k2.identity}\n`);
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const ask = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'secret' });
    const pin = [{ expect: 'tsopstest PIN:', type: '1234' }];
    const r = await runOnTerminal([...bin, 'decrypt', '--extract', '["db"]["password"]', 'split.yaml'], pin, {
      env: ask,
      cwd: dir,
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.screen.split('tsopstest PIN:').length - 1, 1, 'one PIN request');
    assert.match(r.screen, /hunter2/);
  });

  it('asks a PIN once for a run over several files that need the plugin', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    for (const name of ['a.json', 'b.json', 'c.json']) await encryptJson(dir, name, [key.recipient]);
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const pin = [{ expect: 'tsopstest PIN:', type: '1234' }];
    const out = path.join(dir, 'out.txt');
    const r = await runOnTerminal([...bin, 'decrypt', 'a.json', 'b.json', 'c.json'], pin, {
      env: env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'secret' }),
      cwd: dir,
      stdoutFile: out,
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.screen.split('tsopstest PIN:').length - 1, 1, 'one PIN request');
    assert.equal(fs.readFileSync(out, 'utf8').match(/hunter2/g)?.length, 3);
  });

  it("a wrong answer fails as the plugin says, with exit 128 and nothing printed", async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    await encryptJson(dir, 'app.json', [key.recipient]);
    const out = path.join(dir, 'out.txt');
    const wrong = [...steps.slice(0, 2), { expect: 'tsopstest PIN:', type: '0000' }];
    const ask = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'msg,confirm,public,secret' });
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const r = await runOnTerminal([...bin, 'decrypt', 'app.json'], wrong, { env: ask, cwd: dir, stdoutFile: out });
    assert.equal(r.code, 128, r.screen);
    assert.match(flat(r.screen), /age-plugin-tsopstest: wrong PIN/);
    assert.equal(fs.readFileSync(out, 'utf8'), '');
  });

  it("keeps a plugin's control characters off the terminal", async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    await encryptJson(dir, 'app.json', [key.recipient]);
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const ask = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'msg', TSOPSTEST_MSG: 'clear\x1b[2J\x1b]0;title\x07 done' });
    const r = await runOnTerminal([...bin, 'decrypt', 'app.json'], [], { env: ask, cwd: dir });
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, /age-plugin-tsopstest: clear\[2J\]0;title done/);
    assert.doesNotMatch(r.screen, /\x1b\[2J|\x07/);
  });

  it('does not count the time a person takes to answer against the plugin time bound', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    await encryptJson(dir, 'app.json', [key.recipient]);
    const slow = [{ expect: 'tsopstest PIN:', type: '1234', delayMs: 2500 }];
    const bin = [process.execPath, path.resolve('bin/tsops.cjs')];
    const ask = env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: 'secret', TSOPS_AGE_PLUGIN_TIMEOUT: '1' });
    const r = await runOnTerminal([...bin, 'decrypt', '--extract', '["db"]["password"]', 'app.json'], slow, { env: ask, cwd: dir });
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, /hunter2/);
  });

  it('without a terminal a request fails with a clear message', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    await encryptJson(dir, 'app.json', [key.recipient]);
    for (const ask of ['secret', 'public', 'confirm', 'msg']) {
      const r = await runDetached(['decrypt', 'app.json'], { cwd: dir, env: env({ SOPS_AGE_KEY_FILE: keys, TSOPSTEST_ASK: ask }) });
      assert.equal(r.code, 128, r.stderr);
      assert.match(r.stderr, /age-plugin-tsopstest (asks for a secret|asks for a value|asks for a confirmation|has a message to show), but there is no terminal/);
      assert.equal(r.stdout.length, 0);
    }
  });
});

describe('age plugin failures', { skip: noAgePlugins }, () => {
  it('names a plugin missing from PATH: exit 128 on decrypt, exit 1 on encrypt, the file unchanged', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    await encryptJson(dir, 'app.json', [key.recipient]);
    const missing = await decrypt(dir, 'app.json', { SOPS_AGE_KEY: key.identity, PATH: process.env['PATH'] });
    assert.equal(missing.code, 128);
    assert.match(flat(missing.stderr), /age-plugin-tsopstest: executable file not found in \$PATH/);
    assert.match(flat(missing.stderr), /SOPS_AGE_KEY: 1 identity \(through age-plugin-tsopstest\)/, 'the report lists the plugin identity');
    assert.doesNotMatch(missing.stderr, /AGE-PLUGIN-TSOPSTEST-1/, 'never the identity itself');
    const plain = write(dir, 'plain.yaml', PLAIN);
    const enc = await runCli(['encrypt', '-i', '--age', key.recipient, 'plain.yaml'], { cwd: dir, env: cleanEnv() });
    assert.equal(enc.code, 1);
    assert.match(enc.stderr, /age-plugin-tsopstest: executable file not found in \$PATH/);
    assert.equal(fs.readFileSync(plain, 'utf8'), PLAIN);
  });

  it('shows the plugin error, a crash, a hang and a protocol violation, changing nothing on disk', async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const keys = write(dir, 'keys.txt', `${key.identity}\n`);
    const file = await encryptJson(dir, 'app.json', [key.recipient]);
    const before = fs.readFileSync(file);
    const cases: Array<[string, RegExp]> = [
      ['error', /age-plugin-tsopstest: the tsopstest key is locked/],
      ['crash', /tsopstest: simulated crash[\s\S]*age-plugin-tsopstest exited \(exit status 3\) before finishing/],
      ['hang', /age-plugin-tsopstest did not answer within 1 seconds/],
      ['garbage', /age-plugin-tsopstest spoke the age plugin protocol wrongly: it sent a line that does not start a stanza/],
      ['short-key', /spoke the age plugin protocol wrongly: a file key that is not 16 bytes/],
      ['wrong-file', /spoke the age plugin protocol wrongly: a file-key for a file it was not given/],
    ];
    for (const [fault, expected] of cases) {
      const extra = { SOPS_AGE_KEY_FILE: keys, TSOPSTEST_FAULT: fault, TSOPS_AGE_PLUGIN_TIMEOUT: '1' };
      const started = Date.now();
      const r = await decrypt(dir, 'app.json', extra);
      assert.equal(r.code, 128, `${fault}: ${r.stderr}`);
      assert.match(flat(r.stderr), expected, fault);
      assert.equal(r.stdout.length, 0);
      assert.ok(Date.now() - started < 15_000, `${fault} is bounded in time`);
      const rot = await runCli(['rotate', '-i', 'app.json'], { cwd: dir, env: env(extra) });
      assert.equal(rot.code, 128, `${fault} rotate: ${rot.stderr}`);
      assert.deepEqual(fs.readFileSync(file), before, `${fault}: the file is unchanged`);
    }
    const wrapCases: Array<[string, RegExp]> = [
      ['error', /age-plugin-tsopstest: the tsopstest key is locked/],
      ['hang', /did not answer within 1 seconds/],
      ['no-stanza', /protocol wrongly: no recipient stanza/],
      ['wrong-index', /protocol wrongly: a recipient-stanza for a file it was not given/],
    ];
    const plain = write(dir, 'plain.yaml', PLAIN);
    for (const [fault, expected] of wrapCases) {
      const r = await runCli(['encrypt', '-i', '--age', key.recipient, 'plain.yaml'], {
        cwd: dir,
        env: env({ TSOPSTEST_FAULT: fault, TSOPS_AGE_PLUGIN_TIMEOUT: '1' }),
      });
      assert.equal(r.code, 1, `${fault}: ${r.stderr}`);
      assert.match(flat(r.stderr), expected, fault);
      assert.equal(fs.readFileSync(plain, 'utf8'), PLAIN);
    }
  });

  it('refuses malformed plugin recipients and identities without quoting an identity', async () => {
    const dir = tempDir();
    write(dir, 'plain.yaml', PLAIN);
    const bad = await runCli(['encrypt', '--age', 'age1tsopstest1qqqqqqqq', 'plain.yaml'], { cwd: dir, env: env() });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /malformed age plugin recipient "age1tsopstest1qqqqqqqq"/);
    const key = tsopstestKey();
    await encryptJson(dir, 'app.json', [key.recipient]);
    const broken = `${key.identity.slice(0, -1)}${key.identity.endsWith('Q') ? 'P' : 'Q'}`;
    const r = await decrypt(dir, 'app.json', { SOPS_AGE_KEY: broken });
    assert.equal(r.code, 128);
    assert.match(r.stderr, /malformed plugin identity \(line 1\)/);
    assert.doesNotMatch(r.stderr, new RegExp(broken.slice(25)));
  });
});
