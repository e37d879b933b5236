/** The interop locator's three cases, each a real `node --test` run of the presence test. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot, tempDir } from './paths.js';

const presence = path.join(repoRoot, 'dist', 'test', 'interop', 'presence.test.js');

function runPresence(env: Record<string, string>): { code: number | null; out: string } {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // node --test sets these for its children; a nested run must start clean.
    if (v !== undefined && k !== 'CI' && k !== 'TSOPS_INTEROP_DIR' && !k.startsWith('NODE_TEST')) base[k] = v;
  }
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', presence], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('interop present (TSOPS_INTEROP_DIR names a folder): the presence test passes, no skip line', () => {
  const dir = tempDir();
  const r = runPresence({ TSOPS_INTEROP_DIR: dir, CI: '1' });
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /not found/);
  assert.match(r.out, /pass 1/);
});

test('interop absent without CI: the run passes and prints one line saying why and how', () => {
  const missing = path.join(tempDir(), 'no-such-interop');
  const r = runPresence({ TSOPS_INTEROP_DIR: missing });
  assert.equal(r.code, 0, r.out);
  const lines = r.out.split('\n').filter((l) => l.startsWith('note: interop fixtures not found'));
  assert.equal(lines.length, 1, r.out);
  assert.ok(lines[0]!.includes(missing));
  assert.match(lines[0]!, /TSOPS_INTEROP_DIR/);
  assert.match(lines[0]!, /shared\//);
  assert.match(r.out, /skipped 1/);
});

test('interop absent with CI set: the run fails', () => {
  const missing = path.join(tempDir(), 'no-such-interop');
  const r = runPresence({ TSOPS_INTEROP_DIR: missing, CI: 'true' });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /fail 1/);
  assert.match(r.out, /interop fixtures not found/);
});
