/**
 * A hostile repository, integrity: someone who can commit but holds no key changes an encrypted
 * file so that it still opens. Each test makes the change to a real file and runs the real binary.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseMetadata } from '../../src/core/metadata.js';
import { storeFor, formatForPath } from '../../src/formats/index.js';
import { runCli } from '../helpers/run.js';
import { alice, bob, runOnTerminal, workspace, type Workspace } from '../cli/edit-setup.js';

const run = (w: Workspace, ...argv: string[]) => runCli(argv, { cwd: w.dir, env: w.env });

function metadataOf(w: Workspace, name: string) {
  const parsed = storeFor(formatForPath(name)).parseEncrypted(fs.readFileSync(w.path(name)));
  return parseMetadata(parsed.metadata!);
}

function assertNoCrash(stderr: string): void {
  assert.doesNotMatch(stderr, /unexpected error|Cannot read properties|\n\s+at /);
}

const LIST_PLAIN = 'token: abc\nlist:\n    - one\n    - two\n    - three\n';

/** The attack: the second list item's `type:str` becomes `type:comment`; the old MAC rule still matches. */
function retagListItem(w: Workspace, name: string): void {
  const lines = w.read(name).split('\n');
  const at = lines.indexOf('list:') + 2;
  assert.match(lines[at]!, /^ {4}- ENC\[.*type:str\]$/);
  lines[at] = lines[at]!.replace('type:str]', 'type:comment]');
  w.write(name, lines.join('\n'));
}

