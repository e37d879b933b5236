/**
 * SSH keys and post-quantum keys through the real CLI: native ssh-ed25519 / ssh-rsa recipients,
 * SSH private keys as identities (file, command, ~/.ssh), passphrase prompts on a terminal,
 * the sops-nix and fluxcd fixtures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Encrypter, armor, generateIdentity, identityToRecipient } from 'age-encryption';
import { base64, base64nopad } from '@scure/base';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../helpers/paths.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { cleanEnv, runCli, runInProcess, type RunOutcome } from '../helpers/run.js';
import { goAgeRsa, hasBinary, keyPart, noSshKeygen, sshKeygen, writeKey, type GeneratedKey } from '../keys/ssh/test-keys.js';
import { noScript, runDetached, runWithTerminal } from './tty-run.js';

const PLAIN = 'db:\n    user: admin\n    password: hunter2\nport: 5432\n';
const work = tempDir();
let n = 0;

/** A fresh directory holding `plain.yaml`. */
function project(): string {
  const d = path.join(work, `p${n++}`);
  fs.mkdirSync(d);
  fs.writeFileSync(path.join(d, 'plain.yaml'), PLAIN);
  return d;
}

const keys = new Map<string, GeneratedKey>();
function sshKey(name: 'ed' | 'ed2' | 'prot' | 'rsa'): GeneratedKey {
  let k = keys.get(name);
  if (k === undefined) {
    const d = path.join(work, 'keys');
    fs.mkdirSync(d, { recursive: true });
    if (name === 'rsa') k = writeKey(d, 'rsa', goAgeRsa);
    else k = sshKeygen(d, name, ['-t', 'ed25519'], name === 'prot' ? 'open sesame' : '');
    keys.set(name, k);
  }
  return k;
}

function ok(r: RunOutcome): RunOutcome {
  assert.equal(r.code, 0, r.stderr);
  return r;
}

async function encryptTo(dir: string, recipients: string[], extra: string[] = []): Promise<string> {
  const out = path.join(dir, 'secret.yaml');
  ok(await runCli(['encrypt', '--age', recipients.join(','), ...extra, '--output', out, path.join(dir, 'plain.yaml')]));
  return out;
}

function ageEntries(file: string): Array<{ recipient: string; enc: string }> {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { sops: { age: Array<{ recipient: string; enc: string }> } };
  return doc.sops.age;
}

/** The stanza lines (`-> …`) of an armored age file. */
function stanzaLines(enc: string): string[] {
  const text = Buffer.from(armor.decode(enc)).toString('latin1');
  return text
    .slice(0, text.indexOf('\n---'))
    .split('\n')
    .filter((l) => l.startsWith('-> '));
}

function tagOf(pub: string): string {
  const wire = base64.decode(pub.split(/\s+/)[1] as string);
  return base64nopad.encode(createHash('sha256').update(wire).digest().subarray(0, 4));
}

/** The failure report with its wrapped `| ` reason lines joined back. */
const unwrapped = (stderr: string): string => stderr.replace(/\n\s*\| /g, ' ');

const env = (extra: Record<string, string | undefined>) => cleanEnv(extra);

