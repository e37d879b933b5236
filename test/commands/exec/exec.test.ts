import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Comment, Timestamp, newList, newMap } from '../../../src/core/tree.js';
import { environmentFromTree } from '../../../src/commands/exec/env.js';
import { checkFilename } from '../../../src/commands/exec/file.js';

test('environmentFromTree: strings as they are, other scalars as sops ValToString, comments skipped', () => {
  const env = environmentFromTree(
    newMap([
      { key: new Comment(' note'), value: null },
      { key: 'S', value: 'text with spaces' },
      { key: 'I', value: 42n },
      { key: 'F', value: 5 },
      { key: 'B', value: false },
      { key: 'N', value: null },
      { key: 'T', value: new Timestamp('2024-01-02T03:04:05Z') },
    ]),
  );
  assert.deepEqual(env, { S: 'text with spaces', I: '42', F: '5.0', B: 'false', N: '<nil>', T: '2024-01-02T03:04:05Z' });
});

test('environmentFromTree refuses nested values and bad names, naming the key, never the value', () => {
  assert.throws(() => environmentFromTree(newMap([{ key: 'L', value: newList(['secret']) }])), (e: Error) => /offending key L/.test(e.message) && !e.message.includes('secret'));
  assert.throws(() => environmentFromTree(newMap([{ key: 'M', value: newMap([]) }])), /offending key M/);
  assert.throws(() => environmentFromTree(newMap([{ key: 'A=B', value: 'x' }])), /"A=B"/);
  assert.throws(() => environmentFromTree(newMap([{ key: '', value: 'x' }])), /non-empty/);
  assert.throws(() => environmentFromTree(newMap([{ key: 'Z', value: 'a\0b' }])), (e: Error) => /NUL/.test(e.message) && !e.message.includes('a\0b'));
});

test('checkFilename keeps the file inside the temp directory', () => {
  assert.equal(checkFilename('config.yaml'), 'config.yaml');
  assert.equal(checkFilename('a/./b.json'), 'a/b.json');
  for (const bad of ['', '/etc/passwd', '..', '../x', 'a/../../x', '.']) {
    assert.throws(() => checkFilename(bad), (e: { exitCode?: number }) => e.exitCode === 8, bad);
  }
});
