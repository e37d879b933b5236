/**
 * UTF-8 handling the way Go's `unicode/utf8.DecodeRune` sees it (spec §6.2): every byte that
 * does not start a well-formed sequence is one error on its own. This differs from WHATWG's
 * TextDecoder, which folds a truncated sequence into a single U+FFFD, so sops' JSON reading
 * (`\uFFFD` per bad byte) and writing (`\ufffd` escape per bad byte) need it.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of valid UTF-8 bytes (a BOM is kept), or undefined when they are not valid. */
export function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Length of the well-formed UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[j];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // E0 excludes overlongs, ED excludes UTF-16 surrogates.
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    // F0 excludes overlongs, F4 caps the code space at U+10FFFF.
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Split bytes into well-formed runs and single invalid bytes, calling `run` with the text of
 * each valid run and `invalid` once per bad byte, in order.
 */
export function forEachUtf8Run(
  bytes: Uint8Array,
  run: (text: string) => void,
  invalid: () => void,
): void {
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (start < i) run(strictUtf8.decode(bytes.subarray(start, i)));
    invalid();
    i += 1;
    start = i;
  }
  if (start < bytes.length) run(strictUtf8.decode(bytes.subarray(start)));
}

/** Decode bytes as Go does when it coerces to UTF-8: each invalid byte becomes U+FFFD. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  const text = decodeStrictUtf8(bytes);
  if (text !== undefined) return text;
  const parts: string[] = [];
  forEachUtf8Run(
    bytes,
    (t) => parts.push(t),
    () => parts.push('\uFFFD'),
  );
  return parts.join('');
}
