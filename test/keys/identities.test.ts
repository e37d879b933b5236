import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bech32 } from '@scure/base';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Encrypter, armor, generateHybridIdentity, generateIdentity, identityToRecipient } from 'age-encryption';
import { fakeIo } from '../helpers/fake-io.js';
import type { Io } from '../../src/io/types.js';
import { unwrapKey, wrapKey } from '../../src/keys/age/master-key.js';
import {
  FixedIdentities,
  IdentityLoader,
  parseIdentityText,
  userConfigDir,
} from '../../src/keys/identities.js';
import type { IdentitySource, SourceOutcome, SshSourceContext } from '../../src/keys/identities.js';
import { formatSourceOutcome } from '../../src/keys/key-report.js';
import { tempDir as newTempDir } from '../helpers/paths.js';

// one temporary tree for the file, one fresh directory per use
const base = newTempDir();
let dirs = 0;
function tempDir(): string {
  const d = path.join(base, String(dirs++));
  fs.mkdirSync(d);
  return d;
}

/** The test Io with exactly `env` (plus PATH so commands resolve). */
function ioWith(env: Record<string, string | undefined>): Io {
  return fakeIo({ env: { PATH: process.env['PATH'], ...env } }).io;
}

async function newKey(): Promise<{ secret: string; recipient: string }> {
  const secret = await generateIdentity();
  return { secret, recipient: await identityToRecipient(secret) };
}

function byLocation(report: readonly SourceOutcome[], location: string): SourceOutcome {
  const o = report.find((r) => r.location === location);
  assert.ok(o, `no outcome for ${location} in ${JSON.stringify(report)}`);
  return o;
}

function assertNoSecret(text: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), 'key material leaked into a message');
  assert.ok(!/AGE-SECRET-KEY-/i.test(text), 'an identity leaked into a message');
}

describe('parseIdentityText', () => {
  it('skips comments and empty lines and accepts CRLF line ends', async () => {
    const a = await newKey();
    const b = await newKey();
    const r = await parseIdentityText(`# created: now\r\n# public key: ${a.recipient}\r\n${a.secret}\r\n\r\n${b.secret}`, 'f');
    assert.equal(r.outcome.status, 'loaded');
    assert.deepEqual(r.outcome.recipients, [a.recipient, b.recipient]);
    assert.equal(r.identities.length, 2);
  });

  it('reads several whitespace-separated identities per line only when allowed', async () => {
    const a = await newKey();
    const b = await newKey();
    const multi = await parseIdentityText(`  ${a.secret}\t${b.secret}  `, 'SOPS_AGE_KEY', { multiplePerLine: true });
    assert.equal(multi.outcome.count, 2);
    const single = await parseIdentityText(`${a.secret} ${b.secret}`, 'SOPS_AGE_KEY_FILE');
    assert.equal(single.outcome.status, 'error');
  });

  it('fails the source on a line with leading spaces in a key file (no trimming)', async () => {
    const a = await newKey();
    const r = await parseIdentityText(` ${a.secret}\n`, 'SOPS_AGE_KEY_FILE');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.outcome.message, "failed to parse 'SOPS_AGE_KEY_FILE' age identities: unknown identity type (line 1)");
    assert.equal(r.identities.length, 0);
  });

  it('fails the source on a malformed key, naming the line but not its text', async () => {
    const a = await newKey();
    const broken = `${a.secret.slice(0, -2)}QQ`;
    const r = await parseIdentityText(`# c\n${a.secret}\n${broken}\n`, 'keys.txt');
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.message ?? '', /malformed secret key \(line 3\)/);
    assertNoSecret(r.outcome.message ?? '', [a.secret, broken]);
  });

  it('loads post-quantum identities', async () => {
    const pq = await generateHybridIdentity();
    const r = await parseIdentityText(`${pq}\n`, 'f');
    assert.deepEqual(r.outcome.recipients, [await identityToRecipient(pq)]);
  });

  it('loads age plugin identities beside the others, naming their plugin', async () => {
    const a = await newKey();
    const plugin = bech32.encode('AGE-PLUGIN-YUBIKEY-', bech32.toWords(Uint8Array.of(1, 2, 3)), false).toUpperCase();
    const r = await parseIdentityText(`${plugin}\n${a.secret}\n`, 'f');
    assert.equal(r.outcome.status, 'loaded');
    assert.equal(r.outcome.count, 2);
    assert.deepEqual(r.outcome.recipients, [a.recipient], 'a plugin identity has no recipient of its own');
    assert.equal(r.outcome.message, 'through age-plugin-yubikey');
  });

  it('fails a source with a malformed plugin identity, naming the line only', async () => {
    const r = await parseIdentityText('# c\nAGE-PLUGIN-YUBIKEY-1QQQQQQ\n', 'f');
    assert.equal(r.outcome.status, 'error');
    assert.match(r.outcome.message ?? '', /malformed plugin identity \(line 2\)/);
    assert.doesNotMatch(r.outcome.message ?? '', /1QQQQQQ/);
  });

  it('reports a source with only comments as holding no identities', async () => {
    const r = await parseIdentityText('# nothing here\n\n', 'f');
    assert.equal(r.outcome.status, 'empty');
  });
});

