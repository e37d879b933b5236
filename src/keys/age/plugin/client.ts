/**
 * The client side of the age plugin state machines (C2SP age-plugin): `recipient-v1` wraps file
 * keys for the recipients and identities of one plugin, `identity-v1` unwraps the file keys of
 * several files with the identities of one plugin, each in one plugin process. Modelled on
 * age's `plugin/client.go`: grease in phase 1, `extension-labels`, `unsupported` for unknown
 * phase-2 commands, and the plugin's `error` text shown as it wrote it.
 */
import { randomBytes } from 'node:crypto';
import { base64nopad } from '@scure/base';
import { TsopsError, isTsopsError } from '../../../errors.js';
import { Stanza } from '../stanza.js';
import type { Identity, Recipient } from '../stanza.js';
import { printable, withPlugin } from './connection.js';
import type { PluginConnection, PluginProcessIo } from './connection.js';
import type { PluginKey } from './names.js';
import { pluginBinary } from './names.js';
import { nodeIo } from '../../../io/node-io.js';
import type { Io } from '../../../io/types.js';
import { terminalPluginUi } from './terminal-ui.js';
import type { PluginUi } from './terminal-ui.js';
import type { WireStanza } from './wire.js';

/** What a plugin session needs of a run: where requests are answered, and how the plugin starts. */
export interface PluginHost {
  readonly ui: PluginUi;
  readonly io: PluginProcessIo;
}

/** The host of a run's Io: its terminal and standard error, its environment and processes. */
export function pluginHostFor(io: Io): PluginHost {
  return { ui: terminalPluginUi(io), io };
}

// A command's plugin keys run on its own host: identities through its identity loader,
// recipients through the wrap options. Keys used without a run (the library API) run on the
// process's own Io.
let defaultHost: PluginHost | undefined;
const processHost = (): PluginHost => (defaultHost ??= pluginHostFor(nodeIo()));

const INDEX = /^(0|[1-9][0-9]{0,8})$/;

function grease(conn: PluginConnection): void {
  const args = randomBytes(1)[0]! % 2 === 0 ? [] : [base64nopad.encode(randomBytes(6))];
  conn.send(`grease-${randomBytes(4).toString('hex')}`, args, randomBytes(randomBytes(1)[0]! % 3 === 0 ? 0 : 12));
}

/** Answer one interactive command; false when it is not one (the caller says `unsupported`). */
async function handleUi(conn: PluginConnection, s: WireStanza, face: PluginUi): Promise<boolean> {
  const text = Buffer.from(s.body).toString('utf8');
  conn.pauseTimer();
  try {
    switch (s.type) {
      case 'msg':
        conn.send((await face.message(conn.binary, text)) ? 'ok' : 'fail');
        return true;
      case 'request-public':
      case 'request-secret': {
        const value = await face.request(conn.binary, text, s.type === 'request-secret');
        if (value === undefined) conn.send('fail');
        else conn.send('ok', [], Buffer.from(value, 'utf8'));
        return true;
      }
      case 'confirm': {
        if (s.args.length !== 1 && s.args.length !== 2) throw conn.protocolError('a confirm command with a wrong argument count');
        const decode = (a: string): string => {
          try {
            return Buffer.from(base64nopad.decode(a)).toString('utf8');
          } catch {
            throw conn.protocolError('a confirm choice that is not base64');
          }
        };
        const yes = decode(s.args[0] as string);
        const no = s.args.length === 2 ? decode(s.args[1] as string) : undefined;
        const choice = await face.confirm(conn.binary, text, yes, no);
        if (choice === undefined) conn.send('fail');
        else conn.send('ok', [choice ? 'yes' : 'no']);
        return true;
      }
      default:
        return false;
    }
  } finally {
    conn.resumeTimer();
  }
}

function pluginFailure(conn: PluginConnection, s: WireStanza): TsopsError {
  const text = printable(Buffer.from(s.body).toString('utf8'));
  return new TsopsError('NO_IDENTITY', `${conn.binary}: ${text === '' ? 'error' : text}`);
}

/**
 * Wrap each of `fileKeys` for the given keys of one plugin in one `recipient-v1` process: the
 * stanzas of each file, in order. `identities` are identity strings used as recipients
 * (`add-identity`).
 */
export async function wrapWithPlugin(
  name: string,
  recipients: readonly string[],
  identities: readonly string[],
  fileKeys: readonly Uint8Array[],
  host: PluginHost = processHost(),
): Promise<Stanza[][]> {
  return wrapFileKeys(name, recipients, identities, () => fileKeys, host);
}

/** {@link wrapWithPlugin}, the file keys taken when the process starts. */
async function wrapFileKeys(
  name: string,
  recipients: readonly string[],
  identities: readonly string[],
  fileKeys: () => readonly Uint8Array[],
  host: PluginHost,
): Promise<Stanza[][]> {
  try {
    return await wrapSession(name, recipients, identities, fileKeys, host);
  } catch (e) {
    // a key that cannot be wrapped is a failed encryption (sops exits 1), not a missing identity
    if (isTsopsError(e) && e.code === 'NO_IDENTITY') {
      throw new TsopsError('GENERIC', e.message, e.hint === undefined ? { cause: e } : { hint: e.hint, cause: e });
    }
    throw e;
  }
}