describe('a list item turned into a comment (MAC of the sops 3.13.2 rule only)', () => {
  it('decrypt still opens the file (3.13.2 files must) but warns, naming the list', async () => {
    const w = workspace();
    await w.encrypt('a.yaml', LIST_PLAIN);
    retagListItem(w, 'a.yaml');
    const r = await run(w, 'decrypt', 'a.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout.toString(), /- two/);
    assert.match(r.stderr, /warning: a\.yaml: the MAC matches only the sops 3\.13\.2 rule.*\["list"\]/);
  });

  it('in JSON, where a comment is not shown at all, the item is gone but the warning names the list', async () => {
    const w = workspace();
    await w.encrypt('a.json', '{"list": ["one", "two", "three"]}');
    const text = w.read('a.json');
    const second = [...text.matchAll(/"ENC\[[^\]]*type:str\]"/g)][1]![0];
    w.write('a.json', text.replace(second, second.replace('type:str]', 'type:comment]')));
    const r = await run(w, 'decrypt', 'a.json');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout.toString(), /two/);
    assert.match(r.stderr, /warning: a\.json: the MAC matches only the sops 3\.13\.2 rule.*\["list"\]/);
  });

  it('rotate, set, unset and edit refuse to re-encrypt without confirmation, and the file is unchanged', async () => {
    const w = workspace();
    await w.encrypt('a.yaml', LIST_PLAIN);
    retagListItem(w, 'a.yaml');
    const before = w.read('a.yaml');
    const editor = w.editor('ed.sh', 'echo "extra: 1" >> "$1"');
    const attempts: string[][] = [
      ['rotate', '-i', 'a.yaml'],
      ['set', 'a.yaml', '["token"]', '"xyz"'],
      ['unset', 'a.yaml', '["token"]'],
      ['edit', 'a.yaml'],
      ['-r', '-i', 'a.yaml'],
    ];
    for (const argv of attempts) {
      const r = await runCli(argv, { cwd: w.dir, env: { ...w.env, EDITOR: editor } });
      assert.equal(r.code, 51, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /refusing to re-encrypt a file whose MAC matches only the sops 3\.13\.2 rule/);
      assert.match(r.stderr, /hint: check the comments in \["list"\].*--accept-legacy-mac/);
      assertNoCrash(r.stderr);
      assert.equal(w.read('a.yaml'), before, argv.join(' '));
    }
    assert.deepEqual(w.tmpEntries(), []);
  });

  it('updatekeys --rotate refuses too, while updatekeys alone (no re-encryption) goes on', async () => {
    const w = workspace();
    // bob leaves the rule, so --rotate gives the file a new data key
    w.write('.sops.yaml', `creation_rules:\n    - age: ${alice.recipient}\n`);
    await w.encrypt('a.yaml', LIST_PLAIN, ['--age', `${alice.recipient},${bob.recipient}`]);
    retagListItem(w, 'a.yaml');
    const before = w.read('a.yaml');
    const r = await run(w, 'updatekeys', '-y', '--rotate', 'a.yaml');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /refusing to re-encrypt/);
    assert.equal(w.read('a.yaml'), before);
    const plain = await run(w, 'updatekeys', '-y', 'a.yaml');
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(metadataOf(w, 'a.yaml').keyGroups[0]!.length, 1);
  });

  it('with --accept-legacy-mac the rewrite carries the current MAC: the next decrypt has no warning', async () => {
    const w = workspace();
    await w.encrypt('a.yaml', LIST_PLAIN);
    retagListItem(w, 'a.yaml');
    const r = await run(w, 'rotate', '-i', '--accept-legacy-mac', 'a.yaml');
    assert.equal(r.code, 0, r.stderr);
    const d = await run(w, 'decrypt', 'a.yaml');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stderr, '');
    assert.doesNotMatch(d.stdout.toString(), /- two/, 'the comment stays a comment');
    const s = await run(w, 'set', 'a.yaml', '["token"]', '"xyz"');
    assert.equal(s.code, 0, s.stderr);
  });

  it('on a terminal the question is asked: n leaves the file, y rewrites it', async () => {
    const w = workspace();
    await w.encrypt('a.yaml', LIST_PLAIN);
    retagListItem(w, 'a.yaml');
    const before = w.read('a.yaml');
    const answer = (key: string) => (screen: string) => (/\(y\/n\): $/.test(screen) ? `${key}\r` : undefined);
    const no = await runOnTerminal(['rotate', '-i', 'a.yaml'], { cwd: w.dir, env: w.env }, answer('n'));
    assert.equal(no.code, 1, no.screen);
    assert.match(no.screen, /Re-encrypt a\.yaml under the current MAC/);
    assert.equal(w.read('a.yaml'), before);
    const yes = await runOnTerminal(['rotate', '-i', 'a.yaml'], { cwd: w.dir, env: w.env }, answer('y'));
    assert.equal(yes.code, 0, yes.screen);
    assert.notEqual(w.read('a.yaml'), before);
    const d = await run(w, 'decrypt', 'a.yaml');
    assert.equal(d.stderr, '');
  });

  it('a genuine comment in a list under the current MAC gives no warning and rotates freely', async () => {
    const w = workspace();
    await w.encrypt('c.yaml', 'list:\n    - one\n    # a note\n    - two\n');
    assert.match(w.read('c.yaml'), /ENC\[[^\]]*type:comment\]/);
    const d = await run(w, 'decrypt', 'c.yaml');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stderr, '');
    const r = await run(w, 'rotate', '-i', 'c.yaml');
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('a map value retagged type:comment', () => {
  it('is a clear error (exit 25), with and without --ignore-mac', async () => {
    const w = workspace();
    await w.encrypt('m.yaml', 'token: abc\nother: x\n');
    const text = w.read('m.yaml');
    const first = text.split('\n')[0]!;
    w.write('m.yaml', text.replace(first, first.replace('type:str]', 'type:comment]')));
    for (const extra of [['--ignore-mac'], []]) {
      const r = await run(w, 'decrypt', ...extra, 'm.yaml');
      assert.equal(r.code, 25, r.stderr);
      assert.match(r.stderr, /^tsops: m\.yaml: the value at token: is tagged type:comment, which only a list item may be\n/);
      assertNoCrash(r.stderr);
      assert.equal(r.stdout.length, 0);
    }
  });
});