describe('userConfigDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else $HOME/.config (Linux)', () => {
    assert.deepEqual(userConfigDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' }, 'linux'), { dir: '/x/cfg' });
    assert.deepEqual(userConfigDir({ HOME: '/home/u' }, 'linux'), { dir: '/home/u/.config' });
    assert.deepEqual(userConfigDir({ XDG_CONFIG_HOME: '', HOME: '/home/u' }, 'linux'), { dir: '/home/u/.config' });
  });

  it('refuses a relative XDG_CONFIG_HOME rather than falling back to $HOME (as Go)', () => {
    assert.deepEqual(userConfigDir({ XDG_CONFIG_HOME: 'rel/cfg', HOME: '/home/u' }, 'linux'), {
      error: 'path in $XDG_CONFIG_HOME is relative',
    });
    assert.ok('error' in userConfigDir({}, 'linux'));
  });

  it('follows the macOS and Windows rules', () => {
    assert.deepEqual(userConfigDir({ HOME: '/Users/u' }, 'darwin'), { dir: '/Users/u/Library/Application Support' });
    assert.deepEqual(userConfigDir({ XDG_CONFIG_HOME: 'rel', HOME: '/Users/u' }, 'darwin'), { dir: 'rel' });
    assert.deepEqual(userConfigDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'), { dir: 'C:\\Users\\u\\AppData\\Roaming' });
  });
});

