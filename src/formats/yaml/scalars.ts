/**
 * YAML scalar rules of go-yaml v3 (spec §6.1), the library sops uses: how a plain scalar resolves
 * to a typed value, how floats and timestamps print, and which strings must be quoted.
 */
import { Timestamp } from '../../core/tree.js';
import type { Scalar } from '../../core/tree.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

const FIXED: ReadonlyMap<string, Scalar> = new Map<string, Scalar>([
  ['true', true], ['True', true], ['TRUE', true],
  ['false', false], ['False', false], ['FALSE', false],
  ['', null], ['~', null], ['null', null], ['Null', null], ['NULL', null],
  ['.nan', NaN], ['.NaN', NaN], ['.NAN', NaN],
  ['.inf', Infinity], ['.Inf', Infinity], ['.INF', Infinity],
  ['+.inf', Infinity], ['+.Inf', Infinity], ['+.INF', Infinity],
  ['-.inf', -Infinity], ['-.Inf', -Infinity], ['-.INF', -Infinity],
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** Go `strconv.ParseInt(s, 0, 64)` then `ParseUint`: base prefixes 0x/0o/0b and legacy octal `017`. */
function parseGoInt(s: string): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  let digits = s.slice(i);
  let base = 10;
  if (digits.length >= 2 && digits[0] === '0') {
    const p = digits[1];
    if (p === 'x' || p === 'X') base = 16;
    else if (p === 'o' || p === 'O') base = 8;
    else if (p === 'b' || p === 'B') base = 2;
    if (base !== 10) digits = digits.slice(2);
    else {
      base = 8;
      digits = digits.slice(1);
    }
  }
  if (digits.length === 0) return undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + digits);
  if (neg) v = -v;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  // Go's ParseUint takes no sign: only unsigned values beyond int64 survive.
  if (i === 0 && v <= UINT64_MAX) return v;
  return undefined;
}

function parseDecimalFloat(s: string): number | undefined {
  const f = Number(s);
  // Go's ParseFloat reports overflow as an error, so such text stays a string.
  return Number.isFinite(f) ? f : undefined;
}

/**
 * Resolve an untagged plain scalar exactly as go-yaml v3's `resolve("", s)`. Integers come back
 * as `bigint` (values only fitting uint64 too: core rejects them on encrypt), floats as `number`,
 * timestamps as {@link Timestamp}.
 */
export function resolvePlain(s: string): Scalar {
  const c = s.length === 0 ? 'N' : s[0]!;
  const isSign = c === '+' || c === '-';
  const isDigit = c >= '0' && c <= '9';
  if (!(isSign || isDigit || c === '.' || 'yYnNtTfFoO~N'.includes(c))) return s;
  const fixed = FIXED.get(s);
  if (fixed !== undefined) return fixed;
  if (c === '.') {
    if (DOT_FLOAT.test(s)) return parseDecimalFloat(s) ?? s;
    return s;
  }
  if (!isSign && !isDigit) return s;
  if (isDigit) {
    const ts = parseTimestamp(s);
    if (ts !== undefined) return new Timestamp(ts);
  }
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = parseDecimalFloat(plain);
    if (f !== undefined) return f;
  }
  return s;
}

/** Whether a string would not read back as the same string when written plain (go-yaml `stringv`). */
export function needsQuotesToStayString(s: string): boolean {
  const r = resolvePlain(s);
  return typeof r !== 'string' || isBase60Float(s) || isOldBool(s);
}

const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** YAML 1.1 booleans, still quoted by go-yaml on output. */
export function isOldBool(s: string): boolean {
  return s.length <= 5 && OLD_BOOLS.has(s);
}

/** YAML 1.1 base-60 floats (`1:20`), still quoted by go-yaml on output. */
export function isBase60Float(s: string): boolean {
  return s.includes(':') && BASE60_FLOAT.test(s);
}

// ---- timestamps (go-yaml allowedTimestampFormats + Go time.Parse) ----

const TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:([Tt])|( ))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * Parse a timestamp as go-yaml accepts it (`2006-1-2T15:4:5.999999999Z07:00`, lower-case `t`,
 * `2006-1-2 15:4:5.999999999`, `2006-1-2`) and return Go's `time.MarshalText` form, or undefined.
 */
export function parseTimestamp(s: string): string | undefined {
  if (s.length < 5 || s[4] !== '-') return undefined;
  const m = TIMESTAMP.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, tSep, spaceSep, hh, mi, ss, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (hh === undefined) return `${date}T00:00:00Z`;
  // The space-separated layout has no zone; the `T` layouts require one.
  if (spaceSep !== undefined && zone !== undefined) return undefined;
  if (tSep !== undefined && zone === undefined) return undefined;
  const hour = Number(hh);
  const min = Number(mi);
  const sec = Number(ss);
  if (hour > 23 || min > 59 || sec > 59) return undefined;
  let fraction = '';
  if (frac !== undefined) {
    const nanos = frac.slice(0, 9).padEnd(9, '0').replace(/0+$/, '');
    if (nanos.length > 0) fraction = `.${nanos}`;
  }
  let z = 'Z';
  if (zone !== undefined && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 24 || zm > 60) return undefined;
    z = zh === 0 && zm === 0 ? 'Z' : zone;
  }
  return `${date}T${pad(hour, 2)}:${pad(min, 2)}:${pad(sec, 2)}${fraction}${z}`;
}

// ---- numbers ----

/** Go `strconv.FormatFloat(f, 'g', -1, 64)` as go-yaml writes floats (`.inf`, `.nan`, `1e+06`). */
export function formatFloatYaml(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const neg = f < 0;
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  let body: string;
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const e = Math.abs(exp);
    body = (digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? `0${e}` : String(e));
  } else if (exp < 0) {
    body = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${body}` : body;
}