describe('duplicate keys', () => {
  it('an encrypted JSON file with a second, empty "password" is refused naming the key', async () => {
    const w = workspace();
    await w.encrypt('s.json', '{"db": {"password": "hunter2"}, "password": "hunter2"}');
    const text = w.read('s.json');
    w.write('s.json', text.replace('\t"sops": {', '\t"password": "",\n\t"sops": {'));
    const r = await run(w, 'decrypt', 's.json');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^tsops: s\.json: json: duplicate key \["password"\]/);
    assert.equal(r.stdout.length, 0);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });

  it('a nested duplicate in JSON is named by its path', async () => {
    const w = workspace();
    await w.encrypt('s.json', '{"db": {"password": "hunter2", "user": "u"}}');
    w.write('s.json', w.read('s.json').replace('"user":', '"password": "",\n\t\t"user":'));
    const r = await run(w, 'decrypt', 's.json');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /duplicate key \["db"\]\["password"\]/);
  });

  it('a dotenv TOKEN= after the real line: exec-env runs nothing', async () => {
    const w = workspace();
    await w.encrypt('s.env', 'TOKEN=hunter2\nOTHER=x\n');
    w.write('s.env', w.read('s.env').replace(/^(TOKEN=ENC\[[^\n]*\n)/m, '$1TOKEN=\n'));
    const marker = w.path('ran');
    const r = await run(w, 'exec-env', 's.env', `touch ${marker}`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dotenv: duplicate key \["TOKEN"\]/);
    assert.equal(fs.existsSync(marker), false);
  });

  it('a repeated sops_ metadata line in dotenv is refused too', async () => {
    const w = workspace();
    await w.encrypt('m.env', 'TOKEN=hunter2\n');
    w.write('m.env', w.read('m.env') + 'sops_version=3.13.2\n');
    const r = await run(w, 'decrypt', 'm.env');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dotenv: duplicate key \["sops_version"\]/);
  });

  it('plaintext JSON with duplicate keys is not encrypted (tsops could not open the result)', async () => {
    const w = workspace();
    w.write('p.json', '{"a": "1", "a": "2"}');
    const r = await run(w, 'encrypt', '--age', alice.recipient, '--output', 'out.json', 'p.json');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /duplicate key \["a"\]/);
    assert.equal(fs.existsSync(w.path('out.json')), false);
  });
});

describe('values no MAC covers, handed to a program', () => {
  it('exec-env names an injected empty variable (exported as sops does) and not the authenticated ones', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'PASSWORD: hunter2\n');
    const clean = await run(w, 'exec-env', 's.yaml', 'true');
    assert.equal(clean.stderr, '');
    w.write('s.yaml', 'GIT_SSL_NO_VERIFY: ""\n' + w.read('s.yaml'));
    const r = await run(w, 'exec-env', 's.yaml', 'printf "%s|%s" "${GIT_SSL_NO_VERIFY+set}" "$PASSWORD"');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'set|hunter2');
    assert.match(r.stderr, /warning: s\.yaml: no MAC covers the values of GIT_SSL_NO_VERIFY \(/);
    assert.doesNotMatch(r.stderr, /PASSWORD/);
  });

  it('with mac_only_encrypted an injected plaintext value is named too', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'PASSWORD: hunter2\nHOST: db\n', ['--mac-only-encrypted', '--encrypted-regex', '^PASSWORD$']);
    w.write('s.yaml', 'LD_PRELOAD: /tmp/evil.so\n' + w.read('s.yaml'));
    const r = await run(w, 'exec-env', 's.yaml', 'true');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no MAC covers the values of LD_PRELOAD, HOST /);
  });

  it('a later file that sets the name with a covered value clears the warning', async () => {
    const w = workspace();
    await w.encrypt('a.yaml', 'PASSWORD: hunter2\n');
    await w.encrypt('b.yaml', 'FLAG: on\n');
    w.write('a.yaml', 'FLAG: ""\n' + w.read('a.yaml'));
    const r = await run(w, 'exec-env', 'a.yaml', 'b.yaml', 'printf "%s" "$FLAG"');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'on');
    assert.equal(r.stderr, '');
  });

  it('exec-file names the key paths', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'db:\n    password: hunter2\n');
    w.write('s.yaml', 'PATH: ""\nHOOK: null\n' + w.read('s.yaml'));
    const r = await run(w, 'exec-file', '--no-fifo', 's.yaml', 'cat {} > /dev/null');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: s\.yaml: no MAC covers the values at \["PATH"\], \["HOOK"\] /);
    assert.doesNotMatch(r.stderr, /password/);
  });
});

/** Add an age recipient to the single group of a YAML file, with the given `enc` line(s). */
function injectRecipient(w: Workspace, name: string, recipient: string, enc = "''"): void {
  const text = w.read(name);
  w.write(name, text.replace('sops:\n    age:\n', `sops:\n    age:\n        - enc: ${enc}\n          recipient: ${recipient}\n`));
}

