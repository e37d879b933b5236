import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, INCOMPLETE_INSTALLATION, TsopsError } from '../src/errors.js';
import { reportError } from '../src/report-error.js';
import { fakeIo } from './helpers/fake-io.js';

const failure = () =>
  new TsopsError('READ_INPUT', 'a.yaml: could not read', { details: 'tried: a, b', hint: 'check the path', cause: new Error('EACCES') });

/** What reportError writes to stderr, and the exit code it returns. */
function report(e: unknown, verbose: boolean, framing?: Parameters<typeof reportError>[3]): { stderr: string; code: number } {
  const fake = fakeIo();
  const code = reportError(e, fake.io, verbose, framing);
  assert.equal(fake.stdout().length, 0);
  return { stderr: fake.stderr(), code };
}

describe('reportError', () => {
  it('prints the message, details and hint, the cause only with --verbose, and returns the error code', () => {
    assert.deepEqual(report(failure(), false), {
      stderr: 'tsops: a.yaml: could not read\ntried: a, b\nhint: check the path\n',
      code: ExitCode.CouldNotReadInputFile,
    });
    assert.match(report(failure(), true).stderr, /\ncause: EACCES\n$/);
  });

  it('rewords the line with a framing and leaves out details, hint and cause when brief', () => {
    const line = (m: string) => `could not update keys for file ${m}`;
    assert.equal(report(failure(), false, { line }).stderr, 'tsops: could not update keys for file a.yaml: could not read\ntried: a, b\nhint: check the path\n');
    assert.deepEqual(report(failure(), true, { line, brief: true }), {
      stderr: 'tsops: could not update keys for file a.yaml: could not read\n',
      code: ExitCode.CouldNotReadInputFile,
    });
  });

  it('says a missing package file as it is, even wrapped by a reader with a hint of its own', () => {
    const missing = Object.assign(new Error('this tsops installation is incomplete: dist/bundle/deferred/yaml.cjs is missing; reinstall tsops'), {
      code: INCOMPLETE_INSTALLATION,
    });
    const wrapped = new TsopsError('CONFIG', `.sops.yaml: invalid .sops.yaml: not valid YAML: ${missing.message}`, { hint: 'fix the config file', cause: missing });
    const expected = { stderr: `tsops: ${missing.message}\n`, code: ExitCode.ErrorGeneric };
    assert.deepEqual(report(wrapped, false), expected);
    assert.deepEqual(report(missing, true), expected);
    // the same text without the code is an unexpected error like any other
    assert.match(report(new Error(missing.message), false).stderr, /^tsops: unexpected error: /);
  });

  it('a framed line keeps the tsops prefix even for an error printed verbatim', () => {
    const e = new TsopsError('NO_KEYS', 'Could not generate data key', { verbatim: true });
    assert.equal(report(e, false).stderr, 'Could not generate data key\n');
    assert.equal(report(e, false, { line: (m) => `x: ${m}` }).stderr, 'tsops: x: Could not generate data key\n');
  });

  it('an unexpected error is one line (framed too) with a hint, never a stack trace without --verbose', () => {
    const r = report(new Error('boom\nat somewhere'), false, { line: (m) => `f: ${m}` });
    assert.equal(r.stderr, 'tsops: f: unexpected error: boom\nhint: run again with --verbose for details\n');
    assert.equal(r.code, 1);
    assert.equal(report(new Error('boom'), false, { brief: true }).stderr, 'tsops: unexpected error: boom\n');
  });
});
