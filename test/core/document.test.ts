/**
 * Whole-document encryption and decryption (spec §2, §11), table-driven over the ways a file can
 * be changed without the key: each must fail with its own code, and nothing else may.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ValueCipher } from '../../src/core/cipher.js';
import { decryptDocument, encryptDocument, type SopsDocument } from '../../src/core/document.js';
import { DEFAULT_SELECTOR } from '../../src/core/keys-model.js';
import { SOPS_FORMAT_VERSION } from '../../src/core/metadata.js';
import { tryCompileGoRegex } from '../../src/core/regex.js';
import { cloneValue, getKey, newList, newMap, type TreeMap } from '../../src/core/tree.js';
import { throwsCode } from '../helpers/assertions.js';

function plainDoc(): TreeMap {
  return newMap([
    { key: 'user', value: 'alice' },
    { key: 'port', value: 5432n },
    { key: 'tags', value: newList(['a', 'b']) },
    { key: 'note_unencrypted', value: 'clear' },
  ]);
}

function encrypted(dataKey: Uint8Array, macOnlyEncrypted = false): SopsDocument {
  const doc: SopsDocument = {
    branches: [plainDoc()],
    metadata: {
      keyGroups: [],
      shamirThreshold: 0,
      lastModified: '',
      mac: '',
      macOnlyEncrypted,
      selector: DEFAULT_SELECTOR,
      version: SOPS_FORMAT_VERSION,
    },
  };
  encryptDocument(doc, new ValueCipher(dataKey), { now: new Date('2024-05-06T07:08:09Z'), compileRegex: tryCompileGoRegex });
  return doc;
}

const copy = (d: SopsDocument): SopsDocument => ({ branches: d.branches.map((b) => cloneValue(b)), metadata: { ...d.metadata } });
const items = (d: SopsDocument) => d.branches[0]!.items;
const open = (d: SopsDocument, key: Uint8Array, ignoreMac = false) => decryptDocument(d, key, { ignoreMac, compileRegex: tryCompileGoRegex });

test('encrypt then decrypt gives the plaintext back, unencrypted values stay clear', () => {
  const key = randomBytes(32);
  const doc = encrypted(key);
  assert.match(String(getKey(doc.branches[0]!, 'user')), /^ENC\[AES256_GCM,/);
  assert.equal(getKey(doc.branches[0]!, 'note_unencrypted'), 'clear');
  assert.equal(doc.metadata.lastModified, '2024-05-06T07:08:09Z');
  open(doc, key);
  assert.deepEqual(doc.branches[0], plainDoc());
});

const tamperings: Array<{ name: string; change: (d: SopsDocument) => void; code: string; withIgnoreMac: 'opens' | string }> = [
  { name: 'two values swapped (their AAD names the other key)', change: (d) => {
      const [a, b] = [items(d)[0]!.value, items(d)[1]!.value];
      items(d)[0]!.value = b;
      items(d)[1]!.value = a;
    }, code: 'DECRYPT_TREE', withIgnoreMac: 'DECRYPT_TREE' },
  { name: 'an unencrypted value changed', change: (d) => void (items(d)[3]!.value = 'evil'), code: 'MAC_MISMATCH', withIgnoreMac: 'opens' },
  { name: 'a value deleted', change: (d) => void items(d).splice(1, 1), code: 'MAC_MISMATCH', withIgnoreMac: 'opens' },
  { name: 'a list item deleted', change: (d) => void (items(d)[2]!.value as ReturnType<typeof newList>).items.pop(), code: 'MAC_MISMATCH', withIgnoreMac: 'opens' },
  { name: 'the mac removed', change: (d) => void (d.metadata.mac = ''), code: 'MAC_MISMATCH', withIgnoreMac: 'opens' },
  { name: 'lastmodified changed', change: (d) => void (d.metadata.lastModified = '2030-01-01T00:00:00Z'), code: 'MAC_MISMATCH', withIgnoreMac: 'opens' },
  { name: 'a value of another type put in place of a ciphertext', change: (d) => void (items(d)[0]!.value = 7n), code: 'DECRYPT_TREE', withIgnoreMac: 'DECRYPT_TREE' },
];

for (const t of tamperings) {
  test(`a file with ${t.name} fails with ${t.code}`, () => {
    const key = randomBytes(32);
    const good = encrypted(key);
    const bad = copy(good);
    t.change(bad);
    throwsCode(() => open(copy(bad), key), t.code);
    if (t.withIgnoreMac === 'opens') assert.doesNotThrow(() => open(copy(bad), key, true));
    else throwsCode(() => open(copy(bad), key, true), t.withIgnoreMac);
    // the untouched original still opens: the failure came from the change
    assert.doesNotThrow(() => open(copy(good), key));
  });
}

test('with mac_only_encrypted, changing an unencrypted value keeps the MAC valid (sops §2.2)', () => {
  const key = randomBytes(32);
  const doc = encrypted(key, true);
  items(doc)[3]!.value = 'changed';
  assert.doesNotThrow(() => open(doc, key));
});

test('another data key fails on the first value', () => {
  throwsCode(() => open(encrypted(randomBytes(32)), randomBytes(32)), 'DECRYPT_TREE');
});
