/**
 * ENC[AES256_GCM,…] values (spec §1): AES-256-GCM with a 32-byte IV and the key path as AAD.
 * One ValueCipher serves a whole command so IVs can be reused for unchanged values (§1.5).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TsopsError } from '../errors.js';
import { Comment, type Scalar } from './tree.js';
import {
  bytesToStringOrBytes,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  parseTimestampText,
  scalarBytes,
  typeOf,
  type ScalarType,
} from './scalar-text.js';

const IV_LENGTH = 32;
const TAG_LENGTH = 16;
const IV_POOL = 32 * 1024;
const ENC_PREFIX = 'ENC[AES256_GCM,data:';
const EMPTY = new Uint8Array(0);

export interface EncryptedParts {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: string;
}

/**
 * Standard padded base64 as Go's `base64.StdEncoding` reads it, or undefined: Node's decoder
 * skips characters outside the alphabet (and takes the URL-safe one too), so a damaged value
 * could otherwise still decrypt. Every skipped character shortens the result, which is cheaper
 * to check than the text itself.
 */
function decodeBase64(text: string): Buffer | undefined {
  if ((text.length & 3) !== 0 || text.includes('-') || text.includes('_')) return undefined;
  const bytes = Buffer.from(text, 'base64');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return bytes.length === (text.length >> 2) * 3 - pad ? bytes : undefined;
}

function encryptedParts(data: string, iv: string, tag: string, type: string): EncryptedParts | undefined {
  const d = decodeBase64(data);
  const i = decodeBase64(iv);
  const t = decodeBase64(tag);
  return d === undefined || i === undefined || t === undefined ? undefined : { data: d, iv: i, tag: t, type };
}

/** Whether a string has the shape of a sops encrypted value (cheap prefix test). */
export function looksLikeEncryptedValue(s: string): boolean {
  return s.startsWith(ENC_PREFIX);
}

/**
 * Parse `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` as sops' RE2 pattern does (greedy groups,
 * anchored at the start only). Returns undefined when the string does not match, or when `data`,
 * `iv` or `tag` is not valid base64 (sops fails to decode those too).
 */
export function parseEncryptedValue(s: string): EncryptedParts | undefined {
  // Fast path for the shape every writer produces: each separator once, `]` last.
  if (s.startsWith(ENC_PREFIX) && s.endsWith(']')) {
    const iv = s.indexOf(',iv:', ENC_PREFIX.length);
    const tag = s.indexOf(',tag:', iv + 4);
    const type = s.indexOf(',type:', tag + 5);
    if (
      iv > ENC_PREFIX.length && tag > iv + 4 && type > tag + 5 && type + 6 < s.length - 1 &&
      s.indexOf(',iv:', iv + 1) < 0 && s.indexOf(',tag:', tag + 1) < 0 && s.indexOf(',type:', type + 1) < 0 &&
      s.indexOf(']', type) === s.length - 1
    ) {
      return encryptedParts(s.slice(ENC_PREFIX.length, iv), s.slice(iv + 4, tag), s.slice(tag + 5, type), s.slice(type + 6, s.length - 1));
    }
  }
  const m = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/s.exec(s);
  if (!m) return undefined;
  return encryptedParts(m[1]!, m[2]!, m[3]!, m[4]!);
}

/**
 * The IV stash key: AAD, type and value. Text values are used as they are (no byte copy); only
 * non-UTF-8 byte strings go through latin1, which cannot collide with them: the `b` marks it.
 */
function stashKey(aad: string, type: string, value: Exclude<Scalar, null> | Comment, plain: Uint8Array): string {
  if (typeof value === 'string') return `${aad}\u0000${type}\u0000s${value}`;
  if (value instanceof Comment) return `${aad}\u0000${type}\u0000s${value.text}`;
  return `${aad}\u0000${type}\u0000b${Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('latin1')}`;
}

/** Encrypts and decrypts values under one data key; remembers IVs of decrypted values. */
export class ValueCipher {
  private readonly key: Uint8Array;
  private readonly stash = new Map<string, Buffer>();
  private pool = Buffer.alloc(0);
  private poolOffset = 0;
  /** Whether decrypted values' IVs are remembered (only needed when the file is re-encrypted). */
  private readonly rememberIvs: boolean;

  constructor(dataKey: Uint8Array, stash?: ReadonlyMap<string, Buffer>, options: { rememberIvs?: boolean } = {}) {
    if (dataKey.length !== 32) throw new TsopsError('GENERIC', 'data key must be 32 bytes');
    this.key = dataKey;
    this.rememberIvs = options.rememberIvs ?? true;
    if (stash) for (const [k, v] of stash) this.stash.set(k, v);
  }

  /** The remembered IVs, to carry into a cipher with another data key (rotate). */
  ivStash(): ReadonlyMap<string, Buffer> {
    return this.stash;
  }

