/**
 * Private GnuPG homes for the PGP tests: a fresh 0700 directory per use, optionally with the
 * sops functional-test key imported; the user's own ~/.gnupg is never touched. Agents started
 * in these homes are stopped when the test process exits.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { interopDir } from './interop.js';

/** The sops repository's test key pair (no passphrase) and its fingerprint. */
export const SOPS_TEST_FP = 'FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4';
export const knownDataKeysDir = path.join(interopDir, 'getsops-sops-v3.13-known-data-keys');
export const sopsTestKeyFile = path.join(knownDataKeysDir, 'sops_functional_tests_key.asc');

/** Whether a gpg binary runs on this machine. */
export const gpgAvailable = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;

/** Why the PGP fixture tests cannot run here, or false when they can. */
export const pgpSkip: string | false =
  !gpgAvailable ? 'gpg is not installed (.ci/run installs gnupg)'
  : !fs.existsSync(sopsTestKeyFile) ? `${sopsTestKeyFile} is absent`
  : false;

const homes: string[] = [];
let cleanupRegistered = false;

/** Stop the agents of every home made here and remove the homes. */
export function stopGnupgHomes(): void {
  for (const home of homes.splice(0)) {
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A fresh private GNUPGHOME (0700), with the given armored key files imported. */
export function gnupgHome(imports: readonly string[] = []): string {
  // short path: gpg-agent's socket path must fit in sockaddr_un
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-'));
  fs.chmodSync(home, 0o700);
  homes.push(home);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', stopGnupgHomes);
  }
  for (const file of imports) {
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return home;
}

/**
 * A GNUPGHOME with the sops test key protected by `passphrase`, and no agent running (so none
 * has it cached). A fixed S2K count spares the agent its slow calibration.
 */
export function passphraseHome(passphrase: string): string {
  const home = gnupgHome();
  fs.writeFileSync(path.join(home, 'gpg-agent.conf'), 's2k-count 65536\n');
  execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import', sopsTestKeyFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase, '--passwd', SOPS_TEST_FP], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  return home;
}

/** A GNUPGHOME holding only the public half of the sops test key. */
export function publicOnlyHome(): string {
  const withSecret = gnupgHome([sopsTestKeyFile]);
  const pub = execFileSync('gpg', ['--homedir', withSecret, '--armor', '--export', SOPS_TEST_FP]);
  const home = gnupgHome();
  execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import'], { input: pub, stdio: ['pipe', 'ignore', 'pipe'] });
  return home;
}

/** Decrypt an armored PGP message with gpg alone (no tsops code involved). */
export function gpgDecrypt(home: string, armored: string): Buffer {
  return execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--decrypt'], { input: armored, stdio: ['pipe', 'pipe', 'pipe'] });
}
