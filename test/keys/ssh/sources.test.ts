import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { KeyGroup } from '../../../src/core/keys-model.js';
import { TsopsError } from '../../../src/errors.js';
import { fakeIo } from '../../helpers/fake-io.js';
import type { Io } from '../../../src/io/types.js';
import { unwrapDataKey, wrapDataKey } from '../../../src/keys/data-key.js';
import { IdentityLoader, type SourceOutcome } from '../../../src/keys/identities.js';
import { sshIdentitySources, sshKeyIdentities } from '../../../src/keys/ssh/sources.js';
import { sshPublicKeyToAgeRecipient } from '../../../src/keys/ssh/ssh-to-age.js';
import { tempDir } from '../../helpers/paths.js';
import { goAgeRsa, keyPart, noSshKeygen, sshKeygen, sshKeygenReencode, writeKey, type GeneratedKey } from './test-keys.js';

const FILE = 'SOPS_AGE_SSH_PRIVATE_KEY_FILE';
const CMD = 'SOPS_AGE_SSH_PRIVATE_KEY_CMD';
const dir = tempDir();
let n = 0;
const fresh = (): string => path.join(dir, `d${n++}`);

const cache = new Map<string, GeneratedKey>();
function edKey(name = 'ed', passphrase = ''): GeneratedKey {
  const id = `${name}:${passphrase}`;
  let k = cache.get(id);
  if (k === undefined) {
    k = sshKeygen(dir, `${name}-${cache.size}`, ['-t', 'ed25519'], passphrase);
    cache.set(id, k);
  }
  return k;
}
const rsaKey = (): GeneratedKey => cache.get('rsa') ?? cache.set('rsa', writeKey(dir, 'rsa', goAgeRsa)).get('rsa')!;

function ioWith(env: Record<string, string | undefined>, cwd?: string): Io {
  return fakeIo({ env: { PATH: process.env['PATH'], HOME: '/nonexistent-tsops-home', ...env }, cwd }).io;
}

function loaderWith(io: Io, askPassphrase?: (prompt: string) => Promise<string>): IdentityLoader {
  return new IdentityLoader(io, { platform: 'linux', sshSources: sshIdentitySources, ...(askPassphrase ? { askPassphrase } : {}) });
}

const dataKey = new Uint8Array(32).map((_, i) => i * 7);

/** Groups holding the data key for these recipients, one recipient per group when `split`. */
async function groupsFor(recipients: string[], split = false): Promise<KeyGroup[]> {
  const groups = split ? recipients.map((r) => [r]) : [recipients];
  return (await wrapDataKey(groups, dataKey, 0)).groups;
}

function outcome(report: readonly SourceOutcome[], location: string): SourceOutcome {
  const o = report.find((r) => r.location === location);
  assert.ok(o, `no outcome for ${location} in ${JSON.stringify(report)}`);
  return o;
}

async function failure(p: Promise<unknown>): Promise<TsopsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TsopsError);
    return e;
  }
  assert.fail('expected a failure');
}

function counting(passphrase: string): { prompts: string[]; ask: (prompt: string) => Promise<string> } {
  const prompts: string[] = [];
  return {
    prompts,
    ask: async (prompt) => {
      prompts.push(prompt);
      return passphrase;
    },
  };
}

