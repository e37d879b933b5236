import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/main.js';
import { fakeIo } from '../../helpers/fake-io.js';
import { tempDir } from '../../helpers/paths.js';
import { ScriptedTerminal } from '../../helpers/scripted-terminal.js';
import { pluginPath, tsopstestDir, tsopstestKey } from '../../keys/age/plugin/plugin-fixture.js';

describe('CommandContext: plugin recipients', () => {
  it("run their plugin on the command's Io: found on its PATH, configured by its environment, asking on its terminal", async () => {
    const key = tsopstestKey();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'plain.yaml'), 'token: abc\n');
    fs.writeFileSync(path.join(dir, 'keys.txt'), `${key.identity}\n`);
    // the process itself cannot find the plugin: only the run's PATH has it
    assert.ok(!(process.env['PATH'] ?? '').split(path.delimiter).includes(tsopstestDir()));
    const terminal = new ScriptedTerminal([{ typed: ['1234\r'] }]);
    const env = { HOME: '/nonexistent-tsops-home', PATH: pluginPath(), TSOPSTEST_ASK: 'secret' };
    const enc = fakeIo({ cwd: dir, env, terminal });
    assert.equal(await main(['encrypt', '--age', key.recipient, 'plain.yaml'], enc.io), 0, enc.stderr());
    // the request of the plugin's recipient-v1 session was answered on the run's terminal
    assert.match(terminal.shown, /age-plugin-tsopstest: tsopstest PIN:/);
    assert.doesNotMatch(terminal.shown, /1234/, 'the PIN is not echoed');
    const encrypted = enc.stdout().toString();
    assert.match(encrypted, new RegExp(`recipient: ${key.recipient}`));
    fs.writeFileSync(path.join(dir, 'secret.yaml'), encrypted);

    // what it wrapped opens with the plugin identity
    const dec = fakeIo({ cwd: dir, env: { HOME: '/nonexistent-tsops-home', PATH: pluginPath(), SOPS_AGE_KEY_FILE: path.join(dir, 'keys.txt') } });
    assert.equal(await main(['decrypt', 'secret.yaml'], dec.io), 0, dec.stderr());
    assert.equal(dec.stdout().toString(), 'token: abc\n');
  });
});