describe('IdentityLoader sources', () => {
  it('reads SOPS_AGE_KEY with several identities per line and comment lines', async () => {
    const a = await newKey();
    const b = await newKey();
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY: `# mine\n${a.secret} ${b.secret}\n` }), { platform: 'linux' });
    const ids = await loader.identitiesFor(a.recipient);
    assert.deepEqual(
      ids.map((i) => i.recipient),
      [a.recipient, b.recipient],
    );
    assert.equal(byLocation(loader.report(), 'SOPS_AGE_KEY').count, 2);
  });

  it('reads SOPS_AGE_KEY_FILE and reports an unreadable one as an error for that source only', async () => {
    const dir = tempDir();
    const a = await newKey();
    const file = path.join(dir, 'keys.txt');
    fs.writeFileSync(file, `# public key: ${a.recipient}\r\n${a.secret}\r\n`);
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: file }), { platform: 'linux' });
    assert.equal((await loader.identitiesFor(a.recipient)).length, 1);
    assert.equal(byLocation(loader.report(), 'SOPS_AGE_KEY_FILE').detail, file);

    const missing = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: path.join(dir, 'nope.txt'), SOPS_AGE_KEY: a.secret }), {
      platform: 'linux',
    });
    assert.equal((await missing.identitiesFor(a.recipient)).length, 1);
    const o = byLocation(missing.report(), 'SOPS_AGE_KEY_FILE');
    assert.equal(o.status, 'error');
    assert.equal(o.message, `failed to open SOPS_AGE_KEY_FILE file: open ${path.join(dir, 'nope.txt')}: no such file or directory`);
  });

  it("resolves a relative SOPS_AGE_KEY_FILE against the run's working directory", async () => {
    const dir = tempDir();
    const a = await newKey();
    fs.writeFileSync(path.join(dir, 'keys.txt'), `${a.secret}\n`);
    const io = { ...ioWith({ SOPS_AGE_KEY_FILE: 'keys.txt' }), cwd: () => dir };
    const loader = new IdentityLoader(io, { platform: 'linux' });
    assert.equal((await loader.identitiesFor(a.recipient)).length, 1);
  });

  it('uses the default keys file under an absolute XDG_CONFIG_HOME, not under $HOME', async () => {
    const xdg = tempDir();
    const home = tempDir();
    const a = await newKey();
    const b = await newKey();
    fs.mkdirSync(path.join(xdg, 'sops', 'age'), { recursive: true });
    fs.writeFileSync(path.join(xdg, 'sops', 'age', 'keys.txt'), `${a.secret}\n`);
    fs.mkdirSync(path.join(home, '.config', 'sops', 'age'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'sops', 'age', 'keys.txt'), `${b.secret}\n`);

    const viaXdg = new IdentityLoader(ioWith({ XDG_CONFIG_HOME: xdg, HOME: home }), { platform: 'linux' });
    assert.deepEqual(
      (await viaXdg.identitiesFor(a.recipient)).map((i) => i.recipient),
      [a.recipient],
    );

    const viaHome = new IdentityLoader(ioWith({ HOME: home }), { platform: 'linux' });
    assert.deepEqual(
      (await viaHome.identitiesFor(b.recipient)).map((i) => i.recipient),
      [b.recipient],
    );

    const relative = new IdentityLoader(ioWith({ XDG_CONFIG_HOME: 'relative/dir', HOME: home }), { platform: 'linux' });
    assert.equal((await relative.identitiesFor(b.recipient)).length, 0);
    assert.match(byLocation(relative.report(), 'default keys file').message ?? '', /XDG_CONFIG_HOME is relative/);
  });

  it('reports the default keys file as not found when it does not exist', async () => {
    const home = tempDir();
    const loader = new IdentityLoader(ioWith({ HOME: home }), { platform: 'linux' });
    assert.equal((await loader.identitiesFor('age1x')).length, 0);
    const file = path.join(home, '.config', 'sops', 'age', 'keys.txt');
    assert.equal(byLocation(loader.report(), file).status, 'not-found');
    assert.equal(byLocation(loader.report(), 'SOPS_AGE_KEY').status, 'not-set');
    assert.equal(byLocation(loader.report(), 'SOPS_AGE_KEY_FILE').status, 'not-set');
  });

  it('combines every source instead of stopping at the first', async () => {
    const dir = tempDir();
    const [a, b, c] = [await newKey(), await newKey(), await newKey()];
    fs.writeFileSync(path.join(dir, 'k.txt'), `${b.secret}\n`);
    fs.mkdirSync(path.join(dir, 'cfg', 'sops', 'age'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cfg', 'sops', 'age', 'keys.txt'), `${c.secret}\n`);
    const loader = new IdentityLoader(
      ioWith({ SOPS_AGE_KEY: a.secret, SOPS_AGE_KEY_FILE: path.join(dir, 'k.txt'), XDG_CONFIG_HOME: path.join(dir, 'cfg') }),
      { platform: 'linux' },
    );
    assert.deepEqual(
      (await loader.identitiesFor(a.recipient)).map((i) => i.recipient),
      [a.recipient, b.recipient, c.recipient],
    );
  });

  it('keeps a good source usable beside a broken one, and the report holds no key text', async () => {
    const dir = tempDir();
    const a = await newKey();
    const leaked = await newKey();
    fs.writeFileSync(path.join(dir, 'k.txt'), `${a.secret}\n`);
    const broken = `garbage ${leaked.secret.slice(0, 30)}\n`;
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY: broken, SOPS_AGE_KEY_FILE: path.join(dir, 'k.txt') }), {
      platform: 'linux',
    });
    const ids = await loader.identitiesFor(a.recipient);
    assert.equal(ids.length, 1);
    const enc = await wrapKey(a.recipient, new Uint8Array([42]));
    assert.deepEqual(await unwrapKey(enc, ids), new Uint8Array([42]));
    const report = loader.report();
    assert.equal(byLocation(report, 'SOPS_AGE_KEY').status, 'error');
    assert.equal(byLocation(report, 'SOPS_AGE_KEY_FILE').status, 'loaded');
    assertNoSecret(report.map(formatSourceOutcome).join('\n'), [a.secret, leaked.secret.slice(0, 30)]);
  });
});

