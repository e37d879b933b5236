/**
 * Shared setup for the rotate / updatekeys / groups tests: fresh age keys, files encrypted to
 * them, in-process runs that can answer prompts, and readers for a file's data key and lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { parseMetadata, type Metadata } from '../../src/core/metadata.js';
import { formatForPath, storeFor } from '../../src/formats/index.js';
import { decryptDataKeyWithIdentities } from '../../src/keys/data-key.js';
import { interopDir } from '../helpers/interop.js';
import { cleanEnv, runInProcess, type InProcessOutcome } from '../helpers/run.js';

export interface AgeKey {
  secret: string;
  recipient: string;
}

export async function newKey(): Promise<AgeKey> {
  const secret = await generateIdentity();
  return { secret, recipient: await identityToRecipient(secret) };
}

export type KeyRun = InProcessOutcome;

export interface KeyRunSettings {
  cwd: string;
  /** Identities made available through SOPS_AGE_KEY. */
  keys?: readonly (AgeKey | string)[];
  env?: Record<string, string | undefined>;
  /** Lines typed in answer to prompts, in order; end of input after them. */
  answers?: readonly string[];
  /** Pretend stdout is a terminal (colors). */
  tty?: boolean;
  now?: Date;
  stdin?: string;
}

/** Run tsops in-process with scripted answers and the given identities. */
export async function run(argv: string[], s: KeyRunSettings): Promise<KeyRun> {
  const secrets = (s.keys ?? []).map((k) => (typeof k === 'string' ? k : k.secret));
  const env = cleanEnv({ ...(secrets.length > 0 ? { SOPS_AGE_KEY: secrets.join('\n') } : {}), ...s.env });
  return runInProcess(argv, { env, cwd: s.cwd, now: s.now, stdin: s.stdin, answers: s.answers, stdoutIsTTY: s.tty === true });
}

/** Encrypt `plaintext` into `dir/name` for the given recipients (one group). */
export async function encryptTo(dir: string, name: string, plaintext: string, recipients: readonly string[]): Promise<string> {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = await run(['encrypt', '--age', recipients.join(','), '--filename-override', name, '--output', name], {
    cwd: dir,
    stdin: plaintext,
  });
  if (r.code !== 0) throw new Error(`encrypt failed: ${r.stderr}`);
  return file;
}

/** Copy an interop fixture (read-only upstream) into `dir`. */
export function copyFixture(folder: string, name: string, dir: string, as = name): string {
  const target = path.join(dir, as);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(interopDir, folder, name), target);
  fs.chmodSync(target, 0o600);
  return target;
}

export function interopKey(folder: string, file: string): string {
  const line = fs
    .readFileSync(path.join(interopDir, folder, file), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (!line) throw new Error(`no key in ${folder}/${file}`);
  return line.trim();
}

export function metadataOf(file: string): Metadata {
  const parsed = storeFor(formatForPath(file)).parseEncrypted(fs.readFileSync(file));
  if (!parsed.metadata) throw new Error(`${file} has no metadata`);
  return parseMetadata(parsed.metadata);
}

/** The file's data key as hex, opened with the given identities. */
export async function dataKeyHex(file: string, keys: readonly (AgeKey | string)[]): Promise<string> {
  const md = metadataOf(file);
  const secrets = keys.map((k) => (typeof k === 'string' ? k : k.secret));
  return Buffer.from(await decryptDataKeyWithIdentities(md.keyGroups, md.shamirThreshold, secrets)).toString('hex');
}

/** The age recipients of each key group. */
export function recipientsOf(file: string): string[][] {
  return metadataOf(file).keyGroups.map((g) => g.flatMap((k) => (k.type === 'age' ? [k.recipient] : [])));
}

/** A YAML file's lines before the `sops:` block (the data), and its mac/lastmodified lines. */
export function yamlParts(file: string): { data: string[]; mac: string[] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = lines.indexOf('sops:');
  return {
    data: lines.slice(0, at),
    mac: lines.slice(at).filter((l) => /^\s+(mac|lastmodified):/.test(l)),
  };
}

/** Every `ENC[...]` string of a file, in order. */
export function encValues(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const sops = text.indexOf('\nsops:');
  return [...(sops >= 0 ? text.slice(0, sops) : text).matchAll(/ENC\[AES256_GCM,[^\]]*\]/g)].map((m) => m[0]);
}
