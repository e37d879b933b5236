import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { cleanEnv, runCli, runInProcess } from '../helpers/run.js';
import { goAgeRsa, noSshKeygen, sshKeygenReencode, type GeneratedKey } from '../keys/ssh/test-keys.js';
import { noScript, runDetached, runWithTerminal } from './tty-run.js';

const vectors = path.join(interopDir, 'ssh-to-age');
const at = (name: string): string => path.join(vectors, name);
// Expected conversions from ../shared/interop/ssh-to-age/SOURCE.md
const ED_PUBLIC = 'age17044m9wgakla6pzftf4srtl3h5mcsr85jysgt5fg23zpnta8sfdqhzn452';
const ED_SECRET = 'AGE-SECRET-KEY-1K3VN4N03PTHJWSJSCCMQCN33RY5FSKQPJ4KRRTG3JMQUYE0TUSEQEDH6V8';
const PASS_PUBLIC = 'age1pa3t6c94xl4z6k02rt0lw2za7e7tdjsse46xjh8y7tluy59qu5tqaqgauq';
const PASS_SECRET = 'AGE-SECRET-KEY-1EJQ0DZ679RZ4MF6KDC8L8F327SHUULYD5XP53C08ZHYT0KQLNWJQHG7X8P';
const KEYSCAN = [
  'age1hjm3aujg9e79f5yth8a2cejzdjg5n9vnu96l05p70uvfpeltnpms7yy3pp',
  'age1v8zjc47jmlqwefyu66s0d4ke98qr4vnuj3cpvs4z9npfdw833dxqwjrhzv',
];

const lines = (b: Buffer): string[] => b.toString('utf8').split('\n').filter((l) => l !== '');

