/** path_regex → .gitattributes globs, checked against git's own matcher on sample paths. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globsForPathRegex } from '../../src/git/path-glob.js';
import { addAttributeLines } from '../../src/git/setup.js';
import { compileGoRegex } from '../../src/core/regex.js';
import { tempDir } from '../helpers/paths.js';

const SAMPLES = [
  'app.yaml', 'a/b/app.yaml', 'app.yaml.bak', 'secrets/x.yaml', 'secrets/a/b.yaml', 'mysecrets/x.yaml', 'a/secrets/x.yaml',
  'secrets/x.json', 'x.json', 'secrets/prod.yaml', 'secrets/prod.env', 'secrets/a/prod.env', 'x.enc.json', 'y.json.enc',
];

/** The samples git's attribute matcher assigns to `globs`. */
function gitMatches(globs: string[]): string[] {
  const dir = tempDir();
  const env = { ...process.env, HOME: dir, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  spawnSync('git', ['init', '-q'], { cwd: dir, env });
  fs.writeFileSync(path.join(dir, '.gitattributes'), globs.map((g) => `${g} t=1\n`).join(''));
  const r = spawnSync('git', ['check-attr', 't', '--', ...SAMPLES], { cwd: dir, env, encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.endsWith(': t: 1')).map((l) => l.slice(0, -': t: 1'.length));
}

describe('globsForPathRegex', () => {
  for (const [regex, globs] of [
    ['\\.yaml$', ['*.yaml']],
    ['^secrets/.*\\.yaml$', ['secrets/**/*.yaml']],
    ['secrets/.*\\.yaml$', ['**/*secrets/**/*.yaml']],
    ['\\.(yaml|json)$', ['*.yaml', '*.json']],
    ['^secrets/prod\\.yaml$', ['secrets/prod.yaml']],
    ['^secrets/[^/]+\\.env$', ['secrets/*.env']],
    ['.*\\.enc\\.json$', ['*.enc.json']],
  ] as const) {
    it(`${regex} → ${globs.join(' ')}, matching what the regex matches`, () => {
      assert.deepEqual(globsForPathRegex(regex), globs);
      const re = compileGoRegex(regex);
      assert.deepEqual(gitMatches([...globs]), SAMPLES.filter((s) => re.test(s)));
    });
  }

  it('gives no glob for shapes it cannot say exactly', () => {
    for (const r of ['\\.yaml', '(a|b)(c|d)', '^a.*b.*c$', '^k8s/.*/secrets\\.yaml$', '[a-z]+\\.yaml$', 'x?\\.yaml$']) {
      assert.equal(globsForPathRegex(r), undefined, r);
    }
  });
});

describe('addAttributeLines', () => {
  it('adds a line per new pattern, never twice, keeping what is there', () => {
    const first = addAttributeLines('*.png binary', ['a/*.yaml', 'b.env', 'a/*.yaml']);
    assert.equal(first.text, '*.png binary\na/*.yaml diff=sops merge=sops\nb.env diff=sops merge=sops\n');
    assert.deepEqual(first.added, ['a/*.yaml', 'b.env']);
    const again = addAttributeLines(first.text, ['b.env']);
    assert.equal(again.text, first.text);
    assert.deepEqual(again.added, []);
  });
});
