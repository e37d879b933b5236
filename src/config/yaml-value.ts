/**
 * `.sops.yaml` as plain values, decoded the way sops' go-yaml v3 decodes it into typed structs:
 * aliases expanded, `<<` merge keys applied (explicit keys win, earlier merge sources win over
 * later ones), scalars kept with their text so a string field gets `1.10` rather than `1.1`.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document } from 'yaml';
import { AliasBudget, aliasTargets } from '../formats/yaml/parse/aliases.js';
import { TsopsError } from '../errors.js';

export type YNode =
  | { kind: 'scalar'; value: unknown; text: string }
  | { kind: 'map'; entries: Map<string, YNode> }
  | { kind: 'seq'; items: YNode[] };

export const NULL_NODE: YNode = { kind: 'scalar', value: null, text: '' };

/** A type mismatch at a field path; the parser turns it into a config error. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/**
 * Convert a parsed document's contents. Throws FieldError for malformed merges, alias loops and
 * excessive aliasing. A node reached through several aliases is converted once and shared, but
 * counts as the copy go-yaml decodes each time, so the same alias bound as sops' applies.
 */
export function documentValue(doc: Document.Parsed): YNode {
  const memo = new Map<unknown, YNode>();
  const active = new Set<unknown>();
  const targets = aliasTargets(doc);
  const budget = new AliasBudget();
  /** Nodes in each converted value, counting every alias as a copy. */
  const sizes = new WeakMap<YNode, number>();
  const sizeOf = (n: YNode): number => sizes.get(n) ?? 1;

  const counted = <T>(at: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof TsopsError) throw new FieldError(at, e.message.replace(/^yaml: /, ''));
      throw e;
    }
  };

  const convert = (node: unknown, at: string): YNode => {
    if (node === null || node === undefined) return NULL_NODE;
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target === undefined) throw new FieldError(at, `unknown anchor ${JSON.stringify(node.source)} referenced`);
      const done = memo.get(target);
      if (done !== undefined) {
        counted(at, () => budget.expanded(sizeOf(done)));
        return done;
      }
      return budget.through(() => convert(target, at));
    }
    const known = memo.get(node);
    if (known !== undefined) return known;
    counted(at, () => budget.node());
    if (active.has(node)) throw new FieldError(at, 'an alias refers to the node that contains it');
    let out: YNode;
    if (isScalar(node)) {
      const value = node.value;
      const text = typeof value === 'string' ? value : value === null ? '' : (node as Scalar.Parsed).source ?? String(value);
      out = { kind: 'scalar', value, text };
    } else if (isSeq(node)) {
      active.add(node);
      const items = node.items.map((item, i) => convert(item, `${at}[${i}]`));
      out = { kind: 'seq', items };
      sizes.set(out, items.reduce((n, item) => n + sizeOf(item), 1));
      active.delete(node);
    } else if (isMap(node)) {
      active.add(node);
      const entries = new Map<string, YNode>();
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.value === '<<' && (key.type === undefined || key.type === Scalar.PLAIN)) {
          merges.push(pair.value);
          continue;
        }
        const k = convert(key, at);
        if (k.kind !== 'scalar') continue; // go-yaml cannot match a collection key to a field
        entries.set(k.text, convert(pair.value, at === '' ? k.text : `${at}.${k.text}`));
      }
      for (const m of merges) applyMerge(entries, convert(m, at), at);
      active.delete(node);
      out = { kind: 'map', entries };
      let size = 1;
      for (const v of entries.values()) size += sizeOf(v);
      sizes.set(out, size);
    } else {
      out = NULL_NODE;
    }
    memo.set(node, out);
    return out;
  };

  return convert(doc.contents, '');
}

/** A short, single-line description of a value for error messages. */
/**
 * A `<<` merge as go-yaml applies it: the keys of a map (or of each map of a sequence) that
 * `entries` does not have yet are added; anything else is an error at `at`.
 */
