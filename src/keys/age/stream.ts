/**
 * age-encryption turns a Uint8Array result into bytes through `new Response(stream)`, which
 * makes Node load its whole fetch implementation (~30 ms per run). Feeding it a stream and
 * draining the result here gives the same bytes without that cost.
 */
import type { Decrypter, Encrypter } from 'age-encryption';

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** `encrypter.encrypt(bytes)` without the fetch machinery. */
export async function encryptBytes(encrypter: Encrypter, plaintext: Uint8Array): Promise<Uint8Array> {
  return drain(await encrypter.encrypt(streamOf(plaintext)));
}

/** `decrypter.decrypt(bytes)` without the fetch machinery. */
export async function decryptBytes(decrypter: Decrypter, file: Uint8Array): Promise<Uint8Array> {
  return drain(await decrypter.decrypt(streamOf(file)));
}
