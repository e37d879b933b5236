/**
 * A secret key pasted where a recipient belongs is never echoed: every way a recipient reaches
 * tsops (`--age`, SOPS_AGE_RECIPIENTS, `.sops.yaml` in each form, rotate and groups flags,
 * updatekeys, a file's own metadata) is tried through the real binary with X25519,
 * post-quantum and plugin identities, and neither output stream may hold the key's body.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli, type RunOutcome } from '../helpers/run.js';
import { newKey } from './key-management-helpers.js';

const owner = await newKey();
const pasted = await newKey();

/** A post-quantum identity from tsops' own keygen. */
async function pqSecret(): Promise<string> {
  const r = await runCli(['keygen', '--pq'], { env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.toString().split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-PQ-1'));
  assert.ok(line, 'keygen --pq prints a post-quantum identity');
  return line;
}

const SECRETS: Record<string, string> = {
  x25519: pasted.secret,
  'x25519 in lower case': pasted.secret.toLowerCase(),
  'post-quantum': await pqSecret(),
  plugin: 'AGE-PLUGIN-YUBIKEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQ',
};

/**
 * Pieces of a secret that must never be printed: its Bech32 data (after the last '1', which the
 * data never contains) at the start, middle and end, so an abbreviated echo is caught too.
 */
function pieces(secret: string): string[] {
  const data = secret.slice(secret.lastIndexOf('1') + 1).toLowerCase();
  return [0, Math.floor(data.length / 2), data.length - 10].map((at) => data.slice(at, at + 10));
}

function assertNotEchoed(r: RunOutcome, secret: string, what: string): void {
  const all = (r.stdout.toString() + r.stderr).toLowerCase();
  for (const piece of pieces(secret)) {
    assert.ok(!all.includes(piece), `${what}: the secret key must not appear in the output:\n${r.stderr}`);
  }
}

function assertRefused(r: RunOutcome, secret: string, what: string): void {
  assert.equal(r.code, 1, `${what}: ${r.stderr}`);
  if (/^AGE-PLUGIN-/i.test(secret)) {
    // A plugin identity may be a recipient through its plugin (age-plugin spec, add-identity): it is
    // handed to its plugin, or refused as malformed (this test string's checksum is not valid), and never shown.
    assert.match(r.stderr, /age plugin identity given as a recipient|age-plugin-yubikey/, what);
  } else {
    assert.match(r.stderr, /this looks like a secret key, not a recipient/, what);
    assert.match(r.stderr, /^hint: give its public key instead \(age-keygen -y KEYFILE/m, what);
  }
  assertNotEchoed(r, secret, what);
}

async function encryptedFile(dir: string): Promise<void> {
  fs.writeFileSync(path.join(dir, 'app.yaml'), 'token: abc\n');
  const r = await runCli(['encrypt', '-i', '--age', owner.recipient, 'app.yaml'], { cwd: dir, env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
}

for (const [kind, secret] of Object.entries(SECRETS)) {
  describe(`a ${kind} secret key given as a recipient`, () => {
    const env = cleanEnv({ SOPS_AGE_KEY: owner.secret });

    it('--age, alone or in a list (with a stray comma too), is refused without echo', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'p.yaml'), 'a: 1\n');
      for (const age of [secret, `${owner.recipient},${secret}`, `${secret},`]) {
        const r = await runCli(['encrypt', '--age', age, 'p.yaml'], { cwd: dir, env });
        assert.notEqual(r.code, 0);
        assertNotEchoed(r, secret, `--age ${age === secret ? 'alone' : 'in a list'}`);
      }
      assertRefused(await runCli(['encrypt', '--age', secret, 'p.yaml'], { cwd: dir, env }), secret, '--age');
    });

    it('SOPS_AGE_RECIPIENTS is refused without echo', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'p.yaml'), 'a: 1\n');
      const r = await runCli(['encrypt', 'p.yaml'], { cwd: dir, env: { ...env, SOPS_AGE_RECIPIENTS: `${owner.recipient},${secret}` } });
      assertRefused(r, secret, 'SOPS_AGE_RECIPIENTS');
    });

    it('.sops.yaml (age as a string, with a stray comma, as a list, in key_groups) is refused without echo', async () => {
      const configs = [
        `creation_rules:\n  - age: ${secret}\n`,
        `creation_rules:\n  - age: ${secret},\n`,
        `creation_rules:\n  - age:\n      - ${owner.recipient}\n      - ${secret}\n`,
        `creation_rules:\n  - key_groups:\n      - age:\n          - ${secret}\n`,
      ];
      for (const config of configs) {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, '.sops.yaml'), config);
        fs.writeFileSync(path.join(dir, 'p.yaml'), 'a: 1\n');
        const r = await runCli(['encrypt', 'p.yaml'], { cwd: dir, env });
        assert.notEqual(r.code, 0, config);
        assertNotEchoed(r, secret, config);
      }
    });

    it('rotate --add-age, rotate --rm-age, groups add and updatekeys never echo it', async () => {
      const dir = tempDir();
      await encryptedFile(dir);
      assertRefused(await runCli(['rotate', '--add-age', secret, 'app.yaml'], { cwd: dir, env }), secret, 'rotate --add-age');
      assertRefused(await runCli(['groups', 'add', '-f', 'app.yaml', '--age', secret], { cwd: dir, env }), secret, 'groups add');
      const rm = await runCli(['rotate', '--rm-age', secret, 'app.yaml'], { cwd: dir, env });
      assert.match(rm.stderr, /--rm-age <a secret key, not shown> is not a recipient of the file/);
      assertNotEchoed(rm, secret, 'rotate --rm-age');
      fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - age: ${secret}\n`);
      const up = await runCli(['updatekeys', '-y', 'app.yaml'], { cwd: dir, env });
      assert.notEqual(up.code, 0);
      assertNotEchoed(up, secret, 'updatekeys');
    });

    it('a secret key written into a file\'s metadata as a recipient is not echoed by rotate, updatekeys or --verbose', async () => {
      const dir = tempDir();
      await encryptedFile(dir);
      const file = path.join(dir, 'app.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(owner.recipient, secret));
      for (const argv of [['rotate', 'app.yaml'], ['decrypt', '--verbose', 'app.yaml'], ['updatekeys', '-y', 'app.yaml']]) {
        if (argv[0] === 'updatekeys') fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - age: ${owner.recipient}\n`);
        const r = await runCli(argv, { cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: pasted.secret }) });
        assertNotEchoed(r, secret, argv.join(' '));
      }
    });
  });
}