describe('SOPS_AGE_SSH_PRIVATE_KEY_FILE', { skip: noSshKeygen }, () => {
  it('opens both the native ssh-ed25519 stanza and the stanza of its ssh-to-age conversion', async () => {
    const k = edKey();
    const converted = sshPublicKeyToAgeRecipient(k.pub);
    const loader = loaderWith(ioWith({ [FILE]: k.path }));
    for (const r of [k.pub, converted]) {
      assert.deepEqual(await unwrapDataKey(await groupsFor([r]), 0, loader), dataKey, r);
    }
    const o = outcome(loader.report(), FILE);
    assert.equal(o.status, 'loaded');
    assert.equal(o.detail, k.path);
    assert.deepEqual(o.recipients, [keyPart(k.pub), converted]);
  });

  it('reads an RSA key and opens its ssh-rsa stanza', async () => {
    const k = rsaKey();
    const loader = loaderWith(ioWith({ [FILE]: k.path }));
    assert.deepEqual(await unwrapDataKey(await groupsFor([k.pub]), 0, loader), dataKey);
    assert.deepEqual(outcome(loader.report(), FILE).recipients, [keyPart(k.pub)]);
  });

  it('resolves a relative path against the working directory of the run', async () => {
    const k = edKey();
    const loader = loaderWith(ioWith({ [FILE]: path.basename(k.path) }, path.dirname(k.path)));
    assert.deepEqual(await unwrapDataKey(await groupsFor([k.pub]), 0, loader), dataKey);
  });

  it('reports a missing file as an error of that source, naming the path', async () => {
    const missing = path.join(fresh(), 'nope');
    const loader = loaderWith(ioWith({ [FILE]: missing }));
    await failure(unwrapDataKey(await groupsFor([edKey().pub]), 0, loader));
    const o = outcome(loader.report(), FILE);
    assert.equal(o.status, 'error');
    assert.equal(o.message, `failed to open file: open ${missing}: no such file or directory`);
  });

  it('reports an unparseable key without quoting it, and other sources keep working', async () => {
    const k = edKey();
    const lines = k.text.trim().split('\n');
    const body = lines.slice(1, -1);
    const broken = [lines[0], ...body.slice(0, 2), lines[lines.length - 1]].join('\n');
    const d = fresh();
    fs.mkdirSync(d);
    const bad = path.join(d, 'broken');
    fs.writeFileSync(bad, broken);
    const age = await generateIdentity();
    const loader = loaderWith(ioWith({ [FILE]: bad, SOPS_AGE_KEY: age }));
    assert.deepEqual(await unwrapDataKey(await groupsFor([await identityToRecipient(age)]), 0, loader), dataKey);
    const o = outcome(loader.report(), FILE);
    assert.equal(o.status, 'error');
    assert.match(o.message ?? '', new RegExp(`^malformed SSH identity in "${bad}": `));
    for (const line of body) assert.ok(!(o.message ?? '').includes(line), 'key text in the message');
    assert.equal(outcome(loader.report(), 'SOPS_AGE_KEY').status, 'loaded');
  });
});

