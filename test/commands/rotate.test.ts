import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyGroup } from '../../src/core/keys-model.js';
import { newMap } from '../../src/core/tree.js';
import { isTsopsError } from '../../src/errors.js';
import { changeRecipients } from '../../src/commands/rotate.js';
import { refuseForeignKeys } from '../../src/commands/shared/rekey.js';

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