describe('native SSH recipients', { skip: noSshKeygen }, () => {
  it('encrypts to ssh-ed25519 and ssh-rsa lines, storing them as given, in age ssh stanzas', async () => {
    const dir = project();
    const ed = sshKey('ed');
    const rsa = sshKey('rsa');
    const file = await encryptTo(dir, [` ${ed.pub} `, rsa.pub]);
    const entries = ageEntries(file);
    assert.deepEqual(
      entries.map((e) => e.recipient),
      [ed.pub, rsa.pub],
    );
    const [edLine] = stanzaLines(entries[0]!.enc);
    const [, type, tag, share] = edLine!.split(' ');
    assert.deepEqual([type, tag, base64nopad.decode(share!).length], ['ssh-ed25519', tagOf(ed.pub), 32]);
    assert.deepEqual(stanzaLines(entries[1]!.enc), [`-> ssh-rsa ${tagOf(rsa.pub)}`]);
  });

  it('decrypts with either SSH key given as SOPS_AGE_SSH_PRIVATE_KEY_FILE', async () => {
    const dir = project();
    const file = await encryptTo(dir, [sshKey('ed').pub, sshKey('rsa').pub]);
    for (const k of [sshKey('ed'), sshKey('rsa')]) {
      const r = ok(await runCli(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: k.path }) }));
      assert.equal(r.stdout.toString(), PLAIN);
    }
  });

  it('writes stanzas the age tool opens with the same SSH keys', { skip: hasBinary('age') ? false : 'age is not installed' }, async () => {
    const dir = project();
    const file = await encryptTo(dir, [sshKey('ed').pub, sshKey('rsa').pub]);
    const [edEnc, rsaEnc] = ageEntries(file).map((e) => e.enc);
    const opened = [
      execFileSync('age', ['-d', '-i', sshKey('ed').path], { input: edEnc }),
      execFileSync('age', ['-d', '-i', sshKey('rsa').path], { input: rsaEnc }),
    ];
    assert.equal(opened[0]!.length, 32);
    assert.deepEqual(opened[0], opened[1]);
  });

  it('takes SSH recipients from .sops.yaml, as a string and in key_groups', async () => {
    const dir = project();
    const age = await generateIdentity();
    fs.writeFileSync(
      path.join(dir, '.sops.yaml'),
      [
        'creation_rules:',
        '  - path_regex: one\\.yaml$',
        `    age: "${sshKey('ed').pub}"`,
        '  - path_regex: groups\\.yaml$',
        '    key_groups:',
        '      - age:',
        `          - ${sshKey('rsa').pub}`,
        `          - ${await identityToRecipient(age)}`,
        '',
      ].join('\n'),
    );
    fs.copyFileSync(path.join(dir, 'plain.yaml'), path.join(dir, 'one.yaml'));
    fs.copyFileSync(path.join(dir, 'plain.yaml'), path.join(dir, 'groups.yaml'));
    ok(await runCli(['encrypt', '-i', 'one.yaml'], { cwd: dir }));
    ok(await runCli(['encrypt', '-i', 'groups.yaml'], { cwd: dir }));
    assert.deepEqual(
      ageEntries(path.join(dir, 'one.yaml')).map((e) => e.recipient),
      [sshKey('ed').pub],
    );
    assert.deepEqual(
      ageEntries(path.join(dir, 'groups.yaml')).map((e) => e.recipient),
      [sshKey('rsa').pub, await identityToRecipient(age)],
    );
    const r = ok(await runCli(['decrypt', 'groups.yaml'], { cwd: dir, env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: sshKey('rsa').path }) }));
    assert.equal(r.stdout.toString(), PLAIN);
  });

  it('refuses an SSH key type age cannot encrypt to', async () => {
    const ecdsa = sshKeygen(path.join(work, 'keys'), `ecdsa${n++}`, ['-t', 'ecdsa']);
    const r = await runInProcess(['encrypt', '--age', ecdsa.pub, path.join(project(), 'plain.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown recipient type/);
    const dss = await runInProcess(['encrypt', '--age', 'ssh-dss AAAAB3NzaC1kc3MAAAABBw== x', path.join(project(), 'plain.yaml')]);
    assert.equal(dss.code, 1);
    assert.match(dss.stderr, /age-ssh public key/);
  });
});

describe('SSH private keys as identities', { skip: noSshKeygen }, () => {
  it('opens the sops-nix fixture with SOPS_AGE_SSH_PRIVATE_KEY_FILE=ssh-ed25519-key alone', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'sops-nix');
    const r = ok(
      await runCli(['decrypt', path.join(dir, 'secrets.yaml')], {
        env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: path.join(dir, 'ssh-ed25519-key') }),
      }),
    );
    const plain = parseYaml(r.stdout.toString()) as Record<string, unknown>;
    assert.deepEqual(plain, { test_key: 'test_value', a_list: ['e1', 'e3'], nested: { test: { file: 'another value' } } });
  });

  it('opens a file encrypted to the ssh-to-age conversion of a key with the key itself', async () => {
    const dir = project();
    const converted = ok(await runCli(['ssh-to-age', '-i', `${sshKey('ed').path}.pub`])).stdout.toString().trim();
    const file = await encryptTo(dir, [converted]);
    assert.match(stanzaLines(ageEntries(file)[0]!.enc)[0]!, /^-> X25519 /);
    const r = ok(await runCli(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: sshKey('ed').path }) }));
    assert.equal(r.stdout.toString(), PLAIN);
  });

  it('uses ~/.ssh/id_ed25519 and ~/.ssh/id_rsa from HOME', async () => {
    const dir = project();
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.copyFileSync(sshKey('ed').path, path.join(home, '.ssh', 'id_ed25519'));
    fs.copyFileSync(sshKey('rsa').path, path.join(home, '.ssh', 'id_rsa'));
    for (const k of [sshKey('ed'), sshKey('rsa')]) {
      const file = await encryptTo(project(), [k.pub]);
      const r = ok(await runCli(['decrypt', file], { env: env({ HOME: home }) }));
      assert.equal(r.stdout.toString(), PLAIN);
    }
  });

  it('runs SOPS_AGE_SSH_PRIVATE_KEY_CMD with the recipient and uses the key it prints', async () => {
    const dir = project();
    const file = await encryptTo(dir, [sshKey('ed').pub]);
    const log = path.join(dir, 'asked-for');
    const cmd = `sh -c 'echo "$SOPS_AGE_RECIPIENT" > "$0"; cat "$1"' ${log} ${sshKey('ed').path}`;
    const r = ok(await runCli(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_CMD: cmd }) }));
    assert.equal(r.stdout.toString(), PLAIN);
    assert.equal(fs.readFileSync(log, 'utf8').trim(), sshKey('ed').pub);
  });

  it('keeps going past an unparseable SSH key file, and reports it without its content', async () => {
    const dir = project();
    const age = await generateIdentity();
    const file = await encryptTo(dir, [await identityToRecipient(age)]);
    const broken = path.join(dir, 'broken_key');
    const body = sshKey('ed2').text.split('\n');
    fs.writeFileSync(broken, [body[0], body[1], body[body.length - 2]].join('\n'));
    const keysFile = path.join(dir, 'age.txt');
    fs.writeFileSync(keysFile, `${age}\n`);
    const good = ok(
      await runCli(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: broken, SOPS_AGE_KEY_FILE: keysFile }) }),
    );
    assert.equal(good.stdout.toString(), PLAIN);
    const bad = await runCli(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: broken }) });
    assert.equal(bad.code, 128);
    assert.ok(bad.stderr.includes(`malformed SSH identity in "${broken}"`), bad.stderr);
    assert.ok(!bad.stderr.includes(body[1]!), 'key text in the message');
  });

  it('a file for someone else does not make a protected key ask for its passphrase', async () => {
    const dir = project();
    const stranger = await identityToRecipient(await generateIdentity());
    const file = await encryptTo(dir, [stranger]);
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.copyFileSync(sshKey('prot').path, path.join(home, '.ssh', 'id_ed25519'));
    const r = await runDetached(['decrypt', file], { env: env({ HOME: home }) });
    assert.equal(r.code, 128);
    assert.match(unwrapped(r.stderr), /no identity matched any of the recipients/);
    assert.ok(!/passphrase|terminal/.test(r.stderr.split('Identity sources consulted')[0]!), r.stderr);
  });

  it('says a protected key needs a terminal when there is none', async () => {
    const dir = project();
    const file = await encryptTo(dir, [sshKey('prot').pub]);
    const r = await runDetached(['decrypt', file], { env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: sshKey('prot').path }) });
    assert.equal(r.code, 128, r.stderr);
    assert.match(unwrapped(r.stderr), /a passphrase is needed for ".*prot" but there is no terminal to ask it on/);
  });

  it('asks for a protected key\'s passphrase on the terminal once, though two key groups need it', { skip: noScript }, async () => {
    const dir = project();
    const k = sshKey('prot');
    const converted = ok(await runCli(['ssh-to-age', '-i', `${k.path}.pub`])).stdout.toString().trim();
    fs.writeFileSync(
      path.join(dir, '.sops.yaml'),
      `creation_rules:\n  - key_groups:\n      - age: ["${keyPart(k.pub)}"]\n      - age: ["${converted}"]\n`,
    );
    ok(await runCli(['encrypt', '-i', 'plain.yaml'], { cwd: dir }));
    const r = await runWithTerminal(['decrypt', 'plain.yaml'], ['open sesame'], {
      cwd: dir,
      env: env({ SOPS_AGE_SSH_PRIVATE_KEY_FILE: k.path }),
    });
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.prompts, 1, r.screen);
    assert.ok(r.screen.includes(`Enter passphrase for "${k.path}":`));
    assert.ok(r.screen.includes('password: hunter2'));
    assert.ok(!r.screen.includes('open sesame'), 'the passphrase was echoed');
  });
});