  private freshIv(): Buffer {
    // Batched randomness: one syscall per ~1000 values.
    if (this.poolOffset + IV_LENGTH > this.pool.length) {
      this.pool = randomBytes(IV_POOL);
      this.poolOffset = 0;
    }
    const iv = this.pool.subarray(this.poolOffset, this.poolOffset + IV_LENGTH);
    this.poolOffset += IV_LENGTH;
    return iv;
  }

  /**
   * Encrypt a value with `aad`. Empty strings (and empty comments) stay as they are (§1.4).
   * Reuses the IV remembered for the same (aad, type, plaintext), so unchanged values keep
   * their ciphertext under the same key.
   */
  encrypt(value: Exclude<Scalar, null> | Comment, aad: string, bytes?: Uint8Array): string {
    const type = typeOf(value);
    const plain = bytes ?? scalarBytes(value);
    if (plain.length === 0 && (type === 'str' || type === 'comment')) return '';
    const remembered = this.stash.size === 0 ? undefined : this.stash.get(stashKey(aad, type, value, plain));
    return this.encryptRaw(plain, remembered ?? this.freshIv(), aad, type);
  }

  /** Encrypt bytes with an explicit IV (used for the MAC, and by tests). */
  encryptRaw(plain: Uint8Array, iv: Uint8Array, aad: string, type: ScalarType): string {
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    // GCM is a stream mode: final() adds no bytes, so update()'s output is the whole ciphertext.
    const data = c.update(plain);
    c.final();
    const tag = c.getAuthTag();
    const ivText = (Buffer.isBuffer(iv) ? iv : Buffer.from(iv.buffer, iv.byteOffset, iv.byteLength)).toString('base64');
    return `${ENC_PREFIX}${data.toString('base64')},iv:${ivText},tag:${tag.toString('base64')},type:${type}]`;
  }

  /** Decrypt to plaintext bytes plus the type tag; throws DECRYPT_TREE on any failure. */
  decryptRaw(s: string, aad: string): { plain: Buffer; type: string; iv: Buffer } {
    const parts = parseEncryptedValue(s);
    if (!parts) throw new TsopsError('DECRYPT_TREE', "value does not match sops' data format");
    if (parts.tag.length !== TAG_LENGTH || parts.iv.length === 0) {
      throw new TsopsError('DECRYPT_TREE', 'could not decrypt with AES_GCM: malformed iv or tag');
    }
    let plain: Buffer;
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, parts.iv);
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(parts.tag);
      // As in encryptRaw: final() only checks the tag and adds no bytes.
      plain = d.update(parts.data);
      d.final();
    } catch {
      throw new TsopsError('DECRYPT_TREE', 'could not decrypt with AES_GCM: message authentication failed');
    }
    return { plain, type: parts.type, iv: parts.iv };
  }

  /**
   * Decrypt an ENC[] value into its typed scalar (or Comment), remembering its IV.
   * `""` decrypts to `""` (§1.4).
   */
  decrypt(s: string, aad: string): Exclude<Scalar, null> | Comment {
    return this.decryptWithBytes(s, aad).value;
  }

  /** {@link decrypt}, also giving the value's byte form (what the MAC hashes, §2.1). */
  decryptWithBytes(s: string, aad: string): { value: Exclude<Scalar, null> | Comment; bytes: Uint8Array } {
    if (s === '') return { value: '', bytes: EMPTY };
    const { plain, type, iv } = this.decryptRaw(s, aad);
    const value = typedValue(plain, type);
    // A string's bytes are its plaintext; other types hash their canonical form.
    const bytes = type === 'str' || type === 'bytes' ? plain : scalarBytes(value);
    if (this.rememberIvs) this.stash.set(stashKey(aad, typeOf(value), value, bytes), iv);
    return { value, bytes };
  }
}

function typedValue(plain: Buffer, type: string): Exclude<Scalar, null> | Comment {
  switch (type) {
    case 'str':
    case 'bytes':
      return bytesToStringOrBytes(plain);
    case 'comment':
      return new Comment(plain.toString('utf8'));
    case 'int': {
      const v = parseGoInt(plain.toString('utf8'));
      if (v === undefined) throw new TsopsError('DECRYPT_TREE', 'error decoding value of type int');
      return v;
    }
    case 'float': {
      const v = parseGoFloat(plain.toString('utf8'));
      if (v === undefined) throw new TsopsError('DECRYPT_TREE', 'error decoding value of type float');
      return v;
    }
    case 'bool': {
      const v = parseGoBool(plain.toString('utf8'));
      if (v === undefined) throw new TsopsError('DECRYPT_TREE', 'error decoding value of type bool');
      return v;
    }
    case 'time': {
      const v = parseTimestampText(plain.toString('utf8'));
      if (v === undefined) throw new TsopsError('DECRYPT_TREE', 'error decoding value of type time');
      return v;
    }
    default:
      throw new TsopsError('DECRYPT_TREE', `unknown datatype: ${type.slice(0, 40)}`);
  }
}
