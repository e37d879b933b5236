/**
 * SSH private keys as identity sources (spec §4.3 items 1–3): `SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
 * `SOPS_AGE_SSH_PRIVATE_KEY_CMD` (run per recipient) and `~/.ssh/id_ed25519`, `~/.ssh/id_rsa`
 * when they exist. An Ed25519 key gives two identities: the native `ssh-ed25519` one and the
 * X25519 one of its ssh-to-age conversion (sops-nix files); an RSA key gives the `ssh-rsa` one.
 *
 * A passphrase-protected key is asked for once per run, and only when a stanza could be for it:
 * the native identities check the stanza tag first, and the converted identity (X25519 stanzas
 * carry no tag) is offered only for the master key whose recipient is its `age1…` conversion.
 * That is why these sources are loaded per recipient; the key itself is read once.
 */
import * as path from 'node:path';
import { readKeySource } from '../source-limits.js';
import type { Io } from '../../io/types.js';
import { isTsopsError, messageOf } from '../../errors.js';
import type { Identity } from '../identity.js';
import type { SshSourceContext, SshSourceFactory } from '../identities.js';
import { describeReadError, nativeRecipientsOf, runKeyCommand, sourceFailure, sourceOutcome } from '../identity-source.js';
import type { AskPassphrase, IdentitySource, SourceOutcome, SourceResult } from '../identity-source.js';
import { inspectSshPrivateKey } from './openssh-key.js';
import { SshConvertedX25519Identity, sshIdentitiesFromPrivateKey } from './recipients.js';

export const SOPS_AGE_SSH_PRIVATE_KEY_FILE = 'SOPS_AGE_SSH_PRIVATE_KEY_FILE';
export const SOPS_AGE_SSH_PRIVATE_KEY_CMD = 'SOPS_AGE_SSH_PRIVATE_KEY_CMD';

/** The identities of one SSH private key, and which of them to offer for a given recipient. */
export interface SshKeyIdentities {
  readonly outcome: SourceOutcome;
  /** Every identity of the key (empty when it failed to load). */
  readonly identities: readonly Identity[];
  /** Whether the key waits for its passphrase (asked when a stanza first needs it). */
  readonly locked: boolean;
  /** The identities worth trying for a master key with this recipient. */
  forRecipient(recipient: string): readonly Identity[];
}

export interface SshKeyOptions {
  /** Where the key came from, as the report names it (a variable or a path). */
  location: string;
  /** Extra context for the report, e.g. the path a variable names. */
  detail?: string;
  /** The key's name in messages and in the passphrase prompt (the path as given). */
  name: string;
  /** How to ask for the passphrase; without it a protected key fails to load. */
  askPassphrase: AskPassphrase | undefined;
  /** Reads the `.pub` line, needed only for a protected PEM key (it does not hold its public key). */
  readPublicKey?: () => string;
  /** Refuse protected keys with this message (a command's output cannot be asked about). */
  refuseProtected?: string;
  /** For per-recipient sources: the recipient the key was produced for. */
  forRecipient?: string;
}

/** A key source that gave no identities (not set, not found, or failed). */
function without(result: SourceResult): SshKeyIdentities {
  return { outcome: result.outcome, identities: [], locked: false, forRecipient: () => [] };
}

function failed(options: SshKeyOptions, message: string): SshKeyIdentities {
  const extra = {
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    ...(options.forRecipient === undefined ? {} : { forRecipient: options.forRecipient }),
  };
  return without(sourceFailure(options.location, message, extra));
}

/**
 * The identities of an SSH private key (OpenSSH or PEM, Ed25519 or RSA). Never throws for a bad
 * key: the outcome says what went wrong, naming the key but never quoting its content.
 */