describe('passphrase-protected age identity files', () => {
  async function protectedKeyFile(dir: string, passphrase: string): Promise<{ file: string; recipient: string }> {
    const secret = await generateIdentity();
    const e = new Encrypter();
    e.setPassphrase(passphrase);
    e.setScryptWorkFactor(12);
    const file = path.join(dir, 'keys.age');
    fs.writeFileSync(file, armor.encode(await e.encrypt(`# protected\n${secret}\n`)));
    return { file, recipient: await identityToRecipient(secret) };
  }

  it('asks for the passphrase on the terminal and decrypts', { skip: noScript }, async () => {
    const dir = project();
    const { file: keyFile, recipient } = await protectedKeyFile(dir, 'pass phrase');
    const file = await encryptTo(dir, [recipient]);
    const r = await runWithTerminal(['decrypt', file], ['pass phrase'], { env: env({ SOPS_AGE_KEY_FILE: keyFile }) });
    assert.equal(r.code, 0, r.screen);
    assert.equal(r.prompts, 1);
    assert.ok(r.screen.includes('password: hunter2'));
  });

  it('fails clearly without a terminal', async () => {
    const dir = project();
    const { file: keyFile, recipient } = await protectedKeyFile(dir, 'pass phrase');
    const file = await encryptTo(dir, [recipient]);
    const r = await runDetached(['decrypt', file], { env: env({ SOPS_AGE_KEY_FILE: keyFile }) });
    assert.equal(r.code, 128, r.stderr);
    assert.match(unwrapped(r.stderr), /could not read passphrase for 'SOPS_AGE_KEY_FILE': a passphrase is needed .* no terminal to ask it on/);
  });
});

