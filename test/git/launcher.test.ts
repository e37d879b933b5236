/** The command line `git setup` writes for the drivers, run through /bin/sh as git runs it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { driverCommand, findLauncher, shellQuote } from '../../src/git/launcher.js';
import { fakeIo } from '../helpers/fake-io.js';
import { binPath, tempDir } from '../helpers/paths.js';

const withPath = (PATH: string | undefined) => fakeIo({ env: PATH === undefined ? {} : { PATH } }).io;

describe('driverCommand', () => {
  it('finds this clone\'s launcher', () => {
    assert.equal(findLauncher(fakeIo().io), binPath);
  });

  it('quotes a launcher path with spaces and quotes so the shell runs it', () => {
    const dir = path.join(tempDir(), "it's a dir", 'bin');
    fs.mkdirSync(dir, { recursive: true });
    const launcher = path.join(dir, 'tsops.cjs');
    fs.writeFileSync(launcher, 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    const cmd = driverCommand(withPath('/nonexistent'), launcher);
    assert.equal(cmd, `node ${shellQuote(launcher)}`);
    const r = spawnSync('/bin/sh', ['-c', `${cmd} git textconv 'a b.yaml'`], { encoding: 'utf8' });
    assert.equal(r.stdout, JSON.stringify(['git', 'textconv', 'a b.yaml']));
  });

  it('says `tsops` only when the first tsops on PATH is this launcher', () => {
    const mine = tempDir();
    fs.symlinkSync(binPath, path.join(mine, 'tsops'));
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'tsops'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(driverCommand(withPath(`${mine}:/usr/bin`)), 'tsops');
    assert.equal(driverCommand(withPath(`${other}:${mine}`)), `node ${binPath}`);
    assert.equal(driverCommand(withPath(undefined)), `node ${binPath}`);
  });
});