describe('SOPS_AGE_KEY_CMD', () => {
  function writeScript(dir: string, body: string): string {
    const script = path.join(dir, 'key cmd.sh');
    fs.writeFileSync(script, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return script;
  }

  it('runs the command per recipient with SOPS_AGE_RECIPIENT set, once per recipient', async () => {
    const dir = path.join(tempDir(), 'dir with space');
    fs.mkdirSync(dir);
    const a = await newKey();
    const b = await newKey();
    fs.writeFileSync(path.join(dir, 'a.txt'), `${a.secret}\n`);
    const log = path.join(dir, 'calls.log');
    const script = writeScript(
      dir,
      `echo "$SOPS_AGE_RECIPIENT $1" >> "${log}"\nif [ "$SOPS_AGE_RECIPIENT" = "${a.recipient}" ]; then cat "${dir}/a.txt"; fi`,
    );
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_CMD: `"${script}" 'first arg'` }), { platform: 'linux' });
    assert.deepEqual(
      (await loader.identitiesFor(a.recipient)).map((i) => i.recipient),
      [a.recipient],
    );
    await loader.identitiesFor(a.recipient);
    assert.equal((await loader.identitiesFor(b.recipient)).length, 0);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [`${a.recipient} first arg`, `${b.recipient} first arg`]);

    const forA = byLocation(loader.report(a.recipient), 'SOPS_AGE_KEY_CMD');
    assert.equal(forA.status, 'loaded');
    assert.equal(forA.forRecipient, a.recipient);
    assert.equal(byLocation(loader.report(b.recipient), 'SOPS_AGE_KEY_CMD').status, 'empty');
    assert.equal(loader.report().filter((o) => o.location === 'SOPS_AGE_KEY_CMD').length, 2);
  });

  it('treats a non-zero exit as an error for that source only', async () => {
    const dir = tempDir();
    const a = await newKey();
    const script = writeScript(dir, `echo "${a.secret}"\necho oops >&2\nexit 3`);
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_CMD: `'${script}'`, SOPS_AGE_KEY: a.secret }), { platform: 'linux' });
    assert.equal((await loader.identitiesFor(a.recipient)).length, 1);
    const o = byLocation(loader.report(a.recipient), 'SOPS_AGE_KEY_CMD');
    assert.equal(o.status, 'error');
    assert.equal(o.message, `failed to execute command '${script}' from SOPS_AGE_KEY_CMD: exit status 3`);
  });

  it('reports a missing program, an empty command and bad quoting as errors', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/nonexistent/dir/keycmd', /failed to execute command \/nonexistent\/dir\/keycmd from SOPS_AGE_KEY_CMD: exec: "\/nonexistent\/dir\/keycmd"/],
      ['   ', /failed to parse command "   " from SOPS_AGE_KEY_CMD: empty command/],
      [`echo 'unterminated`, /failed to parse command echo 'unterminated from SOPS_AGE_KEY_CMD: EOF found when expecting closing quote/],
    ];
    for (const [cmd, re] of cases) {
      const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_CMD: cmd }), { platform: 'linux' });
      assert.equal((await loader.identitiesFor('age1r')).length, 0);
      const o = byLocation(loader.report('age1r'), 'SOPS_AGE_KEY_CMD');
      assert.equal(o.status, 'error');
      assert.match(o.message ?? '', re);
    }
  });

  it('redacts key material written into the command line itself', async () => {
    const a = await newKey();
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_CMD: `sh -c 'echo ${a.secret}; exit 1'` }), { platform: 'linux' });
    await loader.identitiesFor(a.recipient);
    const o = byLocation(loader.report(a.recipient), 'SOPS_AGE_KEY_CMD');
    assert.equal(o.status, 'error');
    assertNoSecret(o.message ?? '', [a.secret]);
  });
});

