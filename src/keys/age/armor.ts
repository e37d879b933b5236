/**
 * age's ASCII armor (age-encryption.org/v1, "ASCII armor"): a strict subset of PEM. Whitespace
 * around the block and CRLF line ends are tolerated; otherwise lines are exactly 64 columns of
 * canonical padded base64, the last one shorter and a multiple of 4. Same rules and messages as
 * age-encryption's `armor`, without loading the library.
 */
import { base64 } from '@scure/base';

const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const END = '-----END AGE ENCRYPTED FILE-----';
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;

/** Armor a binary age file: 64-column lines, ending with a newline. */
export function armorEncode(file: Uint8Array): string {
  // 48 bytes make 64 base64 columns, so one padded encoding cut every 64 characters is the same
  // as encoding line by line.
  const text = Buffer.from(file.buffer, file.byteOffset, file.length).toString('base64');
  let out = `${BEGIN}\n`;
  for (let i = 0; i < text.length; i += 64) out += `${text.slice(i, i + 64)}\n`;
  return `${out}${END}\n`;
}

/** The binary age file inside an armored one; throws on anything age would refuse. */
export function armorDecode(text: string): Uint8Array {
  const lines = text.trim().replaceAll('\r\n', '\n').split('\n');
  if (lines.shift() !== BEGIN) throw new Error('invalid header');
  if (lines.pop() !== END) throw new Error('invalid footer');
  const last = lines.length - 1;
  for (let i = 0; i <= last; i++) {
    const n = lines[i]!.length;
    const ok = i === last ? n > 0 && n <= 64 && n % 4 === 0 : n === 64;
    if (!ok) throw new Error('invalid line length');
  }
  if (!lines.every((l) => BASE64_LINE.test(l))) throw new Error('invalid base64');
  return base64.decode(lines.join(''));
}
