/**
 * The test plugin against the real age CLI (≥ 1.3): age itself encrypts and decrypts through
 * age-plugin-tsopstest and answers its requests on a pseudo-terminal, so what tsops is tested
 * against later is a plugin age agrees with, not a mirror of tsops' own reading. age's own
 * age-plugin-tagtest is checked here too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../../helpers/paths.js';
import { noScript } from '../../../cli/tty-run.js';
import { TAGTEST_IDENTITY, TAGTEST_RECIPIENT, ageDir, noAgePlugins, pluginPath, tsopstestKey } from './plugin-fixture.js';
import { runOnTerminal } from './terminal-driver.js';

const env = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({
  ...process.env,
  PATH: pluginPath(),
  ...extra,
});
const age = (): string => path.join(ageDir as string, 'age');

describe('age-plugin-tsopstest with the real age CLI', { skip: noAgePlugins }, () => {
  it('age encrypts to age1tsopstest1… and decrypts with AGE-PLUGIN-TSOPSTEST-1…', () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const other = tsopstestKey();
    fs.writeFileSync(path.join(dir, 'id.txt'), `${key.identity}\n`);
    fs.writeFileSync(path.join(dir, 'other.txt'), `${other.identity}\n`);
    const enc = execFileSync(age(), ['-r', key.recipient], { input: 'through the plugin', env: env() });
    assert.match(execFileSync(age(), ['-d', '-i', path.join(dir, 'id.txt')], { input: enc, env: env(), encoding: 'utf8' }), /^through the plugin$/);
    const wrong = spawnSync(age(), ['-d', '-i', path.join(dir, 'other.txt')], { input: enc, env: env(), encoding: 'utf8' });
    assert.notEqual(wrong.status, 0, 'another tsopstest key must not open it');
    // the identity used as a recipient (add-identity in recipient-v1)
    const enc2 = execFileSync(age(), ['-e', '-i', path.join(dir, 'id.txt')], { input: 'to the identity', env: env() });
    assert.equal(execFileSync(age(), ['-d', '-i', path.join(dir, 'id.txt')], { input: enc2, env: env(), encoding: 'utf8' }), 'to the identity');
  });

  it('age shows its messages and answers its confirm, public and secret requests on the terminal', { skip: noScript }, async () => {
    const dir = tempDir();
    const key = tsopstestKey();
    const id = path.join(dir, 'id.txt');
    fs.writeFileSync(id, `${key.identity}\n`);
    const file = path.join(dir, 'x.age');
    execFileSync(age(), ['-r', key.recipient, '-o', file], { input: 'asked for', env: env() });
    const steps = [
      { expect: 'for "no")', type: '1', enter: false },
      { expect: 'tsopstest serial:', type: 'tsops' },
      { expect: 'tsopstest PIN:', type: '1234' },
    ];
    const ask = env({ TSOPSTEST_ASK: 'msg,confirm,public,secret' });
    const ok = await runOnTerminal([age(), '-d', '-i', id, file], steps, { env: ask, cwd: dir });
    assert.equal(ok.code, 0, ok.screen);
    assert.match(ok.screen, /touch the tsopstest key/);
    assert.match(ok.screen, /asked for/);
    assert.equal(ok.answered, 3);
    const wrongPin = [...steps.slice(0, 2), { expect: 'tsopstest PIN:', type: '9999' }];
    const bad = await runOnTerminal([age(), '-d', '-i', id, file], wrongPin, { env: ask, cwd: dir });
    assert.notEqual(bad.code, 0);
    assert.match(bad.screen, /wrong PIN/);
    assert.doesNotMatch(bad.screen, /asked for/);
  });

  it("age-plugin-tagtest opens files age encrypts to age's fixed test recipient", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tag.txt'), `${TAGTEST_IDENTITY}\n`);
    const enc = execFileSync(age(), ['-r', TAGTEST_RECIPIENT], { input: 'tagged', env: env() });
    assert.equal(execFileSync(age(), ['-d', '-i', path.join(dir, 'tag.txt')], { input: enc, env: env(), encoding: 'utf8' }), 'tagged');
    assert.equal(execFileSync(age(), ['-d', '-j', 'tagtest'], { input: enc, env: env(), encoding: 'utf8' }), 'tagged');
  });
});
