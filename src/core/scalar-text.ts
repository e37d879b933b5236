/**
 * The byte forms sops uses for typed scalars (spec §1.3, §2.1): the plaintext inside ENC[]
 * values and the input of the MAC.
 */
import { Comment, Timestamp, type Scalar } from './tree.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // Expand "d.ddde±x" positionally using the same shortest digits.
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const intLen = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + out;
}

/** Go's strconv.ParseFloat for sops' float plaintexts (accepts Inf/NaN spellings). */
export function parseGoFloat(s: string): number | undefined {
  const t = s.replace(/_/g, '');
  const lower = t.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?0[xX]/.test(t)) return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.Atoi on 64-bit: optional sign, decimal digits, within int64. */
export function parseGoInt(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

export function isInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True':
      return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False':
      return false;
    default:
      return undefined;
  }
}

export type ScalarType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'comment';

/** The `type:` tag sops writes for a value. */
export function typeOf(v: Exclude<Scalar, null> | Comment): ScalarType {
  if (v instanceof Comment) return 'comment';
  if (typeof v === 'string' || v instanceof Uint8Array) return 'str';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'bool';
  return 'time';
}

/** The text sops encrypts/hashes for a value (bools are Python-style `True`/`False`). */
export function scalarText(v: Exclude<Scalar, null | Uint8Array> | Comment): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatGoFloat(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof Comment) return v.text;
  return v.text;
}

/** The bytes of a value (spec §2.1 ToBytes). */
export function scalarBytes(v: Exclude<Scalar, null> | Comment): Uint8Array {
  if (v instanceof Uint8Array) return v;
  // Buffer.from carves short strings out of Node's shared pool, where TextEncoder gives each its
  // own ArrayBuffer: for 50,000 values that is ~10 ms and less for the collector. Both write a
  // lone surrogate as U+FFFD. A plain Uint8Array view, so values compare equal to other bytes.
  const b = Buffer.from(scalarText(v), 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Decode bytes as text when they are valid UTF-8, else keep the bytes (Go strings are bytes). */
export function bytesToStringOrBytes(b: Uint8Array): string | Uint8Array {
  try {
    return strictUtf8.decode(b);
  } catch {
    // A plain Uint8Array view (not a Buffer) so values compare equal whatever produced them.
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}

/** Parse a `time` plaintext (RFC 3339) into a Timestamp, normalised like Go's MarshalText. */
export function parseTimestampText(s: string): Timestamp | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  // Go writes a zero offset as `Z` in RFC 3339.
  const zone = /^([zZ]|[+-]00:00)$/.test(m[4]!) ? 'Z' : m[4]!;
  return new Timestamp(`${m[1]}T${m[2]}${frac === '.' ? '' : frac}${zone}`);
}
