/**
 * Identity sources (spec §4.3): what a source reports, and the parsing of a source's content —
 * identity text, or a passphrase-protected identity file that is opened on demand. Shared by
 * the age sources (identities.ts) and the SSH sources.
 */
import { messageOf } from '../errors.js';
import { ageLibrary, identityLineKind, parseNativeIdentity } from './age/master-key.js';
import type { Identity } from './identity.js';
import { redactSecrets } from './secret-guard.js';
import type { AskPassphrase } from './tty-passphrase.js';

export type { AskPassphrase };
import { pluginIdentityFromLine, pluginOf } from './age/plugin/keys.js';
import type { PluginHost } from './age/plugin/client.js';
import { splitCommand } from './command-line.js';
import type { Io } from '../io/types.js';
import { KEY_COMMAND_TIMEOUT_ENV, MAX_KEY_SOURCE_BYTES, formatLimit, keyCommandTimeoutMs } from './source-limits.js';
import { decryptBytes } from './age/stream.js';
import { armorDecode } from './age/armor.js';

/**
 * not-set: the variable is absent; not-found: the default file does not exist; empty: read but
 * held no identity; loaded: identities available; locked: passphrase-protected, not yet
 * unlocked; error: the source failed (message says why).
 */
export type SourceStatus = 'not-set' | 'not-found' | 'empty' | 'loaded' | 'locked' | 'error';

/** What one source gave. Contains no key material. */
export interface SourceOutcome {
  /** An environment variable name or a file path, as sops names locations. */
  readonly location: string;
  /** Extra context, e.g. the path named by `SOPS_AGE_KEY_FILE`. */
  readonly detail?: string;
  readonly status: SourceStatus;
  /** Number of identities loaded. */
  readonly count: number;
  /** Public recipients of the loaded identities, where known. */
  readonly recipients: readonly string[];
  /** The error text (status `error`) or a note (the plugins of plugin identities, locked file). */
  readonly message?: string;
  /** For per-recipient sources (commands): the recipient it ran for. */
  readonly forRecipient?: string;
}

/** A loaded source: its outcome and identities; `unlock` is present while it is locked. */
export interface SourceResult {
  readonly outcome: SourceOutcome;
  readonly identities: readonly Identity[];
  readonly unlock?: () => Promise<SourceResult>;
}

/** One place identities can come from. */
export interface IdentitySource {
  readonly location: string;
  /** Loaded once per recipient (commands getting `SOPS_AGE_RECIPIENT`) rather than once per run. */
  readonly perRecipient: boolean;
  /** Never throws for an ordinary failure: returns an `error` outcome. */
  load(recipient: string): Promise<SourceResult>;
  /**
   * For a per-recipient source that reads one thing for every recipient (a key file): the
   * recipients its identities open, once it has been loaded and is not locked; else undefined.
   */
  knownRecipients?(): ReadonlySet<string> | undefined;
}


/**
 * The recipients some identities open, plugin identities aside (a plugin's identity names no
 * recipient); undefined when a native identity's recipient is not known.
 */
export function nativeRecipientsOf(identities: readonly Identity[]): Set<string> | undefined {
  const out = new Set<string>();
  for (const id of identities) {
    if (pluginOf(id) !== undefined) continue;
    if (id.recipient === undefined) return undefined;
    out.add(id.recipient);
  }
  return out;
}

/** An outcome with no identities unless `extra` says otherwise. */
export function sourceOutcome(
  location: string,
  status: SourceStatus,
  extra: Partial<Omit<SourceOutcome, 'location' | 'status'>> = {},
): SourceOutcome {
  return { location, status, count: 0, recipients: [], ...extra };
}

/** A failed source; the message is scrubbed of anything that looks like key material. */
export function sourceFailure(location: string, message: string, extra: Partial<SourceOutcome> = {}): SourceResult {
  return { outcome: sourceOutcome(location, 'error', { ...extra, message: redactSecrets(message) }), identities: [] };
}

