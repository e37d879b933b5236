/**
 * age-plugin-tsopstest: a small age plugin for the tests, written from the C2SP age-plugin
 * specification alone (it shares no code with tsops' client). Identity `AGE-PLUGIN-TSOPSTEST-1…`
 * and recipient `age1tsopstest1…` both hold the same 32-byte key (a test toy, symmetric on
 * purpose); its stanza is `-> tsopstest <tag>` with the file key sealed by ChaCha20-Poly1305.
 *
 * Environment: TSOPSTEST_ASK lists requests to make in phase 2 before answering (`msg`,
 * `confirm`, `public`, `secret`); the secret must be `1234`, the public value `tsops`, the
 * confirmation `yes`. TSOPSTEST_FAULT makes it misbehave (`crash`, `hang`, `garbage`, `error`,
 * `short-key`, `wrong-file`, `no-stanza`, `wrong-index`, `stanza-error`); TSOPSTEST_MSG replaces the text of `msg`. TSOPSTEST_LOG names a file that gets one line per
 * run: the state machine, the recipients/identities it was given and how many files. A
 * tsopstest stanza with an argument too many makes it exit with an error, whatever the other
 * files were: the way a strict plugin ends a session over one malformed file.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as readline from 'node:readline';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function unb64(text: string): Buffer {
  if ([...text].some((c) => !B64.includes(c))) throw new Error('bad base64');
  const out = Buffer.from(text, 'base64');
  if (b64(out) !== text) throw new Error('non-canonical base64');
  return out;
}

/** Bech32 data part of `s` (checksum checked) as bytes, and its HRP. */
function bech32Decode(s: string): { hrp: string; data: Buffer } {
  const lower = s.toLowerCase();
  const pos = lower.lastIndexOf('1');
  const hrp = lower.slice(0, pos);
  const values = [...lower.slice(pos + 1)].map((c) => CHARSET.indexOf(c));
  if (values.some((v) => v < 0) || values.length < 6) throw new Error('bad bech32');
  const polymod = (vs: number[]): number => {
    const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let chk = 1;
    for (const v of vs) {
      const top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i]!;
    }
    return chk;
  };
  const expanded = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
  if (polymod([...expanded, ...values]) !== 1) throw new Error('bad bech32 checksum');
  let acc = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (const v of values.slice(0, -6)) {
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return { hrp, data: Buffer.from(bytes) };
}

function tagOf(key: Buffer): string {
  return b64(createHash('sha256').update(key).digest().subarray(0, 6));
}

function seal(key: Buffer, fileKey: Buffer): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([nonce, c.update(fileKey), c.final(), c.getAuthTag()]);
}

