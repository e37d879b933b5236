import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORMAT_NAMES } from '../../../src/formats/format.js';
import { getKey, isList } from '../../../src/core/tree.js';
import { exampleBranches, exampleDocument } from '../../../src/commands/edit/example-documents.js';

test("the YAML example is sops' example document", () => {
  assert.equal(
    Buffer.from(exampleDocument('yaml')).toString('utf8'),
    'hello: Welcome to SOPS! Edit this file as you please!\nexample_key: example_value\n# Example comment\n' +
      'example_array:\n    - example_value1\n    - example_value2\nexample_number: 1234.56789\nexample_booleans:\n    - true\n    - false\n',
  );
});

test('every format has an example that parses back with its own store', () => {
  for (const format of FORMAT_NAMES) {
    const branches = exampleBranches(format);
    assert.equal(branches.length, 1, format);
    assert.ok(branches[0]!.items.length > 0, format);
  }
  const json = exampleBranches('json')[0]!;
  assert.equal(getKey(json, 'example_number'), 1234.56789);
  assert.ok(isList(getKey(json, 'example_booleans')));
  assert.equal(getKey(exampleBranches('dotenv')[0]!, 'example_multiline'), 'foo\nbar\nbaz');
  assert.equal(getKey(exampleBranches('binary')[0]!, 'data'), 'Welcome to SOPS! Edit this file as you please!');
});
