import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { editorCommand, findOnPath } from '../../../src/commands/edit/editor.js';
import { fakeIo } from '../../helpers/fake-io.js';
import { tempDir } from '../../helpers/paths.js';

const withEnv = (env: Record<string, string | undefined>) => fakeIo({ env }).io;

function binDir(...names: string[]): string {
  const dir = tempDir();
  for (const n of names) fs.writeFileSync(path.join(dir, n), '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

test('editorCommand: SOPS_EDITOR, then EDITOR, split like a shell', () => {
  assert.deepEqual(editorCommand(withEnv({ SOPS_EDITOR: 'code --wait', EDITOR: 'vim' })), ['code', '--wait']);
  assert.deepEqual(editorCommand(withEnv({ EDITOR: `'/opt/my editor/bin' -f "a b"` })), ['/opt/my editor/bin', '-f', 'a b']);
  assert.deepEqual(editorCommand(withEnv({ SOPS_EDITOR: '  ', EDITOR: 'nano' })), ['nano'], 'a blank SOPS_EDITOR is unset');
});

test('editorCommand: without settings, the first of vim, nano, vi on PATH', () => {
  const a = binDir('vi');
  const b = binDir('nano', 'vi');
  assert.deepEqual(editorCommand(withEnv({ PATH: `${a}:${b}` })), [path.join(b, 'nano')]);
  assert.deepEqual(editorCommand(withEnv({ PATH: a })), [path.join(a, 'vi')]);
});

test('editorCommand: nothing found, or bad quoting, is NO_EDITOR (exit 201)', () => {
  const isNoEditor = (e: { code?: string; exitCode?: number }) => e.code === 'NO_EDITOR' && e.exitCode === 201;
  assert.throws(() => editorCommand(withEnv({ PATH: binDir() })), isNoEditor);
  assert.throws(() => editorCommand(withEnv({})), isNoEditor);
  assert.throws(() => editorCommand(withEnv({ EDITOR: `'unterminated` })), isNoEditor);
});

test('findOnPath skips non-executable files and directories', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'vim'), 'x', { mode: 0o644 });
  fs.mkdirSync(path.join(dir, 'nano'));
  const other = binDir('vim');
  assert.equal(findOnPath(withEnv({}), 'vim', dir), undefined);
  assert.equal(findOnPath(withEnv({}), 'nano', dir), undefined);
  assert.equal(findOnPath(withEnv({}), 'vim', `${dir}::${other}`), path.join(other, 'vim'));
  assert.equal(findOnPath(withEnv({}), 'vim', undefined), undefined);
});
