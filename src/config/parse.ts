/**
 * Parse `.sops.yaml` (spec §7.2). Like sops, errors come in two kinds: a file that go-yaml
 * cannot decode (bad YAML, a list where a map belongs) fails to load at all, while a rule's own
 * problems (an invalid `path_regex`, two selectors, malformed keys) are reported only when
 * matching reaches that rule — see {@link CreationRule.regexError} and `ruleError`.
 */
import * as path from 'node:path';
import { isMap, isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { TsopsError, messageOf } from '../errors.js';
import { compileGoRegex } from '../core/regex.js';
import { SELECTOR_KINDS, type Selector } from '../core/keys-model.js';
import type { Io } from '../io/types.js';
import { collectAnchorNames } from './anchor-names.js';
import { buildKeyGroup, buildTopLevelGroup, readKeyGroupSpec, type TopLevelKeys } from './rule-keys.js';
import type { CreationRule, RuleKeyGroup, SopsConfig, StoresConfig } from './types.js';
import { findUnknownKeys, formatUnknownKey } from './unknown-keys.js';
import {
  FieldError,
  describe,
  documentValue,
  readBool,
  readInt,
  readItems,
  readMap,
  readString,
  readStringList,
  type ListItem,
  type YNode,
} from './yaml-value.js';

const TOO_DEEP = 'nested too deeply to read';

function configError(file: string, problem: string, cause?: unknown): TsopsError {
  return new TsopsError('CONFIG', `${file}: invalid .sops.yaml: ${problem}`, {
    hint: 'fix the config file (see the creation_rules format in the sops documentation)',
    cause,
  });
}

/** Read the config file through the Io and parse it. */
export function loadConfig(io: Io, configPath: string): SopsConfig {
  const abs = path.resolve(io.cwd(), configPath);
  let data: Uint8Array;
  try {
    data = io.readFile(abs);
  } catch (e) {
    throw new TsopsError('CONFIG', `${abs}: could not read config file: ${messageOf(e)}`, { cause: e });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (e) {
    throw configError(abs, 'not valid UTF-8', e);
  }
  return parseConfig(text, abs);
}

/**
 * Parse the text of a `.sops.yaml`. `configPath` should be absolute (a relative one is resolved
 * against the process's working directory); rules match paths relative to its directory.
 * Throws TsopsError('CONFIG') naming the file and the offending field, on one line.
 */
export function parseConfig(text: string, configPath: string): SopsConfig {
  const file = path.resolve(configPath);
  let doc;
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true });
    // go-yaml reads only the first document of a stream.
    doc = Array.isArray(docs) ? docs[0] : undefined;
  } catch (e) {
    throw configError(file, e instanceof RangeError ? TOO_DEEP : `not valid YAML: ${messageOf(e)}`, e);
  }
  const config: SopsConfig = { path: file, dir: path.dirname(file), creationRules: undefined, stores: {} };
  if (doc === undefined) return config;
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    // the library reports exhausting its recursion (deep flow collections) as a YAML error
    if (/call stack/i.test(yamlError.message)) throw configError(file, TOO_DEEP, yamlError);
    const firstLine = yamlError.message.split('\n')[0]?.replace(/:\s*$/, '') ?? yamlError.message;
    throw configError(file, `not valid YAML: ${firstLine}`, yamlError);
  }
  try {
    const root = documentValue(doc);
    if (!(root.kind === 'scalar' && root.value === null) && root.kind !== 'map') {
      throw new FieldError('', `the top level must be a map, got ${describe(root)}`);
    }
    const unknown = findUnknownKeys(root, topLevelAnchorHolders(doc));
    if (unknown.length > 0) config.warnings = unknown.map((u) => formatUnknownKey(file, u));
    const top = readMap(root, '');
    const rules = top.get('creation_rules');
    // A missing or null creation_rules means "no config"; an empty list means "nothing matches".
    if (rules !== undefined && !(rules.kind === 'scalar' && rules.value === null)) {
      config.creationRules = readItems(rules, 'creation_rules').map((item) => parseRule(item, file));
    }
    config.stores = parseStores(top.get('stores'));
    const names = collectAnchorNames(doc);
    if (names.size > 0) config.recipientNames = names;
  } catch (e) {
    if (e instanceof FieldError) throw configError(file, e.field === '' ? e.problem : e.message, e);
    throw e;
  }
  return config;
}

