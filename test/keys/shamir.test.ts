import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { combine, gfInv, gfMul, shareAt, split } from '../../src/keys/shamir.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Plain shift-and-reduce multiplication, to check the branch-free one against. */
function slowMul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) p ^= a << i;
  for (let bit = 15; bit >= 8; bit--) if ((p >> bit) & 1) p ^= 0x11b << (bit - 8);
  return p;
}

describe('GF(2^8) arithmetic', () => {
  it('multiplies with the AES polynomial: 0x57·0x83 = 0xC1 (spec §5)', () => {
    assert.equal(gfMul(0x57, 0x83), 0xc1);
  });

  it('agrees with a reference multiplication on every pair of bytes', () => {
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) assert.equal(gfMul(a, b), slowMul(a, b));
  });

  it('inverts every non-zero byte', () => {
    for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInv(a)), 1, `a=${a}`);
  });
});

describe('shamir split and combine', () => {
  it('reproduces the spec §5 test vector with the given coefficient bytes', () => {
    const coefficients = bytes('0102fe80');
    const shares = split(bytes('00112233'), 3, 2, (n) => {
      assert.equal(n, 4);
      return coefficients;
    });
    assert.deepEqual(shares.map(hex), ['0113dcb301', '0215c52802', '03173ba803']);
  });

  it('recovers the spec §5 secret from any two of its shares', () => {
    const shares = ['0113dcb301', '0215c52802', '03173ba803'].map(bytes);
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 0],
    ]) {
      assert.equal(hex(combine(pair.map((i) => shares[i] as Uint8Array))), '00112233');
    }
  });

  it('puts x = i + 1 in the last byte of share i', () => {
    const shares = split(new Uint8Array(32).fill(7), 5, 3);
    assert.deepEqual(
      shares.map((s) => s[32]),
      [1, 2, 3, 4, 5],
    );
    for (const s of shares) assert.equal(s.length, 33);
  });

  it('recovers the secret from any T of N shares and not from T-1', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.infiniteStream(fc.nat()),
        (secret, threshold, extra, picks) => {
          const parts = threshold + extra;
          const shares = split(secret, parts, threshold);
          const pool = shares.map((_, i) => i);
          const it = picks[Symbol.iterator]();
          const chosen: Uint8Array[] = [];
          while (chosen.length < threshold) {
            const idx = (it.next().value as number) % pool.length;
            chosen.push(shares[pool.splice(idx, 1)[0] as number] as Uint8Array);
          }
          assert.deepEqual(combine(chosen), secret);
          if (threshold === 2) {
            assert.throws(() => combine(chosen.slice(1)), /less than two parts/);
            return true;
          }
          // one share fewer interpolates some other polynomial: a byte may match by chance
          // (1/256), so only secrets of 3+ bytes are required to differ
          const fewer = combine(chosen.slice(1));
          return secret.length < 3 || hex(fewer) !== hex(secret);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not reveal a 32-byte secret from T-1 shares (2 of 3)', () => {
    const secret = new Uint8Array(32).map((_, i) => i * 7);
    let differs = 0;
    for (let run = 0; run < 20; run++) {
      const shares = split(secret, 5, 3);
      if (hex(combine(shares.slice(0, 2))) !== hex(secret)) differs++;
    }
    assert.equal(differs, 20);
  });

  it('re-derives any share from a threshold of the others', () => {
    const secret = new Uint8Array(32).map((_, i) => 255 - i);
    const shares = split(secret, 5, 3);
    for (let i = 0; i < 5; i++) {
      assert.equal(hex(shareAt([shares[(i + 1) % 5], shares[(i + 2) % 5], shares[(i + 3) % 5]] as Uint8Array[], i + 1)), hex(shares[i] as Uint8Array));
    }
  });

  it('uses fresh random coefficients for each split', () => {
    const secret = new Uint8Array(32);
    assert.notEqual(hex(split(secret, 2, 2)[0] as Uint8Array), hex(split(secret, 2, 2)[0] as Uint8Array));
  });

  it('refuses the thresholds and sizes spec §5 forbids, with its messages', () => {
    const s = new Uint8Array(32);
    assert.throws(() => split(s, 2, 3), /parts cannot be less than threshold/);
    assert.throws(() => split(s, 3, 1), /threshold must be at least 2/);
    assert.throws(() => split(s, 256, 2), /parts cannot exceed 255/);
    assert.throws(() => split(new Uint8Array(0), 3, 2), /cannot split an empty secret/);
  });

  it('refuses share sets that cannot be combined, with their messages', () => {
    const shares = split(new Uint8Array(32).fill(1), 3, 2);
    assert.throws(() => combine([shares[0] as Uint8Array]), /less than two parts cannot be used to reconstruct the secret/);
    assert.throws(() => combine([shares[0] as Uint8Array, shares[0] as Uint8Array]), /duplicate part detected/);
    assert.throws(() => combine([shares[0] as Uint8Array, (shares[1] as Uint8Array).subarray(1)]), /all parts must be the same length/);
    assert.throws(() => combine([new Uint8Array([1]), new Uint8Array([2])]), /parts must be at least two bytes/);
  });
});
