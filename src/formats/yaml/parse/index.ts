/**
 * YAML text → branches: the fast block parser first, the `yaml` library for what it declines
 * ({@link Unsupported}); both resolve scalars and tags through `resolve.ts`.
 */
import { TsopsError } from '../../../errors.js';
import { parseFast } from './fast.js';
import { parseWithLibrary } from './library.js';
import { Unsupported, parseError } from './result.js';
import type { ParsedYaml } from './result.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch (cause) {
    throw new TsopsError('PARSE_INPUT', 'yaml: input is not valid utf-8 text', { cause, hint: 'save the file as UTF-8' });
  }
}

/** Parse YAML text into branches: the fast block parser, or the `yaml` library for the rest. */
export function parseYaml(data: Uint8Array): ParsedYaml {
  if (data.length === 0) return { branches: [], nonStringKey: undefined };
  const text = decodeText(data);
  let parsed: ParsedYaml;
  try {
    parsed = parseFast(text);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    parsed = parseWithLibrary(text);
  }
  // go-yaml finds no document in a file of only comments or blank lines, and sops fails with EOF.
  if (parsed.branches.length === 0) throw parseError('no document found: the file has only comments or blank lines');
  return parsed;
}
