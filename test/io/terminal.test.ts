/**
 * The Node terminal (io/terminal.ts) on a real pseudo-terminal made by `script`, and the scripted
 * terminal of the in-process tests held against it: the same keystrokes give the same answers
 * on both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { TsopsError } from '../../src/errors.js';
import { nodeIo } from '../../src/io/node-io.js';
import { terminalAskPassphrase } from '../../src/keys/tty-passphrase.js';
import { terminalPluginUi } from '../../src/keys/age/plugin/terminal-ui.js';
import { fakeIo } from '../helpers/fake-io.js';
import { tempDir } from '../helpers/paths.js';
import { ScriptedTerminal } from '../helpers/scripted-terminal.js';
import { noScript } from '../cli/tty-run.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const moduleUrl = (rel: string): string => pathToFileURL(path.join(here, '..', '..', 'src', rel)).href;

type Question = 'passphrase' | 'line';

/** Ask one question on a real pseudo-terminal, type `keys` once it is shown; the answer (or error code) and the screen. */
function askOnPty(question: Question, keys: readonly string[]): Promise<{ answer: string; screen: string }> {
  const code = [
    `const { nodeIo } = await import(${JSON.stringify(moduleUrl('io/node-io.js'))});`,
    `const { terminalAskPassphrase } = await import(${JSON.stringify(moduleUrl('keys/tty-passphrase.js'))});`,
    `const { terminalPluginUi } = await import(${JSON.stringify(moduleUrl('keys/age/plugin/terminal-ui.js'))});`,
    'let answer;',
    'try {',
    question === 'passphrase'
      ? '  answer = await terminalAskPassphrase(nodeIo())("Enter passphrase for \\"k\\":");'
      : '  answer = await terminalPluginUi(nodeIo()).request("age-plugin-x", "Which slot?", false);',
    '} catch (e) { answer = "error:" + e.code; }',
    'process.stdout.write("\\nANSWER=" + JSON.stringify(answer) + "\\n");',
  ].join('\n');
  const command = `'${process.execPath}' --input-type=module -e '${code.replaceAll("'", "'\\''")}'`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' }, detached: true });
    let screen = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      screen += c.toString('utf8');
      if (!typed && /Enter passphrase|Which slot\?/.test(screen)) {
        typed = true;
        // one keystroke group at a time, as typing arrives
        keys.reduce((p, k) => p.then(() => new Promise<void>((r) => setTimeout(() => (child.stdin.write(k), r()), 30))), Promise.resolve());
      }
    });
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /ANSWER=(.*)\r?\n/.exec(screen);
      if (m === null) reject(new Error(`no answer on the terminal: ${JSON.stringify(screen)}`));
      else resolve({ answer: JSON.parse(m[1] as string) as string, screen });
    });
  });
}

async function askScripted(question: Question, keys: readonly string[]): Promise<string> {
  const io = fakeIo({ terminal: new ScriptedTerminal([{ typed: keys }]) }).io;
  try {
    const answer = question === 'passphrase' ? await terminalAskPassphrase(io)('Enter passphrase for "k":') : await terminalPluginUi(io).request('age-plugin-x', 'Which slot?', false);
    return answer as string;
  } catch (e) {
    return `error:${(e as { code?: string }).code}`;
  }
}

const cases: [Question, string[]][] = [
  ['passphrase', ['hun', 'tre\x7f\x7fer2', '\r']],
  ['passphrase', ['wrong', '\x15right\r']],
  ['passphrase', ['caf\u00e9\x7f\x7fe', '\x1b[D', '!\r']],
  ['passphrase', ['hunt', '\x03']],
  ['line', ['slot 9a', '\r']],
];

describe('the terminal: real and scripted alike', { skip: noScript }, () => {
  for (const [question, keys] of cases) {
    const shown = keys.map((k) => k.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join(' ');
    it(`${question} typed as ${shown}`, async () => {
      const real = await askOnPty(question, keys);
      const scripted = await askScripted(question, keys);
      assert.equal(scripted, real.answer);
      if (question === 'passphrase') {
        // echo off: nothing typed shows on the real screen
        const visible = keys.join('').replace(/[\x00-\x1f\x7f]/g, '');
        const beforeAnswer = real.screen.slice(0, real.screen.indexOf('ANSWER='));
        assert.ok(!beforeAnswer.includes(visible.slice(0, 3)), beforeAnswer);
      } else {
        assert.ok(real.screen.includes('slot 9a'), 'a public answer is echoed by the terminal');
      }
    });
  }
});

describe('the Node terminal where there is none', () => {
  const isNoTerminal = (subject: string) => (e: unknown) =>
    e instanceof TsopsError &&
    e.code === 'NO_IDENTITY' &&
    e.message === `a passphrase is needed for ${subject} but there is no terminal to ask it on` &&
    /SSH_TO_AGE_PASSPHRASE/.test(e.hint ?? '');

  it('rejects when the terminal device cannot be opened', async () => {
    const ask = terminalAskPassphrase(nodeIo(), { ttyPath: path.join(tempDir(), 'no-tty') });
    await assert.rejects(ask('Enter passphrase for "/k":'), isNoTerminal('"/k"'));
  });

  it('rejects when the device is not a terminal', async () => {
    const file = path.join(tempDir(), 'plain');
    fs.writeFileSync(file, 'hunter2\n');
    const ask = terminalAskPassphrase(nodeIo(), { ttyPath: file });
    await assert.rejects(ask('Enter passphrase for "/k":'), isNoTerminal('"/k"'));
  });

  it('keeps answering after a rejection (prompts are queued, not stuck)', async () => {
    const ask = terminalAskPassphrase(nodeIo(), { ttyPath: path.join(tempDir(), 'no-tty') });
    await assert.rejects(ask('Enter passphrase for "a":'), isNoTerminal('"a"'));
    await assert.rejects(ask('Enter passphrase for "b":'), isNoTerminal('"b"'));
  });
});
