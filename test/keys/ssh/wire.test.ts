import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TsopsError } from '../../../src/errors.js';
import {
  SshWireReader,
  concatBytes,
  encodeMpint,
  encodeSshString,
  encodeUint32,
  ed25519PublicKeyWire,
  findSshPublicKeyInLine,
  formatAuthorizedKey,
  parseSshPublicKeyLine,
  parseSshPublicKeyWire,
} from '../../../src/keys/ssh/wire.js';

const ED_LINE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji joerg@turingmachine';
const ED_B64 = ED_LINE.split(' ')[1]!;

test('uint32, string and mpint encodings read back', () => {
  const buf = concatBytes(encodeUint32(0xdeadbeef), encodeSshString('ssh-rsa'), encodeMpint(Uint8Array.of(0x80, 1)));
  const r = new SshWireReader(buf, 'test');
  assert.equal(r.uint32(), 0xdeadbeef);
  assert.equal(r.text(), 'ssh-rsa');
  assert.deepEqual(r.mpint(), Uint8Array.of(0x80, 1));
  r.end();
});

test('mpint gets a leading zero when the high bit is set and none otherwise', () => {
  assert.deepEqual(encodeMpint(Uint8Array.of(0x80)), Uint8Array.of(0, 0, 0, 2, 0, 0x80));
  assert.deepEqual(encodeMpint(Uint8Array.of(0, 0, 0x7f)), Uint8Array.of(0, 0, 0, 1, 0x7f));
  assert.deepEqual(encodeMpint(new Uint8Array(0)), Uint8Array.of(0, 0, 0, 0));
});

test('mpint round-trips any magnitude (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      let start = 0;
      while (start < bytes.length && bytes[start] === 0) start++;
      const got = new SshWireReader(encodeMpint(bytes), 'test').mpint();
      assert.deepEqual(got, bytes.subarray(start));
    }),
    { numRuns: 200 },
  );
});

test('truncated, negative and trailing data are typed errors', () => {
  assert.throws(() => new SshWireReader(Uint8Array.of(0, 0, 0, 5, 1), 'thing').string(), (e: unknown) => {
    return e instanceof TsopsError && e.code === 'INVALID_RECIPIENT' && /invalid thing: truncated/.test(e.message);
  });
  assert.throws(() => new SshWireReader(Uint8Array.of(0, 0, 0, 1, 0x80), 'thing').mpint(), /negative/);
  const r = new SshWireReader(Uint8Array.of(0, 0, 0, 0, 9), 'thing', 'UNSUPPORTED');
  r.string();
  assert.throws(() => r.end(), (e: unknown) => e instanceof TsopsError && e.code === 'UNSUPPORTED');
});

test('an ed25519 wire key parses into its 32-byte point and formats back to the same line', () => {
  const key = parseSshPublicKeyWire(new Uint8Array(Buffer.from(ED_B64, 'base64')));
  assert.equal(key.kind, 'ed25519');
  if (key.kind !== 'ed25519') return;
  assert.equal(key.key.length, 32);
  assert.deepEqual(ed25519PublicKeyWire(key.key), key.wire);
  assert.equal(formatAuthorizedKey(key, 'joerg@turingmachine'), ED_LINE);
});

test('an ed25519 wire key with a short point is rejected', () => {
  const wire = concatBytes(encodeSshString('ssh-ed25519'), encodeSshString(new Uint8Array(31)));
  assert.throws(() => parseSshPublicKeyWire(wire), /not 32 bytes/);
});

test('unknown key types come back as kind other with their type name', () => {
  const wire = concatBytes(encodeSshString('ecdsa-sha2-nistp256'), encodeSshString('nistp256'), encodeSshString(new Uint8Array(65)));
  const key = parseSshPublicKeyWire(wire);
  assert.equal(key.kind, 'other');
  assert.equal(key.type, 'ecdsa-sha2-nistp256');
});

test('a plain authorized_keys line gives key, comment and no prefix', () => {
  const found = parseSshPublicKeyLine(ED_LINE);
  assert.equal(found.key.type, 'ssh-ed25519');
  assert.equal(found.comment, 'joerg@turingmachine');
  assert.equal(found.prefix, '');
  assert.equal(found.marker, undefined);
});

test('authorized_keys options with quoted spaces are skipped over', () => {
  const found = findSshPublicKeyInLine(`command="echo ssh-ed25519 hi",no-pty ${ED_LINE.replace(' joerg', '  two words')}`);
  assert.ok(found);
  assert.equal(found.key.type, 'ssh-ed25519');
  assert.equal(found.comment, 'two words@turingmachine');
  assert.equal(found.prefix, 'command="echo ssh-ed25519 hi",no-pty');
});

test('known_hosts lines give the host patterns and the marker', () => {
  const plain = findSshPublicKeyInLine(`example.com,10.0.0.1 ssh-ed25519 ${ED_B64}`);
  assert.equal(plain?.prefix, 'example.com,10.0.0.1');
  assert.equal(plain?.marker, undefined);
  const ca = findSshPublicKeyInLine(`@cert-authority *.example.com ssh-ed25519 ${ED_B64}`);
  assert.equal(ca?.marker, '@cert-authority');
  assert.equal(ca?.prefix, '*.example.com');
  const hashed = findSshPublicKeyInLine(`|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-ed25519 ${ED_B64}`);
  assert.equal(hashed?.key.kind, 'ed25519');
});

test('a key type that does not match the wire type is not a key', () => {
  assert.equal(findSshPublicKeyInLine(`ssh-rsa ${ED_B64}`), undefined);
  assert.equal(findSshPublicKeyInLine('ssh-ed25519 not-base64!'), undefined);
  assert.equal(findSshPublicKeyInLine('just some words'), undefined);
  assert.throws(() => parseSshPublicKeyLine('ssh-ed25519'), (e: unknown) => e instanceof TsopsError && e.code === 'INVALID_RECIPIENT');
});
