import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KeyGroup } from '../../../src/core/keys-model.js';
import { newMap } from '../../../src/core/tree.js';
import type { RuleKeyGroup } from '../../../src/config/types.js';
import {
  diffAgainstRule,
  diffKeyGroups,
  formatKeyGroupsDiff,
  formatThresholdDiff,
  hasChanges,
  removedKeys,
  updatedThreshold,
  useColor,
  type KeyRef,
} from '../../../src/commands/updatekeys/key-diff.js';

const age = (id: string): KeyRef => ({ type: 'age', id });
const ageKey = (recipient: string) => ({ type: 'age' as const, recipient, enc: 'x' });
const pgpKey = (fp: string) => ({ type: 'pgp' as const, fields: newMap([{ key: 'fp', value: fp }]) });

describe('diffKeyGroups', () => {
  it('splits each group into common and added (rule order) and removed (file order)', () => {
    const d = diffKeyGroups([[age('a'), age('b'), age('c')]], [[age('d'), age('c'), age('a')]]);
    assert.deepEqual(d, [{ common: [age('c'), age('a')], added: [age('d')], removed: [age('b')] }]);
  });

  it('compares groups by index: a group only in the rule is all added, one only in the file all removed', () => {
    assert.deepEqual(diffKeyGroups([[age('a')]], [[age('a')], [age('b')]]), [
      { common: [age('a')], added: [], removed: [] },
      { common: [], added: [age('b')], removed: [] },
    ]);
    assert.deepEqual(diffKeyGroups([[age('a')], [age('b')]], [[age('a')]])[1], { common: [], added: [], removed: [age('b')] });
  });

  it('does not match a key moved to another group', () => {
    const d = diffKeyGroups([[age('a')], [age('b')]], [[age('b')], [age('a')]]);
    assert.deepEqual(d.map((g) => [g.added.length, g.removed.length]), [[1, 1], [1, 1]]);
  });

  it('finds no change when the rule equals the file (property)', () => {
    const group = fc.uniqueArray(fc.stringMatching(/^age1[a-z0-9]{4}$/), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 3 }), (groups) => {
        const refs = groups.map((g) => g.map(age));
        return diffKeyGroups(refs, refs).every((g) => g.added.length === 0 && g.removed.length === 0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('diffAgainstRule', () => {
  it('identifies foreign keys by their sops identity string (pgp: fingerprint)', () => {
    const file: KeyGroup[] = [[pgpKey('FP1'), ageKey('age1x')]];
    const rule: RuleKeyGroup[] = [[{ type: 'age', id: 'age1x' }, { type: 'pgp', id: 'FP1', fields: { fp: 'FP1' } }]];
    const d = diffAgainstRule(file, 0, rule);
    assert.equal(hasChanges(d), false);
    assert.deepEqual(d.groups[0]!.common.map((k) => k.id), ['age1x', 'FP1']);
  });

  it('caps the threshold at the rule group count; 0 stays 0', () => {
    assert.equal(updatedThreshold(3, 2), 2);
    assert.equal(updatedThreshold(2, 3), 2);
    assert.equal(updatedThreshold(0, 3), 0);
    const d = diffAgainstRule([[ageKey('a')], [ageKey('b')], [ageKey('c')]], 3, [[{ type: 'age', id: 'a' }], [{ type: 'age', id: 'b' }]]);
    assert.equal(d.newThreshold, 2);
    assert.equal(hasChanges(d), true);
  });

  it('lists each removed key once', () => {
    const d = diffAgainstRule([[ageKey('a'), ageKey('b')], [ageKey('b')]], 2, [[{ type: 'age', id: 'a' }], [{ type: 'age', id: 'a' }]]);
    assert.deepEqual(removedKeys(d).map((k) => k.id), ['b']);
  });
});

describe('formatKeyGroupsDiff', () => {
  it("prints sops' text: header, groups numbered from 1, four-space common keys, +++ added, --- removed", () => {
    const d = { groups: diffKeyGroups([[age('a'), age('b')]], [[age('a'), age('c')]]), oldThreshold: 0, newThreshold: 0 };
    assert.equal(
      formatKeyGroupsDiff(d, { color: false }),
      "The following changes will be made to the file's groups:\nGroup 1\n    a\n+++ c\n--- b\n",
    );
  });

  it('prints the threshold as sops does: unchanged and > 0 once, changed as +++/--- lines', () => {
    assert.equal(formatThresholdDiff(2, 2, { color: false }), 'shamir_threshold: 2\n');
    assert.equal(formatThresholdDiff(3, 2, { color: false }), '+++ shamir_threshold: 2\n--- shamir_threshold: 3\n');
    assert.equal(formatThresholdDiff(0, 0, { color: false }), '');
    assert.equal(formatThresholdDiff(2, 0, { color: false }), '--- shamir_threshold: 2\n');
  });

  it('colors like fatih/color: underline, green, red, reset after the newline', () => {
    const d = { groups: diffKeyGroups([[age('b')]], [[age('c')]]), oldThreshold: 0, newThreshold: 0 };
    assert.equal(
      formatKeyGroupsDiff(d, { color: true }),
      "The following changes will be made to the file's groups:\n\u001b[4mGroup 1\n\u001b[0m\u001b[32m+++ c\n\u001b[0m\u001b[31m--- b\n\u001b[0m",
    );
  });

  it('uses color only on a terminal without NO_COLOR or TERM=dumb', () => {
    assert.equal(useColor(true, {}), true);
    assert.equal(useColor(false, {}), false);
    assert.equal(useColor(true, { NO_COLOR: '1' }), false);
    assert.equal(useColor(true, { TERM: 'dumb' }), false);
  });
});
