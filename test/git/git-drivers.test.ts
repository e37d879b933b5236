/**
 * The git drivers end to end: a real repository, real commits, branches and `git merge`, with git
 * running the real tsops binary as `tsops git setup` wired it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { decryptSops } from 'sops-age';
import { tempDir, binPath } from '../helpers/paths.js';
import { runCli } from '../helpers/run.js';
import { encOf, newKey, newRepo, type AgeKey, type Repo } from './repo.js';

const alice = await newKey();
const aliceSecret = alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
const FILE = 'secrets/app.yaml';
const PLAIN = 'db:\n    user: admin\n    password: base-pass\napi_key: base-key\nold_token: remove-me\nport: 5432\n';

function config(key: AgeKey): string {
  return `keys:\n  - &alice ${key.recipient}\ncreation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    key_groups:\n      - age:\n          - *alice\n`;
}

/** A repository with `.sops.yaml`, the drivers wired, and secrets/app.yaml encrypted and committed on main. */
async function wiredRepo(): Promise<Repo> {
  const repo = newRepo(alice);
  repo.write('.sops.yaml', config(alice));
  repo.write(FILE, PLAIN);
  const enc = await repo.tsops(['encrypt', '-i', FILE]);
  assert.equal(enc.code, 0, enc.stderr);
  const setup = await repo.tsops(['git', 'setup']);
  assert.equal(setup.code, 0, setup.stderr);
  repo.commitAll('base');
  return repo;
}

async function set(repo: Repo, keyPath: string, json: string): Promise<void> {
  const r = await repo.tsops(['set', FILE, keyPath, json]);
  assert.equal(r.code, 0, r.stderr);
}

async function decrypted(repo: Repo, name = FILE): Promise<Record<string, unknown>> {
  const r = await repo.tsops(['decrypt', name]);
  assert.equal(r.code, 0, r.stderr);
  return parseYaml(r.stdout.toString('utf8')) as Record<string, unknown>;
}

function conflicted(repo: Repo): string[] {
  return repo.ok(['diff', '--name-only', '--diff-filter=U']).split('\n').filter((l) => l !== '');
}

