/**
 * The answers to an age plugin's requests (msg, confirm, request-public, request-secret), given
 * in-process on a scripted terminal: what is shown, what is returned, and what happens without
 * a terminal. The real terminal is driven through a pseudo-terminal in test/cli/age-plugins.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsopsError } from '../../../../src/errors.js';
import { terminalPluginUi } from '../../../../src/keys/age/plugin/terminal-ui.js';
import { fakeIo } from '../../../helpers/fake-io.js';
import { ScriptedTerminal, type TerminalScript } from '../../../helpers/scripted-terminal.js';

const PLUGIN = 'age-plugin-yubikey';

function ui(...scripts: TerminalScript[]) {
  const terminal = new ScriptedTerminal(scripts);
  const fake = fakeIo({ terminal });
  return { terminal, fake, face: terminalPluginUi(fake.io) };
}

const noTerminalLine = (what: string) => `tsops: ${PLUGIN} ${what}, but there is no terminal to ask on; answering that it failed\n`;

describe('terminalPluginUi', () => {
  it('shows a message on the terminal, its control characters removed', async () => {
    const { terminal, face, fake } = ui({ typed: [] });
    assert.equal(await face.message(PLUGIN, 'touch\x1b[2J your key\x07'), true);
    assert.equal(terminal.shown, `${PLUGIN}: touch[2J your key\n`);
    assert.equal(terminal.closes, 1);
    assert.equal(fake.stderr(), '');
  });

  it('a confirm with two choices takes 1, 2 or the choice itself, asking again after anything else', async () => {
    const { terminal, face } = ui({ typed: ['2\n'] }, { typed: ['maybe\n'] }, { typed: ['Use PIN\r'] });
    assert.equal(await face.confirm(PLUGIN, 'Proceed?', 'Use touch', 'Use PIN'), false);
    assert.equal(await face.confirm(PLUGIN, 'Proceed?', 'Use touch', 'Use PIN'), false, 'the second answer, after one it did not know');
    assert.equal(terminal.shown, `${PLUGIN}: Proceed? (1 for "Use touch", 2 for "Use PIN") `.repeat(3));
    assert.deepEqual([terminal.opens, terminal.closes], [3, 3]);
  });

  it('a confirm with one choice is answered by Enter; three unknown answers fail it', async () => {
    const one = ui({ typed: ['\r'] });
    assert.equal(await one.face.confirm(PLUGIN, 'Insert key', 'OK', undefined), true);
    assert.equal(one.terminal.shown, `${PLUGIN}: Insert key (press enter for "OK") `);
    const wrong = ui({ typed: ['x\n'] }, { typed: ['y\n'] }, { typed: ['z\n'] });
    assert.equal(await wrong.face.confirm(PLUGIN, 'Proceed?', 'a', 'b'), undefined);
  });

  it('a public request returns the line typed, with echo on', async () => {
    const { terminal, face } = ui({ typed: ['slot ', '9a\nrest'] });
    assert.equal(await face.request(PLUGIN, 'Which slot?', false), 'slot 9a');
    assert.equal(terminal.shown, `${PLUGIN}: Which slot? `);
    assert.deepEqual(terminal.rawModes, []);
  });

  it('a secret request is typed with echo off', async () => {
    const { terminal, face } = ui({ typed: ['12345', '6\r'] });
    assert.equal(await face.request(PLUGIN, 'Enter PIN:', true), '123456');
    assert.deepEqual(terminal.rawModes, [true, false]);
    assert.equal(terminal.shown, `${PLUGIN}: Enter PIN: \n`);
  });

  it('Ctrl-C at a secret request ends the run; the end of input at a public one fails the request', async () => {
    const cancel = ui({ typed: ['12\x03'] });
    await assert.rejects(cancel.face.request(PLUGIN, 'Enter PIN:', true), (e: unknown) => {
      assert.ok(e instanceof TsopsError);
      assert.equal(e.code, 'CANCELED');
      assert.equal(e.message, `${PLUGIN}: entry cancelled`);
      return true;
    });
    const ended = ui({ typed: ['half'], end: true });
    assert.equal(await ended.face.request(PLUGIN, 'Which slot?', false), undefined);
    assert.equal(ended.terminal.closes, 1);
  });

  it('without a terminal every request fails, and stderr says why', async () => {
    const fake = fakeIo();
    const face = terminalPluginUi(fake.io);
    assert.equal(await face.message(PLUGIN, 'hello'), false);
    assert.equal(await face.confirm(PLUGIN, 'Proceed?', 'yes', 'no'), undefined);
    assert.equal(await face.request(PLUGIN, 'Which slot?', false), undefined);
    assert.equal(await face.request(PLUGIN, 'Enter PIN:', true), undefined);
    assert.equal(
      fake.stderr(),
      noTerminalLine('has a message to show') + noTerminalLine('asks for a confirmation') + noTerminalLine('asks for a value') + noTerminalLine('asks for a secret'),
    );
  });
});
