import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsopsError } from '../../src/errors.js';
import { PassphraseEntry, promptSubject, terminalAskPassphrase } from '../../src/keys/tty-passphrase.js';
import { tempDir } from '../helpers/paths.js';

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

describe('terminalAskPassphrase without a terminal', () => {
  const isNoTerminal = (subject: string) => (e: unknown) =>
    e instanceof TsopsError &&
    e.code === 'NO_IDENTITY' &&
    e.message === `a passphrase is needed for ${subject} but there is no terminal to ask it on` &&
    /SSH_TO_AGE_PASSPHRASE/.test(e.hint ?? '');

  it('rejects when the terminal device cannot be opened', async () => {
    const ask = terminalAskPassphrase({ ttyPath: path.join(tempDir(), 'no-tty') });
    await assert.rejects(ask('Enter passphrase for "/k":'), isNoTerminal('"/k"'));
  });

  it('rejects when the device is not a terminal', async () => {
    const file = path.join(tempDir(), 'plain');
    fs.writeFileSync(file, 'hunter2\n');
    const ask = terminalAskPassphrase({ ttyPath: file });
    await assert.rejects(ask('Enter passphrase for "/k":'), isNoTerminal('"/k"'));
  });

  it('keeps answering after a rejection (prompts are queued, not stuck)', async () => {
    const ask = terminalAskPassphrase({ ttyPath: path.join(tempDir(), 'no-tty') });
    await assert.rejects(ask('Enter passphrase for "a":'), isNoTerminal('"a"'));
    await assert.rejects(ask('Enter passphrase for "b":'), isNoTerminal('"b"'));
  });
});
