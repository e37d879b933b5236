/**
 * Says once per run whether the interop fixtures were found. Absent: one line on stderr (how to
 * get them) and the fixture tests skip; absent under CI (env CI set): this test fails the suite.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { absentMessage, interop } from '../helpers/interop.js';

const ci = process.env['CI'] !== undefined && process.env['CI'] !== '';

if (!interop.present && !ci) process.stderr.write(`note: ${absentMessage(interop)}\n`);

test('interop fixtures are present (required when CI is set)', { skip: !interop.present && !ci ? interop.skip : false }, () => {
  assert.ok(interop.present, absentMessage(interop));
});