/** Split text into lines as Go's bufio.Scanner does: `\n` ends a line, one `\r` before it is dropped. */
function scanLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Parse identity text (spec §4.3): lines that are empty or start with `#` are skipped; each
 * other line is one identity, or several whitespace-separated ones with `multiplePerLine`
 * (`SOPS_AGE_KEY`). Plugin identities (`AGE-PLUGIN-…`) are noted with their plugin; anything
 * unknown or malformed fails the whole source, naming the line but never its text.
 */
export interface IdentityTextOptions {
  /** Several whitespace-separated identities on a line (`SOPS_AGE_KEY`). */
  multiplePerLine?: boolean | undefined;
  /** More of the source's outcome: the file it names, the recipient it was asked for. */
  extra?: Partial<SourceOutcome> | undefined;
  /** Where plugin identities run and ask; the process's own Io without it. */
  pluginHost?: PluginHost | undefined;
}

export async function parseIdentityText(text: string, location: string, options: IdentityTextOptions = {}): Promise<SourceResult> {
  const { multiplePerLine = false, extra = {}, pluginHost } = options;
  const identities: Identity[] = [];
  const plugins: string[] = [];
  const lines = scanLines(text);
  const cannotParse = `failed to parse '${location}' age identities`;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line === '' || line.startsWith('#')) continue;
    const keys = multiplePerLine ? line.split(/\s+/).filter((k) => k !== '') : [line];
    for (const key of keys) {
      const kind = identityLineKind(key);
      if (kind === 'plugin') {
        const id = pluginIdentityFromLine(key, `${location} line ${n + 1}`, pluginHost);
        if (!id) return sourceFailure(location, `${cannotParse}: malformed plugin identity (line ${n + 1})`, extra);
        identities.push(id);
        const binary = pluginOf(id) as string;
        if (!plugins.includes(binary)) plugins.push(binary);
        continue;
      }
      if (kind === 'unknown') {
        return sourceFailure(location, `${cannotParse}: unknown identity type (line ${n + 1})`, extra);
      }
      try {
        identities.push(await parseNativeIdentity(key, `${location} line ${n + 1}`));
      } catch {
        return sourceFailure(location, `${cannotParse}: malformed secret key (line ${n + 1})`, extra);
      }
    }
  }
  const note = plugins.length === 0 ? undefined : `through ${plugins.join(', ')}`;
  return {
    outcome: sourceOutcome(location, identities.length > 0 ? 'loaded' : 'empty', {
      ...extra,
      count: identities.length,
      recipients: identities.flatMap((i) => (i.recipient === undefined ? [] : [i.recipient])),
      ...(note === undefined ? {} : { message: note }),
    }),
    identities,
  };
}

const ENCRYPTED_PREFIXES = ['age-encryption', '-----BEGIN AGE'];

/** Whether source content is a passphrase-encrypted identity file (binary or armored age). */
export function isEncryptedIdentityFile(content: Uint8Array): boolean {
  const head = Buffer.from(content.subarray(0, 14)).toString('latin1');
  return ENCRYPTED_PREFIXES.includes(head);
}

/**
 * Parse a source's content: a passphrase-encrypted identity file becomes a locked result that
 * asks for the passphrase when unlocked; anything else is identity text.
 */
