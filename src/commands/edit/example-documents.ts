/**
 * The document a new file starts from in the editor (spec §8.2 `edit`): sops' example trees,
 * written by the file's own store so the user sees that format's syntax.
 */
import { Comment, newList, newMap, type Branches, type TreeMap } from '../../core/tree.js';
import { storeFor, type FormatName } from '../../formats/index.js';
import type { EmitOptions } from '../../formats/format.js';

const WELCOME = 'Welcome to SOPS! Edit this file as you please!';

/** sops' ExampleComplexTree: used by YAML and JSON (JSON drops the comment). */
function complexExample(): TreeMap {
  return newMap([
    { key: 'hello', value: WELCOME },
    { key: 'example_key', value: 'example_value' },
    { key: new Comment(' Example comment'), value: null },
    { key: 'example_array', value: newList(['example_value1', 'example_value2']) },
    { key: 'example_number', value: 1234.56789 },
    { key: 'example_booleans', value: newList([true, false]) },
  ]);
}

/** sops' ExampleSimpleTree: one section, used by INI. */
function simpleExample(): TreeMap {
  return newMap([
    {
      key: 'Welcome!',
      value: newMap([
        { key: new Comment(' This is an example file.'), value: null },
        { key: 'hello', value: WELCOME },
        { key: 'example_key', value: 'example_value' },
      ]),
    },
  ]);
}

/** sops' ExampleFlatTree: used by dotenv. */
function flatExample(): TreeMap {
  return newMap([
    { key: new Comment(' This is an example file.'), value: null },
    { key: 'hello', value: WELCOME },
    { key: 'example_key', value: 'example_value' },
    { key: 'example_multiline', value: 'foo\nbar\nbaz' },
  ]);
}

/** The example file's bytes in `format` (a binary file is just the welcome line). */
export function exampleDocument(format: FormatName, emit: EmitOptions = {}): Uint8Array {
  switch (format) {
    case 'binary':
      return new TextEncoder().encode(WELCOME);
    case 'ini':
      return storeFor('ini').emitPlain([simpleExample()], emit);
    case 'dotenv':
      return storeFor('dotenv').emitPlain([flatExample()], emit);
    case 'yaml':
    case 'json':
      return storeFor(format).emitPlain([complexExample()], emit);
  }
}

/** The example as branches, read back through the store as sops does. */
export function exampleBranches(format: FormatName, emit: EmitOptions = {}): Branches {
  return storeFor(format).parsePlain(exampleDocument(format, emit));
}
