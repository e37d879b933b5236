/**
 * Property-based fuzzing of every parser of untrusted input: whatever the bytes, only a
 * TsopsError may escape (a one-line message and an exit code), never a TypeError, RangeError or
 * a library's own error. Inputs are random bytes and strings, and random damage to valid
 * documents, so the deeper code paths (metadata, values, keys) are reached too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decryptData } from '../../src/api.js';
import { TsopsError } from '../../src/errors.js';
import { parseTreePath } from '../../src/core/tree-path.js';
import { parseMetadata } from '../../src/core/metadata.js';
import { ValueCipher, parseEncryptedValue } from '../../src/core/cipher.js';
import { compileGoRegex } from '../../src/core/regex.js';
import { Comment, Timestamp, newList, newMap, type TreeMap, type Value } from '../../src/core/tree.js';
import { parseConfig } from '../../src/config/parse.js';
import { FORMAT_NAMES, storeFor } from '../../src/formats/index.js';
import { parseLegacySet, parseSetIndex, parseSetValue } from '../../src/commands/set/set-value.js';
import { parseAgeRecipient, parseNativeIdentity, unwrapKey, wrapKey } from '../../src/keys/age/master-key.js';
import { parseIdentityText } from '../../src/keys/identity-source.js';
import { parseSshRecipientLine } from '../../src/keys/recipients.js';
import { inspectSshPrivateKey, parseOpenSshPrivateKey } from '../../src/keys/ssh/openssh-key.js';
import { convertPublicKeys } from '../../src/keys/ssh/ssh-to-age.js';
import { SAMPLES, alice, encryptSample, workspace } from './fixtures.js';

/** FUZZ_SCALE multiplies every run count, for a longer search outside `npm test`. */
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const RUNS = 150;
let runs = 0;

/** Run `fn`; anything thrown that is not a TsopsError fails the property, naming what escaped. */
function onlyTsopsErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TsopsError)) throw new Error(`escaped ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  }
}

async function onlyTsopsErrorsAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof TsopsError)) throw new Error(`escaped ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  }
}

function check<T>(arb: fc.Arbitrary<T>, fn: (x: T) => unknown, numRuns = RUNS): void {
  fc.assert(fc.property(arb, (x) => onlyTsopsErrors(() => fn(x))), { numRuns: numRuns * SCALE });
  runs += numRuns * SCALE;
}

async function checkAsync<T>(arb: fc.Arbitrary<T>, fn: (x: T) => Promise<unknown>, numRuns = RUNS): Promise<void> {
  await fc.assert(fc.asyncProperty(arb, (x) => onlyTsopsErrorsAsync(() => fn(x))), { numRuns: numRuns * SCALE });
  runs += numRuns * SCALE;
}

const enc = new TextEncoder();

/** Random damage to a valid text: bytes flipped, spans deleted, duplicated or replaced, a cut. */
function damaged(valid: Uint8Array, alphabet: string): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 80 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 6 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let b = Buffer.from(valid);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length;
      if (e.kind === 'flip') {
        if (b.length > 0) b[at]! ^= 1 << e.bit;
      } else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
      else if (e.kind === 'duplicate') b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
      else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text), b.subarray(at)]);
      else b = b.subarray(0, at);
    }
    return new Uint8Array(b);
  });
}

const SYNTAX = ':-[]{}"\'#&*!|>%@`, \n\t=\\.0123456789abcENC_sop';

/** Bytes: random, random text, syntax-heavy text. */
const anyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ maxLength: 200 }).map((s) => enc.encode(s)),
  fc.string({ unit: fc.constantFrom(...SYNTAX), maxLength: 120 }).map((s) => enc.encode(s)),
);

test('every store: parsePlain and parseEncrypted throw only TsopsError, for random and damaged input', async () => {
  const w = workspace();
  for (const store of FORMAT_NAMES) {
    const s = storeFor(store);
    const sample = SAMPLES.find((x) => x.store === store)!;
    const encrypted = new Uint8Array(await encryptSample(w, sample));
    const inputs = fc.oneof(anyBytes, damaged(sample.plain, SYNTAX), damaged(encrypted, SYNTAX));
    check(inputs, (b) => s.parsePlain(b));
    check(inputs, (b) => s.parseEncrypted(b));
    // What parses as a sops file goes on to the metadata reader.
    check(damaged(encrypted, SYNTAX), (b) => {
      const parsed = s.parseEncrypted(b);
      if (parsed.metadata !== undefined) parseMetadata(parsed.metadata);
    });
  }
});

