/**
 * A command line that starts with a command's name builds only that command: its help, its
 * refusals and the options it parses are the same as with every command registered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { buildProgram, normalizeArgv } from '../../src/cli/program.js';
import { fakeIo } from '../helpers/fake-io.js';
import { cleanEnv } from '../helpers/run.js';

const COMMANDS = ['decrypt', 'encrypt', 'rotate', 'updatekeys', 'filestatus', 'exec-env', 'exec-file', 'set', 'unset', 'edit'];

/** What commander prints and throws for a command line, with one way of building the program. */
async function outcome(argv: string[], single: boolean): Promise<{ out: string; err: string; thrown: string }> {
  const f = fakeIo({ env: cleanEnv() });
  const args = normalizeArgv(argv);
  const program = buildProgram(f.io, single ? args : undefined);
  let thrown = '';
  try {
    // No action runs: every case here stops at help or at a refusal of the flags.
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    thrown = `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
  }
  return { out: f.stdout().toString(), err: f.stderr(), thrown };
}

test('a command built alone has the same help and flag errors as in the full program', async () => {
  for (const name of COMMANDS) {
    for (const argv of [[name, '--help'], [name, '--no-such-flag', 'f.yaml'], [name, '-no-such-flag']]) {
      const alone = await outcome(argv, true);
      const full = await outcome(argv, false);
      assert.deepEqual(alone, full, argv.join(' '));
      assert.ok(alone.out !== '' || alone.err !== '', `${argv.join(' ')} printed nothing`);
    }
  }
});

test('only the named command is registered, and only when the command line starts with it', () => {
  const io = fakeIo().io;
  assert.deepEqual(buildProgram(io, ['decrypt', 'f.yaml']).commands.map((c) => c.name()), ['decrypt']);
  // Flags before the command, another command or a file to edit: the whole program.
  for (const argv of [['--verbose', 'decrypt', 'f.yaml'], ['groups', 'add'], ['f.yaml'], []]) {
    assert.ok(buildProgram(io, argv).commands.length > COMMANDS.length, argv.join(' '));
  }
});

test('the launcher keeps a code cache of its own for every command but the unsupported stubs', () => {
  // bin/tsops.cjs picks the cache before the bundle loads, so it holds its own list of names.
  const launcher = fs.readFileSync(path.join(repoRoot, 'bin', 'tsops.cjs'), 'utf8');
  const listed = /const CACHED_COMMANDS = \[([^\]]*)\]/.exec(launcher)?.[1];
  assert.ok(listed !== undefined, 'CACHED_COMMANDS not found in bin/tsops.cjs');
  const cached = [...listed.matchAll(/'([^']+)'/g)].map((m) => m[1]!).sort();
  const io = fakeIo().io;
  const all = buildProgram(io, []).commands.map((c) => c.name());
  // help and version print and exit; completion, publish and keyservice only say they are not supported
  const rare = ['help', 'version', 'completion', 'publish', 'keyservice'];
  assert.deepEqual(cached, all.filter((n) => !rare.includes(n)).sort());
  // and the commands registered alone are exactly those this file lists
  assert.deepEqual(all.filter((n) => buildProgram(io, [n]).commands.length === 1).sort(), [...COMMANDS].sort());
});
