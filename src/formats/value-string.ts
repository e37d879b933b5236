/**
 * sops' `ValToString` (spec §6.3): how the flat stores (dotenv, INI) write a value that did not
 * come from a flat file — a bool, number or timestamp parsed from YAML or JSON.
 */
import { TsopsError } from '../errors.js';
import { Timestamp, type Value } from '../core/tree.js';

const lossyUtf8 = new TextDecoder('utf-8');

/** Go's `%G` with the shortest round-trip digits (`strconv.FormatFloat(f, 'G', -1, 64)`). */
export function formatGoFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  // toExponential() without an argument gives the shortest digits that round-trip, as Go does.
  const [mantissa = '0', expText = '0'] = Math.abs(f).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = neg ? '-' : '';
  // Go: in shortest mode %G switches to %E when exp < -4 or exp >= 6.
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? '.' + digits.slice(1) : '';
    const absExp = Math.abs(exp);
    const expDigits = absExp < 10 ? '0' + String(absExp) : String(absExp);
    return `${sign}${digits[0] ?? '0'}${frac}E${exp < 0 ? '-' : '+'}${expDigits}`;
  }
  const dp = exp + 1;
  let intPart: string;
  if (dp <= 0) intPart = '0';
  else if (digits.length >= dp) intPart = digits.slice(0, dp);
  else intPart = digits + '0'.repeat(dp - digits.length);
  let fracPart = '';
  if (digits.length > dp) {
    fracPart = dp < 0 ? '0'.repeat(-dp) + digits : digits.slice(dp);
  }
  return sign + intPart + (fracPart === '' ? '' : '.' + fracPart);
}

/**
 * A float as sops' ValToString writes it: `%G`-shortest, plus `.0` when the text could be read
 * as an integer (`5` ⇒ `5.0`, `1E+06` stays).
 */
export function formatFloatValue(f: number): string {
  const s = formatGoFloatG(f);
  if (Number.isFinite(f) && !s.includes('.') && !s.includes('E')) return s + '.0';
  return s;
}

/** Go's `time.RFC3339` layout has no fractional seconds, unlike the timestamp's own text. */
function formatTimestamp(t: Timestamp): string {
  return t.text.replace(/(T\d{2}:\d{2}:\d{2})\.\d+/, '$1');
}

/**
 * sops' ValToString for one value of a flat file (spec §6.3). Byte strings that are not UTF-8
 * are decoded lossily; the stores use {@link valueToText} to keep their bytes instead.
 *
 * @param key - the key the value sits under, named in the error for a nested value
 * @param format - the output format, named in the error
 * @throws TsopsError(DUMP_TREE) for maps and lists, which a flat file cannot hold
 */
export function valueToString(value: Value, key: string, format: string): string {
  const text = valueToText(value, key, format);
  return typeof text === 'string' ? text : lossyUtf8.decode(text);
}

/**
 * Like {@link valueToString}, but a byte string that is not valid UTF-8 comes back unchanged,
 * so a flat store can write it byte for byte as sops (whose strings are bytes) does.
 */
export function valueToText(value: Value, key: string, format: string): string | Uint8Array {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatFloatValue(value);
  // Go formats a nil interface with %v as `<nil>`; sops writes that for a null value.
  if (value === null) return '<nil>';
  if (value instanceof Timestamp) return formatTimestamp(value);
  if (value instanceof Uint8Array) return value;
  // What is left is a map or a list.
  throw new TsopsError('DUMP_TREE', `cannot use complex value in ${format} file; offending key ${key}`, {
    hint: `${format} files hold only flat key/value pairs: choose yaml or json as the output type, or flatten the value`,
  });
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * A flat file's text. Normally the decoded UTF-8; for input that is not valid UTF-8 each byte
 * is one character (`latin1`), so the parsers still see every byte and nothing is lost.
 */
export interface FlatText {
  text: string;
  /** True when `text` holds one character per byte rather than decoded UTF-8. */
  bytes: boolean;
}

function latin1(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

/** Decode a flat file, keeping a byte order mark as text (sops does not strip it for dotenv). */
export function decodeFlatText(data: Uint8Array): FlatText {
  try {
    return { text: fatalUtf8.decode(data), bytes: false };
  } catch {
    return { text: latin1(data), bytes: true };
  }
}

/** A value read from {@link FlatText}: a string, or the bytes when they are not valid UTF-8. */
export function flatTextValue(s: string, bytes: boolean): string | Uint8Array {
  if (!bytes) return s;
  const raw = new Uint8Array(Buffer.from(s, 'latin1'));
  try {
    return fatalUtf8.decode(raw);
  } catch {
    return raw;
  }
}

/** A key, section name or comment read from {@link FlatText}, decoded lossily when needed. */
export function flatTextString(s: string, bytes: boolean): string {
  return bytes ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/**
 * How a flat store builds its output. When some value is a byte string, all text is handled
 * one character per byte so those bytes are written unchanged; otherwise it is plain UTF-8.
 */
export interface FlatWriter {
  /** True when the output is handled one character per byte. */
  readonly bytes: boolean;
  /** The output form of a string or byte string. */
  text(v: string | Uint8Array): string;
  /** The byte length of a string already passed through {@link FlatWriter.text}. */
  byteLength(s: string): number;
  encode(out: string): Uint8Array;
}

const UTF8_WRITER: FlatWriter = {
  bytes: false,
  text: (v) => (typeof v === 'string' ? v : lossyUtf8.decode(v)),
  byteLength: (s) => Buffer.byteLength(s, 'utf8'),
  encode: (out) => utf8.encode(out),
};

const BYTES_WRITER: FlatWriter = {
  bytes: true,
  text: (v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').toString('latin1') : latin1(v)),
  byteLength: (s) => s.length,
  encode: (out) => new Uint8Array(Buffer.from(out, 'latin1')),
};

/** The writer for output that holds byte strings (`bytes`) or only text. */
export function flatWriter(bytes: boolean): FlatWriter {
  return bytes ? BYTES_WRITER : UTF8_WRITER;
}
