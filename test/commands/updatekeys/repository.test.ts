import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../../src/config/parse.js';
import { newMap } from '../../../src/core/tree.js';
import { fakeIo } from '../../helpers/fake-io.js';
import type { Io } from '../../../src/io/types.js';
import { hasMacAndVersion, mayBeSopsFile, scanRepository, walkFiles } from '../../../src/commands/updatekeys/repository.js';
import { tempDir } from '../../helpers/paths.js';
import { encryptTo, newKey } from '../../cli/key-management-helpers.js';

function ioAt(cwd: string): Io {
  return fakeIo({ cwd, env: process.env }).io;
}

describe('scanRepository', () => {
  let repo: string;
  const rel = (files: { path: string }[]) => files.map((f) => path.relative(repo, f.path)).sort();

  before(async () => {
    repo = tempDir();
    const { recipient } = await newKey();
    const enc = (name: string, text = 'a: 1\n') => encryptTo(repo, name, text, [recipient]);
    const plain = (name: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
      fs.writeFileSync(path.join(repo, name), text);
    };
    await enc('secrets/a.yaml');
    await enc('secrets/nested/deep/b.yaml');
    await enc('secrets/c.json', '{"a": 1}');
    await enc('secrets/d.env', 'A=1\n');
    await enc('secrets/blob.bin', 'raw bytes');
    await enc('app/e.json', '{"x": "y"}');
    await enc('app/e.yaml'); // the app rule wants .json only
    await enc('other/f.yaml'); // no rule matches
    await enc('.git/g.yaml');
    await enc('node_modules/pkg/h.yaml');
    await enc('secrets/node_modules/i.yaml');
    plain('secrets/plain.yaml', 'password: hunter2\n');
    plain('secrets/mentions.yaml', 'note: sops keeps a mac of the values\n');
    plain('secrets/broken.yaml', 'sops: [mac\n');
    const noMac = fs.readFileSync(path.join(repo, 'secrets/a.yaml'), 'utf8').replace(/^ {4}mac: .*$/m, '    mac: ""');
    plain('secrets/no-mac.yaml', noMac);
    fs.symlinkSync(path.join(repo, 'secrets/a.yaml'), path.join(repo, 'secrets/link.yaml'));
    plain('.sops.yaml', `creation_rules:\n  - path_regex: ^secrets/\n    age: ${recipient}\n  - path_regex: ^app/.*\\.json$\n    age: ${recipient}\n`);
  });

  it('finds exactly the sops-encrypted files a rule matches, nested ones included', () => {
    const config = loadConfig(ioAt(repo), path.join(repo, '.sops.yaml'));
    const scan = scanRepository(ioAt(repo), config);
    assert.deepEqual(rel(scan.files), [
      'app/e.json',
      'secrets/a.yaml',
      'secrets/blob.bin',
      'secrets/c.json',
      'secrets/d.env',
      'secrets/nested/deep/b.yaml',
    ]);
    assert.deepEqual(rel(scan.skipped), ['secrets/broken.yaml', 'secrets/mentions.yaml', 'secrets/no-mac.yaml', 'secrets/plain.yaml']);
    assert.deepEqual(scan.problems, []);
  });

  it('gives each file the path relative to the config directory, its rule and its format by name', () => {
    const config = loadConfig(ioAt(repo), path.join(repo, '.sops.yaml'));
    const scan = scanRepository(ioAt(path.join(repo, 'secrets')), config);
    const e = scan.files.find((f) => f.relative === 'app/e.json');
    assert.ok(e);
    assert.equal(e.rule.index, 1);
    assert.equal(e.format, 'json');
    assert.equal(scan.files.find((f) => f.relative === 'secrets/d.env')?.format, 'dotenv');
    assert.equal(scan.files.find((f) => f.relative === 'secrets/blob.bin')?.format, 'binary');
  });

  it('never enters .git or node_modules and does not follow symbolic links', () => {
    const files = walkFiles(ioAt(repo), repo).map((f) => path.relative(repo, f));
    assert.ok(!files.some((f) => f.startsWith('.git/') || f.includes('node_modules/')));
    assert.ok(!files.includes('secrets/link.yaml'));
    assert.ok(files.includes('secrets/a.yaml'));
  });

  it('lists files in a stable, sorted order', () => {
    const files = walkFiles(ioAt(repo), path.join(repo, 'secrets')).map((f) => path.relative(repo, f));
    assert.deepEqual(files.slice(0, 3), ['secrets/a.yaml', 'secrets/blob.bin', 'secrets/broken.yaml']);
  });
});

describe('mayBeSopsFile and hasMacAndVersion', () => {
  it('needs both the sops and mac markers', () => {
    assert.equal(mayBeSopsFile(Buffer.from('sops:\n    mac: x\n')), true);
    assert.equal(mayBeSopsFile(Buffer.from('sops_mac=x\n')), true);
    assert.equal(mayBeSopsFile(Buffer.from('password: hunter2\n')), false);
    assert.equal(mayBeSopsFile(Buffer.from('sops only\n')), false);
  });

  it('requires a non-empty mac and version, whatever their letter case', () => {
    assert.equal(hasMacAndVersion(newMap([{ key: 'mac', value: 'ENC[x]' }, { key: 'version', value: '3.13.2' }])), true);
    assert.equal(hasMacAndVersion(newMap([{ key: 'MAC', value: 'ENC[x]' }, { key: 'Version', value: '3.7.1' }])), true);
    assert.equal(hasMacAndVersion(newMap([{ key: 'mac', value: '' }, { key: 'version', value: '3.13.2' }])), false);
    assert.equal(hasMacAndVersion(newMap([{ key: 'mac', value: 'ENC[x]' }])), false);
    assert.equal(hasMacAndVersion(undefined), false);
  });
});
