/**
 * The document of a `.sops.yaml` as the config parser reads it: its values (aliases expanded,
 * merges applied) and what its anchors say. Two readers give the same result: the fast block
 * parser, for the plain configs nearly everyone has (a small decrypt need not load the `yaml`
 * library for them), and the `yaml` library for the rest. The fast reader declines anything it
 * is not sure to read as the library does, and any document it would refuse: a bad config's
 * errors come from the library reader alone, so they stay the same whichever reader ran.
 */
import { parseAllDocuments, isMap, isScalar, visit, type Document } from 'yaml';
import { messageOf } from '../errors.js';
import { Comment, isList, isMap as isTreeMap } from '../core/tree.js';
import type { Value } from '../core/tree.js';
import { parseFast, type ScalarStyle } from '../formats/yaml/parse/fast.js';
import { Unsupported } from '../formats/yaml/parse/result.js';
import { collectAnchorNames } from './anchor-names.js';
import { FieldError, NULL_NODE, applyMerge, documentValue, type YNode } from './yaml-value.js';

export interface ConfigDocument {
  /** The first document's value; a null scalar when it is empty. */
  root: YNode;
  /** Top-level keys whose value defines an anchor (aliases used elsewhere do not count). */
  anchorHolders: Set<string>;
  /** Each anchored string's value (trimmed) → its anchor name, as {@link collectAnchorNames} finds them. */
  anchorNames: Map<string, string>;
}

/** Why the library could not read the file: `problem` is the message's tail after "invalid .sops.yaml: ". */
export class ConfigYamlError extends Error {
  constructor(
    readonly problem: string,
    readonly cause: unknown,
  ) {
    super(problem);
  }
}

const TOO_DEEP = 'nested too deeply to read';

/**
 * Read with the `yaml` library. Undefined when the text holds no document. Throws
 * {@link ConfigYamlError} for text go-yaml would not decode and {@link FieldError} for bad merges,
 * alias loops and excessive aliasing.
 */
export function readConfigWithLibrary(text: string): ConfigDocument | undefined {
  let doc;
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true });
    // go-yaml reads only the first document of a stream.
    doc = Array.isArray(docs) ? docs[0] : undefined;
  } catch (e) {
    throw new ConfigYamlError(e instanceof RangeError ? TOO_DEEP : `not valid YAML: ${messageOf(e)}`, e);
  }
  if (doc === undefined) return undefined;
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    // the library reports exhausting its recursion (deep flow collections) as a YAML error
    if (/call stack/i.test(yamlError.message)) throw new ConfigYamlError(TOO_DEEP, yamlError);
    const firstLine = yamlError.message.split('\n')[0]?.replace(/:\s*$/, '') ?? yamlError.message;
    throw new ConfigYamlError(`not valid YAML: ${firstLine}`, yamlError);
  }
  return { root: documentValue(doc), anchorHolders: topLevelAnchorHolders(doc), anchorNames: collectAnchorNames(doc) };
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

// The `yaml` library's core schema (YAML 1.2), which the library reader resolves plain scalars by.
const NULL_TEXT = /^(?:~|[Nn]ull|NULL)?$/;
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,14})$/;
const OTHER_CORE =
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/**
 * A scalar as the library reader gets it, or a decline: the values whose source text the
 * conversion below cannot restore (`True`, `+1`, `0x1F`, `1.5`), tags and block scalars (the
 * library keeps a final line break at the end of the input that go-yaml drops) are the
 * library's to read.
 */
function libraryScalar(text: string, style: ScalarStyle, tag: string | undefined): Value {
  if (tag !== undefined || style === 'block') throw new Unsupported('tag or block scalar in .sops.yaml');
  if (style === 'quoted') return text;
  // Most scalars of a .sops.yaml (keys, recipients, patterns) start with a character no null,
  // boolean or number starts with: a string, without compiling the three patterns below.
  if (text !== '' && !'~nNtTfF0123456789+-.'.includes(text.charAt(0))) return text;
  if (NULL_TEXT.test(text)) return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (CANONICAL_INT.test(text)) return Number(text);
  if (OTHER_CORE.test(text)) throw new Unsupported('scalar the yaml library reads as a number or boolean');
  return text;
}

/**
 * Read with the fast block parser, or undefined when it declines or the document has a fault
 * (the library reader then reports it). `null` when the text holds no document.
 */
export function readConfigFast(text: string): ConfigDocument | null | undefined {
  const anchorHolders = new Set<string>();
  const anchorNames = new Map<string, string>();
  let branches;
  try {
    branches = parseFast(text, {
      scalars: libraryScalar,
      onAnchor: ({ name, value, doc, topKey }) => {
        if (doc !== 0) return;
        if (topKey !== undefined) anchorHolders.add(topKey);
        if (typeof value !== 'string') return;
        const key = value.trim();
        // a comma list names several keys at once: no single key gets the name
        if (key !== '' && !key.includes(',') && !anchorNames.has(key)) anchorNames.set(key, name);
      },
    }).branches;
  } catch {
    return undefined;
  }
  const first = branches[0];
  if (first === undefined) return null;
  let root: YNode;
  try {
    root = toNode(first, '');
  } catch (e) {
    if (e instanceof FieldError || e instanceof Unsupported) return undefined;
    throw e;
  }
  return { root, anchorHolders, anchorNames };
}

/** A tree value as {@link documentValue} converts the library's nodes, `<<` merges applied. */
function toNode(v: Value, at: string): YNode {
  if (isTreeMap(v)) {
    const entries = new Map<string, YNode>();
    const merges: Value[] = [];
    for (const item of v.items) {
      if (item.key instanceof Comment) continue;
      // The fast reader takes `<<` only unquoted, so this key is a merge.
      if (item.key === '<<') merges.push(item.value);
      else entries.set(item.key, toNode(item.value, at === '' ? item.key : `${at}.${item.key}`));
    }
    for (const m of merges) applyMerge(entries, toNode(m, at), at);
    return { kind: 'map', entries };
  }
  if (isList(v)) {
    const items: YNode[] = [];
    v.items.forEach((item) => {
      if (!(item instanceof Comment)) items.push(toNode(item, `${at}[${items.length}]`));
    });
    return { kind: 'seq', items };
  }
  if (v === null) return NULL_NODE;
  if (typeof v === 'string') return { kind: 'scalar', value: v, text: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { kind: 'scalar', value: v, text: String(v) };
  throw new Unsupported('scalar of another type');
}
