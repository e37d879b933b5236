/**
 * The age file format (age-encryption.org/v1) for the small payloads sops wraps (a 32-byte data
 * key or a 33-byte Shamir share), without web streams: age-encryption routes every file through
 * a TransformStream, which costs more than the cryptography when hundreds of keys are wrapped
 * in one run (updatekeys over a repository). Recipients and identities are objects of the
 * shapes in stanza.ts (age-encryption's fit too). The library stays the path for identities it
 * keeps private (post-quantum, passphrase).
 */
import { randomBytes } from 'node:crypto';
import { concatBytes } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { base64nopad } from '@scure/base';
import { chachaOpen, chachaSeal, hkdfSha256, hmacSha256 } from './primitives.js';
import { Stanza, type Identity, type Recipient } from './stanza.js';

const VERSION_LINE = 'age-encryption.org/v1';
const CHUNK = 64 * 1024;
const TAG = 16;
const enc = new TextEncoder();
const dec = new TextDecoder();
const HEADER_LABEL = enc.encode('header');
const PAYLOAD_LABEL = enc.encode('payload');
const STANZA_ARG = /^[\x21-\x7e]+$/;

function headerMac(fileKey: Uint8Array, headerNoMac: Uint8Array): Uint8Array {
  return hmacSha256(hkdfSha256(fileKey, undefined, HEADER_LABEL, 32), headerNoMac);
}

/** STREAM nonce: 11-byte big-endian chunk counter, then 1 for the last chunk. */
function streamNonce(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(7, counter);
  n[11] = last ? 1 : 0;
  return n;
}

function encodeHeaderNoMac(stanzas: Stanza[]): Uint8Array {
  let text = `${VERSION_LINE}\n`;
  for (const s of stanzas) {
    text += `-> ${s.args.join(' ')}\n`;
    for (let i = 0; i < s.body.length; i += 48) text += `${base64nopad.encode(s.body.subarray(i, i + 48))}\n`;
    // The last body line is always shorter than 64 columns, possibly empty.
    if (s.body.length % 48 === 0) text += '\n';
  }
  return enc.encode(`${text}---`);
}

/** Encrypt `plaintext` to the given recipients as a binary age file. */
export async function encryptAgeFile(recipients: readonly Recipient[], plaintext: Uint8Array): Promise<Uint8Array> {
  const fileKey = randomBytes(16);
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(...(await r.wrapFileKey(fileKey)));
  const headerNoMac = encodeHeaderNoMac(stanzas);
  const header = concatBytes(headerNoMac, enc.encode(` ${base64nopad.encode(headerMac(fileKey, headerNoMac))}\n`));
  const nonce = randomBytes(16);
  const key = hkdfSha256(fileKey, nonce, PAYLOAD_LABEL, 32);
  const chunks: Uint8Array[] = [header, nonce];
  let counter = 0;
  let offset = 0;
  do {
    const end = Math.min(offset + CHUNK, plaintext.length);
    const last = end === plaintext.length;
    chunks.push(chachaSeal(key, streamNonce(counter++, last), plaintext.subarray(offset, end)));
    offset = end;
  } while (offset < plaintext.length);
  fileKey.fill(0);
  return concatBytes(...chunks);
}

interface ParsedHeader {
  stanzas: Stanza[];
  headerNoMac: Uint8Array;
  mac: Uint8Array;
  payload: Uint8Array;
}

function parseHeader(file: Uint8Array): ParsedHeader {
  const lines: string[] = [];
  let pos = 0;
  const nextLine = (): string => {
    const nl = file.indexOf(0x0a, pos);
    if (nl < 0) throw new Error('invalid header');
    const line = dec.decode(file.subarray(pos, nl));
    pos = nl + 1;
    lines.push(line);
    return line;
  };
  if (nextLine() !== VERSION_LINE) throw new Error('invalid version line');
  const stanzas: Stanza[] = [];
  let line = nextLine();
  while (line.startsWith('-> ')) {
    const args = line.slice(3).split(' ');
    // age's arguments are non-empty runs of visible ASCII (VCHAR): no NUL, TAB, DEL or UTF-8.
    if (args.some((a) => !STANZA_ARG.test(a))) throw new Error('invalid stanza: malformed argument');
    const body: Uint8Array[] = [];
    for (;;) {
      const bytes = base64nopad.decode(nextLine());
      if (bytes.length > 48) throw new Error('invalid stanza');
      body.push(bytes);
      if (bytes.length < 48) break;
    }
    stanzas.push(new Stanza(args, concatBytes(...body)));
    line = nextLine();
  }
  if (!line.startsWith('--- ')) throw new Error('invalid header');
  // As age: a passphrase stanza must be alone, so a file cannot be opened both ways.
  if (stanzas.length > 1 && stanzas.some((st) => st.args[0] === 'scrypt')) throw new Error('an scrypt recipient must be the only one');
  const mac = base64nopad.decode(line.slice(4));
  // The MAC covers the header up to and including "---".
  const headerNoMac = file.subarray(0, pos - 1 - line.length + 3);
  return { stanzas, headerNoMac, mac, payload: file.subarray(pos) };
}

/** The header stanzas of a binary age file; throws when the header is malformed. */
export function readAgeHeaderStanzas(file: Uint8Array): Stanza[] {
  return parseHeader(file).stanzas;
}

/**
 * Decrypt a binary age file with identity objects. Throws `no identity matched any of the
 * file's recipients` when none opens it, like age-encryption.
 */
export async function decryptAgeFile(identities: readonly Identity[], file: Uint8Array): Promise<Uint8Array> {
  const h = parseHeader(file);
  let fileKey: Uint8Array | null = null;
  for (const id of identities) {
    fileKey = await id.unwrapFileKey(h.stanzas);
    if (fileKey !== null) break;
  }
  if (fileKey === null) throw new Error("no identity matched any of the file's recipients");
  if (!equalBytes(headerMac(fileKey, h.headerNoMac), h.mac)) throw new Error('invalid header HMAC');
  if (h.payload.length < 16 + TAG) throw new Error('payload too short');
  const key = hkdfSha256(fileKey, h.payload.subarray(0, 16), PAYLOAD_LABEL, 32);
  const body = h.payload.subarray(16);
  const out: Uint8Array[] = [];
  let counter = 0;
  for (let offset = 0; offset < body.length; ) {
    const end = Math.min(offset + CHUNK + TAG, body.length);
    const last = end === body.length;
    // A final chunk may be empty only when it is the only one.
    if (last && end - offset === TAG && counter > 0) throw new Error('last chunk is empty');
    out.push(chachaOpen(key, streamNonce(counter++, last), body.subarray(offset, end)));
    offset = end;
  }
  return concatBytes(...out);
}
