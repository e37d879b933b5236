import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsopsError } from '../../src/errors.js';
import { PassphraseEntry, promptSubject, terminalAskPassphrase } from '../../src/keys/tty-passphrase.js';
import { fakeIo } from '../helpers/fake-io.js';
import { ScriptedTerminal } from '../helpers/scripted-terminal.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

function typed(...chunks: string[]): PassphraseEntry {
  const e = new PassphraseEntry();
  for (const c of chunks) e.feed(bytes(c));
  return e;
}

describe('PassphraseEntry', () => {
  it('ends at Enter (CR or LF), with the typed text, ignoring what follows', () => {
    for (const enter of ['\r', '\n', '\r\n']) {
      const e = typed('correct ', `horse${enter}battery`);
      assert.equal(e.status, 'done');
      assert.equal(e.value, 'correct horse');
    }
  });

  it('keeps typing until Enter', () => {
    const e = typed('abc');
    assert.equal(e.status, 'typing');
    assert.equal(e.value, 'abc');
  });

  it('removes a whole UTF-8 character on Backspace or Delete', () => {
    assert.equal(typed('pässé\x7f\x7f', 's\r').value, 'päss');
    assert.equal(typed('ab€\x08c\r').value, 'abc');
    assert.equal(typed('\x7fx\r').value, 'x');
  });

  it('clears the line on Ctrl-U', () => {
    assert.equal(typed('oops\x15good\r').value, 'good');
  });

  it('cancels on Ctrl-C, and on Ctrl-D only when nothing was typed', () => {
    assert.equal(typed('abc\x03def\r').status, 'cancelled');
    assert.equal(typed('\x04').status, 'cancelled');
    const d = typed('ab\x04c\r');
    assert.equal(d.status, 'done');
    assert.equal(d.value, 'abc');
  });

  it('ignores escape sequences (arrow keys) and other control characters', () => {
    assert.equal(typed('a\x1b[D\x1bOAb\x1b[1;5C\x01c\r').value, 'abc');
  });

  it('forgets the text when cleared', () => {
    const e = typed('secret');
    e.clear();
    assert.equal(e.value, '');
  });
});

describe('promptSubject', () => {
  it('takes what an "Enter passphrase for …:" prompt names', () => {
    assert.equal(promptSubject('Enter passphrase for "/k/id_ed25519":'), '"/k/id_ed25519"');
    assert.equal(promptSubject("Enter passphrase for identity 'SOPS_AGE_KEY_FILE':"), "identity 'SOPS_AGE_KEY_FILE'");
    assert.equal(promptSubject('Passphrase:'), 'Passphrase');
  });
});

describe('terminalAskPassphrase on a terminal', () => {
  const ask = (terminal: ScriptedTerminal) => terminalAskPassphrase(fakeIo({ terminal }).io);

  it('prompts with echo off and returns what was typed, edited, at Enter', async () => {
    const t = new ScriptedTerminal([{ typed: ['hun', 'tre\x7f\x7fer', '2', '\r', 'after'] }]);
    assert.equal(await ask(t)('Enter passphrase for "/k":'), 'hunter2');
    assert.equal(t.shown, 'Enter passphrase for "/k": \n', 'the prompt, then a line end; nothing typed is echoed');
    assert.deepEqual(t.rawModes, [true, false]);
    assert.deepEqual([t.opens, t.closes], [1, 1]);
  });

  it('Ctrl-C cancels the entry, with raw mode off and the terminal closed', async () => {
    const t = new ScriptedTerminal([{ typed: ['hunt', '\x03', 'er2\r'] }]);
    await assert.rejects(ask(t)('Enter passphrase for "/k":'), (e: unknown) => {
      assert.ok(e instanceof TsopsError);
      assert.equal(e.code, 'CANCELED');
      assert.equal(e.message, 'passphrase entry for "/k" was cancelled');
      assert.ok(!e.message.includes('hunt'), 'nothing typed in the message');
      return true;
    });
    assert.deepEqual(t.rawModes, [true, false]);
    assert.equal(t.closes, 1);
  });

  it('the end of input cancels the entry', async () => {
    const t = new ScriptedTerminal([{ typed: ['hunt'], end: true }]);
    await assert.rejects(ask(t)('Enter passphrase for "/k":'), (e: unknown) => e instanceof TsopsError && e.code === 'CANCELED' && /end of input/.test(e.message));
    assert.deepEqual([t.rawModes, t.closes], [[true, false], 1]);
  });

  it('two prompts at once are asked one after the other', async () => {
    const t = new ScriptedTerminal([{ typed: ['one\r'] }, { typed: ['two\r'] }]);
    const a = ask(t);
    const [first, second] = await Promise.all([a('Enter passphrase for "a":'), a('Enter passphrase for "b":')]);
    assert.deepEqual([first, second], ['one', 'two']);
    assert.equal(t.shown, 'Enter passphrase for "a": \nEnter passphrase for "b": \n');
    assert.deepEqual(t.events.map((e) => e[0]).filter((k) => k === 'open' || k === 'close'), ['open', 'close', 'open', 'close']);
  });

  it('without a terminal it is the no-terminal error', async () => {
    await assert.rejects(
      terminalAskPassphrase(fakeIo().io)('Enter passphrase for "/k":'),
      (e: unknown) => e instanceof TsopsError && e.code === 'NO_IDENTITY' && /no terminal to ask it on/.test(e.message),
    );
  });
});
