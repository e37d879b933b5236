/**
 * Tree → YAML text as sops writes it (spec §6.1 emission): the tree becomes go-yaml nodes with
 * comments placed the way sops' `appendTreeBranch`/`appendSequence` place them, then the
 * go-yaml emitter port writes them.
 */
import { Comment, Timestamp, isList, isMap } from '../../../core/tree.js';
import type { Branches, TreeList, TreeMap, Value } from '../../../core/tree.js';
import { Emitter, event } from './emitter.js';
import type { YEvent } from './emitter.js';
import { analyzeScalar, selectScalarStyle } from './scalar-style.js';
import type { ScalarStyle } from './scalar-style.js';
import { formatFloatYaml, needsQuotesToStayString } from '../scalars.js';
import { MAX_YAML_DEPTH } from '../parse/result.js';
import { TsopsError } from '../../../errors.js';

function scalar(value: string, style: ScalarStyle, tag = ''): YEvent {
  const e = event('scalar');
  e.value = value;
  e.style = style;
  e.tag = tag;
  return e;
}

/**
 * go-yaml `stringv`: literal for multi-line, double-quoted when plain would change type. sops
 * builds each node by encoding and re-reading it (`Node.Encode`); go-yaml's literal writer lets
 * a leading line break end the header line, so that first break is lost on the way back.
 */
function stringEvent(s: string): YEvent {
  if (s.includes('\n')) {
    if (s.charCodeAt(0) === 0x0a && selectScalarStyle('literal', analyzeScalar(s), false, false, false) === 'literal') {
      return scalar(s.slice(1), 'literal');
    }
    return scalar(s, 'literal');
  }
  // go-yaml reads a plain `<<` back as a merge key and then writes its tag explicitly.
  if (s === '<<') return scalar(s, 'plain', '!!merge');
  return scalar(s, needsQuotesToStayString(s) ? 'double' : 'plain');
}

/** go-yaml `encodeBase64`: lines of 70 characters, each ending in a newline once there are several. */
function encodeBase64(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (b64.length < 70) return b64;
  let out = '';
  for (let i = 0; i < b64.length; i += 70) out += b64.slice(i, i + 70) + '\n';
  return out;
}

function scalarEvent(v: Exclude<Value, TreeMap | TreeList>): YEvent {
  if (typeof v === 'string') return stringEvent(v);
  if (typeof v === 'bigint') return scalar(v.toString(), 'plain');
  if (typeof v === 'number') return scalar(formatFloatYaml(v), 'plain');
  if (typeof v === 'boolean') return scalar(v ? 'true' : 'false', 'plain');
  if (v === null) return scalar('null', 'plain');
  if (v instanceof Timestamp) return scalar(v.text, 'plain');
  const b64 = encodeBase64(v);
  return scalar(b64, b64.includes('\n') ? 'literal' : 'plain', '!!binary');
}

/** sops joins comment texts as `#` + text, one per line. */
const joinComments = (texts: string[]): string => (texts.length === 0 ? '' : '#' + texts.join('\n#'));
const joinLines = (a: string, b: string): string => (a === '' ? b : b === '' ? a : `${a}\n${b}`);

/**
 * Push the events of one value. `head` is prepended to the node's own head comment, `line`
 * and `foot` are its line and foot comments; the returned event is the one that carries the
 * node's foot (the scalar itself, or the collection's end), so a parent can add to it.
 */
function pushValue(v: Value, head: string, line: string, out: YEvent[], depth: number): YEvent {
  if (isMap(v)) return pushMap(v, head, line, out, depth + 1);
  if (isList(v)) return pushList(v, head, line, out, depth + 1);
  const e = scalarEvent(v);
  e.head = head;
  e.line = line;
  out.push(e);
  return e;
}

/**
 * sops `appendTreeBranch` + go-yaml `encode`: leading comments head the mapping, others head
 * the next key, inline ones become the next value's line comment, trailing ones the last key's
 * foot, which go-yaml carries as the mapping end's tail.
 */
function pushMap(branch: TreeMap, head: string, line: string, out: YEvent[], depth: number): YEvent {
  checkDepth(depth);
  const start = event('map-start');
  out.push(start);
  let heads: string[] = [];
  let inlines: string[] = [];
  let beginning = true;
  for (const item of branch.items) {
    if (item.key instanceof Comment) {
      (item.key.inline ? inlines : heads).push(item.key.text);
      continue;
    }
    if (beginning) {
      start.head = joinLines(head, joinComments(heads));
      heads = [];
      beginning = false;
    }
    const key = stringEvent(item.key);
    key.head = joinComments(heads);
    heads = [];
    out.push(key);
    pushValue(item.value, '', joinComments(inlines), out, depth);
    inlines = [];
  }
  const rest = joinComments(heads.concat(inlines));
  const end = event('map-end', '', line);
  if (beginning) start.head = joinLines(head, rest);
  else end.tail = rest;
  out.push(end);
  return end;
}

/** A tree deeper than the YAML parsers accept (say, from a JSON file) is refused, not written unreadable. */
function checkDepth(depth: number): void {
  if (depth > MAX_YAML_DEPTH) {
    throw new TsopsError('DUMP_TREE', `yaml: cannot write mappings and sequences nested deeper than ${MAX_YAML_DEPTH} levels`, {
      hint: 'choose json as the output type, or flatten the document',
    });
  }
}

/** sops `appendSequence` + go-yaml `encode`. */
function pushList(list: TreeList, head: string, line: string, out: YEvent[], depth: number): YEvent {
  checkDepth(depth);
  const start = event('seq-start');
  out.push(start);
  let heads: string[] = [];
  let inlines: string[] = [];
  let beginning = true;
  let last: YEvent | undefined;
  for (const item of list.items) {
    if (item instanceof Comment) {
      (item.inline ? inlines : heads).push(item.text);
      continue;
    }
    if (beginning) {
      start.head = joinLines(head, joinComments(heads));
      heads = [];
      beginning = false;
    }
    last = pushValue(item, joinComments(heads), joinComments(inlines), out, depth);
    heads = [];
    inlines = [];
  }
  const rest = joinComments(heads.concat(inlines));
  if (beginning) start.head = joinLines(head, rest);
  else if (rest !== '') last!.foot = joinLines(last!.foot, rest);
  const end = event('seq-end', '', line);
  out.push(end);
  return end;
}

/** Write branches as YAML documents, `---` between them; zero branches write nothing. */
export function emitYamlDocuments(branches: Branches, indent: number): string {
  const emitter = new Emitter(indent);
  for (const branch of branches) {
    const events: YEvent[] = [];
    pushMap(branch, '', '', events, 1);
    emitter.document(events);
  }
  return emitter.text();
}

/** go-yaml `Marshal` of one value (default indent 4), as sops' `EmitValue` writes it. */
export function emitYamlValue(v: Value): string {
  const emitter = new Emitter(4);
  const events: YEvent[] = [];
  pushValue(v, '', '', events, 0);
  emitter.document(events);
  return emitter.text();
}
