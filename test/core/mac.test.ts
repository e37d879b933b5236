/** The MAC rules of spec §2, one table each: which leaves count, and how lastmodified becomes the AAD. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MacHasher, formatLastModified, macAad } from '../../src/core/mac.js';

const sha512Hex = (...parts: Uint8Array[]): string => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest('hex').toUpperCase();
};
const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const SOPS_PREFIX = createHash('sha256').update('sops').digest();

test('which leaves a MAC covers (§2.1, §2.2)', () => {
  const cases: Array<{ macOnlyEncrypted: boolean; leaves: Array<[string, boolean]>; covered: string[] }> = [
    { macOnlyEncrypted: false, leaves: [['a', true], ['b', false]], covered: ['a', 'b'] },
    { macOnlyEncrypted: true, leaves: [['a', true], ['b', false]], covered: ['a'] },
    { macOnlyEncrypted: true, leaves: [['b', false]], covered: [] },
    { macOnlyEncrypted: false, leaves: [], covered: [] },
  ];
  for (const c of cases) {
    const h = new MacHasher(c.macOnlyEncrypted);
    for (const [v, encrypted] of c.leaves) h.add(bytes(v), encrypted);
    const prefix = c.macOnlyEncrypted ? [SOPS_PREFIX] : [];
    assert.equal(h.digest(), sha512Hex(...prefix, ...c.covered.map(bytes)), JSON.stringify(c));
  }
});

test('the digest is 128 uppercase hex digits, and order of leaves matters', () => {
  const ab = new MacHasher(false);
  ab.add(bytes('a'), true);
  ab.add(bytes('b'), true);
  const ba = new MacHasher(false);
  ba.add(bytes('b'), true);
  ba.add(bytes('a'), true);
  const d = ab.digest();
  assert.match(d, /^[0-9A-F]{128}$/);
  assert.notEqual(d, ba.digest());
});

test('lastmodified as the MAC AAD: Go re-parses it and writes RFC 3339 seconds (§2.3)', () => {
  const table: Array<[string, string]> = [
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z'],
    ['2024-01-02t03:04:05z', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05.123456Z', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05+00:00', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05-00:00', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05+02:00', '2024-01-02T03:04:05+02:00'],
    [' 2024-01-02T03:04:05Z ', '2024-01-02T03:04:05Z'],
    ['not a time', 'not a time'],
    ['', ''],
  ];
  for (const [stored, aad] of table) assert.equal(macAad(stored), aad, JSON.stringify(stored));
});

test('a new lastmodified is UTC without fractional seconds', () => {
  const table: Array<[Date, string]> = [
    [new Date('2024-01-02T03:04:05.678Z'), '2024-01-02T03:04:05Z'],
    [new Date('2024-01-02T03:04:05+02:00'), '2024-01-02T01:04:05Z'],
  ];
  for (const [now, text] of table) assert.equal(formatLastModified(now), text);
});
