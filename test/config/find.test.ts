import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findConfigFile } from '../../src/config/find.js';
import { TsopsError } from '../../src/errors.js';
import type { Io } from '../../src/io/types.js';
import { tempDir } from '../helpers/paths.js';
import { fakeIo } from '../helpers/fake-io.js';

function testIo(cwd: string, env: Record<string, string | undefined> = {}): { io: Io; stderr: () => string } {
  const { io, stderr } = fakeIo({ cwd, env });
  return { io, stderr };
}

function touch(p: string): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, 'creation_rules: []\n');
  return p;
}

describe('findConfigFile', () => {
  it('finds .sops.yaml in the working directory', () => {
    const root = tempDir();
    const config = touch(path.join(root, '.sops.yaml'));
    assert.equal(findConfigFile(testIo(root).io), config);
  });

  it('walks up from a nested working directory to the nearest .sops.yaml', () => {
    const root = tempDir();
    touch(path.join(root, '.sops.yaml'));
    const nearer = touch(path.join(root, 'a', '.sops.yaml'));
    const cwd = path.join(root, 'a', 'b', 'c');
    fs.mkdirSync(cwd, { recursive: true });
    assert.equal(findConfigFile(testIo(cwd).io), nearer);
  });

  it('returns undefined when no config exists', () => {
    const cwd = path.join(tempDir(), 'x');
    fs.mkdirSync(cwd);
    const { io, stderr } = testIo(cwd);
    assert.equal(findConfigFile(io), undefined);
    assert.equal(stderr(), '');
  });

  it('stops after 100 directories', () => {
    const root = tempDir();
    const config = touch(path.join(root, '.sops.yaml'));
    const levels = Array.from({ length: 100 }, () => 'd');
    const at99 = path.join(root, ...levels.slice(0, 99));
    const at100 = path.join(root, ...levels);
    fs.mkdirSync(at100, { recursive: true });
    assert.equal(findConfigFile(testIo(at99).io), config);
    assert.equal(findConfigFile(testIo(at100).io), undefined);
  });

  it('warns about a .sops.yml met first and keeps searching', () => {
    const root = tempDir();
    const config = touch(path.join(root, '.sops.yaml'));
    touch(path.join(root, 'a', '.sops.yml'));
    const cwd = path.join(root, 'a', 'b');
    fs.mkdirSync(cwd, { recursive: true });
    const { io, stderr } = testIo(cwd);
    assert.equal(findConfigFile(io), config);
    assert.equal(
      stderr(),
      'tsops: warning: ignoring "../.sops.yml" when searching for config file; the config file must be called ".sops.yaml"; using "../../.sops.yaml" instead\n',
    );
  });

  it('warns about a .sops.yml even when no .sops.yaml is found', () => {
    const root = tempDir();
    touch(path.join(root, '.sops.yml'));
    const { io, stderr } = testIo(root);
    assert.equal(findConfigFile(io), undefined);
    assert.equal(stderr(), 'tsops: warning: ignoring ".sops.yml" when searching for config file; the config file must be called ".sops.yaml"\n');
  });

  it('uses an explicit path instead of searching, relative to the working directory', () => {
    const root = tempDir();
    touch(path.join(root, '.sops.yaml'));
    const other = touch(path.join(root, 'conf', 'custom.yaml'));
    assert.equal(findConfigFile(testIo(root).io, { explicit: 'conf/custom.yaml' }), other);
  });

  it('uses SOPS_CONFIG when no explicit path is given, and --config over it', () => {
    const root = tempDir();
    const fromEnv = touch(path.join(root, 'env.yaml'));
    const fromFlag = touch(path.join(root, 'flag.yaml'));
    assert.equal(findConfigFile(testIo(root, { SOPS_CONFIG: fromEnv }).io), fromEnv);
    assert.equal(findConfigFile(testIo(root, { SOPS_CONFIG: fromEnv }).io, { explicit: fromFlag }), fromFlag);
  });

  it('ignores an empty SOPS_CONFIG', () => {
    const root = tempDir();
    const config = touch(path.join(root, '.sops.yaml'));
    assert.equal(findConfigFile(testIo(root, { SOPS_CONFIG: '' }).io), config);
  });

  it('fails naming an explicit path that does not exist', () => {
    const root = tempDir();
    touch(path.join(root, '.sops.yaml'));
    for (const [options, env, source] of [
      [{ explicit: 'nope.yaml' }, {}, '--config'],
      [{}, { SOPS_CONFIG: 'nope.yaml' }, 'SOPS_CONFIG'],
    ] as const) {
      assert.throws(
        () => findConfigFile(testIo(root, env).io, options),
        (e: unknown) =>
          e instanceof TsopsError &&
          e.code === 'CONFIG' &&
          e.message === `${path.join(root, 'nope.yaml')}: config file not found` &&
          (e.hint ?? '').includes(source),
      );
    }
  });
});
