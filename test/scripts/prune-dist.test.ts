/** scripts/prune-dist.mjs: compiled files whose source was renamed or deleted go; the others stay. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, tempDir } from '../helpers/paths.js';

const { pruneDist } = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'prune-dist.mjs')).href)) as {
  pruneDist: (root: string) => string[];
};

function touch(root: string, rel: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), '');
}

describe('pruneDist', () => {
  it('removes the outputs of a moved test and keeps those with a source and other files', () => {
    const root = tempDir();
    touch(root, 'src/a.ts');
    touch(root, 'test/shared/moved.test.ts');
    for (const ext of ['.js', '.js.map', '.d.ts', '.d.ts.map']) {
      touch(root, `dist/src/a${ext}`);
      touch(root, `dist/test/old/moved.test${ext}`);
      touch(root, `dist/test/shared/moved.test${ext}`);
    }
    touch(root, 'dist/bundle/tsops.cjs');
    touch(root, 'dist/test/fixture.json');
    const removed = pruneDist(root).sort();
    assert.deepEqual(removed, ['.d.ts', '.d.ts.map', '.js', '.js.map'].map((e) => path.join('dist', 'test', 'old', `moved.test${e}`)).sort());
    for (const kept of ['dist/src/a.js', 'dist/src/a.d.ts', 'dist/test/shared/moved.test.js', 'dist/bundle/tsops.cjs', 'dist/test/fixture.json']) {
      assert.ok(fs.existsSync(path.join(root, kept)), kept);
    }
  });

  it('does nothing where there is no dist yet', () => {
    assert.deepEqual(pruneDist(tempDir()), []);
  });
});
