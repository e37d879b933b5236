/**
 * sops flags for key services tsops does not have: accepted where that is honest, refused with
 * one line naming the key type otherwise, nothing touched. And the four command lines the VS Code
 * SOPS extension (signageos/vscode-sops) runs, through the real binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { binPath, tempDir } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/run.js';
import { newKey, type AgeKey } from './key-management-helpers.js';

const PLAIN = 'db:\n    user: app\n    password: s3cret-value\n';

async function setup(): Promise<{ dir: string; key: AgeKey; file: string; env: Record<string, string | undefined> }> {
  const dir = tempDir();
  const key = await newKey();
  fs.writeFileSync(path.join(dir, 'keys.txt'), `${key.secret}\n`);
  fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - age: ${key.recipient}\n`);
  const env = cleanEnv({ SOPS_AGE_KEY_FILE: path.join(dir, 'keys.txt') });
  fs.writeFileSync(path.join(dir, 'app.yaml'), PLAIN);
  const r = await runCli(['encrypt', '-i', 'app.yaml'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  return { dir, key, file: path.join(dir, 'app.yaml'), env };
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
}

test('--enable-local-keyservice (sops\' default) is accepted silently, before or after the command', async () => {
  const { dir, env } = await setup();
  for (const argv of [['--enable-local-keyservice', '-d', 'app.yaml'], ['decrypt', '--enable-local-keyservice', 'app.yaml']]) {
    const r = await runCli(argv, { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString(), PLAIN);
  }
});

test('--aws-profile P warns once on stderr and goes on when no KMS key is involved', async () => {
  const { dir, env } = await setup();
  const r = await runCli(['--aws-profile', 'dev', 'decrypt', '--aws-profile', 'dev', 'app.yaml'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), PLAIN);
  const warnings = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0]!, /^tsops: warning: --aws-profile is ignored: it applies only to AWS KMS keys/);
  assert.ok(!r.stderr.includes('dev'), 'the profile name is not echoed');
});

const REFUSED: Array<{ argv: (file: string) => string[]; flag: string; type: RegExp }> = [
  { argv: (f) => ['encrypt', '--kms', 'arn:aws:kms:us-east-1:1:key/x', f], flag: '--kms', type: /AWS KMS keys are not supported by tsops/ },
  { argv: (f) => ['-e', '--gcp-kms', 'projects/p/locations/l/keyRings/r/cryptoKeys/k', f], flag: '--gcp-kms', type: /GCP KMS keys/ },
  { argv: (f) => ['edit', '--azure-kv', 'https://v.vault.azure.net/keys/k/1', f], flag: '--azure-kv', type: /Azure Key Vault keys/ },
  { argv: (f) => ['encrypt', '--hc-vault-transit', 'https://vault:8200/v1/transit/keys/k', f], flag: '--hc-vault-transit', type: /HashiCorp Vault transit keys/ },
  { argv: (f) => ['encrypt', '--encryption-context', 'a:b', f], flag: '--encryption-context', type: /AWS KMS keys/ },
  { argv: (f) => ['rotate', '-i', '--add-kms', 'arn:aws:kms:us-east-1:1:key/x', f], flag: '--add-kms', type: /AWS KMS keys/ },
  { argv: (f) => ['rotate', '-i', '--rm-gcp-kms', 'projects/p', f], flag: '--rm-gcp-kms', type: /GCP KMS keys/ },
  { argv: (f) => ['-r', '-i', '--add-azure-kv', 'https://v', f], flag: '--add-azure-kv', type: /Azure Key Vault keys/ },
  { argv: (f) => ['rotate', '-i', '--rm-hc-vault-transit', 'https://v', f], flag: '--rm-hc-vault-transit', type: /HashiCorp Vault transit keys/ },
  { argv: (f) => ['groups', 'add', '-i', '-f', f, '--kms', 'arn:aws:kms:us-east-1:1:key/x'], flag: '--kms', type: /AWS KMS keys/ },
  { argv: (f) => ['--keyservice', 'tcp://localhost:5000', 'decrypt', f], flag: '--keyservice', type: /remote key services are not supported/ },
  { argv: (f) => ['decrypt', '--keyservice', 'unix:///tmp/ks.sock', f], flag: '--keyservice', type: /remote key services are not supported/ },
];

for (const c of REFUSED) {
  const shown = c.argv('app.yaml').join(' ');
  test(`refused: tsops ${shown} names the key type, exit 1, nothing touched`, async () => {
    const { dir, env } = await setup();
    const before = snapshot(dir);
    const r = await runCli(c.argv('app.yaml'), { cwd: dir, env });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout.length, 0);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, r.stderr);
    assert.ok(lines[0]!.startsWith(`tsops: ${c.flag}: `), lines[0]);
    assert.match(lines[0]!, c.type);
    assert.match(lines[1]!, /^hint: /);
    assert.deepEqual(snapshot(dir), before);
  });
}

test('the refused flags stay out of --help', async () => {
  for (const argv of [['--help'], ['encrypt', '--help'], ['rotate', '--help'], ['groups', 'add', '--help']]) {
    const r = await runCli(argv);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout.toString(), /kms|azure|vault|keyservice|aws-profile|encryption-context/, argv.join(' '));
  }
});

// The VS Code SOPS extension (signageos/vscode-sops) puts its general arguments first:
// `--aws-profile P` when a profile is set, and (assumed here for every line) `--config
// /dev/null`; it works on copies in a temp directory whose names have no extension, hence the
// explicit --input-type/--output-type, and runs sops with the home directory as cwd. To save, it
// runs sops' edit mode on a copy of the encrypted file with EDITOR set to a script that copies
// the saved buffer over the file sops opened.

test('VS Code open: sops --aws-profile P --config /dev/null --output-type yaml --input-type yaml --decrypt FILE', async () => {
  const { dir, env } = await setup();
  const copy = path.join(tempDir(), '5f2b9c0e41d7a3');
  fs.copyFileSync(path.join(dir, 'app.yaml'), copy);
  const r = await runCli(['--aws-profile', 'P', '--config', '/dev/null', '--output-type', 'yaml', '--input-type', 'yaml', '--decrypt', copy], {
    cwd: tempDir(),
    env,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), PLAIN);
});

test('VS Code save: sops --aws-profile P --config /dev/null --output-type yaml --input-type yaml FILE with EDITOR set to a copying script', async () => {
  const { dir, env } = await setup();
  const work = tempDir();
  const copy = path.join(work, '9d1e07c2b4a6f8');
  fs.copyFileSync(path.join(dir, 'app.yaml'), copy);
  const edited = path.join(work, 'a3c5e7f9b1d2e4');
  fs.writeFileSync(edited, PLAIN.replace('s3cret-value', 'n3w-value'), { mode: 0o600 });
  // The extension's editor: copies the saved buffer over the file sops opened.
  const editor = path.join(work, 'fake-editor');
  fs.writeFileSync(
    editor,
    `#!${process.execPath}\nconst fs = require('fs');\nfs.writeFileSync(process.argv[2], fs.readFileSync(process.env.VSCODE_SOPS_DECRYPTED_FILE_PATH));\n`,
    { mode: 0o755 },
  );
  const before = fs.readFileSync(copy, 'utf8');
  const r = await runCli(['--aws-profile', 'P', '--config', '/dev/null', '--output-type', 'yaml', '--input-type', 'yaml', copy], {
    cwd: tempDir(),
    env: { ...env, EDITOR: editor, VSCODE_SOPS_DECRYPTED_FILE_PATH: edited },
  });
  assert.equal(r.code, 0, r.stderr);
  const after = fs.readFileSync(copy, 'utf8');
  assert.notEqual(after, before);
  assert.ok(!after.includes('n3w-value'), 'the saved value is encrypted');
  // The unchanged value keeps its ciphertext, the changed one does not.
  const user = (t: string) => /user: (ENC\[[^\]]+\])/.exec(t)?.[1];
  assert.equal(user(after), user(before));
  const dec = await runCli(['-d', '--input-type', 'yaml', '--output-type', 'yaml', copy], { cwd: work, env });
  assert.equal(dec.code, 0, dec.stderr);
  assert.equal(dec.stdout.toString(), PLAIN.replace('s3cret-value', 'n3w-value'));
});

test('VS Code new file: two --config flags, the last one wins (as Go flag parsing); encrypted to its rule', async () => {
  const { env } = await setup();
  const key = await newKey();
  const tmp = tempDir();
  fs.writeFileSync(path.join(tmp, '.sops.yaml'), `creation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    age: ${key.recipient}\n`);
  fs.mkdirSync(path.join(tmp, 'secrets'));
  const plain = path.join(tmp, 'secrets', 'new.yaml');
  fs.writeFileSync(plain, 'token: abc123\n', { mode: 0o600 });
  const argv = ['--aws-profile', 'P', '--config', '/dev/null', '--config', path.join(tmp, '.sops.yaml'), '--output-type', 'yaml', '--input-type', 'yaml', '--encrypt', plain];
  const r = await runCli(argv, { cwd: tempDir(), env });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.toString();
  assert.match(out, /token: ENC\[AES256_GCM,/);
  assert.ok(out.includes(key.recipient));
  assert.equal(fs.readFileSync(plain, 'utf8'), 'token: abc123\n', 'the plaintext file is not rewritten');
  // With the order reversed, /dev/null (no rules, no keys) wins and nothing is encrypted.
  const reversed = await runCli(
    ['--config', path.join(tmp, '.sops.yaml'), '--config', '/dev/null', '--output-type', 'yaml', '--input-type', 'yaml', '--encrypt', plain],
    { cwd: tempDir(), env },
  );
  assert.notEqual(reversed.code, 0);
  assert.equal(reversed.stdout.length, 0);
  const opened = path.join(tmp, 'out.yaml');
  fs.writeFileSync(opened, out);
  const dec = await runCli(['-d', opened], { cwd: tmp, env: cleanEnv({ SOPS_AGE_KEY: key.secret }) });
  assert.equal(dec.stdout.toString(), 'token: abc123\n');
});

test('--config /dev/null is an empty config: no rules, so encrypt needs --age and says so', async () => {
  const { dir, env, key } = await setup();
  fs.writeFileSync(path.join(dir, 'other.yaml'), 'a: b\n');
  const none = await runCli(['--config', '/dev/null', 'encrypt', 'other.yaml'], { cwd: dir, env });
  assert.notEqual(none.code, 0);
  assert.equal(none.stdout.length, 0);
  const withAge = await runCli(['--config', '/dev/null', 'encrypt', '--age', key.recipient, 'other.yaml'], { cwd: dir, env });
  assert.equal(withAge.code, 0, withAge.stderr);
  assert.match(withAge.stdout.toString(), /a: ENC\[/);
});

const hasGit = spawnSync('git', ['--version']).status === 0;

test('VS Code / git differ: textconv "sops -d --config /dev/null" shows the plaintext diff', { skip: hasGit ? false : 'git is not installed' }, async () => {
  const { dir, env } = await setup();
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv),
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    });
    assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  git('init', '-q');
  git('config', 'user.email', 't@example.org');
  git('config', 'user.name', 't');
  git('config', 'diff.sopsdiffer.textconv', `"${process.execPath}" "${binPath}" -d --config /dev/null`);
  fs.writeFileSync(path.join(dir, '.gitattributes'), '*.yaml diff=sopsdiffer\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  const r = await runCli(['set', 'app.yaml', '["db"]["password"]', '"changed-value"'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const diff = git('diff', '--', 'app.yaml');
  assert.match(diff, /^- {4}password: s3cret-value$/m);
  assert.match(diff, /^\+ {4}password: changed-value$/m);
  assert.doesNotMatch(diff, /ENC\[/);
});

test('SOPS_KMS_ARN and the other key-flag variables refuse encrypting; decrypting ignores them as sops does', async () => {
  const { dir, env } = await setup();
  fs.writeFileSync(path.join(dir, 'new.yaml'), 'a: b\n');
  for (const [name, type] of [
    ['SOPS_KMS_ARN', /AWS KMS keys/],
    ['SOPS_GCP_KMS_IDS', /GCP KMS keys/],
    ['SOPS_AZURE_KEYVAULT_URLS', /Azure Key Vault keys/],
    ['SOPS_VAULT_URIS', /HashiCorp Vault transit keys/],
  ] as const) {
    const withVar = { ...env, [name]: 'arn:aws:kms:us-east-1:1:key/x' };
    const before = snapshot(dir);
    for (const argv of [['encrypt', '-i', 'new.yaml'], ['-e', '-i', 'new.yaml']]) {
      const r = await runCli(argv, { cwd: dir, env: withVar });
      assert.equal(r.code, 1, `${name} ${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^tsops: ${name} `));
      assert.match(r.stderr, type);
      assert.ok(!r.stderr.includes('arn:aws'), 'the value is not echoed');
      assert.deepEqual(snapshot(dir), before);
    }
    const dec = await runCli(['decrypt', 'app.yaml'], { cwd: dir, env: withVar });
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(dec.stdout.toString(), PLAIN);
  }
});