test('decrypting a damaged sops file with the right key throws only TsopsError, in every store', async () => {
  const w = workspace();
  const secret = alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  for (const store of FORMAT_NAMES) {
    const sample = SAMPLES.find((x) => x.store === store)!;
    const encrypted = new Uint8Array(await encryptSample(w, sample));
    // damage the values more often than the (long) metadata: edits land in the first half
    const front = encrypted.subarray(0, encrypted.length >> 1);
    const back = encrypted.subarray(encrypted.length >> 1);
    const files = fc.oneof(damaged(front, SYNTAX).map((f) => Buffer.concat([f, back])), damaged(encrypted, SYNTAX));
    await checkAsync(files, (b) => decryptData(b, { format: store, identities: [secret] }), 60);
  }
});

const FIELD_NAMES = [
  'age', 'recipient', 'enc', 'lastmodified', 'mac', 'version', 'key_groups', 'shamir_threshold', 'pgp', 'kms', 'gcp_kms',
  'azure_kv', 'hc_vault', 'hckms', 'fp', 'arn', 'created_at', 'unencrypted_suffix', 'encrypted_regex', 'mac_only_encrypted',
  'encrypted_suffix', 'unencrypted_comment_regex', 'vault_url', 'name', 'x',
];

/** Trees shaped roughly like sops metadata, with every scalar type in every place. */
const { metaValue } = fc.letrec<{ metaValue: Value; metaMap: TreeMap }>((tie) => ({
  metaValue: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2024-01-01T00:00:00Z', '3.13.2', 'age1xyz', 'ENC[AES256_GCM,data:,iv:,tag:,type:str]', '', '0', 'true'),
      fc.bigInt(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(new Timestamp('2024-01-01T00:00:00Z')),
      fc.uint8Array({ maxLength: 8 }),
    ),
    tie('metaMap'),
    fc.array(tie('metaValue'), { maxLength: 3 }).map((items) => newList(items)),
  ),
  metaMap: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 8 })), tie('metaValue'), fc.boolean()), { maxLength: 6 })
    .map((entries) => newMap(entries.map(([key, value, comment]) => (comment ? { key: new Comment(key), value: null } : { key, value })))),
}));

test('parseMetadata throws only TsopsError for any tree', () => {
  check(metaValue.filter((v): v is TreeMap => typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'map'), (m) => parseMetadata(m), 200);
});

test('parseTreePath, parseSetIndex, parseSetValue and the legacy --set argument throw only TsopsError', () => {
  const pathish = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: fc.constantFrom(...'[]"\'0123456789ab\\ '), maxLength: 40 }));
  check(pathish, (s) => parseTreePath(s));
  check(pathish, (s) => parseSetIndex(s, 'set'));
  const jsonish = fc.oneof(fc.string({ maxLength: 60 }), fc.json(), fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789.eE+-truefalsn\\u '), maxLength: 60 }));
  check(jsonish, (s) => parseSetValue(s));
  check(fc.tuple(pathish, jsonish), ([p, v]) => parseLegacySet(`${p} ${v}`));
});

test('parseEncryptedValue and ValueCipher.decrypt throw only TsopsError, for random and damaged values', () => {
  const key = new Uint8Array(32).fill(7);
  const cipher = new ValueCipher(key);
  const valid = ['str', 'int', 'float', 'bool', 'bytes', 'comment', 'time'].map((type) => cipher.encryptRaw(enc.encode(type === 'int' ? '12' : type === 'float' ? '1.5' : type === 'bool' ? 'true' : type === 'time' ? '2024-01-01T00:00:00Z' : 'x'), new Uint8Array(32).fill(1), 'k:', type as 'str'));
  const b64 = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=!-_ '), maxLength: 48 });
  const shaped = fc
    .record({ data: b64, iv: b64, tag: b64, type: fc.oneof(fc.constantFrom('str', 'int', 'float', 'bool', 'bytes', 'comment', 'time'), fc.string({ maxLength: 8 })), tail: fc.constantFrom(']', '', ']]', '],x') })
    .map((p) => `ENC[AES256_GCM,data:${p.data},iv:${p.iv},tag:${p.tag},type:${p.type}${p.tail}`);
  const values = fc.oneof(fc.string({ maxLength: 80 }), shaped, fc.constantFrom(...valid).chain((v) => damaged(enc.encode(v), 'ABC=+/,:]').map((b) => Buffer.from(b).toString('latin1'))));
  check(values, (s) => parseEncryptedValue(s), 200);
  check(fc.tuple(values, fc.constantFrom('k:', '', 'other:')), ([s, aad]) => cipher.decrypt(s, aad), 200);
});