export function sshKeyIdentities(content: Uint8Array, options: SshKeyOptions): SshKeyIdentities {
  const quoted = JSON.stringify(options.name);
  let encrypted: boolean;
  let hasPublicKey: boolean;
  try {
    const info = inspectSshPrivateKey(content);
    encrypted = info.encrypted;
    hasPublicKey = info.publicKey !== undefined;
  } catch (e) {
    return failed(options, `malformed SSH identity in ${quoted}: ${messageOf(e)}`);
  }
  let publicKeyText: string | undefined;
  if (encrypted) {
    if (options.refuseProtected !== undefined) return failed(options, options.refuseProtected);
    if (options.askPassphrase === undefined) {
      return failed(options, `SSH key ${quoted} is passphrase-protected and no passphrase prompt is available`);
    }
    if (!hasPublicKey) {
      if (options.readPublicKey === undefined) {
        return failed(options, `SSH key ${quoted} is passphrase-protected and its public key is not known`);
      }
      try {
        publicKeyText = options.readPublicKey();
      } catch (e) {
        return failed(options, messageOf(e));
      }
    }
  }
  const ask = options.askPassphrase;
  let raw;
  try {
    raw = sshIdentitiesFromPrivateKey(content, {
      ...(encrypted && ask !== undefined ? { passphrase: () => ask(`Enter passphrase for ${quoted}:`) } : {}),
      ...(publicKeyText === undefined ? {} : { publicKeyText }),
    });
  } catch (e) {
    const prefix = isTsopsError(e) && e.code === 'NO_IDENTITY' ? `invalid SSH identity in ${quoted}` : `malformed SSH identity in ${quoted}`;
    return failed(options, `${prefix}: ${messageOf(e)}`);
  }
  const identities: Identity[] = raw.map((secret) => ({
    origin: options.detail === undefined ? options.location : `${options.location} (${options.detail})`,
    recipient: (secret as { recipient?: string }).recipient,
    secret,
  }));
  const converted = new Set(raw.filter((r) => r instanceof SshConvertedX25519Identity));
  const outcome = sourceOutcome(options.location, 'loaded', {
    count: identities.length,
    recipients: identities.flatMap((i) => (i.recipient === undefined ? [] : [i.recipient])),
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    ...(options.forRecipient === undefined ? {} : { forRecipient: options.forRecipient }),
    ...(encrypted ? { message: 'passphrase-protected, asked for when needed' } : {}),
  });
  return {
    outcome,
    identities,
    locked: encrypted,
    forRecipient: (recipient) => {
      // an unlocked key costs nothing to try; a locked one must not prompt for someone else's file
      if (!encrypted) return identities;
      const r = recipient.trim();
      return identities.filter((i) => !converted.has(i.secret as SshConvertedX25519Identity) || i.recipient === r);
    },
  };
}

function resultFor(key: SshKeyIdentities, recipient: string): SourceResult {
  return { outcome: key.outcome, identities: key.forRecipient(recipient) };
}

/** The text of `<key>.pub`, with sops' messages when it cannot be read. */
function publicKeyReader(io: Io, shown: string, absolute: string): () => string {
  return () => {
    const pub = `${absolute}.pub`;
    try {
      return Buffer.from(readKeySource(io, pub)).toString('utf8');
    } catch (e) {
      throw new Error(
        `failed to obtain public ${JSON.stringify(`${shown}.pub`)} key for ${JSON.stringify(shown)} SSH key: ` +
          describeReadError(e, `${shown}.pub`),
      );
    }
  };
}

/**
 * A key file source: read once (on first use), then offered per recipient. `file` says where the
 * key is, or gives the result when there is none to read; `missing` decides whether an absent
 * file is an error (a path the user named) or just not found (`~/.ssh`).
 */