export function applyMerge(entries: Map<string, YNode>, source: YNode, at: string): void {
  const sources = source.kind === 'seq' ? source.items : [source];
  for (const s of sources) {
    if (s.kind !== 'map') throw new FieldError(at || '<<', 'map merge requires map or sequence of maps as the value');
    for (const [k, v] of s.entries) if (!entries.has(k)) entries.set(k, v);
  }
}

export function describe(node: YNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof v === 'boolean') return `boolean ${node.text}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `number ${node.text}`;
  return `${typeof v} ${JSON.stringify(node.text)}`;
}

/** The node, or undefined when it is absent or null (go-yaml leaves the field at its zero value). */
function present(node: YNode | undefined): YNode | undefined {
  return node === undefined || (node.kind === 'scalar' && node.value === null) ? undefined : node;
}

/** A string field: any scalar's text (go-yaml decodes `123` into a string field as "123"); null is "". */
export function readString(node: YNode | undefined, at: string): string {
  const n = present(node);
  if (n === undefined) return '';
  if (n.kind !== 'scalar') throw new FieldError(at, `must be a string, got ${describe(n)}`);
  return n.text;
}

/** An int field: a number, truncated as go-yaml does for floats; null is 0. */
export function readInt(node: YNode | undefined, at: string): number {
  const n = present(node);
  if (n === undefined) return 0;
  const v = n.kind === 'scalar' ? n.value : undefined;
  const num = typeof v === 'bigint' ? Number(v) : v;
  if (typeof num !== 'number' || !Number.isFinite(num)) throw new FieldError(at, `must be an integer, got ${describe(n)}`);
  return Math.trunc(num);
}

// go-yaml v3 still accepts YAML 1.1 words when the target is a bool.
const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** A bool field; null is false. */
export function readBool(node: YNode | undefined, at: string): boolean {
  const n = present(node);
  if (n === undefined) return false;
  const v = n.kind === 'scalar' ? n.value : undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE_WORDS.has(v)) return true;
  if (typeof v === 'string' && FALSE_WORDS.has(v)) return false;
  throw new FieldError(at, `must be true or false, got ${describe(n)}`);
}

export interface ListItem {
  node: YNode;
  /** Field path of the item, e.g. `creation_rules[2]`. */
  at: string;
  /** Position in the YAML list. */
  index: number;
}

/**
 * The items of a typed list field with their field paths; null is empty. go-yaml drops null
 * items when decoding into a typed slice, so they are skipped here too.
 */
export function readItems(node: YNode | undefined, at: string): ListItem[] {
  const n = present(node);
  if (n === undefined) return [];
  if (n.kind !== 'seq') throw new FieldError(at, `must be a list, got ${describe(n)}`);
  const out: ListItem[] = [];
  n.items.forEach((item, index) => {
    if (present(item) !== undefined) out.push({ node: item, at: `${at}[${index}]`, index });
  });
  return out;
}

/** A map (struct) field; null is empty. */
export function readMap(node: YNode | undefined, at: string): Map<string, YNode> {
  const n = present(node);
  if (n === undefined) return new Map();
  if (n.kind !== 'map') throw new FieldError(at, `must be a map, got ${describe(n)}`);
  return n.entries;
}

/** A list of strings (go-yaml `[]string`). */
export function readStringList(node: YNode | undefined, at: string): string[] {
  return readItems(node, at).map((item) => readString(item.node, item.at));
}

/**
 * A field sops declares as `interface{}` (age, pgp, kms, gcp_kms, azure_keyvault,
 * hc_vault_transit_uri): a string, a list of strings, or null. sops checks the shape only when
 * it uses the rule, so the caller decides when to call this.
 */
export function readStringOrList(node: YNode | undefined, at: string): string | string[] {
  const n = present(node);
  if (n === undefined) return [];
  if (n.kind === 'scalar' && typeof n.value === 'string') return n.value;
  if (n.kind === 'seq') {
    return n.items.map((item, i) => {
      if (item.kind === 'scalar' && typeof item.value === 'string') return item.value;
      throw new FieldError(`${at}[${i}]`, `must be a string, got ${describe(item)}`);
    });
  }
  throw new FieldError(at, `must be a string or a list of strings, got ${describe(n)}`);
}
