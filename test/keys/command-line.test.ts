import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommand } from '../../src/keys/command-line.js';

describe('splitCommand (shlex rules, spec §4.3)', () => {
  it('splits on runs of whitespace', () => {
    assert.deepEqual(splitCommand('  cat\t/tmp/keys.txt \n --flag '), ['cat', '/tmp/keys.txt', '--flag']);
  });

  it('keeps single-quoted text literally, backslashes included', () => {
    assert.deepEqual(splitCommand(`sh -c 'echo "a b" \\n'`), ['sh', '-c', 'echo "a b" \\n']);
  });

  it('joins double-quoted text and unescapes backslashes inside it', () => {
    assert.deepEqual(splitCommand('"/path with/space" "say \\"hi\\""'), ['/path with/space', 'say "hi"']);
  });

  it('takes the character after a backslash literally outside quotes', () => {
    assert.deepEqual(splitCommand('a\\ b c'), ['a b', 'c']);
  });

  it('concatenates adjacent quoted and bare parts into one word', () => {
    assert.deepEqual(splitCommand(`x'y z'"w"v`), ['xy zwv']);
  });

  it('keeps empty quoted words', () => {
    assert.deepEqual(splitCommand(`cmd '' ""`), ['cmd', '', '']);
  });

  it('treats # at the start of a word as a comment to the end of the line', () => {
    assert.deepEqual(splitCommand('cmd arg # a comment\nnext a#b'), ['cmd', 'arg', 'next', 'a#b']);
  });

  it('gives no words for an empty or blank command', () => {
    assert.deepEqual(splitCommand(''), []);
    assert.deepEqual(splitCommand('   '), []);
  });

  it('fails on an unterminated quote or a trailing backslash', () => {
    assert.throws(() => splitCommand(`echo 'abc`), /closing quote/);
    assert.throws(() => splitCommand('echo "abc'), /closing quote/);
    assert.throws(() => splitCommand('echo abc\\'), /escape character/);
  });
});
