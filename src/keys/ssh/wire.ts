/**
 * The SSH wire format (RFC 4251 §5: uint32, string, mpint) and the one-line public key forms
 * built on it: authorized_keys lines, known_hosts lines and `ssh-keyscan` output.
 */
import { base64 } from '@scure/base';
import { TsopsError, type ErrorCode } from '../../errors.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/ciphers/utils.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Reads SSH wire values from a byte buffer; every read is bounds-checked. */
export class SshWireReader {
  private pos = 0;

  /**
   * @param buf - the bytes to read.
   * @param what - names the thing being read, for error messages ("ssh public key").
   * @param code - the TsopsError code thrown on malformed input.
   */
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
    private readonly code: ErrorCode = 'INVALID_RECIPIENT',
  ) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** A big-endian uint32. */
  uint32(): number {
    const b = this.bytes(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  /** `n` raw bytes. */
  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw this.fail('truncated data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length-prefixed byte string. */
  string(): Uint8Array {
    return this.bytes(this.uint32());
  }

  /** A length-prefixed string decoded as UTF-8 (names and comments). */
  text(): string {
    return fromUtf8.decode(this.string());
  }

  /** A non-negative mpint, as its unsigned big-endian magnitude without leading zeros. */
  mpint(): Uint8Array {
    const raw = this.string();
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw this.fail('negative integer');
    let start = 0;
    while (start < raw.length && raw[start] === 0) start++;
    return raw.subarray(start);
  }

  /** Everything not yet read. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining !== 0) throw this.fail('trailing data');
  }

  /** An error naming what is being read. */
  fail(reason: string): TsopsError {
    return new TsopsError(this.code, `invalid ${this.what}: ${reason}`);
  }
}

/** Encodes a big-endian uint32. */
export function encodeUint32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Encodes a length-prefixed SSH string (text is UTF-8 encoded). */
export function encodeSshString(value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === 'string' ? utf8.encode(value) : value;
  const out = new Uint8Array(4 + bytes.length);
  out.set(encodeUint32(bytes.length));
  out.set(bytes, 4);
  return out;
}

/** Encodes a non-negative mpint from its unsigned big-endian magnitude. */
export function encodeMpint(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0) {
    const padded = new Uint8Array(trimmed.length + 1);
    padded.set(trimmed, 1);
    return encodeSshString(padded);
  }
  return encodeSshString(trimmed);
}

// The byte helpers of @noble/hashes and @noble/ciphers, under the names the SSH code uses.
export { concatBytes, equalBytes as bytesEqual };

/** An SSH public key decoded from its wire form. `wire` is the exact encoding it came from. */
export type SshPublicKey =
  | { kind: 'ed25519'; type: 'ssh-ed25519'; wire: Uint8Array; key: Uint8Array }
  | { kind: 'rsa'; type: 'ssh-rsa'; wire: Uint8Array; e: Uint8Array; n: Uint8Array }
  | { kind: 'other'; type: string; wire: Uint8Array };

/**
 * Decodes an SSH public key blob. Ed25519 and RSA keys are checked and split into their parts;
 * every other type (ECDSA, certificates, security keys) comes back as `kind: 'other'`.
 */
export function parseSshPublicKeyWire(wire: Uint8Array, code: ErrorCode = 'INVALID_RECIPIENT'): SshPublicKey {
  const r = new SshWireReader(wire, 'ssh public key', code);
  const type = r.text();
  if (type === 'ssh-ed25519') {
    const key = r.string();
    r.end();
    if (key.length !== 32) throw r.fail('ed25519 key is not 32 bytes');
    return { kind: 'ed25519', type, wire, key };
  }
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    r.end();
    if (e.length === 0 || n.length === 0) throw r.fail('empty rsa parameter');
    return { kind: 'rsa', type, wire, e, n };
  }
  return { kind: 'other', type, wire };
}

/** The wire encoding of an Ed25519 public key. */
export function ed25519PublicKeyWire(key: Uint8Array): Uint8Array {
  return concatBytes(encodeSshString('ssh-ed25519'), encodeSshString(key));
}

/** The wire encoding of an RSA public key from its exponent and modulus magnitudes. */
export function rsaPublicKeyWire(e: Uint8Array, n: Uint8Array): Uint8Array {
  return concatBytes(encodeSshString('ssh-rsa'), encodeMpint(e), encodeMpint(n));
}

/** Formats a public key as an authorized_keys line: `type base64 [comment]`. */
export function formatAuthorizedKey(key: SshPublicKey, comment = ''): string {
  const line = `${key.type} ${base64.encode(key.wire)}`;
  return comment === '' ? line : `${line} ${comment}`;
}

/** A public key found on one line of authorized_keys, known_hosts or `ssh-keyscan` output. */
export interface SshPublicKeyLine {
  key: SshPublicKey;
  /** Text after the key (may be empty). */
  comment: string;
  /** The known_hosts marker (`@cert-authority`, `@revoked`) if the line had one. */
  marker: string | undefined;
  /** The fields before the key type: known_hosts host patterns or authorized_keys options. */
  prefix: string;
}

const KEY_TYPE = /^[A-Za-z0-9][A-Za-z0-9@._+-]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Finds the public key on one line, wherever it stands: `type base64 comment` (authorized_keys
 * and sops recipients), `[options] type base64` (authorized_keys options), `hosts type base64`
 * (known_hosts, `ssh-keyscan`), `@marker hosts type base64`. The key is the first pair of fields
 * whose second field decodes to a wire key that names the first field as its type, so no list of
 * key types is needed and option strings with spaces cannot be mistaken for a key.
 *
 * @returns the key, or undefined when the line holds none.
 */
export function findSshPublicKeyInLine(line: string, code: ErrorCode = 'INVALID_RECIPIENT'): SshPublicKeyLine | undefined {
  const fields = [...line.matchAll(/\S+/g)];
  for (let i = 0; i + 1 < fields.length; i++) {
    const typeField = fields[i]![0];
    const dataField = fields[i + 1]![0];
    if (!KEY_TYPE.test(typeField) || !BASE64.test(dataField) || dataField.length % 4 !== 0) continue;
    let wire: Uint8Array;
    try {
      wire = base64.decode(dataField);
    } catch {
      continue;
    }
    let wireType: string;
    try {
      wireType = new SshWireReader(wire, 'ssh public key', code).text();
    } catch {
      continue;
    }
    if (wireType !== typeField) continue;
    const key = parseSshPublicKeyWire(wire, code);
    const dataMatch = fields[i + 1]!;
    const comment = line.slice(dataMatch.index + dataField.length).trim();
    const first = fields[0]![0];
    const marker = i > 0 && first.startsWith('@') ? first : undefined;
    const prefixStart = marker === undefined ? 0 : fields[1]!.index;
    const prefix = line.slice(prefixStart, fields[i]!.index).trim();
    return { key, comment, marker, prefix };
  }
  return undefined;
}

/**
 * Parses a single public key line such as an `ssh-ed25519 AAAA… comment` recipient.
 * @throws TsopsError when the line holds no SSH public key.
 */
export function parseSshPublicKeyLine(line: string, code: ErrorCode = 'INVALID_RECIPIENT'): SshPublicKeyLine {
  const found = findSshPublicKeyInLine(line, code);
  if (found === undefined) {
    throw new TsopsError(code, 'invalid ssh public key: no key type and base64 key data found', {
      hint: 'expected a line like "ssh-ed25519 AAAAC3… comment"',
    });
  }
  return found;
}