function keyFileSource(
  location: string,
  file: () => { shown: string; absolute: string; detail?: string } | SourceResult,
  io: Io,
  askPassphrase: AskPassphrase | undefined,
  missing: 'error' | 'not-found',
): IdentitySource {
  let loaded: Promise<SshKeyIdentities> | undefined;
  let settled: SshKeyIdentities | undefined;
  const load = async (): Promise<SshKeyIdentities> => {
    const where = file();
    if ('outcome' in where) return without(where);
    const { shown, absolute, detail } = where;
    const extra = detail === undefined ? {} : { detail };
    if (missing === 'not-found' && !io.exists(absolute)) {
      return without({ outcome: sourceOutcome(location, 'not-found', extra), identities: [] });
    }
    let content: Uint8Array;
    try {
      if (shown === '') throw Object.assign(new Error('empty path'), { code: 'ENOENT' });
      content = readKeySource(io, absolute);
    } catch (e) {
      return without(sourceFailure(location, `failed to open file: ${describeReadError(e, shown)}`, extra));
    }
    return sshKeyIdentities(content, {
      location,
      ...extra,
      name: shown,
      askPassphrase,
      readPublicKey: publicKeyReader(io, shown, absolute),
    });
  };
  return {
    location,
    perRecipient: true,
    load: async (recipient) => {
      loaded ??= load().then((key) => (settled = key));
      return resultFor(await loaded, recipient);
    },
    knownRecipients: () => (settled === undefined || settled.locked ? undefined : nativeRecipientsOf(settled.identities)),
  };
}

/** `SOPS_AGE_SSH_PRIVATE_KEY_CMD` for one recipient: its stdout is an unprotected SSH private key. */
async function loadCommandKey(io: Io, recipient: string): Promise<SourceResult> {
  const name = SOPS_AGE_SSH_PRIVATE_KEY_CMD;
  const ran = await runKeyCommand(io, name, recipient);
  if ('result' in ran) return ran.result;
  const result = ran;
  const key = sshKeyIdentities(result.stdout, {
    location: name,
    name: `output of ${name}`,
    askPassphrase: undefined,
    refuseProtected: `the SSH key printed by ${name} is passphrase-protected; the command must print an unprotected key`,
    forRecipient: recipient,
  });
  return resultFor(key, recipient);
}

/**
 * The SSH identity sources, in sops' order: the key file named by
 * `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, the key printed by `SOPS_AGE_SSH_PRIVATE_KEY_CMD`, then
 * `$HOME/.ssh/id_ed25519` and `$HOME/.ssh/id_rsa` if they exist. Pass it to IdentityLoader as
 * `sshSources`.
 */
export const sshIdentitySources: SshSourceFactory = (ctx: SshSourceContext): IdentitySource[] => {
  const { io, home, askPassphrase } = ctx;
  const envFile = keyFileSource(
    SOPS_AGE_SSH_PRIVATE_KEY_FILE,
    () => {
      const file = io.env[SOPS_AGE_SSH_PRIVATE_KEY_FILE];
      if (file === undefined) return { outcome: sourceOutcome(SOPS_AGE_SSH_PRIVATE_KEY_FILE, 'not-set'), identities: [] };
      // relative to the run's working directory, which in-process runs set through the Io
      return { shown: file, absolute: path.resolve(io.cwd(), file), detail: file };
    },
    io,
    askPassphrase,
    'error',
  );
  const command: IdentitySource = {
    location: SOPS_AGE_SSH_PRIVATE_KEY_CMD,
    perRecipient: true,
    load: (recipient) => loadCommandKey(io, recipient),
  };
  if (home === undefined || home === '') {
    const noHome: IdentitySource = {
      location: '~/.ssh',
      perRecipient: false,
      load: async () => sourceFailure('~/.ssh', 'could not determine the user home directory: $HOME is not defined'),
    };
    return [envFile, command, noHome];
  }
  const homeKey = (name: string): IdentitySource => {
    const shown = path.join(home, '.ssh', name);
    return keyFileSource(shown, () => ({ shown, absolute: path.resolve(io.cwd(), shown) }), io, askPassphrase, 'not-found');
  };
  return [envFile, command, homeKey('id_ed25519'), homeKey('id_rsa')];
};
