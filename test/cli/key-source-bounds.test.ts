/**
 * Identity sources a hostile environment could make endless: key files that never end
 * (/dev/zero) and key commands that never return or never stop printing. Through the real
 * binary each fails that source with a clear line, in bounded time, and the run ends with
 * "could not retrieve key" (exit 128); a large but legitimate key file still works.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, type RunOutcome } from '../helpers/run.js';
import { newKey } from './key-management-helpers.js';

const key = await newKey();

async function encryptedDir(): Promise<string> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'app.yaml'), 'token: abc\n');
  const r = await runCli(['encrypt', '-i', '--age', key.recipient, 'app.yaml'], { cwd: dir, env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

async function timedDecrypt(dir: string, extra: Record<string, string>): Promise<RunOutcome & { seconds: number }> {
  const started = Date.now();
  const r = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: cleanEnv(extra) });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

describe('bounded identity sources', () => {
  it('SOPS_AGE_KEY_FILE=/dev/zero fails that source at 16 MiB instead of reading forever', async () => {
    const dir = await encryptedDir();
    const r = await timedDecrypt(dir, { SOPS_AGE_KEY_FILE: '/dev/zero' });
    assert.equal(r.code, 128, r.stderr);
    assert.match(r.stderr, /SOPS_AGE_KEY_FILE \(\/dev\/zero\): error: failed to open SOPS_AGE_KEY_FILE file: read \/dev\/zero: larger than 16 MiB, too large for a key file/);
    assert.ok(r.seconds < 20, `took ${r.seconds} s`);
  });

  it('SOPS_AGE_SSH_PRIVATE_KEY_FILE=/dev/zero is bounded the same way', async () => {
    const dir = await encryptedDir();
    const r = await timedDecrypt(dir, { SOPS_AGE_SSH_PRIVATE_KEY_FILE: '/dev/zero' });
    assert.equal(r.code, 128, r.stderr);
    assert.match(r.stderr, /SOPS_AGE_SSH_PRIVATE_KEY_FILE \(\/dev\/zero\): error: failed to open file: read \/dev\/zero: larger than 16 MiB/);
  });

  it('a SOPS_AGE_KEY_CMD that never ends is stopped at the time limit, and the others are still consulted', async () => {
    const dir = await encryptedDir();
    const keys = path.join(dir, 'keys.txt');
    fs.writeFileSync(keys, `${key.secret}\n`);
    const stuck = await timedDecrypt(dir, { SOPS_AGE_KEY_CMD: 'sleep 600', TSOPS_KEY_COMMAND_TIMEOUT: '1' });
    assert.equal(stuck.code, 128, stuck.stderr);
    assert.match(stuck.stderr, /error: command sleep 600 from SOPS_AGE_KEY_CMD did not finish within 1 s and was stopped \(TSOPS_KEY_COMMAND_TIMEOUT sets the limit in seconds\)/);
    assert.ok(stuck.seconds < 15, `took ${stuck.seconds} s`);
    // The same stuck command beside a key file that holds the key: the file opens it.
    const ok = await timedDecrypt(dir, { SOPS_AGE_KEY_CMD: 'sleep 600', TSOPS_KEY_COMMAND_TIMEOUT: '1', SOPS_AGE_KEY_FILE: keys });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.toString(), 'token: abc\n');
  });

  it('a key command that exits but leaves a process holding its output is stopped too', async () => {
    const dir = await encryptedDir();
    // The background sleep keeps stdout open after the shell exits; it ends on its own.
    const r = await timedDecrypt(dir, { SOPS_AGE_SSH_PRIVATE_KEY_CMD: "sh -c 'sleep 5 & echo'", TSOPS_KEY_COMMAND_TIMEOUT: '1' });
    assert.equal(r.code, 128, r.stderr);
    assert.match(r.stderr, /from SOPS_AGE_SSH_PRIVATE_KEY_CMD did not finish within 1 s and was stopped/);
    assert.ok(r.seconds < 4.5, `took ${r.seconds} s: the result waited for the background process`);
  });

  it('a key command that prints without end is stopped past 16 MiB', async () => {
    const dir = await encryptedDir();
    const r = await timedDecrypt(dir, { SOPS_AGE_KEY_CMD: 'cat /dev/zero' });
    assert.equal(r.code, 128, r.stderr);
    assert.match(r.stderr, /error: command cat \/dev\/zero from SOPS_AGE_KEY_CMD printed more than 16 MiB and was stopped/);
    assert.ok(r.seconds < 20, `took ${r.seconds} s`);
  });

  it('a key file of several MiB (many keys and comments) and a key command that prints a key still work', async () => {
    const dir = await encryptedDir();
    const keys = path.join(dir, 'keys.txt');
    const filler = '# created: 2024-01-01T00:00:00Z\n# public key: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n';
    fs.writeFileSync(keys, filler.repeat(60_000) + `${key.secret}\n`);
    assert.ok(fs.statSync(keys).size > 5 * 1024 * 1024);
    const big = await timedDecrypt(dir, { SOPS_AGE_KEY_FILE: keys });
    assert.equal(big.code, 0, big.stderr);
    const cmd = await timedDecrypt(dir, { SOPS_AGE_KEY_CMD: `cat ${keys}` });
    assert.equal(cmd.code, 0, cmd.stderr);
    assert.equal(cmd.stdout.toString(), 'token: abc\n');
  });
});
