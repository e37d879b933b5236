/**
 * Parse `.sops.yaml` (spec §7.2). Like sops, errors come in two kinds: a file that go-yaml
 * cannot decode (bad YAML, a list where a map belongs) fails to load at all, while a rule's own
 * problems (an invalid `path_regex`, two selectors, malformed keys) are reported only when
 * matching reaches that rule — see {@link CreationRule.regexError} and `ruleError`.
 */
import * as path from 'node:path';
import { TsopsError, messageOf } from '../errors.js';
import { compileGoRegex, type GoRegex } from '../core/regex.js';
import { SELECTOR_KINDS, type Selector } from '../core/keys-model.js';
import type { Io } from '../io/types.js';
import { ConfigYamlError, readConfigFast, readConfigWithLibrary, type ConfigDocument } from './config-document.js';
import { buildKeyGroup, buildTopLevelGroup, readKeyGroupSpec, type TopLevelKeys } from './rule-keys.js';
import type { CreationRule, RuleKeyGroup, SopsConfig, StoresConfig } from './types.js';
import { findUnknownKeys, formatUnknownKey } from './unknown-keys.js';
import {
  FieldError,
  describe,
  readBool,
  readInt,
  readItems,
  readMap,
  readString,
  readStringList,
  type ListItem,
  type YNode,
} from './yaml-value.js';

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
  const fast = readConfigFast(text);
  return configFromDocument(fast === undefined ? readConfigDocument(text, file) : (fast ?? undefined), file);
}

/** The document read by the `yaml` library, its faults as config errors. */
export function readConfigDocument(text: string, file: string): ConfigDocument | undefined {
  try {
    return readConfigWithLibrary(text);
  } catch (e) {
    if (e instanceof ConfigYamlError) throw configError(file, e.problem, e.cause);
    if (e instanceof FieldError) throw configError(file, e.field === '' ? e.problem : e.message, e);
    throw e;
  }
}

/** The config a read document describes (`undefined`: the file holds no document). */
export function configFromDocument(doc: ConfigDocument | undefined, file: string): SopsConfig {
  const config: SopsConfig = { path: file, dir: path.dirname(file), creationRules: undefined, stores: {} };
  if (doc === undefined) return config;
  try {
    const root = doc.root;
    if (!(root.kind === 'scalar' && root.value === null) && root.kind !== 'map') {
      throw new FieldError('', `the top level must be a map, got ${describe(root)}`);
    }
    const unknown = findUnknownKeys(root, doc.anchorHolders);
    if (unknown.length > 0) config.warnings = unknown.map((u) => formatUnknownKey(file, u));
    const top = readMap(root, '');
    const rules = top.get('creation_rules');
    // A missing or null creation_rules means "no config"; an empty list means "nothing matches".
    if (rules !== undefined && !(rules.kind === 'scalar' && rules.value === null)) {
      config.creationRules = readItems(rules, 'creation_rules').map((item) => parseRule(item, file));
    }
    config.stores = parseStores(top.get('stores'));
    if (doc.anchorNames.size > 0) config.recipientNames = doc.anchorNames;
  } catch (e) {
    if (e instanceof FieldError) throw configError(file, e.field === '' ? e.problem : e.message, e);
    throw e;
  }
  return config;
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
    // Compiled when first asked for: a command that matches no rule (decrypt reads the file only
    // for its stores settings) need not load the regex engine.
    let compiled: { regex?: GoRegex; error?: TsopsError } | undefined;
    const compile = (): { regex?: GoRegex; error?: TsopsError } => {
      if (compiled !== undefined) return compiled;
      try {
        compiled = { regex: compileGoRegex(pathRegex) };
      } catch (e) {
        compiled = { error: configError(file, `${at}.path_regex: can not compile regexp: ${messageOf(e)}`, e) };
      }
      return compiled;
    };
    Object.defineProperties(rule, {
      regex: { enumerable: true, get: () => compile().regex },
      regexError: { enumerable: true, get: () => compile().error },
    });
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