describe('passphrase-protected SSH keys', { skip: noSshKeygen }, () => {
  it('asks only when a stanza is for the key, once per run, naming the file in the prompt', async () => {
    const k = edKey('prot', 'secret words');
    const { prompts, ask } = counting('secret words');
    const other = await generateIdentity();
    const loader = loaderWith(ioWith({ [FILE]: k.path, SOPS_AGE_KEY: other }), ask);
    // a file for another key, opened by SOPS_AGE_KEY: no prompt
    assert.deepEqual(await unwrapDataKey(await groupsFor([await identityToRecipient(other)]), 0, loader), dataKey);
    // an X25519 stanza for a key nobody has: still no prompt (X25519 stanzas carry no tag)
    const stranger = await identityToRecipient(await generateIdentity());
    await failure(unwrapDataKey(await groupsFor([stranger]), 0, loader));
    // a native ssh-ed25519 stanza for another SSH key: the tag says it is not ours
    await failure(unwrapDataKey(await groupsFor([edKey('other').pub]), 0, loader));
    assert.deepEqual(prompts, []);
    assert.equal(outcome(loader.report(), FILE).status, 'loaded');
    // the key's own stanzas, native and converted, in two groups: one prompt for both
    const both = await groupsFor([k.pub, sshPublicKeyToAgeRecipient(k.pub)], true);
    assert.deepEqual(await unwrapDataKey(both, 0, loader), dataKey);
    assert.deepEqual(prompts, [`Enter passphrase for "${k.path}":`]);
  });

  it('opens the converted stanza of a protected key', async () => {
    const k = edKey('prot', 'secret words');
    const { prompts, ask } = counting('secret words');
    const loader = loaderWith(ioWith({ [FILE]: k.path }), ask);
    assert.deepEqual(await unwrapDataKey(await groupsFor([sshPublicKeyToAgeRecipient(k.pub)]), 0, loader), dataKey);
    assert.equal(prompts.length, 1);
  });

  it('fails on a wrong passphrase, without asking again for the next key', async () => {
    const k = edKey('prot', 'secret words');
    const { prompts, ask } = counting('wrong');
    const loader = loaderWith(ioWith({ [FILE]: k.path }), ask);
    const e = await failure(unwrapDataKey(await groupsFor([k.pub, sshPublicKeyToAgeRecipient(k.pub)]), 0, loader));
    assert.equal(e.code, 'NO_IDENTITY');
    assert.match(e.details ?? '', /wrong passphrase/);
    assert.equal(prompts.length, 1);
  });

  it('reports a refused prompt in the failure', async () => {
    const k = edKey('prot', 'secret words');
    const loader = loaderWith(ioWith({ [FILE]: k.path }), async () => {
      throw new TsopsError('NO_IDENTITY', 'a passphrase is needed for x but there is no terminal to ask it on');
    });
    const e = await failure(unwrapDataKey(await groupsFor([k.pub]), 0, loader));
    assert.match(e.details ?? '', /no terminal to ask it on/);
  });

  it('fails the source when no prompt is available', async () => {
    const k = edKey('prot', 'secret words');
    const loader = loaderWith(ioWith({ [FILE]: k.path }));
    await failure(unwrapDataKey(await groupsFor([k.pub]), 0, loader));
    const o = outcome(loader.report(), FILE);
    assert.equal(o.status, 'error');
    assert.equal(o.message, `SSH key "${k.path}" is passphrase-protected and no passphrase prompt is available`);
  });

  it('takes the public key of a protected PEM key from <path>.pub, and says so when it is missing', async () => {
    const pem = sshKeygenReencode(rsaKey(), dir, `pem${n++}`, ['-m', 'PEM'], 'pem pass');
    assert.match(pem.text, /Proc-Type: 4,ENCRYPTED/);
    const { prompts, ask } = counting('pem pass');
    const loader = loaderWith(ioWith({ [FILE]: pem.path }), ask);
    assert.deepEqual(await unwrapDataKey(await groupsFor([pem.pub]), 0, loader), dataKey);
    assert.equal(prompts.length, 1);

    const lone = path.join(dir, `lone${n++}`);
    fs.copyFileSync(pem.path, lone);
    const without = loaderWith(ioWith({ [FILE]: lone }), ask);
    await failure(unwrapDataKey(await groupsFor([pem.pub]), 0, without));
    const o = outcome(without.report(), FILE);
    assert.equal(o.status, 'error');
    assert.equal(
      o.message,
      `failed to obtain public "${lone}.pub" key for "${lone}" SSH key: open ${lone}.pub: no such file or directory`,
    );
  });
});

describe('SOPS_AGE_SSH_PRIVATE_KEY_CMD', { skip: noSshKeygen }, () => {
  it('runs once per recipient with SOPS_AGE_RECIPIENT set, and its output opens the stanza', async () => {
    const k = edKey();
    const log = path.join(fresh());
    const cmd = `sh -c 'echo "$SOPS_AGE_RECIPIENT" >> "$0"; cat "$1"' ${log} ${k.path}`;
    const loader = loaderWith(ioWith({ [CMD]: cmd }));
    const converted = sshPublicKeyToAgeRecipient(k.pub);
    const groups = await groupsFor([k.pub, converted], true);
    assert.deepEqual(await unwrapDataKey(groups, 0, loader), dataKey);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [k.pub, converted]);
    const o = outcome(loader.report(converted), CMD);
    assert.equal(o.status, 'loaded');
    assert.equal(o.forRecipient, converted);
  });

  it('reports a failing command with its exit status', async () => {
    const loader = loaderWith(ioWith({ [CMD]: 'sh -c "exit 3"' }));
    await failure(unwrapDataKey(await groupsFor([edKey().pub]), 0, loader));
    assert.equal(outcome(loader.report(), CMD).message, `failed to execute command sh -c "exit 3" from ${CMD}: exit status 3`);
  });

  it('reports a command that cannot be found', async () => {
    const loader = loaderWith(ioWith({ [CMD]: 'tsops-no-such-program --key' }));
    await failure(unwrapDataKey(await groupsFor([edKey().pub]), 0, loader));
    assert.match(outcome(loader.report(), CMD).message ?? '', /executable file not found/);
  });

  it('refuses a passphrase-protected key on its output, without prompting', async () => {
    const k = edKey('prot', 'secret words');
    const { prompts, ask } = counting('secret words');
    const loader = loaderWith(ioWith({ [CMD]: `cat ${k.path}` }), ask);
    await failure(unwrapDataKey(await groupsFor([k.pub]), 0, loader));
    assert.match(outcome(loader.report(), CMD).message ?? '', /passphrase-protected; the command must print an unprotected key/);
    assert.deepEqual(prompts, []);
  });
});

