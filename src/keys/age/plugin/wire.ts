/**
 * The framing of the age plugin protocol (C2SP age-plugin, "IPC protocol"): commands are age
 * header stanzas, `-> TYPE ARGS…` then the body in canonical unpadded base64, 64 columns a line,
 * the last line always shorter (possibly empty). The reader is strict and bounded, so a plugin
 * that speaks the protocol wrongly gets a clear error, never unbounded memory.
 */
import { base64nopad } from '@scure/base';

/** One protocol command: its type (the stanza tag), its arguments and its body. */
export interface WireStanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

/** A plugin sent something that is not a well-formed stanza. */
export class ProtocolError extends Error {}

/** The longest argument line accepted (post-quantum stanzas are ~1.6 KB). */
export const MAX_LINE = 64 * 1024;
/** The largest body accepted: file keys, messages and stanza bodies are far smaller. */
export const MAX_BODY = 1024 * 1024;

const VCHAR = /^[\x21-\x7e]+$/;

/** Encode one command, as age's `format.Stanza.Marshal` does. */
export function encodeWireStanza(type: string, args: readonly string[] = [], body: Uint8Array = new Uint8Array()): string {
  for (const a of [type, ...args]) {
    if (!VCHAR.test(a)) throw new Error('invalid stanza argument');
  }
  let text = `-> ${[type, ...args].join(' ')}\n`;
  for (let i = 0; i < body.length; i += 48) text += `${base64nopad.encode(body.subarray(i, i + 48))}\n`;
  if (body.length % 48 === 0) text += '\n';
  return text;
}

/**
 * Incremental stanza parser over a byte stream: feed it chunks, take whole stanzas out.
 * Throws {@link ProtocolError} as soon as the bytes cannot be a stanza.
 */
export class StanzaParser {
  #pending = '';
  #head: string[] | undefined;
  #body: Uint8Array[] = [];
  #bodyLength = 0;
  readonly #ready: WireStanza[] = [];

  /** Add bytes; returns the stanzas completed by them. */
  feed(chunk: Uint8Array): WireStanza[] {
    // base64 and arguments are ASCII: latin1 keeps one character per byte, so lengths are bytes
    this.#pending += Buffer.from(chunk).toString('latin1');
    for (;;) {
      const nl = this.#pending.indexOf('\n');
      if (nl < 0) break;
      const line = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      this.#line(line);
    }
    if (this.#pending.length > MAX_LINE) throw new ProtocolError('a line longer than 64 KiB');
    return this.#ready.splice(0);
  }

  /** Whether a stanza was started and not finished (the stream ended in its middle). */
  get partial(): boolean {
    return this.#head !== undefined || this.#pending !== '';
  }

  #line(line: string): void {
    if (line.length > MAX_LINE) throw new ProtocolError('a line longer than 64 KiB');
    if (this.#head === undefined) {
      if (!line.startsWith('-> ')) throw new ProtocolError('a line that does not start a stanza');
      const fields = line.slice(3).split(' ');
      if (fields.some((f) => !VCHAR.test(f))) throw new ProtocolError('an empty or non-printable stanza argument');
      this.#head = fields;
      return;
    }
    if (line.length > 64) throw new ProtocolError('a stanza body line longer than 64 columns');
    let bytes: Uint8Array;
    try {
      bytes = base64nopad.decode(line);
    } catch {
      throw new ProtocolError('a stanza body that is not canonical base64');
    }
    // canonical: re-encoding gives the same text (no stray bits in the last character)
    if (base64nopad.encode(bytes) !== line) throw new ProtocolError('a stanza body that is not canonical base64');
    this.#bodyLength += bytes.length;
    if (this.#bodyLength > MAX_BODY) throw new ProtocolError('a stanza body larger than 1 MiB');
    this.#body.push(bytes);
    if (line.length === 64) return;
    const [type, ...args] = this.#head;
    const body = new Uint8Array(this.#bodyLength);
    let off = 0;
    for (const b of this.#body) {
      body.set(b, off);
      off += b.length;
    }
    this.#ready.push({ type: type as string, args, body });
    this.#head = undefined;
    this.#body = [];
    this.#bodyLength = 0;
  }
}
