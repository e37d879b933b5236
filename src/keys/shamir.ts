/**
 * Shamir secret sharing over GF(2^8), as sops uses it to split the data key across key groups
 * (spec §5). Shares are `[y_0 … y_{n-1}, x]` with x = i + 1: the x-coordinate is the last byte.
 */
import { randomBytes } from 'node:crypto';
import { TsopsError } from '../errors.js';

/** Supplies `n` random bytes; injectable so the spec's test vector can be reproduced. */
export type RandomSource = (n: number) => Uint8Array;

const defaultRandom: RandomSource = (n) => randomBytes(n);

/**
 * Multiplication in GF(2^8) reduced by x^8+x^4+x^3+x+1 (0x11B). Table-free and branch-free so
 * its timing does not depend on the secret bytes.
 */
export function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    r ^= -(b & 1) & a;
    const carry = -((a >> 7) & 1) & 0x1b;
    a = ((a << 1) ^ carry) & 0xff;
    b >>= 1;
  }
  return r & 0xff;
}

/** Multiplicative inverse in GF(2^8): a^254 (spec §5). The inverse of 0 comes out as 0. */
export function gfInv(a: number): number {
  // a^254 = a^(2+4+8+16+32+64+128)
  let sq = gfMul(a, a); // a^2
  let r = sq;
  for (let i = 0; i < 6; i++) {
    sq = gfMul(sq, sq);
    r = gfMul(r, sq);
  }
  return r;
}

/**
 * Split `secret` into `parts` shares, any `threshold` of which recover it (spec §5).
 * For each secret byte, T−1 coefficient bytes are taken from `random` in order.
 */
export function split(
  secret: Uint8Array,
  parts: number,
  threshold: number,
  random: RandomSource = defaultRandom,
): Uint8Array[] {
  if (!Number.isInteger(parts) || !Number.isInteger(threshold)) {
    throw new TsopsError('GENERIC', 'shamir parts and threshold must be integers');
  }
  if (parts < threshold) throw new TsopsError('GENERIC', 'parts cannot be less than threshold');
  if (parts > 255) throw new TsopsError('GENERIC', 'parts cannot exceed 255');
  if (threshold < 2) throw new TsopsError('GENERIC', 'threshold must be at least 2');
  if (threshold > 255) throw new TsopsError('GENERIC', 'threshold cannot exceed 255');
  if (secret.length === 0) throw new TsopsError('GENERIC', 'cannot split an empty secret');

  const degree = threshold - 1;
  const coefficients = random(secret.length * degree);
  if (coefficients.length < secret.length * degree) {
    throw new TsopsError('GENERIC', 'random source returned too few bytes');
  }
  const shares: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    shares.push(share);
  }
  for (let k = 0; k < secret.length; k++) {
    const base = k * degree;
    for (let i = 0; i < parts; i++) {
      const x = i + 1;
      // Horner's rule from the highest coefficient down to the constant term (the secret byte).
      let y = 0;
      for (let c = degree; c >= 1; c--) y = gfMul(y, x) ^ (coefficients[base + c - 1] as number);
      y = gfMul(y, x) ^ (secret[k] as number);
      (shares[i] as Uint8Array)[k] = y;
    }
  }
  return shares;
}

/** Check the shares can be interpolated (spec §5) and return their x-coordinates. */
function validate(shares: readonly Uint8Array[]): number[] {
  if (shares.length < 2) {
    throw new TsopsError('GENERIC', 'less than two parts cannot be used to reconstruct the secret');
  }
  const len = (shares[0] as Uint8Array).length;
  if (len < 2) throw new TsopsError('GENERIC', 'parts must be at least two bytes');
  const xs: number[] = [];
  const seen = new Set<number>();
  for (const s of shares) {
    if (s.length !== len) throw new TsopsError('GENERIC', 'all parts must be the same length');
    const x = s[len - 1] as number;
    if (seen.has(x)) throw new TsopsError('GENERIC', 'duplicate part detected');
    seen.add(x);
    xs.push(x);
  }
  return xs;
}

/**
 * Evaluate the polynomial through `shares` at `at` for every byte (Lagrange interpolation).
 * At 0 this is the secret; at i+1 it is share i, which lets a caller re-derive a group's share.
 */
function interpolate(shares: readonly Uint8Array[], at: number): Uint8Array {
  const xs = validate(shares);
  const len = (shares[0] as Uint8Array).length - 1;
  // The Lagrange basis depends only on the x-coordinates: compute it once, not per byte.
  const basis = xs.map((xi, i) => {
    let num = 1;
    let den = 1;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = gfMul(num, at ^ xj);
      den = gfMul(den, xi ^ xj);
    });
    return gfMul(num, gfInv(den));
  });
  const out = new Uint8Array(len);
  shares.forEach((share, i) => {
    const b = basis[i] as number;
    for (let k = 0; k < len; k++) out[k] = (out[k] as number) ^ gfMul(share[k] as number, b);
  });
  return out;
}

/** Recover the secret from at least `threshold` shares (spec §5). */
export function combine(shares: readonly Uint8Array[]): Uint8Array {
  return interpolate(shares, 0);
}

/**
 * The share with x-coordinate `x` (1..255) of the polynomial through `shares`, encoded like the
 * others. Given a threshold of shares this recreates any group's original share.
 */
export function shareAt(shares: readonly Uint8Array[], x: number): Uint8Array {
  if (!Number.isInteger(x) || x < 1 || x > 255) {
    throw new TsopsError('GENERIC', `share x-coordinate must be between 1 and 255, got ${x}`);
  }
  const ys = interpolate(shares, x);
  const out = new Uint8Array(ys.length + 1);
  out.set(ys);
  out[ys.length] = x;
  return out;
}