test('parseConfig throws only TsopsError, for random, structured and damaged .sops.yaml files', () => {
  const valid = enc.encode(
    `creation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    key_groups:\n      - age:\n          - ${alice.recipient}\n  - path_regex: .*\n    age: ${alice.recipient}\n    shamir_threshold: 1\nstores:\n  yaml:\n    indent: 2\n`,
  );
  const texts = fc.oneof(
    anyBytes.map((b) => Buffer.from(b).toString('utf8')),
    damaged(valid, SYNTAX).map((b) => Buffer.from(b).toString('utf8')),
    // JSON is YAML: random structures under the keys sops reads
    fc.record({ creation_rules: fc.anything(), stores: fc.anything(), destination_rules: fc.anything() }, { requiredKeys: [] }).map((o) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? ''),
    fc.array(fc.record({ path_regex: fc.string({ maxLength: 12 }), age: fc.oneof(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 6 }))), key_groups: fc.anything(), shamir_threshold: fc.anything() }, { requiredKeys: [] }), { maxLength: 3 }).map((rules) => JSON.stringify({ creation_rules: rules }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))),
  );
  check(texts, (t) => parseConfig(t, '/work/.sops.yaml'), 200);
});

test('compileGoRegex throws only TsopsError', () => {
  const regexish = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: fc.constantFrom(...'()[]{}^$.*+?|\\-:dwsbpPLNQEz0123456789,<>!=aZ'), maxLength: 30 }));
  check(regexish, (s) => compileGoRegex(s), 200);
});

test('age: recipients, identities, identity files and armored key envelopes throw only TsopsError', async () => {
  const recipientish = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom(alice.recipient, 'age1', 'age1pq1', 'age1qqqq', 'ssh-ed25519 AAAA', 'age1plugin1xyz').chain((p) => fc.string({ unit: fc.constantFrom(...'qpzry9x8gf2tvdw0s3jn54khce6mua7l1'), maxLength: 70 }).map((s) => p + s)),
  );
  check(recipientish, (s) => parseAgeRecipient(s), 200);
  const secret = alice.text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  const identityish = fc.oneof(fc.string({ maxLength: 80 }), damaged(enc.encode(secret), 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L1-').map((b) => Buffer.from(b).toString('utf8')));
  await checkAsync(identityish, (s) => parseNativeIdentity(s, 'fuzz'), 200);
  await checkAsync(fc.tuple(fc.oneof(identityish, damaged(enc.encode(alice.text), '#\n -').map((b) => Buffer.from(b).toString('utf8'))), fc.boolean()), ([t, multi]) => parseIdentityText(t, 'fuzz', { multiplePerLine: multi }));
  const envelope = await wrapKey(alice.recipient, new Uint8Array(32).fill(3));
  const identity = await parseNativeIdentity(secret, 'fuzz');
  const envelopes = fc.oneof(fc.string({ maxLength: 200 }), damaged(enc.encode(envelope), 'ABCabc012+/=-\n ').map((b) => Buffer.from(b).toString('utf8')));
  await checkAsync(envelopes, (e) => unwrapKey(e, [identity]), 200);
});

test('ssh: public key lines and private key files throw only TsopsError', () => {
  const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN comment';
  const lines = fc.oneof(fc.string({ maxLength: 120 }), damaged(enc.encode(pub), 'ABCabc+/= \n').map((b) => Buffer.from(b).toString('utf8')));
  check(lines, (l) => parseSshRecipientLine(l));
  check(lines, (l) => convertPublicKeys(l));
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACB7Ci6nqZYaVvrjm8+XbzII89TsXzP111AflR7Weo\n-----END OPENSSH PRIVATE KEY-----\n';
  const keys = fc.oneof(anyBytes, damaged(enc.encode(pem), 'ABCabc+/=\n-'));
  check(keys, (k) => inspectSshPrivateKey(k));
  check(keys, (k) => parseOpenSshPrivateKey(k, 'passphrase'));
});

test('fuzz run count', (t) => {
  assert.ok(runs > 0);
  t.diagnostic(`fuzz runs: ${runs} across every parser, only TsopsError escaped`);
});


