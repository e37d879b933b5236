/** Which values are encrypted (spec §1.6): one table over every selector kind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Selector } from '../../src/core/keys-model.js';
import { tryCompileGoRegex } from '../../src/core/regex.js';
import { compileSelector, shouldBeEncrypted, type CommentStack } from '../../src/core/select.js';

type Row = [selector: Selector | undefined, path: string[], stack: CommentStack, isComment: boolean, encrypted: boolean];

const rows: Row[] = [
  [undefined, ['a'], [], false, true],
  [{ kind: 'unencrypted_suffix', value: '_unencrypted' }, ['a'], [], false, true],
  [{ kind: 'unencrypted_suffix', value: '_unencrypted' }, ['x_unencrypted', 'a'], [], false, false],
  [{ kind: 'unencrypted_suffix', value: '_unencrypted' }, ['a', 'b_unencrypted'], [], false, false],
  [{ kind: 'encrypted_suffix', value: '_secret' }, ['a'], [], false, false],
  [{ kind: 'encrypted_suffix', value: '_secret' }, ['db_secret', 'password'], [], false, true],
  [{ kind: 'unencrypted_regex', value: '^public' }, ['publicKey'], [], false, false],
  [{ kind: 'unencrypted_regex', value: '^public' }, ['key'], [], false, true],
  [{ kind: 'encrypted_regex', value: '^(data|stringData)$' }, ['data', 'x'], [], false, true],
  [{ kind: 'encrypted_regex', value: '^(data|stringData)$' }, ['metadata', 'name'], [], false, false],
  // the key path, not the value, is matched; an empty path matches nothing
  [{ kind: 'encrypted_regex', value: '.' }, [], [], false, false],
  [{ kind: 'unencrypted_comment_regex', value: 'sops:clear' }, ['a'], [[' sops:clear']], false, false],
  [{ kind: 'unencrypted_comment_regex', value: 'sops:clear' }, ['a'], [[' other']], false, true],
  [{ kind: 'unencrypted_comment_regex', value: 'sops:clear' }, ['a', 'b'], [[' sops:clear'], []], false, false],
  [{ kind: 'encrypted_comment_regex', value: 'sops:enc' }, ['a'], [[' sops:enc']], false, true],
  [{ kind: 'encrypted_comment_regex', value: 'sops:enc' }, ['a'], [[]], false, false],
  // the marker comment itself stays clear
  [{ kind: 'encrypted_comment_regex', value: 'sops:enc' }, [], [[' sops:enc']], true, false],
  // an earlier marker still encrypts a later comment
  [{ kind: 'encrypted_comment_regex', value: 'sops:enc' }, [], [[' sops:enc', ' more']], true, true],
  // an invalid regex never matches, as in sops
  [{ kind: 'encrypted_regex', value: '(' }, ['a'], [], false, false],
  [{ kind: 'unencrypted_regex', value: '(' }, ['a'], [], false, true],
];

test('shouldBeEncrypted over every selector kind', () => {
  for (const [selector, path, stack, isComment, encrypted] of rows) {
    const sel = compileSelector(selector, tryCompileGoRegex);
    assert.equal(shouldBeEncrypted(sel, path, stack, isComment), encrypted, JSON.stringify({ selector, path, stack, isComment }));
  }
});

test('a regex is compiled once per selector, and only for regex kinds', () => {
  let compiled = 0;
  const count = (s: string): ReturnType<typeof tryCompileGoRegex> => {
    compiled++;
    return tryCompileGoRegex(s);
  };
  compileSelector({ kind: 'unencrypted_suffix', value: '_x' }, count);
  assert.equal(compiled, 0);
  const sel = compileSelector({ kind: 'encrypted_regex', value: 'k' }, count);
  for (const k of ['k', 'a', 'kk']) shouldBeEncrypted(sel, [k], [], false);
  assert.equal(compiled, 1);
});
