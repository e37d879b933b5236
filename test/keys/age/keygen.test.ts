import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { formatRfc3339, generateAgeKeyFile } from '../../../src/keys/age/keygen.js';
import { tempDir } from '../../helpers/paths.js';
import { hasBinary } from '../ssh/test-keys.js';

const when = new Date('2020-07-18T10:16:47Z');

test('formatRfc3339 writes Z for UTC and ±hh:mm offsets like Go', () => {
  assert.equal(formatRfc3339(when, 0), '2020-07-18T10:16:47Z');
  assert.equal(formatRfc3339(when, -7 * 60), '2020-07-18T03:16:47-07:00');
  assert.equal(formatRfc3339(when, 5 * 60 + 30), '2020-07-18T15:46:47+05:30');
  assert.equal(formatRfc3339(new Date('2021-01-01T00:30:00Z'), -60), '2020-12-31T23:30:00-01:00');
});

test('an X25519 key file has the created, public key and secret lines', async () => {
  const { text, recipient } = await generateAgeKeyFile({ pq: false, now: when, utcOffsetMinutes: -7 * 60 });
  const lines = text.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
  assert.equal(lines[0], '# created: 2020-07-18T03:16:47-07:00');
  assert.equal(lines[1], `# public key: ${recipient}`);
  assert.match(recipient, /^age1[02-9ac-hj-np-z]{58}$/);
  assert.match(lines[2]!, /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
  assert.equal(await identityToRecipient(lines[2]!), recipient);
});

test('a post-quantum key file holds a hybrid identity and recipient', async () => {
  const { text, recipient } = await generateAgeKeyFile({ pq: true, now: when, utcOffsetMinutes: 0 });
  const lines = text.split('\n');
  assert.equal(lines[0], '# created: 2020-07-18T10:16:47Z');
  assert.ok(recipient.startsWith('age1pq1'));
  assert.ok(lines[2]!.startsWith('AGE-SECRET-KEY-PQ-1'));
  assert.equal(lines[1], `# public key: ${recipient}`);
  assert.equal(await identityToRecipient(lines[2]!), recipient);
  const e = new Encrypter();
  e.addRecipient(recipient);
  const d = new Decrypter();
  d.addIdentity(lines[2]!);
  assert.equal(await d.decrypt(await e.encrypt('pq'), 'text'), 'pq');
});

test('each call makes a new key', async () => {
  const a = await generateAgeKeyFile({ pq: false, now: when });
  const b = await generateAgeKeyFile({ pq: false, now: when });
  assert.notEqual(a.recipient, b.recipient);
});

test('without an offset the local zone at that time is used', () => {
  // The zone is read when the process starts, so ask a child process with TZ set.
  const moduleUrl = new URL('../../../src/keys/age/keygen.js', import.meta.url).href;
  const script = `const { generateAgeKeyFile } = await import(${JSON.stringify(moduleUrl)});
    const { text } = await generateAgeKeyFile({ pq: false, now: new Date('${when.toISOString()}') });
    process.stdout.write(text.split('\\n')[0]);`;
  const run = (tz: string): string =>
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  assert.equal(run('America/Los_Angeles'), '# created: 2020-07-18T03:16:47-07:00');
  assert.equal(run('UTC'), '# created: 2020-07-18T10:16:47Z');
  assert.equal(run('Asia/Kolkata'), '# created: 2020-07-18T15:46:47+05:30');
});

test('age-keygen -y reads the key file and prints the same recipient', { skip: hasBinary('age-keygen') ? false : 'age-keygen is not installed (apt-get install -y age)' }, async () => {
  const { text, recipient } = await generateAgeKeyFile({ pq: false, now: when });
  const file = path.join(tempDir(), 'keys.txt');
  fs.writeFileSync(file, text, { mode: 0o600 });
  assert.equal(execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim(), recipient);
});
