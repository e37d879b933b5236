import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { tempDir } from '../helpers/paths.js';
import { runCli, runInProcess } from '../helpers/run.js';
import { hasBinary } from '../keys/ssh/test-keys.js';

/** The three lines of an age key file, checked for shape. */
function parseKeyFile(text: string): { created: string; recipient: string; identity: string } {
  const m = /^# created: (\S+)\n# public key: (\S+)\n(\S+)\n$/.exec(text);
  assert.ok(m, `not an age key file: ${JSON.stringify(text.slice(0, 60))}`);
  return { created: m[1] as string, recipient: m[2] as string, identity: m[3] as string };
}

describe('tsops keygen', () => {
  it('prints a new X25519 key file to stdout and its public key to stderr', async () => {
    const r = await runCli(['keygen']);
    assert.equal(r.code, 0, r.stderr);
    const key = parseKeyFile(r.stdout.toString());
    assert.match(key.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.match(key.recipient, /^age1[02-9ac-hj-np-z]{58}$/);
    assert.match(key.identity, /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
    assert.equal(await identityToRecipient(key.identity), key.recipient);
    assert.equal(r.stderr, `Public key: ${key.recipient}\n`);
  });

  it('makes a different key each time', async () => {
    const a = parseKeyFile((await runInProcess(['keygen'])).stdout.toString());
    const b = parseKeyFile((await runInProcess(['keygen'])).stdout.toString());
    assert.notEqual(a.identity, b.identity);
  });

  it('writes the creation time of the run', async () => {
    const r = await runInProcess(['keygen'], { now: new Date('2024-02-29T12:34:56Z') });
    const created = new Date(parseKeyFile(r.stdout.toString()).created);
    assert.equal(created.getTime(), Date.parse('2024-02-29T12:34:56Z'));
  });

  it('--pq makes a post-quantum hybrid key', async () => {
    const r = await runCli(['keygen', '--pq']);
    assert.equal(r.code, 0, r.stderr);
    const key = parseKeyFile(r.stdout.toString());
    assert.ok(key.recipient.startsWith('age1pq1'));
    assert.ok(key.identity.startsWith('AGE-SECRET-KEY-PQ-1'));
    assert.equal(await identityToRecipient(key.identity), key.recipient);
    assert.equal(r.stderr, `Public key: ${key.recipient}\n`);
  });

  it('-o creates the file with mode 0600 and prints nothing on stdout', async () => {
    const file = path.join(tempDir(), 'keys.txt');
    const r = await runCli(['keygen', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    const key = parseKeyFile(fs.readFileSync(file, 'utf8'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(r.stderr, `Public key: ${key.recipient}\n`);
  });

  it('-o never overwrites an existing file', async () => {
    const file = path.join(tempDir(), 'keys.txt');
    fs.writeFileSync(file, 'precious\n', { mode: 0o644 });
    const r = await runCli(['keygen', '-o', file]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /refusing to overwrite existing file/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'precious\n');
    assert.equal(r.stdout.length, 0);
  });

  it('-o into a missing directory fails without output', async () => {
    const file = path.join(tempDir(), 'no', 'such', 'dir', 'keys.txt');
    const r = await runInProcess(['keygen', '-o', file]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /could not write/);
    assert.equal(r.stdout.length, 0);
  });

  it('writes a key file age-keygen reads back to the same public key', { skip: hasBinary('age-keygen') ? false : 'age-keygen is not installed' }, async () => {
    const file = path.join(tempDir(), 'keys.txt');
    await runCli(['keygen', '-o', file]);
    const key = parseKeyFile(fs.readFileSync(file, 'utf8'));
    assert.equal(execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim(), key.recipient);
  });
});