describe('~/.ssh keys', { skip: noSshKeygen }, () => {
  it('uses ~/.ssh/id_ed25519 and ~/.ssh/id_rsa when they exist', async () => {
    const home = fresh();
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    const ed = edKey();
    fs.copyFileSync(ed.path, path.join(home, '.ssh', 'id_ed25519'));
    fs.copyFileSync(rsaKey().path, path.join(home, '.ssh', 'id_rsa'));
    const loader = loaderWith(ioWith({ HOME: home }));
    assert.deepEqual(await unwrapDataKey(await groupsFor([ed.pub, rsaKey().pub], true), 0, loader), dataKey);
    const report = loader.report();
    assert.equal(outcome(report, path.join(home, '.ssh', 'id_ed25519')).status, 'loaded');
    assert.equal(outcome(report, path.join(home, '.ssh', 'id_rsa')).status, 'loaded');
  });

  it('lists the sources in sops order, naming absent home keys by path', async () => {
    const home = fresh();
    const loader = loaderWith(ioWith({ HOME: home }));
    await failure(unwrapDataKey(await groupsFor([edKey().pub]), 0, loader));
    const report = loader.report();
    assert.deepEqual(
      report.slice(0, 4).map((o) => [o.location, o.status]),
      [
        [FILE, 'not-set'],
        [CMD, 'not-set'],
        [path.join(home, '.ssh', 'id_ed25519'), 'not-found'],
        [path.join(home, '.ssh', 'id_rsa'), 'not-found'],
      ],
    );
  });

  it('reports an unknown home directory as an error', async () => {
    const loader = loaderWith(ioWith({ HOME: undefined }));
    await failure(unwrapDataKey(await groupsFor([edKey().pub]), 0, loader));
    assert.equal(outcome(loader.report(), '~/.ssh').message, 'could not determine the user home directory: $HOME is not defined');
  });
});

describe('sshKeyIdentities', () => {
  it('offers every identity of an unprotected key for any recipient', () => {
    const key = sshKeyIdentities(Buffer.from(goAgeRsa.key), { location: 'k', name: 'k', askPassphrase: undefined });
    assert.equal(key.locked, false);
    assert.equal(key.forRecipient('age1anything').length, 1);
  });

  it('names an unsupported key without quoting it', { skip: noSshKeygen }, () => {
    const ecdsa = sshKeygen(dir, `ecdsa${n++}`, ['-t', 'ecdsa']);
    const key = sshKeyIdentities(Buffer.from(ecdsa.text), { location: 'k', name: ecdsa.path, askPassphrase: undefined });
    assert.equal(key.outcome.status, 'error');
    assert.match(key.outcome.message ?? '', /unsupported ssh private key type "ecdsa-sha2-nistp256"/);
    assert.ok(!(key.outcome.message ?? '').includes(ecdsa.text.split('\n')[1] as string));
  });
});

describe('nativeRecipients with SSH keys', { skip: noSshKeygen }, () => {
  it("counts an unprotected key file's recipients, both the ssh one and its ssh-to-age conversion", async () => {
    const k = edKey();
    const loader = loaderWith(ioWith({ [FILE]: k.path }));
    const other = await identityToRecipient(await generateIdentity());
    await loader.identitiesFor(other);
    assert.deepEqual([...(loader.nativeRecipients() ?? [])].sort(), [keyPart(k.pub), sshPublicKeyToAgeRecipient(k.pub)].sort());
  });

  it('is unknown while a passphrase-protected key waits for its passphrase', async () => {
    const k = edKey('locked', 'secret words');
    const loader = loaderWith(ioWith({ [FILE]: k.path }), counting('secret words').ask);
    await loader.identitiesFor(await identityToRecipient(await generateIdentity()));
    assert.equal(loader.nativeRecipients(), undefined);
  });
});
