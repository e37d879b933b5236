/** Store lookup by format name. */
import { binaryStore } from './binary.js';
import { dotenvStore } from './dotenv.js';
import type { FormatName, Store } from './format.js';
import { iniStore } from './ini.js';
import { jsonStore } from './json.js';
import { yamlStore } from './yaml/index.js';

const STORES: Record<FormatName, Store> = {
  yaml: yamlStore,
  json: jsonStore,
  dotenv: dotenvStore,
  ini: iniStore,
  binary: binaryStore,
};

export function storeFor(name: FormatName): Store {
  return STORES[name];
}

export { formatForPath, parseFormatName, FORMAT_NAMES, type FormatName, type Store } from './format.js';