function wrapSession(
  name: string,
  recipients: readonly string[],
  identities: readonly string[],
  takeFileKeys: () => readonly Uint8Array[],
  host: PluginHost,
): Promise<Stanza[][]> {
  return withPlugin(name, 'recipient-v1', host.io, async (conn) => {
    const fileKeys = takeFileKeys();
    for (const r of recipients) conn.send('add-recipient', [r]);
    for (const i of identities) conn.send('add-identity', [i]);
    grease(conn);
    for (const fileKey of fileKeys) conn.send('wrap-file-key', [], fileKey);
    conn.send('extension-labels');
    conn.send('done');
    const stanzas: Stanza[][] = fileKeys.map(() => []);
    let labels = false;
    for (;;) {
      const s = await conn.read();
      switch (s.type) {
        case 'recipient-stanza': {
          if (s.args.length < 2) throw conn.protocolError('a recipient-stanza without a stanza');
          if (!INDEX.test(s.args[0] as string)) throw conn.protocolError('a recipient-stanza with an invalid file index');
          const file = stanzas[Number(s.args[0])];
          if (file === undefined) throw conn.protocolError('a recipient-stanza for a file it was not given');
          file.push(new Stanza(s.args.slice(1), s.body));
          conn.send('ok');
          break;
        }
        case 'labels':
          if (labels) throw conn.protocolError('a repeated labels command');
          labels = true;
          conn.send('ok');
          break;
        case 'error':
          conn.send('ok');
          throw pluginFailure(conn, s);
        case 'done':
          if (stanzas.some((f) => f.length === 0)) throw conn.protocolError('no recipient stanza');
          if (stanzas.some((f) => f.length > recipients.length + identities.length)) {
            throw conn.protocolError('more recipient stanzas than recipients');
          }
          return stanzas;
        default:
          if (!(await handleUi(conn, s, host.ui))) conn.send('unsupported');
      }
    }
  });
}

interface PendingWrap {
  readonly fileKey: Uint8Array;
  readonly resolve: (stanzas: Stanza[]) => void;
  readonly reject: (e: unknown) => void;
}

/** File keys waiting for a `recipient-v1` process, per host and plugin key. */
const pendingWraps = new WeakMap<PluginHost, Map<string, PendingWrap[]>>();

/**
 * Wrap `fileKey` for one plugin key. Every file key asked for the same key before its process
 * starts joins that process (one `wrap-file-key` each): a sops file wraps one key per group,
 * each its own age file, so a key in several groups (Shamir) starts its plugin once. Different
 * keys of one plugin never share a process: recipient-v1 wraps every file key to every key it
 * is given, without saying which stanza is whose, and each sops `enc` must be an age file for
 * its own recipient only (else a key removed later from the file would still open another
 * key's `enc`).
 */
function wrapJoined(key: PluginKey, asIdentity: boolean, fileKey: Uint8Array, host: PluginHost): Promise<Stanza[]> {
  const id = `${asIdentity ? 'identity' : 'recipient'} ${key.encoding}`;
  const hostWraps = pendingWraps.get(host) ?? new Map<string, PendingWrap[]>();
  pendingWraps.set(host, hostWraps);
  return new Promise((resolve, reject) => {
    let waiting = hostWraps.get(id);
    if (!waiting) {
      const joined: PendingWrap[] = [];
      waiting = joined;
      hostWraps.set(id, joined);
      // the plugin queue runs the session at the earliest after the current synchronous work,
      // so the other wraps of the same data key are in `joined` by then
      const rs = asIdentity ? [] : [key.encoding];
      const is = asIdentity ? [key.encoding] : [];
      const take = (): readonly Uint8Array[] => {
        if (hostWraps.get(id) === joined) hostWraps.delete(id);
        return joined.map((w) => w.fileKey);
      };
      // a session that failed before taking its file keys must not keep later wraps waiting
      const settle = (): void => {
        if (hostWraps.get(id) === joined) hostWraps.delete(id);
      };
      wrapFileKeys(key.name, rs, is, take, host).then(
        (files) => {
          settle();
          joined.forEach((w, i) => w.resolve(files[i] as Stanza[]));
        },
        (e: unknown) => {
          settle();
          joined.forEach((w) => w.reject(e));
        },
      );
    }
    waiting.push({ fileKey, resolve, reject });
  });
}

/** What one plugin session made of one file: its file key, none (null), or the plugin's error for it. */
export type FileUnwrap = { fileKey: Uint8Array | null } | { error: TsopsError };

/**
 * Unwrap the file keys of several files' stanzas with identities of one plugin, in one plugin
 * process (`identity-v1` takes many files, so a PIN is asked once for all of them). One result
 * per file, in order: the file key, null when none of the identities opens it, or the plugin's
 * `error stanza` for that file. Files without stanzas are not sent (the plugin wants file
 * indices without gaps); when no file has any, no plugin starts. A plugin's `error identity`
 * or `error internal` ends the session and fails every file of it (thrown).
 */
