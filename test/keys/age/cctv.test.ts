/**
 * The C2SP CCTV age test vectors (the `cctv-age` package, the suite age and typage run), through
 * `unwrapKey`, the function that opens every `enc` of a sops file. Binary vectors are armored
 * first, as sops stores them; armored ones are given as they are. Each applicable vector must
 * give its expected outcome: success with the payload's SHA-256, or the failure of the expected
 * kind. Vectors for what tsops does not do with a data key are skipped with the reason.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { armorEncode } from '../../../src/keys/age/armor.js';
import { parseNativeIdentity, unwrapKey } from '../../../src/keys/age/master-key.js';
import type { Identity } from '../../../src/keys/identity.js';
import { TsopsError } from '../../../src/errors.js';
import { generateAgeKeyFile } from '../../../src/keys/age/keygen.js';

interface Vector {
  name: string;
  expect: string;
  meta: Map<string, string[]>;
  body: Uint8Array;
}

function parseVector(name: string, data: Uint8Array): Vector {
  const bytes = Buffer.from(data);
  const sep = bytes.indexOf('\n\n');
  const meta = new Map<string, string[]>();
  for (const line of bytes.subarray(0, sep).toString('utf8').split('\n')) {
    const i = line.indexOf(': ');
    const key = line.slice(0, i);
    meta.set(key, [...(meta.get(key) ?? []), line.slice(i + 2)]);
  }
  let body: Uint8Array = bytes.subarray(sep + 2);
  if (meta.get('compressed')?.[0] === 'zlib') body = inflateSync(body);
  return { name, expect: meta.get('expect')?.[0] ?? '', meta, body };
}

const ALL = Object.entries(vectors as unknown as Record<string, Uint8Array>)
  .filter(([, v]) => v instanceof Uint8Array)
  .map(([name, v]) => parseVector(name, v))
  .sort((a, b) => a.name.localeCompare(b.name));

/** Why a vector does not apply to a sops data key, or undefined when it does. */
function notApplicable(v: Vector): string | undefined {
  if (v.meta.has('passphrase') && !v.meta.has('identity')) {
    return 'scrypt (passphrase) stanza: sops never wraps a data key to a passphrase; passphrase-protected identity files are opened by age-encryption itself';
  }
  return undefined;
}

/** What each expected failure must look like in unwrapKey's one-line message. */
const FAILURE: Record<string, RegExp> = {
  'armor failure': /^failed to read the armored age data: /,
  'header failure': /^failed to decrypt the age data: /,
  'HMAC failure': /^failed to decrypt the age data: .*HMAC/i,
  'payload failure': /^failed to decrypt the age data: /,
  'no match': /^no identity matched any of the recipients$/,
};

/** The vector's identities; a vector that names none (its file must not even parse) gets an unrelated one. */
async function identitiesOf(v: Vector): Promise<Identity[]> {
  const texts = v.meta.get('identity') ?? [(await generateAgeKeyFile({ pq: false, now: new Date() })).text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!];
  return Promise.all(texts.map((text, i) => parseNativeIdentity(text, `vector identity ${i + 1}`)));
}

const counts = { applicable: 0, skipped: 0 };

describe('CCTV age vectors through unwrapKey', () => {
  after(() => {
    // Visible in the test output: how much of the suite tsops is held to.
    console.log(`# cctv-age: ${ALL.length} vectors, ${counts.applicable} applicable, ${counts.skipped} not applicable (skipped)`);
  });

  it('has the whole suite', () => {
    assert.equal(ALL.length, 143);
  });

  for (const v of ALL) {
    const reason = notApplicable(v);
    if (reason !== undefined) {
      counts.skipped++;
      it(`${v.name} (${v.expect})`, { skip: reason }, () => undefined);
      continue;
    }
    counts.applicable++;
    it(`${v.name}: ${v.expect}`, async () => {
      const armored = v.meta.get('armored')?.[0] === 'yes';
      const enc = armored ? Buffer.from(v.body).toString('latin1') : armorEncode(v.body);
      const ids = await identitiesOf(v);
      if (v.expect === 'success') {
        const plain = await unwrapKey(enc, ids);
        assert.equal(createHash('sha256').update(plain).digest('hex'), v.meta.get('payload')?.[0]);
        return;
      }
      const want = FAILURE[v.expect];
      assert.ok(want, `unknown expectation ${v.expect}`);
      await assert.rejects(unwrapKey(enc, ids), (e: unknown) => {
        assert.ok(e instanceof TsopsError, String(e));
        assert.match(e.message, want);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    });
  }
});
