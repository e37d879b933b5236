import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { fakeIo } from '../helpers/fake-io.js';
import type { Io } from '../../src/io/types.js';
import { parseAgeRecipient } from '../../src/keys/age/master-key.js';
import { unwrapDataKey, wrapDataKey } from '../../src/keys/data-key.js';
import { createIdentityLoader } from '../../src/keys/loader.js';
import { pluginHostFor } from '../../src/keys/age/plugin/client.js';
import { tempDir } from '../helpers/paths.js';
import { interopDir, interopSkip } from '../helpers/interop.js';
import { readFixtureGroup } from './interop-fixtures.js';
import { goAgeEd25519 } from './ssh/test-keys.js';
import { pluginPath, tsopstestKey } from './age/plugin/plugin-fixture.js';
import { ScriptedTerminal } from '../helpers/scripted-terminal.js';

function ioWith(env: Record<string, string | undefined>): Io {
  return fakeIo({ env: { PATH: process.env['PATH'], ...env } }).io;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A prompt that must not be used: the tests below never need a terminal. */
const noPrompt = async (prompt: string): Promise<string> => assert.fail(`unexpected prompt: ${prompt}`);

describe('createIdentityLoader', () => {
  it('consults the SSH sources first, then the age sources, in spec order', () => {
    const home = '/home/someone';
    const loader = createIdentityLoader(ioWith({ HOME: home }), { askPassphrase: noPrompt });
    assert.deepEqual(
      loader.sources.map((s) => s.location),
      [
        'SOPS_AGE_SSH_PRIVATE_KEY_FILE',
        'SOPS_AGE_SSH_PRIVATE_KEY_CMD',
        path.join(home, '.ssh', 'id_ed25519'),
        path.join(home, '.ssh', 'id_rsa'),
        'SOPS_AGE_KEY',
        'SOPS_AGE_KEY_FILE',
        'SOPS_AGE_KEY_CMD',
        'default keys file',
      ],
    );
  });

  it('makes SSH public keys valid age recipients for every command that loads it', () => {
    assert.equal(parseAgeRecipient(goAgeEd25519.pub).kind, 'ssh-ed25519');
  });

  it('opens the sops-nix fixture with its SSH ed25519 key alone', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'sops-nix');
    const group = readFixtureGroup(path.join(dir, 'secrets.yaml'), 'yaml');
    const derived = JSON.parse(fs.readFileSync(path.join(dir, 'derived', 'secrets.yaml.derived.json'), 'utf8')) as {
      data_key_hex: string;
    };
    const loader = createIdentityLoader(
      ioWith({ HOME: '/nonexistent-tsops-home', SOPS_AGE_SSH_PRIVATE_KEY_FILE: path.join(dir, 'ssh-ed25519-key') }),
      { askPassphrase: noPrompt },
    );
    assert.equal(hex(await unwrapDataKey([group], 0, loader)), derived.data_key_hex);
  });

  it('opens the post-quantum fluxcd fixture with keys/age-pq.txt', { skip: interopSkip }, async () => {
    const dir = path.join(interopDir, 'fluxcd-kustomize-controller');
    const group = readFixtureGroup(path.join(dir, 'algorithms', 'age-pq.yaml'), 'yaml');
    assert.ok(group[0]?.type === 'age' && group[0].recipient.startsWith('age1pq1'));
    const loader = createIdentityLoader(
      ioWith({ HOME: '/nonexistent-tsops-home', SOPS_AGE_KEY_FILE: path.join(dir, 'keys', 'age-pq.txt') }),
      { askPassphrase: noPrompt },
    );
    assert.equal((await unwrapDataKey([group], 0, loader)).length, 32);
  });

  it('asks for the passphrase of an encrypted age identity file through the given prompt', async () => {
    const secret = await generateIdentity();
    const e = new Encrypter();
    e.setPassphrase('pw');
    e.setScryptWorkFactor(10);
    const file = path.join(tempDir(), 'keys.age');
    fs.writeFileSync(file, await e.encrypt(`${secret}\n`));
    const prompts: string[] = [];
    const loader = createIdentityLoader(ioWith({ HOME: '/nonexistent-tsops-home', SOPS_AGE_KEY_FILE: file }), {
      askPassphrase: async (p) => {
        prompts.push(p);
        return 'pw';
      },
    });
    const dataKey = new Uint8Array(32).fill(5);
    const { groups } = await wrapDataKey([[await identityToRecipient(secret)]], dataKey, 0);
    assert.deepEqual(await unwrapDataKey(groups, 0, loader), dataKey);
    assert.deepEqual(prompts, ["Enter passphrase for identity 'SOPS_AGE_KEY_FILE':"]);
  });

  it("starts a plugin identity's plugin with the run's environment and answers it on the run's terminal", async () => {
    const key = tsopstestKey();
    const file = path.join(tempDir(), 'keys.txt');
    fs.writeFileSync(file, `${key.identity}\n`);
    const dataKey = new Uint8Array(32).fill(9);
    const { groups } = await wrapDataKey([[key.recipient]], dataKey, 0, { pluginHost: pluginHostFor(ioWith({ PATH: pluginPath() })) });
    // the plugin is found on the run's PATH and reads TSOPSTEST_ASK from the run's environment
    const terminal = new ScriptedTerminal([{ typed: ['1234\r'] }]);
    const env = { HOME: '/nonexistent-tsops-home', SOPS_AGE_KEY_FILE: file, PATH: pluginPath(), TSOPSTEST_ASK: 'secret' };
    const fake = fakeIo({ env, terminal });
    const loader = createIdentityLoader(fake.io, { askPassphrase: noPrompt });
    assert.deepEqual(await unwrapDataKey(groups, 0, loader), dataKey);
    assert.match(terminal.shown, /age-plugin-tsopstest: tsopstest PIN:/);
    assert.doesNotMatch(terminal.shown, /1234/, 'the PIN is not echoed');
    assert.equal(fake.stderr(), '');
  });
});