describe('passphrase-protected identity files', () => {
  async function encryptedIdentityFile(secretText: string, passphrase: string, armored: boolean): Promise<Uint8Array> {
    const e = new Encrypter();
    e.setPassphrase(passphrase);
    e.setScryptWorkFactor(10);
    const bin = await e.encrypt(secretText);
    return armored ? Buffer.from(armor.encode(bin)) : bin;
  }

  for (const armored of [false, true]) {
    it(`opens ${armored ? 'an armored' : 'a binary'} encrypted key file with the passphrase callback, asking once`, async () => {
      const dir = tempDir();
      const a = await newKey();
      const file = path.join(dir, 'keys.age');
      fs.writeFileSync(file, await encryptedIdentityFile(`# key\n${a.secret}\n`, 'correct horse', armored));
      const prompts: string[] = [];
      const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: file }), {
        platform: 'linux',
        askPassphrase: async (prompt) => {
          prompts.push(prompt);
          return 'correct horse';
        },
      });
      assert.equal((await loader.identitiesFor(a.recipient)).length, 0);
      assert.equal(byLocation(loader.report(), 'SOPS_AGE_KEY_FILE').status, 'locked');
      assert.deepEqual(prompts, []);
      assert.equal(await loader.unlock(), true);
      assert.equal(await loader.unlock(), false);
      assert.deepEqual(prompts, ["Enter passphrase for identity 'SOPS_AGE_KEY_FILE':"]);
      const ids = await loader.identitiesFor(a.recipient);
      assert.deepEqual(
        ids.map((i) => i.recipient),
        [a.recipient],
      );
    });
  }

  it('reports a wrong passphrase as an incorrect passphrase', async () => {
    const dir = tempDir();
    const a = await newKey();
    const file = path.join(dir, 'keys.age');
    fs.writeFileSync(file, await encryptedIdentityFile(`${a.secret}\n`, 'right', false));
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: file }), { platform: 'linux', askPassphrase: async () => 'wrong' });
    await loader.identitiesFor(a.recipient);
    assert.equal(await loader.unlock(), false);
    const o = byLocation(loader.report(), 'SOPS_AGE_KEY_FILE');
    assert.equal(o.status, 'error');
    assert.equal(o.message, "failed to decrypt identity file 'SOPS_AGE_KEY_FILE': incorrect passphrase");
  });

  it('fails such a source with a clear message when no passphrase callback is given', async () => {
    const dir = tempDir();
    const a = await newKey();
    const file = path.join(dir, 'keys.age');
    fs.writeFileSync(file, await encryptedIdentityFile(`${a.secret}\n`, 'pw', true));
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: file }), { platform: 'linux' });
    await loader.identitiesFor(a.recipient);
    const o = byLocation(loader.report(), 'SOPS_AGE_KEY_FILE');
    assert.equal(o.status, 'error');
    assert.match(o.message ?? '', /passphrase-protected identity file and no passphrase prompt is available/);
  });
});

