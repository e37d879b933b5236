/**
 * Duplicate keys in JSON and dotenv files. sops keeps both entries, and a consumer reads the last
 * one: `{"password": ENC[…], "password": ""}` decrypts with the MAC intact (an empty value adds no
 * bytes to it) and hands out an empty password. YAML and INI readers already refuse duplicates;
 * these two stores do the same for encrypted files, and for plaintext on the way in.
 */
import { TsopsError } from '../errors.js';
import { isList, isMap, type TreeMap, type Value } from '../core/tree.js';

/** The path of the first key that repeats within its map, e.g. `["db"]["password"]`, or undefined. */
export function findDuplicateKey(root: TreeMap): string | undefined {
  const pending: Array<[Value, string]> = [[root, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, at] = next;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (typeof item.key !== 'string') continue;
        const here = `${at}[${JSON.stringify(item.key)}]`;
        if (seen.has(item.key)) return here;
        seen.add(item.key);
        pending.push([item.value, here]);
      }
    } else if (isList(node)) {
      node.items.forEach((v, i) => {
        if (isMap(v) || isList(v)) pending.push([v, `${at}[${i}]`]);
      });
    }
  }
  return undefined;
}

/** PARSE_INPUT (exit 2, as for YAML's duplicate keys) naming the repeated key, never a value. */
export function refuseDuplicateKeys(root: TreeMap, format: 'json' | 'dotenv', where = ''): void {
  const key = findDuplicateKey(root);
  if (key === undefined) return;
  throw new TsopsError('PARSE_INPUT', `${format}: duplicate key ${where}${key}: a repeated key can replace or blank a value`, {
    hint: 'keep one entry per key',
  });
}

/** Before encrypting: a plaintext JSON or dotenv file with a repeated key would encrypt to a file tsops refuses to open. */
export function refusePlainDuplicateKeys(branches: readonly TreeMap[], format: string): void {
  if (format === 'json' || format === 'dotenv') for (const b of branches) refuseDuplicateKeys(b, format);
}