describe('tsops git setup', () => {
  it('writes the drivers into the repository config and each .gitattributes line once', async () => {
    const repo = await wiredRepo();
    const textconv = repo.ok(['config', '--local', '--get', 'diff.sops.textconv']).trim();
    const driver = repo.ok(['config', '--local', '--get', 'merge.sops.driver']).trim();
    // not on PATH here: the launcher of this clone, run by node
    assert.equal(textconv, `node ${binPath} git textconv`);
    assert.equal(driver, `node ${binPath} git merge-driver %O %A %B %P`);
    assert.equal(repo.ok(['config', '--local', '--get', 'diff.sops.cachetextconv']).trim(), 'false');
    // derived from the rule's path_regex ^secrets/.*\.yaml$
    assert.equal(repo.read('.gitattributes'), 'secrets/**/*.yaml diff=sops merge=sops\n');
    const again = await repo.tsops(['git', 'setup', 'secrets/**/*.yaml', '*.env']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout.toString(), /secrets\/\*\*\/\*\.yaml diff=sops merge=sops \(already there\)/);
    assert.equal(repo.read('.gitattributes'), 'secrets/**/*.yaml diff=sops merge=sops\n*.env diff=sops merge=sops\n');
    assert.equal(repo.ok(['check-attr', 'diff', 'merge', '--', FILE]), `${FILE}: diff: sops\n${FILE}: merge: sops\n`);
  });

  it('writes `tsops` when the tsops on PATH is this installation', async () => {
    const bin = tempDir('tsops-path-');
    fs.symlinkSync(binPath, path.join(bin, 'tsops'));
    const repo = newRepo(alice);
    const env = { ...repo.env, PATH: `${bin}${path.delimiter}${repo.env['PATH'] ?? ''}` };
    const r = await repo.tsops(['git', 'setup', 'secrets/*.yaml'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(repo.ok(['config', '--get', 'merge.sops.driver']).trim(), 'tsops git merge-driver %O %A %B %P');
    assert.equal(repo.read('.gitattributes'), 'secrets/*.yaml diff=sops merge=sops\n');
  });

  it('names the rules it cannot turn into patterns, and refuses when none is left', async () => {
    const repo = newRepo(alice);
    repo.write('.sops.yaml', `creation_rules:\n  - path_regex: (dev|prod)/.*secret\n    age: ${alice.recipient}\n`);
    const r = await repo.tsops(['git', 'setup']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /creation_rules\[0\] "\(dev\|prod\)\/\.\*secret" has no \.gitattributes pattern/);
    assert.match(r.stderr, /no creation rule of \.sops\.yaml maps to a \.gitattributes pattern/);
    assert.equal(fs.existsSync(path.join(repo.dir, '.gitattributes')), false);
    const bad = await repo.tsops(['git', 'setup', 'a b']);
    assert.equal(bad.code, 8);
    assert.match(bad.stderr, /unusable \.gitattributes pattern/);
  });

  it('scopes the patterns of a .sops.yaml in a subdirectory to that directory', async () => {
    const repo = newRepo(alice);
    repo.write('infra/.sops.yaml', `creation_rules:\n  - path_regex: \\.env$\n    age: ${alice.recipient}\n  - path_regex: ^k8s/.*\\.yaml$\n    age: ${alice.recipient}\n`);
    const r = await runCli(['git', 'setup'], { cwd: path.join(repo.dir, 'infra'), env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(repo.read('.gitattributes'), 'infra/**/*.env diff=sops merge=sops\ninfra/k8s/**/*.yaml diff=sops merge=sops\n');
    assert.equal(repo.ok(['check-attr', 'merge', '--', 'infra/a/b.env', 'b.env', 'infra/k8s/x/y.yaml', 'infra/y.yaml']),
      'infra/a/b.env: merge: sops\nb.env: merge: unspecified\ninfra/k8s/x/y.yaml: merge: sops\ninfra/y.yaml: merge: unspecified\n');
  });

  it('fails clearly outside a git work tree', async () => {
    const dir = tempDir();
    const env = { ...newRepo(alice).env, GIT_CEILING_DIRECTORIES: path.dirname(dir) };
    const outside = await runCli(['git', 'setup', '*.yaml'], { cwd: dir, env });
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /^tsops: not inside a git work tree/m);
    assert.equal(fs.existsSync(path.join(dir, '.gitattributes')), false);
  });
});

describe('the diff driver', () => {
  it('shows plaintext changes in git log -p, git show and git diff', async () => {
    const repo = await wiredRepo();
    await set(repo, '["api_key"]', '"next-key"');
    repo.commitAll('rotate the api key');
    const log = repo.ok(['log', '-p', '--', FILE]);
    assert.match(log, /^-api_key: base-key$/m);
    assert.match(log, /^\+api_key: next-key$/m);
    // the base commit shows the whole file in clear, the metadata not at all
    assert.match(log, /^\+    password: base-pass$/m);
    assert.doesNotMatch(log, /ENC\[/);
    const show = repo.ok(['show', 'HEAD']);
    assert.match(show, /^-api_key: base-key\n\+api_key: next-key$/m);
    await set(repo, '["port"]', '5433');
    assert.match(repo.ok(['diff']), /^-port: 5432\n\+port: 5433$/m);
    // the stored blobs stay encrypted
    assert.doesNotMatch(repo.ok(['show', `HEAD:${FILE}`]), /next-key/);
  });

  it('shows a change of recipients, named by .sops.yaml, though no value changed', async () => {
    const repo = await wiredRepo();
    const bob = await newKey();
    assert.match(repo.ok(['show', 'HEAD', '--', FILE]), new RegExp(`^\\+#> sops group 1: alice \\(${alice.recipient}\\)$`, 'm'));
    const r = await repo.tsops(['rotate', '-i', '--add-age', bob.recipient, FILE]);
    assert.equal(r.code, 0, r.stderr);
    repo.commitAll('add bob');
    const show = repo.ok(['show', 'HEAD']);
    const changed = show.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    assert.deepEqual(changed, [`+#> sops group 1: ${bob.recipient}`]);
  });

  it('shows a version it cannot decrypt as it is, without failing the diff', async () => {
    const repo = await wiredRepo();
    await set(repo, '["api_key"]', '"next-key"');
    const env = { ...repo.env, SOPS_AGE_KEY_FILE: path.join(repo.dir, 'no-such-keys.txt') };
    const r = repo.git(['diff'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[-+]api_key: ENC\[/m);
    assert.match(r.stderr, /cannot decrypt .*showing it encrypted/);
  });
});

describe('the merge driver', () => {
  it('merges changes to different keys into one encrypted file that independent readers decrypt', async () => {
    const repo = await wiredRepo();
    const base = repo.read(FILE);
    repo.ok(['checkout', '-q', '-b', 'feature']);
    await set(repo, '["db"]["password"]', '"feature-pass"');
    await set(repo, '["feature_flag"]', 'true');
    repo.commitAll('feature');
    const feature = repo.read(FILE);
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["api_key"]', '"main-key"');
    assert.equal((await repo.tsops(['unset', FILE, '["old_token"]'])).code, 0);
    repo.commitAll('main');
    const main = repo.read(FILE);

    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.deepEqual(conflicted(repo), []);
    assert.equal(repo.ok(['status', '--porcelain']), '');
    const expected = { db: { user: 'admin', password: 'feature-pass' }, api_key: 'main-key', feature_flag: true, port: 5432 };
    const merged = repo.read(FILE);
    assert.deepEqual(await decrypted(repo), expected);
    // sops-age, a separate decoder, checks the format and the MAC
    assert.deepEqual(await decryptSops(merged, { fileType: 'yaml', secretKey: aliceSecret }), expected);
    // unchanged values keep their ciphertext; theirs' change keeps theirs' (same data key)
    assert.equal(encOf(merged, 'user'), encOf(base, 'user'));
    assert.equal(encOf(merged, 'port'), encOf(base, 'port'));
    assert.equal(encOf(merged, 'api_key'), encOf(main, 'api_key'));
    assert.equal(encOf(merged, 'password'), encOf(feature, 'password'));
    assert.notEqual(/mac: (.*)/.exec(merged)![1], /mac: (.*)/.exec(main)![1]);
    assert.doesNotMatch(merged, /feature-pass|main-key|admin/);
  });

  it('works for a rebase too (git pull --rebase replays commits through the driver)', async () => {
    const repo = await wiredRepo();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    await set(repo, '["db"]["user"]', '"root"');
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["api_key"]', '"main-key"');
    repo.commitAll('main');
    repo.ok(['checkout', '-q', 'feature']);
    const r = repo.git(['rebase', 'main']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await decrypted(repo), { db: { user: 'root', password: 'base-pass' }, api_key: 'main-key', old_token: 'remove-me', port: 5432 });
    assert.equal(repo.ok(['rev-list', '--count', 'main..feature']).trim(), '1');
  });

  it('leaves a conflict encrypted, with both sides kept, and tsops edit resolves it', async () => {
    const repo = await wiredRepo();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    await set(repo, '["api_key"]', '"theirs-key"');
    await set(repo, '["db"]["password"]', '"feature-pass"');
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["api_key"]', '"ours-key"');
    await set(repo, '["port"]', '6000');
    repo.commitAll('main');

    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.notEqual(m.code, 0);
    assert.match(m.stdout + m.stderr, /1 conflicting value at \["api_key"\]; both sides are kept, encrypted/);
    assert.deepEqual(conflicted(repo), [FILE]);
    // nothing else was written into the work tree
    assert.equal(repo.ok(['status', '--porcelain', '--untracked-files=all']), `UU ${FILE}\n`);
    const onDisk = repo.read(FILE);
    for (const secret of ['ours-key', 'theirs-key', 'feature-pass', 'admin', 'base-pass', '<<<<<<<']) {
      assert.ok(!onDisk.includes(secret), `${secret} is on disk in clear`);
    }
    // a valid sops file: the MAC verifies, the other side's change is merged, the conflict is one value
    const d = await decrypted(repo);
    assert.deepEqual(d, {
      db: { user: 'admin', password: 'feature-pass' },
      api_key: '<<<<<<< ours\nours-key\n=======\ntheirs-key\n>>>>>>> theirs',
      old_token: 'remove-me',
      port: 6000,
    });
    assert.deepEqual((await decryptSops(onDisk, { fileType: 'yaml', secretKey: aliceSecret }))['api_key'], d['api_key']);

    // the editor sees the conflict and saves a resolution
    const seen = path.join(path.dirname(repo.dir), 'seen.txt');
    const script = path.join(path.dirname(repo.dir), 'resolve.cjs');
    fs.writeFileSync(
      script,
      `const fs = require('fs'); const f = process.argv[2]; const t = fs.readFileSync(f, 'utf8');\n` +
        `fs.writeFileSync(${JSON.stringify(seen)}, t);\n` +
        `fs.writeFileSync(f, t.replace(/^api_key:[\\s\\S]*?>>>>>>> theirs"?\\n/m, 'api_key: resolved-key\\n'));\n`,
    );
    const editor = path.join(path.dirname(repo.dir), 'editor.sh');
    fs.writeFileSync(editor, `#!/bin/sh\nexec node ${script} "$1"\n`, { mode: 0o755 });
    const e = await repo.tsops(['edit', FILE], { ...repo.env, EDITOR: editor });
    assert.equal(e.code, 0, e.stderr);
    const shown = fs.readFileSync(seen, 'utf8');
    assert.match(shown, /<<<<<<< ours/);
    assert.match(shown, /ours-key/);
    assert.match(shown, /theirs-key/);
    assert.match(shown, />>>>>>> theirs/);
    assert.deepEqual(await decrypted(repo), { db: { user: 'admin', password: 'feature-pass' }, api_key: 'resolved-key', old_token: 'remove-me', port: 6000 });
    repo.ok(['add', FILE]);
    repo.ok(['commit', '-q', '--no-edit']);
    assert.equal(repo.ok(['status', '--porcelain']), '');
  });

  it('merges across a rotated data key, keeping ours', async () => {
    const repo = await wiredRepo();
    const baseCommit = repo.ok(['rev-parse', 'HEAD']).trim();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    await set(repo, '["api_key"]', '"feature-key"');
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    const rot = await repo.tsops(['rotate', '-i', FILE]);
    assert.equal(rot.code, 0, rot.stderr);
    repo.commitAll('rotate');
    const rotated = repo.read(FILE);

    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    const merged = repo.read(FILE);
    const expected = { db: { user: 'admin', password: 'base-pass' }, api_key: 'feature-key', old_token: 'remove-me', port: 5432 };
    assert.deepEqual(await decrypted(repo), expected);
    assert.deepEqual(await decryptSops(merged, { fileType: 'yaml', secretKey: aliceSecret }), expected);
    // ours' data key: its wrapped key and its unchanged ciphertexts are those of the rotated file
    assert.equal(/enc: \|\n([\s\S]*?-----END AGE ENCRYPTED FILE-----)/.exec(merged)![1], /enc: \|\n([\s\S]*?-----END AGE ENCRYPTED FILE-----)/.exec(rotated)![1]);
    assert.equal(encOf(merged, 'user'), encOf(rotated, 'user'));

    // the other way round: only theirs rotated, so the merge takes theirs' key (a merge never undoes a rotation)
    repo.ok(['checkout', '-q', '-b', 'other', baseCommit]);
    await set(repo, '["port"]', '7000');
    repo.commitAll('other');
    const m2 = repo.git(['merge', '--no-edit', 'main']);
    assert.equal(m2.code, 0, m2.stdout + m2.stderr);
    assert.equal(m2.stderr, '');
    const merged2 = repo.read(FILE);
    assert.deepEqual(await decrypted(repo), { ...expected, port: 7000 });
    assert.equal(/enc: \|\n([\s\S]*?-----END AGE ENCRYPTED FILE-----)/.exec(merged2)![1], /enc: \|\n([\s\S]*?-----END AGE ENCRYPTED FILE-----)/.exec(rotated)![1]);
    assert.equal(encOf(merged2, 'user'), encOf(rotated, 'user'));
  });

  it('keeps a recipient removed on theirs removed', async () => {
    const bob = await newKey();
    const bobSecret = bob.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    const repo = await wiredRepo();
    const TEAM = 'secrets/team.yaml';
    repo.write(TEAM, 'token: base\nother: x\n');
    assert.equal((await repo.tsops(['encrypt', '-i', '--age', `${alice.recipient},${bob.recipient}`, TEAM])).code, 0);
    repo.commitAll('team');
    repo.ok(['checkout', '-q', '-b', 'revoke']);
    const rm = await repo.tsops(['rotate', '-i', '--rm-age', bob.recipient, TEAM]);
    assert.equal(rm.code, 0, rm.stderr);
    repo.commitAll('revoke bob');
    repo.ok(['checkout', '-q', 'main']);
    assert.equal((await repo.tsops(['set', TEAM, '["token"]', '"new-secret"'])).code, 0);
    repo.commitAll('new token');
    const m = repo.git(['merge', '--no-edit', 'revoke']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    const merged = repo.read(TEAM);
    assert.ok(!merged.includes(bob.recipient), 'bob is back among the recipients');
    assert.deepEqual(await decryptSops(merged, { fileType: 'yaml', secretKey: aliceSecret }), { token: 'new-secret', other: 'x' });
    await assert.rejects(decryptSops(merged, { fileType: 'yaml', secretKey: bobSecret }));
  });

  it('without a key says so, leaves git\'s conflict and ours untouched', async () => {
    const repo = await wiredRepo();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    await set(repo, '["api_key"]', '"feature-key"');
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["port"]', '6000');
    repo.commitAll('main');
    const ours = repo.read(FILE);
    const env = { ...repo.env, SOPS_AGE_KEY_FILE: path.join(repo.dir, 'no-such-keys.txt') };
    const m = repo.git(['merge', '--no-edit', 'feature'], env);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /cannot merge secrets\/app\.yaml \(ours\): failed to get the data key/);
    assert.deepEqual(conflicted(repo), [FILE]);
    assert.equal(repo.read(FILE), ours);
    assert.deepEqual(fs.readdirSync(path.join(repo.dir, 'secrets')), ['app.yaml']);
  });

  it('refuses a side that was tampered with, leaving ours', async () => {
    const repo = await wiredRepo();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    const text = repo.read(FILE);
    const port = encOf(text, 'port');
    // another value's ciphertext moved under port: each value is bound to its key path
    repo.write(FILE, text.replace(port, encOf(text, 'api_key')));
    repo.commitAll('tampered');
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["api_key"]', '"main-key"');
    repo.commitAll('main');
    const ours = repo.read(FILE);
    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /cannot merge secrets\/app\.yaml \(theirs\): could not decrypt value at port:/);
    assert.doesNotMatch(m.stderr, /main-key|base-key/);
    assert.deepEqual(conflicted(repo), [FILE]);
    assert.equal(repo.read(FILE), ours);
  });

  it('merges JSON files too', async () => {
    const repo = await wiredRepo();
    assert.equal((await repo.tsops(['git', 'setup', '*.json'])).code, 0);
    repo.write('cfg.json', '{\n\t"a": "one",\n\t"b": 2,\n\t"c": {\n\t\t"d": true\n\t}\n}\n');
    assert.equal((await repo.tsops(['encrypt', '-i', '--age', alice.recipient, 'cfg.json'])).code, 0);
    repo.commitAll('json');
    repo.ok(['checkout', '-q', '-b', 'feature']);
    assert.equal((await repo.tsops(['set', 'cfg.json', '["c"]["d"]', 'false'])).code, 0);
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    assert.equal((await repo.tsops(['set', 'cfg.json', '["a"]', '"uno"'])).code, 0);
    repo.commitAll('main');
    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    const expected = { a: 'uno', b: 2, c: { d: false } };
    assert.deepEqual(await decryptSops(repo.read('cfg.json'), { fileType: 'json', secretKey: aliceSecret }), expected);
    const d = await repo.tsops(['decrypt', 'cfg.json']);
    assert.deepEqual(JSON.parse(d.stdout.toString()), expected);
  });

  it('refuses to merge sides that encrypt different values, leaving ours', async () => {
    const repo = await wiredRepo();
    repo.ok(['checkout', '-q', '-b', 'feature']);
    // re-encrypted so that only keys matching ^pass are encrypted: api_key would be written in clear
    const plain = await repo.tsops(['decrypt', FILE]);
    repo.write(FILE, plain.stdout.toString().replace('port: 5432', 'port: 5433'));
    assert.equal((await repo.tsops(['encrypt', '-i', '--encrypted-regex', '^pass', FILE])).code, 0);
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    await set(repo, '["api_key"]', '"main-key"');
    repo.commitAll('main');
    const ours = repo.read(FILE);
    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /cannot merge secrets\/app\.yaml: ours and theirs encrypt different values/);
    assert.deepEqual(conflicted(repo), [FILE]);
    assert.equal(repo.read(FILE), ours);
  });

  it('merges a file under the pattern that is not a sops file as text', async () => {
    const repo = await wiredRepo();
    repo.write('secrets/notes.yaml', 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n');
    repo.commitAll('notes');
    repo.ok(['checkout', '-q', '-b', 'feature']);
    repo.write('secrets/notes.yaml', 'a: 1\nb: 2\nc: 3\nd: 4\ne: five\n');
    repo.commitAll('feature');
    repo.ok(['checkout', '-q', 'main']);
    repo.write('secrets/notes.yaml', 'a: one\nb: 2\nc: 3\nd: 4\ne: 5\n');
    repo.commitAll('main');
    const m = repo.git(['merge', '--no-edit', 'feature']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.equal(repo.read('secrets/notes.yaml'), 'a: one\nb: 2\nc: 3\nd: 4\ne: five\n');
    // and its diffs are the file's own lines
    assert.match(repo.ok(['log', '-p', '-1', 'feature', '--', 'secrets/notes.yaml']), /^-e: 5\n\+e: five$/m);

    repo.ok(['checkout', '-q', '-b', 'feature2']);
    repo.write('secrets/notes.yaml', 'a: theirs\nb: 2\nc: 3\nd: 4\ne: five\n');
    repo.commitAll('feature2');
    repo.ok(['checkout', '-q', 'main']);
    repo.write('secrets/notes.yaml', 'a: ours\nb: 2\nc: 3\nd: 4\ne: five\n');
    repo.commitAll('main2');
    const c = repo.git(['merge', '--no-edit', 'feature2']);
    assert.notEqual(c.code, 0);
    assert.deepEqual(conflicted(repo), ['secrets/notes.yaml']);
    assert.equal(repo.read('secrets/notes.yaml'), '<<<<<<< ours\na: ours\n=======\na: theirs\n>>>>>>> theirs\nb: 2\nc: 3\nd: 4\ne: five\n');
  });
});
