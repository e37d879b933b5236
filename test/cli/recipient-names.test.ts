/** Recipients named by `.sops.yaml` anchors: the updatekeys diff, the no-key report, `tsops recipients`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { parseConfig } from '../../src/config/parse.js';
import { recipientDisplayName } from '../../src/commands/shared/recipient-names.js';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';

const key = () => generateAgeKeyFile({ pq: false, now: new Date() });
const alice = await key();
const bob = await key();
const carol = await key();
const quantum = await generateAgeKeyFile({ pq: true, now: new Date() });
// long (post-quantum) recipients are shortened as the no-key report does; X25519 ones stay whole
const short = (r: string): string => (r.length <= 80 ? r : `${r.slice(0, 24)}…${r.slice(-12)}`);

function workspace(configText: string) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.sops.yaml'), configText);
  const keys = path.join(dir, 'keys.txt');
  fs.writeFileSync(keys, alice.text, { mode: 0o600 });
  return { dir, withKey: cleanEnv({ SOPS_AGE_KEY_FILE: keys }), noKey: cleanEnv() };
}

const NAMED = (rule: string) =>
  `keys:\n  - &alice ${alice.recipient}\n  - &bob ${bob.recipient}\n  - &quantum ${quantum.recipient}\ncreation_rules:\n${rule}`;

describe('recipient names', () => {
  it('the config reader keeps anchor names of single keys', () => {
    const c = parseConfig(`${NAMED('  - age: *alice\n')}x: &both ${alice.recipient},${bob.recipient}\n`, '/repo/.sops.yaml');
    assert.equal(c.recipientNames?.get(alice.recipient), 'alice');
    assert.equal(c.recipientNames?.get(bob.recipient), 'bob');
    assert.equal(recipientDisplayName(c, quantum.recipient), `quantum (${quantum.recipient.slice(0, 24)}…${quantum.recipient.slice(-12)})`);
    assert.equal(recipientDisplayName(c, alice.recipient), `alice (${short(alice.recipient)})`);
    // no anchor of its own: shown as it is
    assert.equal(recipientDisplayName(c, carol.recipient), carol.recipient);
    assert.equal(c.recipientNames?.get(`${alice.recipient},${bob.recipient}`), undefined);
    assert.equal(parseConfig(`creation_rules:\n  - age: ${alice.recipient}\n`, '/r/.sops.yaml').recipientNames, undefined);
  });

  it('name keys in the updatekeys diff; unnamed keys keep sops\' form', async () => {
    const w = workspace(NAMED(`  - path_regex: \\.yaml$\n    key_groups:\n      - age:\n          - *alice\n          - *bob\n          - ${carol.recipient}\n`));
    fs.writeFileSync(path.join(w.dir, 'app.yaml'), 'password: hunter2\n');
    const enc = await runCli(['encrypt', '-i', '--age', `${alice.recipient},${carol.recipient}`, 'app.yaml'], { cwd: w.dir, env: w.withKey });
    assert.equal(enc.code, 0, enc.stderr);
    const r = await runCli(['updatekeys', '-y', 'app.yaml'], { cwd: w.dir, env: w.withKey });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.toString(),
      "The following changes will be made to the file's groups:\n" +
        `Group 1\n    alice (${short(alice.recipient)})\n    ${carol.recipient}\n+++ bob (${short(bob.recipient)})\n`,
    );
  });

  it('name keys in the report when no key opens the file', async () => {
    const w = workspace(NAMED('  - age: *alice\n'));
    fs.writeFileSync(path.join(w.dir, 'app.yaml'), 'password: hunter2\n');
    const enc = await runCli(['encrypt', '-i', '--age', `${alice.recipient},${carol.recipient}`, 'app.yaml'], { cwd: w.dir, env: w.withKey });
    assert.equal(enc.code, 0, enc.stderr);
    const r = await runCli(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.noKey });
    assert.equal(r.code, 128);
    assert.match(r.stderr, new RegExp(`^ {2}alice \\(${short(alice.recipient)}\\): FAILED$`, 'm'));
    assert.match(r.stderr, new RegExp(`^ {2}${carol.recipient}: FAILED$`, 'm'));
    assert.doesNotMatch(r.stderr, /hunter2|AGE-SECRET-KEY/);
    // an identity that is present but opens nothing is named too
    const bobKeys = path.join(w.dir, 'bob.txt');
    fs.writeFileSync(bobKeys, bob.text, { mode: 0o600 });
    const wrong = await runCli(['decrypt', 'app.yaml'], { cwd: w.dir, env: cleanEnv({ SOPS_AGE_KEY_FILE: bobKeys }) });
    assert.equal(wrong.code, 128);
    assert.match(wrong.stderr, new RegExp(`SOPS_AGE_KEY_FILE \\(${bobKeys}\\): 1 identity for bob \\(${bob.recipient}\\)$`, 'm'));
  });
});

describe('tsops recipients', () => {
  it('lists groups, names, key types and the threshold without any key', async () => {
    const w = workspace(
      NAMED(
        `  - path_regex: \\.yaml$\n    shamir_threshold: 2\n    key_groups:\n      - age:\n          - *alice\n          - ${carol.recipient}\n      - age:\n          - *quantum\n      - age:\n          - *bob\n`,
      ),
    );
    fs.writeFileSync(path.join(w.dir, 'app.yaml'), 'password: hunter2\n');
    fs.writeFileSync(path.join(w.dir, 'one.yaml'), 'token: t\n');
    const e = await runCli(['encrypt', '-i', 'app.yaml'], { cwd: w.dir, env: w.withKey });
    assert.equal(e.code, 0, e.stderr);
    assert.equal((await runCli(['encrypt', '-i', '--age', bob.recipient, 'one.yaml'], { cwd: w.dir, env: w.withKey })).code, 0);
    const r = await runCli(['recipients', 'app.yaml', 'one.yaml'], { cwd: w.dir, env: w.noKey });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.toString(),
      'app.yaml: 3 key groups, keys of any 2 of the groups open it\n' +
        '  group 1\n' +
        `    alice  age X25519  ${alice.recipient}\n` +
        `    -      age X25519  ${carol.recipient}\n` +
        '  group 2\n' +
        `    quantum  age post-quantum  ${quantum.recipient}\n` +
        '  group 3\n' +
        `    bob  age X25519  ${bob.recipient}\n` +
        'one.yaml: 1 key group, any one key opens it\n' +
        '  group 1\n' +
        `    bob  age X25519  ${bob.recipient}\n`,
    );
  });

  it('refuses a file that is not a sops file', async () => {
    const w = workspace(NAMED('  - age: *alice\n'));
    fs.writeFileSync(path.join(w.dir, 'plain.yaml'), 'a: 1\n');
    const r = await runCli(['recipients', 'plain.yaml'], { cwd: w.dir, env: w.noKey });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /plain\.yaml: sops metadata not found/);
    assert.equal(r.stdout.toString(), '');
  });
});