describe('tsops ssh-to-age: public keys', () => {
  it('converts id_ed25519.pub given with -i to the expected recipient', { skip: interopSkip }, async () => {
    const r = await runCli(['ssh-to-age', '-i', at('id_ed25519.pub')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${ED_PUBLIC}\n`);
    assert.equal(r.stderr, '');
  });

  it('converts the passphrase key\'s public half, which needs no passphrase', { skip: interopSkip }, async () => {
    const r = await runCli(['ssh-to-age', '-i', at('id_ed25519_passphrase.pub')]);
    assert.equal(r.stdout.toString(), `${PASS_PUBLIC}\n`);
  });

  it('reads ssh-keyscan output from stdin: ed25519 keys in order, ssh-rsa lines skipped with a note', { skip: interopSkip }, async () => {
    const r = await runCli(['ssh-to-age'], { stdin: fs.readFileSync(at('keyscan.txt')) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), KEYSCAN);
    const notes = r.stderr.trim().split('\n');
    assert.equal(notes.length, 2);
    for (const note of notes) assert.match(note, /^tsops: <stdin>: line \d+: skipped ssh-rsa key .*only ssh-ed25519 keys convert/);
  });

  it('reads authorized_keys and known_hosts lines', { skip: interopSkip }, async () => {
    const pub = fs.readFileSync(at('id_ed25519.pub'), 'utf8').trim();
    const input = [
      '# my keys',
      `command="echo hi",no-pty ${pub}`,
      `host.example,10.0.0.1 ${pub.split(' ').slice(0, 2).join(' ')}`,
      '',
      goAgeRsa.pub,
    ].join('\n');
    const r = await runInProcess(['ssh-to-age'], { stdin: input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [ED_PUBLIC, ED_PUBLIC]);
    assert.match(r.stderr, /line 5: skipped ssh-rsa key/);
  });

  it('writes -o FILE', { skip: interopSkip }, async () => {
    const out = path.join(tempDir(), 'recipients.txt');
    const r = await runCli(['ssh-to-age', '-i', at('keyscan.txt'), '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0);
    assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n'), KEYSCAN);
  });

  it('fails when the input holds no ed25519 key', async () => {
    const r = await runInProcess(['ssh-to-age'], { stdin: `${goAgeRsa.pub}\n` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tsops: <stdin>: no ssh-ed25519 public key found/);
  });

  it('fails on a line that holds no key, naming the line', async () => {
    const r = await runInProcess(['ssh-to-age'], { stdin: 'not a key\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tsops: <stdin>: line 1: no ssh public key found/);
  });

  it('fails on a missing -i file', async () => {
    const r = await runCli(['ssh-to-age', '-i', path.join(tempDir(), 'nope.pub')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot read non-existent file/);
  });
});

describe('tsops ssh-to-age -private-key', () => {
  it('converts an unprotected OpenSSH ed25519 key to the expected identity', { skip: interopSkip }, async () => {
    const r = await runCli(['ssh-to-age', '-private-key', '-i', at('id_ed25519')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${ED_SECRET}\n`);
  });

  it('takes the passphrase from SSH_TO_AGE_PASSPHRASE (aes256-ctr vector)', { skip: interopSkip }, async () => {
    const r = await runDetached(['ssh-to-age', '-private-key', '-i', at('id_ed25519_passphrase')], {
      env: cleanEnv({ SSH_TO_AGE_PASSPHRASE: 'test' }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `${PASS_SECRET}\n`);
  });

  it('reads the key from stdin and writes -o FILE with mode 0600', { skip: interopSkip }, async () => {
    const out = path.join(tempDir(), 'age-key.txt');
    const r = await runCli(['ssh-to-age', '--private-key', '-o', out], { stdin: fs.readFileSync(at('id_ed25519')) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(out, 'utf8'), `${ED_SECRET}\n`);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  });

  it('refuses a wrong passphrase without printing key material', { skip: interopSkip }, async () => {
    const r = await runDetached(['ssh-to-age', '-private-key', '-i', at('id_ed25519_passphrase')], {
      env: cleanEnv({ SSH_TO_AGE_PASSPHRASE: 'not it' }),
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, /wrong passphrase/);
    assert.ok(!/AGE-SECRET-KEY|PRIVATE KEY/.test(r.stderr));
  });

  it('says how to give the passphrase when there is no terminal', { skip: interopSkip }, async () => {
    const r = await runDetached(['ssh-to-age', '-private-key', '-i', at('id_ed25519_passphrase')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /a passphrase is needed for ".*id_ed25519_passphrase" but there is no terminal to ask it on/);
    assert.match(r.stderr, /hint: .*SSH_TO_AGE_PASSPHRASE/);
  });

  it('refuses an RSA private key', async () => {
    const rsa = path.join(tempDir(), 'id_rsa');
    fs.writeFileSync(rsa, goAgeRsa.key, { mode: 0o600 });
    const r = await runCli(['ssh-to-age', '-private-key', '-i', rsa]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /only ed25519 keys convert/);
  });

  it('asks on the terminal, without echoing the passphrase', { skip: interopSkip || noScript }, async () => {
    const r = await runWithTerminal(['ssh-to-age', '-private-key', '-i', at('id_ed25519_passphrase')], ['test']);
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.prompts, 1);
    assert.match(r.screen, /Enter passphrase for ".*id_ed25519_passphrase":/);
    assert.ok(r.screen.includes(PASS_SECRET));
    assert.ok(!r.screen.replace(/id_ed25519_passphrase/g, '').includes('test'), 'the passphrase was echoed');
  });

  it('stops when Ctrl-C is pressed at the prompt', { skip: interopSkip || noScript }, async () => {
    const r = await runWithTerminal(['ssh-to-age', '-private-key', '-i', at('id_ed25519_passphrase')], ['\x03']);
    assert.notEqual(r.code, 0);
    assert.match(r.screen, /passphrase entry for .* was cancelled/);
    assert.ok(!r.screen.includes('AGE-SECRET-KEY'));
  });

  const ciphers = ['aes256-ctr', 'aes256-cbc', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com'];
  for (const cipher of ciphers) {
    it(`reads a key ssh-keygen protected with ${cipher}, giving the same identity`, { skip: interopSkip || noSshKeygen }, async () => {
      const source: GeneratedKey = { path: at('id_ed25519'), text: '', pub: '' };
      const k = sshKeygenReencode(source, tempDir(), 'key', ['-Z', cipher, '-a', '4'], 'pw');
      assert.match(k.text, /BEGIN OPENSSH PRIVATE KEY/);
      const r = await runInProcess(['ssh-to-age', '-private-key', '-i', k.path], { env: cleanEnv({ SSH_TO_AGE_PASSPHRASE: 'pw' }) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), `${ED_SECRET}\n`);
    });
  }
});