/** Top-level keys whose value defines a YAML anchor (aliases used elsewhere do not count). */
function topLevelAnchorHolders(doc: Document.Parsed): Set<string> {
  const out = new Set<string>();
  if (!isMap(doc.contents)) return out;
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || pair.value === null || pair.value === undefined) continue;
    let anchored = false;
    visit(pair.value as Parameters<typeof visit>[0], {
      Node: (_k, node) => {
        if ((node as { anchor?: string }).anchor) {
          anchored = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (anchored) out.add(String(pair.key.value));
  }
  return out;
}

function parseStores(node: YNode | undefined): StoresConfig {
  const m = readMap(node, 'stores');
  const stores: StoresConfig = {};
  for (const name of ['yaml', 'json', 'json_binary'] as const) {
    if (!m.has(name)) continue;
    const section = readMap(m.get(name), `stores.${name}`);
    const indent = section.get('indent');
    const absent = indent === undefined || (indent.kind === 'scalar' && indent.value === null);
    stores[name] = absent ? {} : { indent: readInt(indent, `stores.${name}.indent`) };
  }
  for (const name of ['dotenv', 'ini'] as const) {
    if (!m.has(name)) continue;
    readMap(m.get(name), `stores.${name}`);
    stores[name] = {};
  }
  return stores;
}

function parseRule(item: ListItem, file: string): CreationRule {
  const { node, at, index } = item;
  const m = readMap(node, at);
  const field = (name: string): YNode | undefined => m.get(name);
  const pathRegex = readString(field('path_regex'), `${at}.path_regex`);
  const selectors: Selector[] = [];
  for (const kind of SELECTOR_KINDS) {
    const value = readString(field(kind), `${at}.${kind}`);
    if (value !== '') selectors.push({ kind, value });
  }
  const shamirThreshold = readInt(field('shamir_threshold'), `${at}.shamir_threshold`);
  const macOnlyEncrypted = readBool(field('mac_only_encrypted'), `${at}.mac_only_encrypted`);
  const specs = readItems(field('key_groups'), `${at}.key_groups`).map((g) => readKeyGroupSpec(g.node, g.at));
  const topLevel: TopLevelKeys = {
    at,
    age: field('age'),
    pgp: field('pgp'),
    kms: field('kms'),
    gcpKms: field('gcp_kms'),
    hckms: readStringList(field('hckms'), `${at}.hckms`),
    azure: field('azure_keyvault'),
    hcVault: field('hc_vault_transit_uri'),
    awsProfile: readString(field('aws_profile'), `${at}.aws_profile`),
  };

  const rule: CreationRule = { index, keyGroups: [], shamirThreshold, macOnlyEncrypted };
  if (pathRegex !== '') {
    rule.pathRegex = pathRegex;
    try {
      rule.regex = compileGoRegex(pathRegex);
    } catch (e) {
      rule.regexError = configError(file, `${at}.path_regex: can not compile regexp: ${messageOf(e)}`, e);
    }
  }
  // What sops checks in configFromRule, i.e. only for the rule that matched.
  try {
    if (selectors.length > 1) {
      throw new FieldError(
        at,
        'cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, ' +
          'encrypted_comment_regex, or unencrypted_comment_regex for the same rule',
      );
    }
    if (shamirThreshold < 0) throw new FieldError(`${at}.shamir_threshold`, `must not be negative, got ${shamirThreshold}`);
    const groups: RuleKeyGroup[] = specs.length > 0 ? specs.map(buildKeyGroup) : [buildTopLevelGroup(topLevel)];
    rule.keyGroups = groups;
    if (selectors[0] !== undefined) rule.selector = selectors[0];
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    rule.ruleError = configError(file, e.message, e);
  }
  return rule;
}
