import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueCipher, parseEncryptedValue } from '../../src/core/cipher.js';
import { Comment, Timestamp } from '../../src/core/tree.js';
import { TsopsError } from '../../src/errors.js';

// spec §1.1: functional-tests/res/format.enc.yaml, written by sops.
const FORMAT_KEY = Buffer.from('af5e68dd342b72c6a0475f81a50da4fde898f4b7742c92cbcf1668211411f4e4', 'hex');
const FOO = 'ENC[AES256_GCM,data:8CvE,iv:tjchf/lmMpXDOA1tLE/N4oY9IqJIzfQ/7NlvQlDUtoA=,tag:1aFCHIRp3j/VPNcCEsE95A==,type:str]';

test('decrypts the sops vector with its key path as AAD', () => {
  const c = new ValueCipher(FORMAT_KEY);
  assert.equal(c.decrypt(FOO, 'foo:'), 'bar');
});

test('a wrong AAD fails authentication with DECRYPT_TREE', () => {
  const c = new ValueCipher(FORMAT_KEY);
  assert.throws(() => c.decrypt(FOO, 'bar:'), (e) => e instanceof TsopsError && e.code === 'DECRYPT_TREE' && e.exitCode === 25);
});

test('writes 32-byte IVs, 16-byte tags, padded standard base64 and the field order', () => {
  const c = new ValueCipher(Buffer.alloc(32, 7));
  const s = c.encrypt('hello world', 'a:b:');
  assert.match(s, /^ENC\[AES256_GCM,data:[A-Za-z0-9+/]+=*,iv:[A-Za-z0-9+/]+=*,tag:[A-Za-z0-9+/]+=*,type:str\]$/);
  const parts = parseEncryptedValue(s)!;
  assert.equal(parts.iv.length, 32);
  assert.equal(parts.tag.length, 16);
  assert.equal(parts.data.length, 'hello world'.length);
});

test('typed values round-trip with sops plaintext forms', () => {
  const c = new ValueCipher(Buffer.alloc(32, 1));
  const cases: Array<[unknown, string, string]> = [
    [true, 'bool', 'True'],
    [false, 'bool', 'False'],
    [9223372036854775807n, 'int', '9223372036854775807'],
    [-42n, 'int', '-42'],
    [1e21, 'float', '1000000000000000000000'],
    [5, 'float', '5'],
    [1234.56789, 'float', '1234.56789'],
    [new Timestamp('2024-01-01T00:00:00Z'), 'time', '2024-01-01T00:00:00Z'],
    [new Comment(' a comment'), 'comment', ' a comment'],
    ['ünïcødé ✓', 'str', 'ünïcødé ✓'],
  ];
  for (const [value, type, text] of cases) {
    const enc = c.encrypt(value as never, 'k:');
    assert.equal(parseEncryptedValue(enc)!.type, type);
    const raw = c.decryptRaw(enc, 'k:');
    assert.equal(raw.plain.toString('utf8'), text);
    assert.deepEqual(c.decrypt(enc, 'k:'), value);
  }
});

test('empty strings are never encrypted', () => {
  const c = new ValueCipher(Buffer.alloc(32, 1));
  assert.equal(c.encrypt('', 'k:'), '');
  assert.equal(c.decrypt('', 'k:'), '');
});

test('bytes that are not UTF-8 survive as bytes', () => {
  const c = new ValueCipher(Buffer.alloc(32, 1));
  const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);
  assert.deepEqual(c.decrypt(c.encrypt(bytes, 'data:'), 'data:'), bytes);
});

test('re-encrypting a decrypted, unchanged value reuses its IV; a changed one does not', () => {
  const c = new ValueCipher(Buffer.alloc(32, 3));
  const first = c.encrypt('secret', 'a:');
  const again = new ValueCipher(Buffer.alloc(32, 3));
  assert.equal(again.decrypt(first, 'a:'), 'secret');
  assert.equal(again.encrypt('secret', 'a:'), first);
  assert.notEqual(again.encrypt('secret2', 'a:'), first);
  assert.notEqual(again.encrypt('secret', 'b:'), first.replace('x', 'x'));
});

test('unknown types and malformed values are DECRYPT_TREE errors', () => {
  const c = new ValueCipher(Buffer.alloc(32, 3));
  const enc = c.encrypt('x', 'a:').replace('type:str', 'type:weird');
  assert.throws(() => c.decrypt(enc, 'a:'), /unknown datatype|authentication/);
  assert.throws(() => c.decrypt('ENC[nope]', 'a:'), /data format/);
});