export async function parseSourceContent(
  content: Uint8Array,
  location: string,
  options: IdentityTextOptions & { askPassphrase?: AskPassphrase | undefined } = {},
): Promise<SourceResult> {
  const { askPassphrase, extra = {}, ...textOptions } = options;
  if (!isEncryptedIdentityFile(content)) {
    return parseIdentityText(Buffer.from(content).toString('utf8'), location, { ...textOptions, extra });
  }
  if (askPassphrase === undefined) {
    const why = `'${location}' is a passphrase-protected identity file and no passphrase prompt is available`;
    return sourceFailure(location, why, extra);
  }
  const unlock = async (): Promise<SourceResult> => {
    let file: Uint8Array;
    try {
      file = content[0] === 0x2d ? armorDecode(Buffer.from(content).toString('utf8')) : content;
    } catch (e) {
      return sourceFailure(location, `failed to read '${location}': ${messageOf(e)}`, extra);
    }
    let passphrase: string;
    try {
      passphrase = await askPassphrase(`Enter passphrase for identity '${location}':`);
    } catch (e) {
      return sourceFailure(location, `could not read passphrase for '${location}': ${messageOf(e)}`, extra);
    }
    const decrypter = new (await ageLibrary()).Decrypter();
    decrypter.addPassphrase(passphrase);
    let inner: Uint8Array;
    try {
      inner = await decryptBytes(decrypter, file);
    } catch (e) {
      const why = messageOf(e).startsWith('no identity matched') ? 'incorrect passphrase' : messageOf(e);
      return sourceFailure(location, `failed to decrypt identity file '${location}': ${why}`, extra);
    }
    // the decrypted file is identity file text: one identity a line
    return parseIdentityText(Buffer.from(inner).toString('utf8'), location, { extra, pluginHost: textOptions.pluginHost });
  };
  return {
    outcome: sourceOutcome(location, 'locked', { ...extra, message: 'passphrase-protected identity file' }),
    identities: [],
    unlock,
  };
}

/** Go's wording for a file that cannot be read (no secrets: it names only the path). */
export function describeReadError(e: unknown, file: string): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return `open ${file}: no such file or directory`;
  if (code === 'EACCES' || code === 'EPERM') return `open ${file}: permission denied`;
  if (code === 'EISDIR') return `read ${file}: is a directory`;
  if (code === 'EFBIG') return `read ${file}: ${messageOf(e)}, too large for a key file`;
  return messageOf(e);
}

/**
 * Run a key command named by an environment variable (`SOPS_AGE_KEY_CMD`,
 * `SOPS_AGE_SSH_PRIVATE_KEY_CMD`) for one recipient, as sops does: split shell-style, no shell,
 * `SOPS_AGE_RECIPIENT` set. Gives its stdout, a `not-set` result, or a failed source.
 */
export async function runKeyCommand(
  io: Io,
  name: string,
  recipient: string,
): Promise<{ stdout: Uint8Array } | { result: SourceResult }> {
  const cmd = io.env[name];
  if (cmd === undefined) return { result: { outcome: sourceOutcome(name, 'not-set'), identities: [] } };
  const fail = (why: string) => ({ result: sourceFailure(name, why, { forRecipient: recipient }) });
  let argv: string[];
  try {
    argv = splitCommand(cmd);
  } catch (e) {
    return fail(`failed to parse command ${cmd} from ${name}: ${messageOf(e)}`);
  }
  if (argv.length === 0) return fail(`failed to parse command "${cmd}" from ${name}: empty command`);
  let run;
  try {
    run = await io.run(argv, {
      env: { ...io.env, SOPS_AGE_RECIPIENT: recipient },
      timeoutMs: keyCommandTimeoutMs(io.env),
      maxOutputBytes: MAX_KEY_SOURCE_BYTES,
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === 'ENOENT' ? `exec: "${argv[0]}": executable file not found in $PATH` : messageOf(e);
    return fail(`failed to execute command ${cmd} from ${name}: ${why}`);
  }
  if (run.timedOut) {
    const seconds = keyCommandTimeoutMs(io.env) / 1000;
    return fail(`command ${cmd} from ${name} did not finish within ${seconds} s and was stopped (${KEY_COMMAND_TIMEOUT_ENV} sets the limit in seconds)`);
  }
  if (run.outputTooLarge) {
    return fail(`command ${cmd} from ${name} printed more than ${formatLimit(MAX_KEY_SOURCE_BYTES)} and was stopped`);
  }
  if (run.code !== 0) return fail(`failed to execute command ${cmd} from ${name}: exit status ${run.code}`);
  return { stdout: run.stdout };
}
