/**
 * Property: random documents (nested maps, lists, comments, every scalar type, unicode, empty
 * strings) survive encrypt then decrypt unchanged, through the same code the CLI uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decryptData, encryptData } from '../../src/api.js';
import { generateAgeKeyFile } from '../../src/keys/age/keygen.js';
import { storeFor } from '../../src/formats/index.js';
import { Comment, newList, newMap, type TreeMap, type Value } from '../../src/core/tree.js';

const key = await generateAgeKeyFile({ pq: false, now: new Date() });
const identity = key.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;

const keyArb = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'sops' && !k.includes('\n'));
const scalarArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constant(''),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.boolean(),
  fc.constant(null),
);
const commentArb = fc.string({ maxLength: 15 }).filter((s) => !s.includes('\n') && !s.includes('\r')).map((s) => new Comment(` ${s.trim()}`));

const { tree: valueArb } = fc.letrec<{ tree: Value; map: TreeMap; list: Value }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('map'), tie('list')),
  map: fc
    .uniqueArray(fc.tuple(keyArb, tie('tree')), { maxLength: 4, selector: ([k]) => k })
    .map((entries) => newMap(entries.map(([k, v]) => ({ key: k, value: v })))),
  list: fc.array(tie('tree'), { maxLength: 4 }).map((items) => newList(items)),
}));

function docArb(withComments: boolean) {
  return fc
    .uniqueArray(fc.tuple(keyArb, valueArb, withComments ? fc.option(commentArb, { nil: undefined }) : fc.constant(undefined)), {
      minLength: 1,
      maxLength: 5,
      selector: ([k]) => k,
    })
    .map((entries) =>
      newMap(entries.flatMap(([k, v, c]) => [...(c ? [{ key: c, value: null }] : []), { key: k, value: v }])),
    );
}

for (const format of ['yaml', 'json'] as const) {
  test(`${format}: random documents survive encrypt then decrypt unchanged`, async () => {
    const store = storeFor(format);
    await fc.assert(
      fc.asyncProperty(docArb(format === 'yaml'), async (doc) => {
        const plain = store.emitPlain([doc]);
        const enc = await encryptData(plain, { format, recipients: [key.recipient] });
        const back = await decryptData(enc, { format, identities: [identity] });
        assert.equal(Buffer.from(back).toString('utf8'), Buffer.from(plain).toString('utf8'));
      }),
      { numRuns: 60 },
    );
  });
}

const flatKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,10}$/).filter((k) => !k.startsWith('sops'));
const flatValue = fc.string({ maxLength: 20 }).filter((v) => !v.includes('\r'));

test('dotenv: random documents survive encrypt then decrypt unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.tuple(flatKey, flatValue), { minLength: 1, maxLength: 6, selector: ([k]) => k }), async (entries) => {
      const doc = newMap(entries.map(([k, v]) => ({ key: k, value: v })));
      const plain = storeFor('dotenv').emitPlain([doc]);
      const enc = await encryptData(plain, { format: 'dotenv', recipients: [key.recipient] });
      const back = await decryptData(enc, { format: 'dotenv', identities: [identity] });
      assert.equal(Buffer.from(back).toString('utf8'), Buffer.from(plain).toString('utf8'));
    }),
    { numRuns: 40 },
  );
});

test('ini: random documents survive encrypt then decrypt unchanged', async () => {
  const iniValue = fc.stringMatching(/^[A-Za-z0-9 _.,:/@+-]{0,16}$/);
  const section = fc.uniqueArray(fc.tuple(flatKey, iniValue), { minLength: 1, maxLength: 4, selector: ([k]) => k });
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.tuple(flatKey, section), { minLength: 1, maxLength: 3, selector: ([k]) => k }), async (sections) => {
      const doc = newMap(sections.map(([name, entries]) => ({ key: name, value: newMap(entries.map(([k, v]) => ({ key: k, value: v }))) })));
      const plain = storeFor('ini').emitPlain([doc]);
      const enc = await encryptData(plain, { format: 'ini', recipients: [key.recipient] });
      const back = await decryptData(enc, { format: 'ini', identities: [identity] });
      assert.equal(Buffer.from(back).toString('utf8'), Buffer.from(plain).toString('utf8'));
    }),
    { numRuns: 40 },
  );
});
