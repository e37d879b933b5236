/**
 * Input a hostile repository controls (a committed file, its metadata, `.sops.yaml`) must not
 * hang or exhaust the person who runs tsops: every attack here runs the real binary under a
 * deadline far above what a safe run needs, and must end well inside it with a clean error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alice, snapshot, snapshotDiff, workspace, STACK_LINE } from './fixtures.js';
import { runCliBounded, type BoundedOutcome } from '../helpers/bounded.js';
import { armorDecode, armorEncode } from '../../src/keys/age/armor.js';
import { encryptAgeFile } from '../../src/keys/age/age-file.js';
import { parseNativeIdentity, unwrapKey } from '../../src/keys/age/master-key.js';
import { Stanza, type Recipient } from '../../src/keys/age/stanza.js';
import { X25519Recipient, decodeX25519Recipient } from '../../src/keys/age/x25519.js';

/** Generous: a hang is killed at this point; a safe run takes a fraction of it. */
const DEADLINE_MS = 60_000;
/** What "well inside" means: even on a loaded 2-core machine a safe run stays below this. */
const BOUND_MS = 15_000;

function assertBounded(r: BoundedOutcome, what: string): void {
  assert.equal(r.killed, false, `${what}: still running after ${DEADLINE_MS} ms`);
  assert.ok(r.ms < BOUND_MS, `${what}: took ${Math.round(r.ms)} ms`);
  assert.doesNotMatch(r.stderr, STACK_LINE, `${what}: a stack trace`);
}

/** Forty `a`s then a character that is not: `(a+)+$` backtracks 2^40 times on it. */
const EVIL_KEY = `${'a'.repeat(40)}!`;

describe('ReDoS: Go regexes run in linear time', () => {
  it('decrypt of a file whose own metadata carries encrypted_regex (a+)+$ ends, failing on the MAC', async () => {
    const w = workspace();
    w.write('app.yaml', `${EVIL_KEY}: value\nother: secret\n`);
    const enc = await w.run(['encrypt', '-i', '--age', alice.recipient, 'app.yaml']);
    assert.equal(enc.code, 0, enc.stderr);
    // The attacker, holding no key, edits the metadata: the regex is read before the MAC is checked.
    const text = w.read('app.yaml').toString('utf8');
    assert.match(text, /\nsops:\n/);
    w.write('app.yaml', text.replace('\nsops:\n', "\nsops:\n    encrypted_regex: (a+)+$\n"));
    const r = await runCliBounded(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'decrypt');
    assert.notEqual(r.code, 0, 'a selector added without the key must not pass the MAC');
    assert.equal(r.stdout.length, 0);
  });

  it('encrypt under a .sops.yaml whose path_regex is (a+)+$ ends, with the rule not matching', async () => {
    const w = workspace();
    w.write('.sops.yaml', `creation_rules:\n    - path_regex: (a+)+$\n      age: ${alice.recipient}\n`);
    const name = `${EVIL_KEY.slice(0, -1)}b.yaml`;
    w.write(name, 'token: secret\n');
    const before = snapshot(w.dir);
    const r = await runCliBounded(['encrypt', '-i', name], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'encrypt');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no matching creation rules found/);
    assert.deepEqual(snapshotDiff(before, snapshot(w.dir)), []);
  });

  it('encrypt with --encrypted-regex (a+)+$ over a hostile key ends and encrypts by Go semantics', async () => {
    const w = workspace();
    w.write('app.yaml', `${EVIL_KEY}: keep-clear\n${'a'.repeat(40)}: hide-me\n`);
    const r = await runCliBounded(['encrypt', '--age', alice.recipient, '--encrypted-regex', '(a+)+$', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'encrypt');
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString('utf8');
    assert.match(out, new RegExp(`^${EVIL_KEY}: keep-clear$`, 'm'));
    assert.doesNotMatch(out, /hide-me/);
  });
});

