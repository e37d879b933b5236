/** The pure checks behind the hostile-repository guarantees: duplicates, recipients' enc, versions, MAC rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ValueCipher } from '../../../src/core/cipher.js';
import { decryptValues, encryptValues, sealMac, verifyMac } from '../../../src/core/document.js';
import { compileSelector } from '../../../src/core/select.js';
import { newList, newMap } from '../../../src/core/tree.js';
import { checkFileVersion, versionToWrite } from '../../../src/core/version.js';
import { isWellFormedAgeEnc, quotedRecipient } from '../../../src/commands/shared/recipient-check.js';
import { SECRET_PLACEHOLDER } from '../../../src/keys/secret-guard.js';
import { findDuplicateKey } from '../../../src/formats/duplicate-keys.js';
import { jsonStore } from '../../../src/formats/json.js';
import { armorEncode } from '../../../src/keys/age/armor.js';

test('findDuplicateKey names the first repeated key by its path, through maps and lists', () => {
  assert.equal(findDuplicateKey(newMap([{ key: 'a', value: '1' }, { key: 'b', value: '2' }])), undefined);
  assert.equal(findDuplicateKey(jsonStore.parsePlain(new TextEncoder().encode('{"a": 1, "a": 2}'))[0]!), '["a"]');
  const nested = jsonStore.parsePlain(new TextEncoder().encode('{"l": [{"x": 1}, {"y": 1, "y": 2}]}'))[0]!;
  assert.equal(findDuplicateKey(nested), '["l"][1]["y"]');
  // equal keys in different maps are fine
  assert.equal(findDuplicateKey(jsonStore.parsePlain(new TextEncoder().encode('{"a": {"k": 1}, "b": {"k": 1}}'))[0]!), undefined);
});

test('isWellFormedAgeEnc: only an armored age file passes', () => {
  const age = armorEncode(new TextEncoder().encode('age-encryption.org/v1\n-> X25519 abc\nxyz\n--- mac\n'));
  assert.equal(isWellFormedAgeEnc(age), true);
  for (const bad of ['', '   ', 'garbage', armorEncode(new TextEncoder().encode('not an age file'))]) {
    assert.equal(isWellFormedAgeEnc(bad), false, JSON.stringify(bad.slice(0, 40)));
  }
});

test('quotedRecipient escapes control characters and never shows a secret key', () => {
  assert.equal(quotedRecipient('age1abc'), '"age1abc"');
  assert.equal(quotedRecipient('age1\u001b[31mred'), '"age1\\u001b[31mred"');
  assert.equal(quotedRecipient('AGE-SECRET-KEY-1QQQQ'), SECRET_PLACEHOLDER);
  assert.equal(quotedRecipient('  age-plugin-yubikey-1QQQ'), SECRET_PLACEHOLDER);
});

test('checkFileVersion: semver, v-prefixed, 1.x and empty pass; anything else is exit 1', () => {
  for (const ok of ['3.13.2', 'v3.7.3', '1.14', '', '4.0.0-rc.1']) checkFileVersion(ok);
  for (const bad of ['banana', '3.13', ' 3.13.2', '3.13.2\n']) {
    assert.throws(() => checkFileVersion(bad), (e: unknown) => (e as { exitCode: number }).exitCode === 1, JSON.stringify(bad));
  }
  assert.equal(versionToWrite('', '3.13.2'), '3.13.2');
  assert.equal(versionToWrite('3.7.3', '3.13.2'), '3.7.3');
});

test('verifyMac tells a current-rule MAC from one that only the 3.13.2 rule matches, and names the lists', () => {
  const key = new Uint8Array(randomBytes(32));
  const rules = { selector: compileSelector(undefined, () => undefined), macOnlyEncrypted: false };
  const tree = () => newMap([{ key: 'l', value: newList(['one', 'two', 'three']) }]);
  const plain = tree();
  const cipher = new ValueCipher(key);
  const macHex = encryptValues([plain], cipher, rules);
  const { mac, lastModified } = sealMac(cipher, macHex, new Date('2030-01-01T00:00:00Z'));

  const clean = structuredClone(plain);
  assert.equal(verifyMac(new ValueCipher(key), mac, lastModified, decryptValues([clean], new ValueCipher(key), rules)), 'current');

  // the attack: the second item's type tag becomes comment
  const tampered = structuredClone(plain);
  const items = (tampered.items[0]!.value as { items: string[] }).items;
  items[1] = items[1]!.replace('type:str]', 'type:comment]');
  const computed = decryptValues([tampered], new ValueCipher(key), rules);
  assert.deepEqual(computed.listsWithComments, ['["l"]']);
  assert.equal(verifyMac(new ValueCipher(key), mac, lastModified, computed), 'legacy');
});