export async function unwrapFilesWithPlugin(
  name: string,
  identities: readonly string[],
  files: ReadonlyArray<readonly Stanza[]>,
  host: PluginHost = processHost(),
): Promise<FileUnwrap[]> {
  const results: FileUnwrap[] = files.map(() => ({ fileKey: null }));
  // wire index → position in `files`
  const sent = files.flatMap((f, i) => (f.length > 0 ? [i] : []));
  if (sent.length === 0) return results;
  return withPlugin(name, 'identity-v1', host.io, async (conn) => {
    for (const i of identities) conn.send('add-identity', [i]);
    grease(conn);
    sent.forEach((file, wire) => {
      for (const st of files[file] as readonly Stanza[]) conn.send('recipient-stanza', [String(wire), ...st.args], st.body);
    });
    conn.send('done');
    const answered = new Set<number>();
    const fileOf = (arg: string | undefined, what: string): number => {
      if (arg === undefined || !INDEX.test(arg)) throw conn.protocolError(`${what} without a valid file index`);
      const wire = Number(arg);
      if (wire >= sent.length) throw conn.protocolError(`${what} for a file it was not given`);
      return wire;
    };
    for (;;) {
      const s = await conn.read();
      switch (s.type) {
        case 'file-key': {
          if (s.args.length !== 1) throw conn.protocolError('a file-key command without one file index');
          const wire = fileOf(s.args[0], 'a file-key');
          if (answered.has(wire)) {
            const failed = 'error' in (results[sent[wire] as number] as FileUnwrap);
            throw conn.protocolError(failed ? 'a file-key for a file it reported an error for' : 'a second file-key for one file');
          }
          if (s.body.length !== 16) throw conn.protocolError('a file key that is not 16 bytes');
          answered.add(wire);
          results[sent[wire] as number] = { fileKey: s.body };
          conn.send('ok');
          break;
        }
        case 'error':
          conn.send('ok');
          // the protocol lets a plugin go on with the other files after a bad stanza in one
          if (s.args[0] === 'stanza' && s.args.length === 3) {
            const wire = fileOf(s.args[1], 'an error for a stanza');
            if (!answered.has(wire)) {
              answered.add(wire);
              results[sent[wire] as number] = { error: pluginFailure(conn, s) };
            }
            break;
          }
          throw pluginFailure(conn, s);
        case 'done':
          return results;
        default:
          if (!(await handleUi(conn, s, host.ui))) conn.send('unsupported');
      }
    }
  });
}

/**
 * Unwrap the file key of one file's stanzas with identities of one plugin (`identity-v1`):
 * the file key, or null when none of the identities opens it.
 */
export async function unwrapWithPlugin(
  name: string,
  identities: readonly string[],
  stanzas: readonly Stanza[],
  host: PluginHost = processHost(),
): Promise<Uint8Array | null> {
  const [r] = await unwrapFilesWithPlugin(name, identities, [stanzas], host);
  if (r === undefined) return null;
  if ('error' in r) throw r.error;
  return r.fileKey;
}

/** A plugin recipient (`age1<name>1…`), or a plugin identity used as one. */
export class PluginRecipient implements Recipient {
  readonly #host: PluginHost | undefined;

  constructor(
    readonly key: PluginKey,
    readonly asIdentity: boolean,
    host?: PluginHost,
  ) {
    this.#host = host;
  }

  /** Where this plugin runs and asks: the run wrapping for it, else the process. */
  get host(): PluginHost {
    return this.#host ?? processHost();
  }

  /** This recipient, its plugin run on `host`. */
  on(host: PluginHost): PluginRecipient {
    return new PluginRecipient(this.key, this.asIdentity, host);
  }

  get binary(): string {
    return pluginBinary(this.key.name);
  }

  wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    return wrapJoined(this.key, this.asIdentity, fileKey, this.host);
  }
}

/**
 * The identities of one plugin, tried together in one plugin process. Holds identity strings:
 * never print `encodings`.
 */
export class PluginIdentity implements Identity {
  readonly #encodings: string[];
  readonly #host: PluginHost | undefined;

  constructor(
    readonly name: string,
    encodings: readonly string[],
    host?: PluginHost,
  ) {
    this.#encodings = [...encodings];
    this.#host = host;
  }

  /** Where this plugin runs and asks: the run that read the identity, else the process. */
  get host(): PluginHost {
    return this.#host ?? processHost();
  }

  get binary(): string {
    return pluginBinary(this.name);
  }

  get encodings(): readonly string[] {
    return this.#encodings;
  }

  /** This plugin's identities together with `other`'s (the same plugin). */
  merge(other: PluginIdentity): PluginIdentity {
    const encodings = [...this.#encodings, ...other.#encodings.filter((e) => !this.#encodings.includes(e))];
    return new PluginIdentity(this.name, encodings, this.#host ?? other.#host);
  }

  unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    return unwrapWithPlugin(this.name, this.#encodings, stanzas, this.host);
  }
}