/** Nine lines, nine aliases each: 9^9 (387 million) nodes once expanded. */
const BOMB = (() => {
  const lines = [`l0: &l0 [${Array(9).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
})();

describe('YAML alias bombs are refused as go-yaml refuses them', () => {
  it('decrypt (exit 2) and filestatus (exit 1) of an encrypted file with a bomb in front end at once', async () => {
    const w = workspace();
    w.write('app.yaml', 'token: secret\n');
    const enc = await w.run(['encrypt', '-i', '--age', alice.recipient, 'app.yaml']);
    assert.equal(enc.code, 0, enc.stderr);
    w.write('app.yaml', BOMB + w.read('app.yaml').toString('utf8'));
    const d = await runCliBounded(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(d, 'decrypt');
    assert.equal(d.code, 2, d.stderr);
    assert.match(d.stderr, /^tsops: app\.yaml: yaml: document contains excessive aliasing$/m);
    assert.equal(d.stdout.length, 0);
    // filestatus reports any unreadable file as "cannot check file status" (exit 1), as sops does.
    const f = await runCliBounded(['filestatus', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(f, 'filestatus');
    assert.equal(f.code, 1, f.stderr);
    assert.match(f.stderr, /^tsops: cannot check file status of app\.yaml: yaml: document contains excessive aliasing$/m);
  });

  it('encrypt of a plaintext bomb ends with exit 2 and writes nothing', async () => {
    const w = workspace();
    w.write('app.yaml', BOMB);
    const before = snapshot(w.dir);
    const r = await runCliBounded(['encrypt', '-i', '--age', alice.recipient, 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'encrypt');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /excessive aliasing/);
    assert.deepEqual(snapshotDiff(before, snapshot(w.dir)), []);
  });

  it('a bomb in .sops.yaml is a config error, not a hang', async () => {
    const w = workspace();
    w.write('.sops.yaml', `${BOMB}creation_rules:\n    - age: ${alice.recipient}\n`);
    w.write('app.yaml', 'token: secret\n');
    const r = await runCliBounded(['encrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'encrypt');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\.sops\.yaml: .*document contains excessive aliasing$/m);
  });

  it('an alias without an anchor is an error, not a silent null', async () => {
    const w = workspace();
    w.write('app.yaml', 'token: secret\nother: *nope\n');
    const r = await runCliBounded(['encrypt', '--age', alice.recipient, 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /yaml: line 2: unknown anchor 'nope' referenced/);
    assert.equal(r.stdout.length, 0);
  });
});

describe('JSON: nothing may follow the document', () => {
  it('decrypt of an encrypted file with a second object appended fails with exit 2', async () => {
    const w = workspace();
    w.write('app.json', '{"token": "secret"}\n');
    const enc = await w.run(['encrypt', '-i', '--age', alice.recipient, 'app.json']);
    assert.equal(enc.code, 0, enc.stderr);
    const good = w.read('app.json').toString('utf8');
    w.write('app.json', `${good}{"token": ""}\n`);
    const r = await runCliBounded(['decrypt', 'app.json'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'decrypt');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid json at line \d+, column 1: invalid character '\{' after top-level value/);
    assert.equal(r.stdout.length, 0);
    // Trailing whitespace alone is fine.
    w.write('app.json', `${good}\n\n  \n`);
    const ok = await runCliBounded(['decrypt', 'app.json'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout.toString('utf8'), /"token": "secret"/);
  });

  it('encrypt of plaintext with trailing garbage fails with exit 2 and writes nothing', async () => {
    const w = workspace();
    w.write('app.json', '{"token": "secret"} garbage');
    const before = snapshot(w.dir);
    const r = await runCliBounded(['encrypt', '-i', '--age', alice.recipient, 'app.json'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid character 'g' after top-level value/);
    assert.deepEqual(snapshotDiff(before, snapshot(w.dir)), []);
  });
});

/** The key-group report wraps long reasons over `|` lines: join them back. */
const unwrapped = (stderr: string): string => stderr.replace(/\n\s*\|\s*/g, ' ');

describe('age header: what age refuses, tsops refuses', () => {
  /**
   * An encrypted file whose `enc` is rewrapped by the key's owner with extra stanzas: a valid
   * header MAC, the same data key. What tsops accepted here but age and sops refuse.
   */
  async function rewrapped(extra: (own: Recipient) => Recipient[]): Promise<{ w: ReturnType<typeof workspace>; enc: string }> {
    const w = workspace();
    w.write('app.yaml', 'token: secret\n');
    const r = await w.run(['encrypt', '-i', '--age', alice.recipient, 'app.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const text = w.read('app.yaml').toString('utf8');
    const m = /( *)-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]*?-----END AGE ENCRYPTED FILE-----\n/.exec(text);
    assert.ok(m);
    const indent = m[1]!;
    const armored = m[0].split('\n').map((l) => l.slice(indent.length)).join('\n');
    const secret = alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    const dataKey = await unwrapKey(armored, [await parseNativeIdentity(secret, 'test')]);
    assert.equal(dataKey.length, 32);
    assert.ok(armorDecode(armored).length > 0);
    const own = new X25519Recipient(decodeX25519Recipient(alice.recipient));
    const file = await encryptAgeFile(extra(own), dataKey);
    const enc = armorEncode(file).split('\n').map((l) => (l === '' ? l : indent + l)).join('\n');
    w.write('app.yaml', text.replace(m[0], enc));
    return { w, enc };
  }

  it('a stanza argument with a TAB is refused by decrypt (exit 128), no plaintext printed', async () => {
    const { w } = await rewrapped((own) => [{ wrapFileKey: () => [new Stanza(['grease', 'a\tb'], new Uint8Array(0))] }, own]);
    const r = await runCliBounded(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'decrypt');
    assert.equal(r.code, 128, r.stderr);
    assert.match(unwrapped(r.stderr), /failed to decrypt the age data: invalid stanza: malformed argument/);
    assert.equal(r.stdout.length, 0);
  });

  it('an X25519 stanza for the own key with a wrong-size file key fails decrypt instead of being skipped', async () => {
    const { w } = await rewrapped((own) => [{ wrapFileKey: (fk) => own.wrapFileKey(new Uint8Array([...fk, 0])) }, own]);
    const r = await runCliBounded(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assertBounded(r, 'decrypt');
    assert.equal(r.code, 128, r.stderr);
    assert.match(unwrapped(r.stderr), /failed to decrypt the age data: invalid X25519 stanza: incorrect file key size/);
    assert.equal(r.stdout.length, 0);
  });

  it('the same rewrap without the hostile stanza still decrypts (the setup itself is sound)', async () => {
    const { w } = await rewrapped((own) => [{ wrapFileKey: () => [new Stanza(['grease', 'ok!'], new Uint8Array(5))] }, own]);
    const r = await runCliBounded(['decrypt', 'app.yaml'], { cwd: w.dir, env: w.env, deadlineMs: DEADLINE_MS });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString('utf8'), 'token: secret\n');
  });
});
