import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyGroup } from '../../src/core/keys-model.js';
import { newMap } from '../../src/core/tree.js';
import { isTsopsError } from '../../src/errors.js';
import { changeRecipients } from '../../src/commands/rotate.js';
import { refuseForeignKeys } from '../../src/commands/shared/rekey.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/main.js';
import { cleanEnv, fakeIo } from '../helpers/fake-io.js';
import { tempDir } from '../helpers/paths.js';
import { encryptTo, newKey } from '../cli/key-management-helpers.js';

const age = (recipient: string) => ({ type: 'age' as const, recipient, enc: 'e' });
const pgp = (fp: string) => ({ type: 'pgp' as const, fields: newMap([{ key: 'fp', value: fp }]) });
const kms = (arn: string) => ({ type: 'kms' as const, fields: newMap([{ key: 'arn', value: arn }]) });
const ids = (groups: ReturnType<typeof changeRecipients>['groups']) =>
  groups.map((g) => g.map((k) => (typeof k === 'string' ? `+${k}` : k.type === 'age' ? k.recipient : k.type)));

describe('changeRecipients', () => {
  const groups: KeyGroup[] = [[age('a'), age('b')], [age('b'), age('c')]];

  it('appends added recipients to the first group only', () => {
    assert.deepEqual(ids(changeRecipients(groups, ['d'], []).groups), [['a', 'b', '+d'], ['b', 'c']]);
  });

  it('removes a recipient from every group and reports removals that match nothing', () => {
    const r = changeRecipients(groups, [], ['b', 'zzz']);
    assert.deepEqual(ids(r.groups), [['a'], ['c']]);
    assert.deepEqual(r.unmatched, ['zzz']);
  });

  it('adds first, then removes (as sops): adding and removing the same key removes it', () => {
    assert.deepEqual(ids(changeRecipients(groups, ['d'], ['d']).groups), [['a', 'b'], ['b', 'c']]);
  });

  it('does not add a recipient the first group already has, and leaves the input groups alone', () => {
    const r = changeRecipients(groups, ['a'], []);
    assert.deepEqual(ids(r.groups), [['a', 'b'], ['b', 'c']]);
    r.groups[0]!.pop();
    assert.equal(groups[0]!.length, 2);
  });

  it('removes a foreign key by its identity string', () => {
    assert.deepEqual(ids(changeRecipients([[age('a'), pgp('FP')]], [], ['FP']).groups), [['a']]);
  });
});

describe('refuseForeignKeys', () => {
  it('names the first foreign key and its group, and passes groups of age and PGP keys', () => {
    assert.doesNotThrow(() => refuseForeignKeys([[age('a'), 'b'], [pgp('FP1')]], 'f.yaml', 'rotate'));
    assert.throws(
      () => refuseForeignKeys([[age('a')], [pgp('FP1'), kms('arn:aws:kms:k')]], 'f.yaml', 'rotate the data key'),
      (e) => isTsopsError(e) && e.message === 'f.yaml: cannot rotate the data key: key group 2 has the kms key arn:aws:kms:k, and tsops can only wrap a new data key for age and PGP keys',
    );
  });
});

describe('rotate -i of several files, written behind, asking on a terminal', () => {
  it('a question is shown in its place: after the earlier files\' messages, before it is answered', async () => {
    const alice = await newKey();
    const bob = await newKey();
    const dir = tempDir();
    const LIST = 'token: abc\nlist:\n    - one\n    - two\n';
    for (const n of ['a.yaml', 'b.yaml', 'c.yaml']) await encryptTo(dir, n, LIST, [alice.recipient, bob.recipient]);
    // b.yaml: a list item retagged as a comment, so only the sops 3.13.2 MAC rule matches and rotate asks
    const b = path.join(dir, 'b.yaml');
    const lines = fs.readFileSync(b, 'utf8').split('\n');
    const at = lines.indexOf('list:') + 2;
    lines[at] = lines[at]!.replace('type:str]', 'type:comment]');
    fs.writeFileSync(b, lines.join('\n'));
    // the rule lists alice only: every rotated file warns that bob gets the new key too
    fs.writeFileSync(path.join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: .*\n    age: ${alice.recipient}\n`);
    let readsWhenAsked: number | undefined;
    const fake = fakeIo({
      cwd: dir,
      env: cleanEnv({ SOPS_AGE_KEY: alice.secret }),
      stdinIsTTY: true,
      answers: ['y'],
      onWrite: (_to, text) => {
        if (text.startsWith('Re-encrypt')) readsWhenAsked = fake.reads();
      },
    });
    const code = await main(['rotate', '-i', 'a.yaml', 'b.yaml', 'c.yaml'], fake.io);
    assert.equal(code, 0, fake.stderr());
    assert.equal(readsWhenAsked, 0, 'the question reached the terminal before the answer was read');
    assert.equal(fake.reads(), 1);
    const order = fake.writes.map(([, t]) => (t.startsWith('Re-encrypt') ? 'question' : /(\w)\.yaml: age recipient/.exec(t)?.[1])).filter(Boolean);
    assert.deepEqual(order, ['a', 'question', 'b', 'c'], fake.stderr());
    const after = fakeIo({ cwd: dir, env: cleanEnv({ SOPS_AGE_KEY: alice.secret }) });
    assert.equal(await main(['decrypt', 'b.yaml'], after.io), 0);
    assert.equal(after.stderr(), '', 'b.yaml now carries the current MAC');
  });
});