function open(key: Buffer, body: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv('chacha20-poly1305', key, body.subarray(0, 12), { authTagLength: 16 });
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

interface Cmd {
  type: string;
  args: string[];
  body: Buffer;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();

async function readCmd(): Promise<Cmd> {
  const head = await lines.next();
  if (head.done) process.exit(5);
  if (!head.value.startsWith('-> ')) throw new Error(`not a stanza: ${head.value}`);
  const [type, ...args] = head.value.slice(3).split(' ');
  const parts: Buffer[] = [];
  for (;;) {
    const l = await lines.next();
    if (l.done) process.exit(5);
    parts.push(unb64(l.value));
    if (l.value.length < 64) break;
  }
  return { type: type!, args, body: Buffer.concat(parts) };
}

function send(type: string, args: string[] = [], body: Uint8Array = Buffer.alloc(0)): void {
  let text = `-> ${[type, ...args].join(' ')}\n`;
  const enc = b64(body);
  for (let i = 0; i < enc.length; i += 64) text += `${enc.slice(i, i + 64)}\n`;
  if (enc.length % 64 === 0) text += '\n';
  fs.writeSync(1, text);
}

async function ask(type: string, args: string[], message: string): Promise<Cmd> {
  send(type, args, Buffer.from(message));
  return readCmd();
}

function fail(message: string): never {
  send('error', ['internal'], Buffer.from(message));
  process.exit(0);
}

/** The requests of TSOPSTEST_ASK, in order; a wrong answer ends the run with an error. */
async function interact(): Promise<void> {
  for (const what of (process.env['TSOPSTEST_ASK'] ?? '').split(',').filter((w) => w !== '')) {
    if (what === 'msg') {
      const r = await ask('msg', [], process.env['TSOPSTEST_MSG'] ?? 'touch the tsopstest key');
      if (r.type !== 'ok') fail('the message could not be shown');
    } else if (what === 'confirm') {
      const r = await ask('confirm', [b64(Buffer.from('yes')), b64(Buffer.from('no'))], 'use the tsopstest key?');
      if (r.type !== 'ok' || r.args[0] !== 'yes') fail('not confirmed');
    } else if (what === 'public') {
      const r = await ask('request-public', [], 'tsopstest serial:');
      if (r.type !== 'ok' || r.body.toString() !== 'tsops') fail('wrong serial');
    } else if (what === 'secret') {
      const r = await ask('request-secret', [], 'tsopstest PIN:');
      if (r.type !== 'ok' || r.body.toString() !== '1234') fail('wrong PIN');
    }
  }
  // an unknown command must get "unsupported"
  const r = await ask('tsopstest-unknown-request', [], 'ignore me');
  if (r.type !== 'unsupported') fail(`expected unsupported, got ${r.type}`);
}

function keyOf(text: string, hrp: string): Buffer {
  const { hrp: got, data } = bech32Decode(text);
  if (got !== hrp || data.length !== 32) fail(`not a tsopstest key`);
  return data;
}

async function main(): Promise<void> {
  const machine = process.argv.find((a) => a.startsWith('--age-plugin='))?.slice(13);
  const phase1: Cmd[] = [];
  for (;;) {
    const c = await readCmd();
    if (c.type === 'done') break;
    phase1.push(c);
  }
  const log = process.env['TSOPSTEST_LOG'];
  const given = phase1.filter((c) => c.type.startsWith('add-')).map((c) => `${c.type}:${c.args[0]!.slice(0, 30)}`);
  // how many files: distinct file indices of the stanzas to unwrap, or file keys to wrap
  const files =
    machine === 'identity-v1'
      ? new Set(phase1.filter((c) => c.type === 'recipient-stanza').map((c) => c.args[0])).size
      : phase1.filter((c) => c.type === 'wrap-file-key').length;
  if (log) fs.appendFileSync(log, `${machine} ${given.join(' ')} files:${files}\n`);
  const fault = process.env['TSOPSTEST_FAULT'] ?? '';
  if (fault === 'crash') {
    process.stderr.write('tsopstest: simulated crash\n');
    process.exit(3);
  }
  if (fault === 'hang') {
    setInterval(() => undefined, 1000);
    return;
  }
  if (fault === 'garbage') {
    fs.writeSync(1, 'this is not a stanza\n');
    await readCmd();
    return;
  }
  if (fault === 'error') fail('the tsopstest key is locked');
  await interact();
  if (machine === 'recipient-v1') {
    const keys = phase1.flatMap((c) =>
      c.type === 'add-recipient'
        ? [keyOf(c.args[0]!, 'age1tsopstest')]
        : c.type === 'add-identity'
          ? [keyOf(c.args[0]!, 'age-plugin-tsopstest-')]
          : [],
    );
    const fileKeys = phase1.filter((c) => c.type === 'wrap-file-key').map((c) => c.body);
    if (fault !== 'no-stanza') {
      for (const [i, fk] of fileKeys.entries()) {
        for (const k of keys) {
          send('recipient-stanza', [String(fault === 'wrong-index' ? i + 1 : i), 'tsopstest', tagOf(k)], seal(k, fk));
          const r = await readCmd();
          if (r.type !== 'ok') fail(`expected ok, got ${r.type}`);
        }
      }
    }
    send('done');
  } else if (machine === 'identity-v1') {
    const keys = phase1.filter((c) => c.type === 'add-identity').map((c) => keyOf(c.args[0]!, 'age-plugin-tsopstest-'));
    const done = new Set<string>();
    for (const c of phase1) {
      if (c.type !== 'recipient-stanza' || c.args[1] !== 'tsopstest' || done.has(c.args[0]!)) continue;
      if (c.args.length > 3) fail(`malformed tsopstest stanza in file ${c.args[0]}`);
      if (fault === 'stanza-error' && done.size === 0) {
        // the first file gets an error for its stanza; the protocol lets the others go on
        done.add(c.args[0]!);
        send('error', ['stanza', c.args[0]!, '0'], Buffer.from('a damaged tsopstest stanza'));
        await readCmd();
        continue;
      }
      for (const k of keys) {
        if (c.args[2] !== tagOf(k)) continue;
        const fk = open(k, c.body);
        if (!fk) continue;
        done.add(c.args[0]!);
        // wrong-file: the index one past the last file it was given
        const index = fault === 'wrong-file' ? String(new Set(phase1.filter((p) => p.type === 'recipient-stanza').map((p) => p.args[0])).size) : c.args[0]!;
        send('file-key', [index], fault === 'short-key' ? fk.subarray(0, 5) : fk);
        await readCmd();
        break;
      }
    }
    send('done');
  } else {
    process.stderr.write(`age-plugin-tsopstest: unknown state machine ${machine ?? '(none)'}\n`);
    process.exit(1);
  }
}

// Only a client starting the plugin gives --age-plugin; anything else (the test runner loading
// every compiled file) leaves at once.
if (!process.argv.some((a) => a.startsWith('--age-plugin='))) process.exit(0);

main().then(
  () => {
    if ((process.env['TSOPSTEST_FAULT'] ?? '') !== 'hang') process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`age-plugin-tsopstest: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
