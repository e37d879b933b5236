/** The plugin protocol's framing and the plugin name rules. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bech32 } from '@scure/base';
import { ProtocolError, StanzaParser, encodeWireStanza } from '../../../../src/keys/age/plugin/wire.js';
import {
  looksLikePluginRecipient,
  parsePluginIdentity,
  parsePluginRecipient,
} from '../../../../src/keys/age/plugin/names.js';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
const parseAll = (text: string) => new StanzaParser().feed(Buffer.from(text, 'latin1'));

describe('plugin protocol framing', () => {
  it('wraps bodies at 64 columns and always ends with a short line', () => {
    assert.equal(encodeWireStanza('done'), '-> done\n\n');
    const text = encodeWireStanza('wrap-file-key', [], bytes(48));
    const lines = text.split('\n');
    assert.equal(lines[1]!.length, 64);
    assert.equal(lines[2], '', 'a body of exactly 48 bytes needs an empty final line');
    assert.equal(encodeWireStanza('ok', [], bytes(16)).split('\n')[1]!.length, 22);
  });

  it('reads back what it writes, fed one byte at a time', () => {
    const body = bytes(100);
    const text = encodeWireStanza('recipient-stanza', ['0', 'X25519', 'abc'], body) + encodeWireStanza('done');
    const parser = new StanzaParser();
    const got = [];
    for (const b of Buffer.from(text)) got.push(...parser.feed(Uint8Array.of(b)));
    assert.equal(got.length, 2);
    assert.deepEqual(got[0]!.args, ['0', 'X25519', 'abc']);
    assert.deepEqual([...got[0]!.body], [...body]);
    assert.equal(got[1]!.type, 'done');
    assert.equal(parser.partial, false);
  });

  it('rejects what is not a stanza', () => {
    assert.throws(() => parseAll('hello\n'), ProtocolError);
    assert.throws(() => parseAll('-> ok  two\n\n'), ProtocolError, 'empty argument');
    assert.throws(() => parseAll('-> ok\nAAA=\n'), ProtocolError, 'padding is not allowed');
    assert.throws(() => parseAll('-> ok\nAB\n'), ProtocolError, 'non-canonical trailing bits');
    assert.throws(() => parseAll(`-> ok\n${'A'.repeat(65)}\n`), ProtocolError, 'body line over 64 columns');
    assert.throws(() => parseAll(`-> ${'a'.repeat(70_000)}`), ProtocolError, 'unbounded line');
  });

  it('bounds the size of a body', () => {
    const parser = new StanzaParser();
    parser.feed(Buffer.from('-> big\n'));
    const line = Buffer.from(`${'A'.repeat(64)}\n`.repeat(1000));
    assert.throws(() => {
      for (let i = 0; i < 30; i++) parser.feed(line);
    }, /larger than 1 MiB/);
  });

  it('refuses to write arguments with spaces or control characters', () => {
    assert.throws(() => encodeWireStanza('add-recipient', ['a b']));
    assert.throws(() => encodeWireStanza('msg\n'));
  });
});

describe('plugin names', () => {
  const words = bech32.toWords(bytes(8));
  it('reads the plugin name from recipients and identities', () => {
    const r = bech32.encode('age1yubikey', words, false);
    assert.deepEqual(parsePluginRecipient(r), { name: 'yubikey', encoding: r });
    const i = bech32.encode('AGE-PLUGIN-YUBIKEY-', words, false).toUpperCase();
    assert.deepEqual(parsePluginIdentity(i), { name: 'yubikey', encoding: i });
    assert.equal(parsePluginIdentity(bech32.encode('AGE-PLUGIN-FIDO2-HMAC-', [], false).toUpperCase())?.name, 'fido2-hmac');
  });

  it('refuses bad checksums, mixed case and names age would not run', () => {
    const r = bech32.encode('age1yubikey', words, false);
    assert.equal(parsePluginRecipient(`${r.slice(0, -1)}${r.endsWith('q') ? 'p' : 'q'}`), undefined);
    assert.equal(parsePluginRecipient(r.toUpperCase().slice(0, 5) + r.slice(5)), undefined);
    assert.equal(parsePluginRecipient(bech32.encode('age1a/b', words, false)), undefined, 'a path separator');
    assert.equal(parsePluginIdentity(bech32.encode('AGE-PLUGIN-', words, false).toUpperCase()), undefined);
  });

  it('tells plugin recipients from native ones', () => {
    assert.equal(looksLikePluginRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'), false);
    assert.equal(looksLikePluginRecipient('age1pq1qqqq'), false);
    assert.equal(looksLikePluginRecipient('age1tag1qqqq'), true);
  });
});