describe('recipients added to the metadata by hand', () => {
  it('decrypt warns naming a recipient with an empty enc; rotate refuses until --rm-age drops it', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'PASSWORD: hunter2\n');
    injectRecipient(w, 's.yaml', bob.recipient);
    const d = await run(w, 'decrypt', 's.yaml');
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, new RegExp(`warning: s\\.yaml: age recipient "${bob.recipient}" in key group 1 has no valid enc`));
    const before = w.read('s.yaml');
    const r = await run(w, 'rotate', '-i', 's.yaml');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`refusing to rotate: age recipient\\(s\\) "${bob.recipient}" have no valid enc`));
    assert.equal(w.read('s.yaml'), before, 'bob never receives a data key');
    const dropped = await run(w, 'rotate', '-i', '--rm-age', bob.recipient, 's.yaml');
    assert.equal(dropped.code, 0, dropped.stderr);
    assert.deepEqual(
      metadataOf(w, 's.yaml').keyGroups[0]!.map((k) => (k.type === 'age' ? k.recipient : '')),
      [alice.recipient],
    );
  });

  it('--add-age of that recipient is the owner keeping it: rotate wraps for it', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'PASSWORD: hunter2\n');
    injectRecipient(w, 's.yaml', bob.recipient, 'garbage');
    const r = await run(w, 'rotate', '-i', '--add-age', bob.recipient, 's.yaml');
    assert.equal(r.code, 0, r.stderr);
    const keys = metadataOf(w, 's.yaml').keyGroups[0]!;
    assert.equal(keys.length, 2);
    assert.ok(keys.every((k) => k.type === 'age' && k.enc.includes('BEGIN AGE ENCRYPTED FILE')));
  });

  it('rotate names a recipient that the creation rule does not list', async () => {
    const w = workspace();
    w.write('.sops.yaml', `creation_rules:\n    - age: ${alice.recipient}\n`);
    const r0 = await run(w, 'encrypt', '-i', '--age', `${alice.recipient},${bob.recipient}`, w.write('s.yaml', 'A: b\n'));
    assert.equal(r0.code, 0, r0.stderr);
    const r = await run(w, 'rotate', '-i', 's.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`age recipient "${bob.recipient}" in key group 1 is not in creation rule 1`));
    assert.doesNotMatch(r.stderr, new RegExp(alice.recipient));
  });

  it('a secret key pasted as a recipient is never echoed', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'PASSWORD: hunter2\n');
    const secret = bob.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    injectRecipient(w, 's.yaml', secret);
    const d = await run(w, 'decrypt', 's.yaml');
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /age recipient <a secret key, not shown> in key group 1 has no valid enc/);
    assert.ok(!d.stderr.includes(secret.slice(15)));
  });
});

describe('version', () => {
  it('rotate and updatekeys of a file without version write a valid one', async () => {
    const w = workspace();
    w.write('.sops.yaml', `creation_rules:\n    - age: ${alice.recipient},${bob.recipient}\n`);
    for (const [i, argv] of [['rotate', '-i'], ['updatekeys', '-y']].entries()) {
      const name = `v${i}.yaml`;
      await w.encrypt(name, 'A: b\n');
      w.write(name, w.read(name).replace(/\n {4}version: [^\n]*/, ''));
      assert.equal(metadataOf(w, name).version, '');
      const r = await run(w, ...argv, name);
      assert.equal(r.code, 0, r.stderr);
      assert.match(w.read(name), /\n {4}version: 3\.13\.2\n/, argv.join(' '));
    }
  });

  it('a version that is not a semver is refused on decrypt (exit 1), an empty one is read', async () => {
    const w = workspace();
    await w.encrypt('s.yaml', 'A: b\n');
    const good = w.read('s.yaml');
    w.write('s.yaml', good.replace(/version: 3\.13\.2/, 'version: banana'));
    const r = await run(w, 'decrypt', 's.yaml');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^tsops: s\.yaml: invalid sops metadata: version "banana" is not a semantic version\n/);
    assert.equal(r.stdout.length, 0);
    w.write('s.yaml', good.replace(/version: 3\.13\.2/, 'version: ""'));
    const e = await run(w, 'decrypt', 's.yaml');
    assert.equal(e.code, 0, e.stderr);
  });
});