describe('SSH identity sources hook', () => {
  it('consults the SSH sources first, passing them the home directory and the prompt', async () => {
    const a = await newKey();
    const b = await newKey();
    const seen: SshSourceContext[] = [];
    const perRecipientCalls: string[] = [];
    const sshFile: IdentitySource = {
      location: 'SOPS_AGE_SSH_PRIVATE_KEY_FILE',
      perRecipient: false,
      load: async () => {
        const fixed = await FixedIdentities.fromStrings([a.secret], 'SOPS_AGE_SSH_PRIVATE_KEY_FILE');
        return { outcome: fixed.report()[0] as SourceOutcome, identities: await fixed.identitiesFor() };
      },
    };
    const sshCmd: IdentitySource = {
      location: 'SOPS_AGE_SSH_PRIVATE_KEY_CMD',
      perRecipient: true,
      load: async (recipient) => {
        perRecipientCalls.push(recipient);
        return { outcome: { location: 'SOPS_AGE_SSH_PRIVATE_KEY_CMD', status: 'not-set', count: 0, recipients: [] }, identities: [] };
      },
    };
    const ask = async () => 'x';
    const loader = new IdentityLoader(ioWith({ HOME: '/home/someone', SOPS_AGE_KEY: b.secret }), {
      platform: 'linux',
      askPassphrase: ask,
      sshSources: (ctx) => {
        seen.push(ctx);
        return [sshFile, sshCmd];
      },
    });
    assert.equal(seen[0]?.home, '/home/someone');
    assert.equal(seen[0]?.askPassphrase, ask);
    const ids = await loader.identitiesFor(b.recipient);
    assert.deepEqual(
      ids.map((i) => i.recipient),
      [a.recipient, b.recipient],
    );
    await loader.identitiesFor('age1other');
    assert.deepEqual(perRecipientCalls, [b.recipient, 'age1other']);
    assert.deepEqual(
      loader.report(b.recipient).map((o) => o.location).slice(0, 3),
      ['SOPS_AGE_SSH_PRIVATE_KEY_FILE', 'SOPS_AGE_SSH_PRIVATE_KEY_CMD', 'SOPS_AGE_KEY'],
    );
  });
});

describe('nativeRecipients: what the run can open without asking or running anything more', () => {
  it('is unknown before the sources are loaded, then the recipients of the loaded native identities', async () => {
    const a = await newKey();
    const b = await newKey();
    const dir = tempDir();
    const file = path.join(dir, 'keys.txt');
    fs.writeFileSync(file, `${b.secret}\n`);
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY: a.secret, SOPS_AGE_KEY_FILE: file }), { platform: 'linux' });
    assert.equal(loader.nativeRecipients(), undefined);
    await loader.identitiesFor(a.recipient);
    assert.deepEqual([...(loader.nativeRecipients() ?? [])].sort(), [a.recipient, b.recipient].sort());
    const fixed = await FixedIdentities.fromStrings([a.secret]);
    assert.deepEqual([...(fixed.nativeRecipients() ?? [])], [a.recipient]);
  });

  it('is unknown while a passphrase-protected key file is locked, and known once it is opened', async () => {
    const a = await newKey();
    const dir = tempDir();
    const file = path.join(dir, 'keys.age');
    const e = new Encrypter();
    e.setPassphrase('correct horse');
    e.setScryptWorkFactor(10);
    fs.writeFileSync(file, await e.encrypt(`${a.secret}\n`));
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_FILE: file }), { platform: 'linux', askPassphrase: async () => 'correct horse' });
    await loader.identitiesFor(a.recipient);
    assert.equal(loader.nativeRecipients(), undefined);
    assert.equal(await loader.unlock(), true);
    assert.deepEqual([...(loader.nativeRecipients() ?? [])], [a.recipient]);
  });

  it('is unknown when SOPS_AGE_KEY_CMD is set, which may give each recipient keys of its own', async () => {
    const a = await newKey();
    const loader = new IdentityLoader(ioWith({ SOPS_AGE_KEY_CMD: `echo ${a.secret}` }), { platform: 'linux' });
    await loader.identitiesFor(a.recipient);
    assert.equal((await loader.identitiesFor(a.recipient)).length, 1);
    assert.equal(loader.nativeRecipients(), undefined);
  });
});
