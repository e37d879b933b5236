/** Shared assertions. */
import assert from 'node:assert/strict';
import { TsopsError } from '../../src/errors.js';

/** `fn` throws a TsopsError with this code (and a message matching `message`); returns it. */
export function throwsCode(fn: () => unknown, code: string, message?: RegExp): TsopsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TsopsError, `expected a TsopsError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (message) assert.match(caught.message, message);
  return caught;
}
