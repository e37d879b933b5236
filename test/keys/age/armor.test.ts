import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { armor } from 'age-encryption';
import { armorDecode, armorEncode } from '../../../src/keys/age/armor.js';

const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const END = '-----END AGE ENCRYPTED FILE-----';

const SIZES = [...Array.from({ length: 301 }, (_, i) => i), 479, 480, 481, 1024, 4095, 65536, 100_003];

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

function attempt(decode: (s: string) => Uint8Array, text: string): Outcome {
  try {
    return { ok: true, bytes: decode(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** The library is the oracle: same verdict on `text`, same bytes when both accept. Returns the verdict. */
function agreesWithLibrary(text: string): boolean {
  const ours = attempt(armorDecode, text);
  const lib = attempt(armor.decode, text);
  const where = JSON.stringify(text.length > 400 ? `${text.slice(0, 200)}…${text.slice(-200)}` : text);
  assert.equal(ours.ok, lib.ok, `verdicts differ on ${where}: ours ${ours.ok ? 'accepts' : `throws "${ours.message}"`}`);
  if (ours.ok && lib.ok) assert.deepEqual(ours.bytes, lib.bytes, `bytes differ on ${where}`);
  // The module promises the library's error messages too.
  if (!ours.ok && !lib.ok) assert.equal(ours.message, lib.message, `messages differ on ${where}`);
  return ours.ok;
}

/** An armor block from explicit body lines. */
const block = (lines: string[]) => [BEGIN, ...lines, END, ''].join('\n');

describe('armorEncode / armorDecode', () => {
  it('encodes exactly as age-encryption for every length 0..300 and some larger ones, and decodes back', () => {
    for (const n of SIZES) {
      const data = new Uint8Array(randomBytes(n));
      const text = armorEncode(data);
      assert.equal(text, armor.encode(data), `length ${n}`);
      assert.deepEqual(armorDecode(text), data, `length ${n}`);
    }
  });

  it('encodes a subarray of a larger buffer from its own bytes only', () => {
    // The view's offset must be honoured, not the whole backing buffer.
    const big = randomBytes(200);
    const view = big.subarray(13, 13 + 100);
    assert.equal(armorEncode(view), armor.encode(new Uint8Array(view)));
  });

  it('accepts surrounding whitespace and CRLF line ends, as the library does', () => {
    for (const n of [0, 1, 47, 48, 49, 96, 200]) {
      const data = new Uint8Array(randomBytes(n));
      const text = armorEncode(data);
      const variants = [
        `\n\n  \t${text}`,
        `${text}\n\n \t \n`,
        ` \r\n${text.replaceAll('\n', '\r\n')}\r\n\r\n`,
        text.replaceAll('\n', '\r\n'),
        text.trimEnd(),
      ];
      for (const v of variants) {
        assert.ok(agreesWithLibrary(v), `rejected whitespace variant ${JSON.stringify(v)}`);
        assert.deepEqual(armorDecode(v), data);
      }
    }
  });

  it('refuses a missing or wrong header, and a wrong footer, exactly when the library does', () => {
    const good = armorEncode(new Uint8Array(randomBytes(100)));
    const body = good.split('\n').slice(1, -2);
    const cases = [
      [...body, END].join('\n'),
      [BEGIN.slice(1), ...body, END].join('\n'),
      [BEGIN.toLowerCase(), ...body, END].join('\n'),
      [`${BEGIN} `, ...body, END].join('\n'),
      ['-----BEGIN PGP MESSAGE-----', ...body, END].join('\n'),
      [BEGIN, BEGIN, ...body, END].join('\n'),
      [BEGIN, ...body].join('\n'),
      [BEGIN, ...body, END.slice(0, -1)].join('\n'),
      [BEGIN, ...body, `${END}x`].join('\n'),
      [BEGIN, ...body, END, END].join('\n'),
      [BEGIN, ...body, END.replace('END', 'BEGIN')].join('\n'),
      '',
      BEGIN,
      `${BEGIN}\n`,
      `${BEGIN}\r${body.join('\r')}\r${END}`,
    ];
    for (const c of cases) assert.equal(agreesWithLibrary(c), false, JSON.stringify(c));
    // Header and footer alone are an empty file, accepted by both.
    assert.equal(agreesWithLibrary(`${BEGIN}\n${END}`), true);
  });

  it('refuses bad line lengths exactly when the library does', () => {
    const full = 'A'.repeat(64);
    const cases = [
      block([full.slice(1), 'AAAA']),
      block([`${full}AAAA`, 'AAAA']),
      block([full, '', 'AAAA']),
      block([full, '']),
      block([full, full, '']),
      block(['']),
      block(['AAAA'.repeat(17)]),
      block(['AAA']),
      block(['AAAAA']),
      block(['QQ=']),
      block([full, 'AAAAAA']),
      block([`${full} `]),
    ];
    for (const c of cases) assert.equal(agreesWithLibrary(c), false, JSON.stringify(c));
    // Boundaries that are fine: a single full line, a full line then a short one.
    for (const c of [block([full]), block([full, 'AAAA']), block(['AAAA'])]) assert.equal(agreesWithLibrary(c), true);
  });

  it('refuses characters outside base64 and non-canonical padding exactly when the library does', () => {
    const cases = [
      block(['AA-A']),
      block(['AA_A']),
      block(['AA A']),
      block(['AA.A']),
      block(['AA\tA']),
      block(['AAé=']),
      block(['QR==']),
      block(['QUJ=']),
      block(['QQ==QQ==']),
      block(['====']),
      block(['A===']),
      block(['=AAA']),
      block([`${'A'.repeat(62)}==`, 'AAAA']),
    ];
    for (const c of cases) assert.equal(agreesWithLibrary(c), false, JSON.stringify(c));
    // Their canonical counterparts decode.
    assert.deepEqual(armorDecode(block(['QQ=='])), new Uint8Array([0x41]));
    assert.deepEqual(armorDecode(block(['QUI='])), new Uint8Array([0x41, 0x42]));
  });

  it('agrees with the library on random single-character mutations of valid armor', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \t\r\n.é\u00a0';
    const pick = () => alphabet[randomInt(alphabet.length)]!;
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const text = armorEncode(randomBytes(randomInt(0, 160)));
      const at = randomInt(text.length + 1);
      let mutated: string;
      switch (randomInt(3)) {
        case 0:
          mutated = text.slice(0, at) + pick() + text.slice(at + 1);
          break;
        case 1:
          mutated = text.slice(0, at) + pick() + text.slice(at);
          break;
        default:
          mutated = text.slice(0, at) + text.slice(at + 1);
      }
      if (agreesWithLibrary(mutated)) accepted++;
    }
    // Some mutations (trailing whitespace, a changed data character) stay valid; most do not.
    assert.ok(accepted > 0 && accepted < 3000, `accepted ${accepted}`);
  });
});