describe('post-quantum recipients', () => {
  it('encrypts to an age1pq1 recipient and decrypts with its AGE-SECRET-KEY-PQ-1 identity', async () => {
    const dir = project();
    const keyFile = path.join(dir, 'pq.txt');
    const gen = ok(await runCli(['keygen', '--pq', '-o', keyFile]));
    const recipient = /^Public key: (age1pq1\S+)$/m.exec(gen.stderr)?.[1];
    assert.ok(recipient);
    const file = await encryptTo(dir, [recipient]);
    assert.equal(ageEntries(file)[0]!.recipient, recipient);
    assert.match(stanzaLines(ageEntries(file)[0]!.enc)[0]!, /^-> mlkem768x25519 /);
    const r = ok(await runCli(['decrypt', file], { env: env({ SOPS_AGE_KEY_FILE: keyFile }) }));
    assert.equal(r.stdout.toString(), PLAIN);
    const other = ok(await runInProcess(['keygen'])).stdout.toString();
    fs.writeFileSync(path.join(dir, 'other.txt'), other);
    const wrong = await runInProcess(['decrypt', file], { env: env({ SOPS_AGE_KEY_FILE: path.join(dir, 'other.txt') }) });
    assert.equal(wrong.code, 128);
  });

  it('decrypts the fluxcd age-pq fixture with keys/age-pq.txt', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'fluxcd-kustomize-controller');
    const r = ok(
      await runCli(['decrypt', path.join(dir, 'algorithms', 'age-pq.yaml')], {
        env: env({ SOPS_AGE_KEY_FILE: path.join(dir, 'keys', 'age-pq.txt') }),
      }),
    );
    const plain = parseYaml(r.stdout.toString()) as { stringData: { key: string }; metadata: { name: string } };
    assert.equal(plain.metadata.name, 'age-pq');
    assert.equal(plain.stringData.key, 'value');
  });
});
