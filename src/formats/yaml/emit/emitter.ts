/**
 * A YAML writer that reproduces go-yaml v3's encoder output byte for byte (spec §6.1 emission):
 * the same event-driven state machine, indentation rule, scalar style choice and comment
 * placement, restricted to what sops writes (no anchors, tags other than `!!binary`, or
 * directives). Input is the event stream go-yaml's encoder produces for a `yaml.Node` tree;
 * the text itself is written by `writer.ts`.
 */

import { analyzeScalar, selectScalarStyle } from './scalar-style.js';
import type { ScalarAnalysis, ScalarStyle } from './scalar-style.js';
import { Writer } from './writer.js';

export type EventType = 'doc-start' | 'doc-end' | 'scalar' | 'seq-start' | 'seq-end' | 'map-start' | 'map-end';

/**
 * A go-yaml emitter event. Comments are go-yaml comment strings (`#` + text per line, joined by
 * newlines); a scalar carries its value, requested style and explicit tag (`!!binary`, `!!merge`).
 */
export interface YEvent {
  type: EventType;
  head: string;
  line: string;
  foot: string;
  tail: string;
  value: string;
  style: ScalarStyle;
  tag: string;
}

export function event(type: EventType, head = '', line = '', foot = '', tail = ''): YEvent {
  return { type, head, line, foot, tail, value: '', style: 'plain', tag: '' };
}

type State =
  | 'doc-start' | 'doc-content' | 'doc-end'
  | 'flow-seq-first' | 'flow-seq-trail' | 'flow-seq-item'
  | 'flow-map-first' | 'flow-map-trail' | 'flow-map-key' | 'flow-map-simple-value' | 'flow-map-value'
  | 'block-seq-first' | 'block-seq-item'
  | 'block-map-first' | 'block-map-key' | 'block-map-simple-value' | 'block-map-value';

/** The go-yaml emitter state, writing into one output string. */
export class Emitter extends Writer {
  private events: YEvent[] = [];
  private head = 0;
  private state: State = 'doc-start';
  private readonly states: State[] = [];
  private readonly indents: number[] = [];
  private flowLevel = 0;
  private firstDocument = true;
  private simpleKeyContext = false;
  private headComment = '';
  private lineComment = '';
  private footComment = '';
  private tailComment = '';
  private keyLineComment = '';
  private scalarValue = '';
  private scalarAnalysis: ScalarAnalysis | undefined;
  private scalarStyle: ScalarStyle = 'plain';
  private scalarTag = '';

  constructor(bestIndent: number) {
    super(bestIndent);
  }

  /** Emit one document: the events of its root node, without document start and end. */
  document(content: YEvent[]): void {
    this.events = content;
    this.head = 0;
    content.unshift(event('doc-start'));
    content.push(event('doc-end'));
    for (; this.head < this.events.length; this.head++) {
      const e = this.events[this.head]!;
      this.analyze(e);
      this.dispatch(e);
    }
    this.firstDocument = false;
  }

  text(): string {
    return this.out;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (!indentless) {
      if (this.states[this.states.length - 1] === 'block-seq-item') this.indent += 2;
      else this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  private processHeadComment(): void {
    if (this.tailComment !== '') {
      this.writeIndent();
      this.writeComment(this.tailComment);
      this.tailComment = '';
      this.footIndent = this.indent < 0 ? 0 : this.indent;
    }
    if (this.headComment === '') return;
    this.writeIndent();
    this.writeComment(this.headComment);
    this.headComment = '';
  }

  private processLineComment(): void {
    if (this.lineComment === '') return;
    if (!this.whitespace) this.put(' ');
    this.writeComment(this.lineComment);
    this.lineComment = '';
  }

  private processFootComment(): void {
    if (this.footComment === '') return;
    this.writeIndent();
    this.writeComment(this.footComment);
    this.footComment = '';
    this.footIndent = this.indent < 0 ? 0 : this.indent;
  }

  // ---- events ----

  private analyze(e: YEvent): void {
    if (e.head !== '') this.headComment = e.head;
    if (e.line !== '') this.lineComment = e.line;
    if (e.foot !== '') this.footComment = e.foot;
    if (e.tail !== '') this.tailComment = e.tail;
    if (e.type === 'scalar') {
      this.scalarValue = e.value;
      this.scalarTag = e.tag;
      this.scalarAnalysis = analyzeScalar(e.value);
    }
  }

  /** Comments still to be written after the current node (a flow item then needs its `,` first). */
  private commentsPending(): boolean {
    return this.lineComment.length + this.footComment.length + this.tailComment.length > 0;
  }

  private peek(offset: number): YEvent | undefined {
    return this.events[this.head + offset];
  }

  private checkEmptySequence(): boolean {
    return this.peek(0)?.type === 'seq-start' && this.peek(1)?.type === 'seq-end';
  }

  private checkEmptyMapping(): boolean {
    return this.peek(0)?.type === 'map-start' && this.peek(1)?.type === 'map-end';
  }

  private checkSimpleKey(): boolean {
    const e = this.peek(0)!;
    let length = 0;
    switch (e.type) {
      case 'scalar':
        if (this.scalarAnalysis!.multiline) return false;
        length = this.scalarTag.length + Buffer.byteLength(this.scalarValue);
        break;
      case 'seq-start':
        if (!this.checkEmptySequence()) return false;
        break;
      case 'map-start':
        if (!this.checkEmptyMapping()) return false;
        break;
      default:
        return false;
    }
    return length <= 128;
  }

  private dispatch(e: YEvent): void {
    switch (this.state) {
      case 'doc-start': return this.emitDocumentStart(e);
      case 'doc-content': return this.emitDocumentContent(e);
      case 'doc-end': return this.emitDocumentEnd(e);
      case 'flow-seq-first': return this.emitFlowSequenceItem(e, true, false);
      case 'flow-seq-trail': return this.emitFlowSequenceItem(e, false, true);
      case 'flow-seq-item': return this.emitFlowSequenceItem(e, false, false);
      case 'flow-map-first': return this.emitFlowMappingKey(e, true, false);
      case 'flow-map-trail': return this.emitFlowMappingKey(e, false, true);
      case 'flow-map-key': return this.emitFlowMappingKey(e, false, false);
      case 'flow-map-simple-value': return this.emitFlowMappingValue(e, true);
      case 'flow-map-value': return this.emitFlowMappingValue(e, false);
      case 'block-seq-first': return this.emitBlockSequenceItem(e, true);
      case 'block-seq-item': return this.emitBlockSequenceItem(e, false);
      case 'block-map-first': return this.emitBlockMappingKey(e, true);
      case 'block-map-key': return this.emitBlockMappingKey(e, false);
      case 'block-map-simple-value': return this.emitBlockMappingValue(e, true);
      case 'block-map-value': return this.emitBlockMappingValue(e, false);
    }
  }

  private emitDocumentStart(_e: YEvent): void {
    if (!this.firstDocument) {
      this.writeIndent();
      this.writeIndicator('---', true, false, false);
      this.writeIndent();
    }
    if (this.headComment !== '') {
      this.processHeadComment();
      this.putBreak();
    }
    this.state = 'doc-content';
  }

  private emitDocumentContent(e: YEvent): void {
    this.states.push('doc-end');
    this.processHeadComment();
    this.emitNode(e, true, false, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  private emitDocumentEnd(_e: YEvent): void {
    this.footIndent = 0;
    this.processFootComment();
    this.footIndent = -1;
    this.writeIndent();
    this.state = 'doc-start';
  }

  private emitFlowSequenceItem(e: YEvent, first: boolean, trail: boolean): void {
    if (first) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === 'seq-end') {
      this.flowLevel--;
      this.popIndent();
      if (this.column === 0) this.writeIndent();
      this.writeIndicator(']', false, false, false);
      this.processLineComment();
      this.processFootComment();
      this.popState();
      return;
    }
    if (!first && !trail) this.writeIndicator(',', false, false, false);
    this.processHeadComment();
    if (this.column === 0) this.writeIndent();
    const pending = this.commentsPending();
    this.states.push(pending ? 'flow-seq-trail' : 'flow-seq-item');
    this.emitNode(e, false, true, false, false);
    if (this.commentsPending()) this.writeIndicator(',', false, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  private emitFlowMappingKey(e: YEvent, first: boolean, trail: boolean): void {
    if (first) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === 'map-end') {
      if (this.headComment.length + this.footComment.length + this.tailComment.length > 0 && !first && !trail) {
        this.writeIndicator(',', false, false, false);
      }
      this.processHeadComment();
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      this.processLineComment();
      this.processFootComment();
      this.popState();
      return;
    }
    if (!first && !trail) this.writeIndicator(',', false, false, false);
    this.processHeadComment();
    if (this.column === 0) this.writeIndent();
    this.emitMappingKey(e, true);
  }

  private emitFlowMappingValue(e: YEvent, simple: boolean): void {
    this.writeIndicator(':', !simple, false, false);
    const pending = this.commentsPending();
    this.states.push(pending ? 'flow-map-trail' : 'flow-map-key');
    this.emitNode(e, false, false, true, false);
    if (this.commentsPending()) this.writeIndicator(',', false, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  private emitBlockSequenceItem(e: YEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (e.type === 'seq-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHeadComment();
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push('block-seq-item');
    this.emitNode(e, false, true, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  private emitBlockMappingKey(e: YEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    this.processHeadComment();
    if (e.type === 'map-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.lineComment !== '') {
      this.keyLineComment = this.lineComment;
      this.lineComment = '';
    }
    this.emitMappingKey(e, false);
  }

  /** A key on one line is simple (`key:`); any other is written as a complex key (`? key`). */
  private emitMappingKey(e: YEvent, flow: boolean): void {
    if (this.checkSimpleKey()) {
      this.states.push(flow ? 'flow-map-simple-value' : 'block-map-simple-value');
      this.emitNode(e, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, !flow);
    this.states.push(flow ? 'flow-map-value' : 'block-map-value');
    this.emitNode(e, false, false, true, false);
  }

  private emitBlockMappingValue(e: YEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    if (this.keyLineComment !== '') {
      if (e.type === 'scalar') {
        if (this.lineComment === '') {
          this.lineComment = this.keyLineComment;
          this.keyLineComment = '';
        }
      } else if (e.type === 'map-start' || e.type === 'seq-start') {
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
        this.processLineComment();
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
      }
    }
    this.states.push('block-map-key');
    this.emitNode(e, false, false, true, false);
    this.processLineComment();
    this.processFootComment();
  }

  private emitNode(e: YEvent, _root: boolean, _sequence: boolean, _mapping: boolean, simpleKey: boolean): void {
    this.simpleKeyContext = simpleKey;
    switch (e.type) {
      case 'scalar':
        return this.emitScalar(e);
      case 'seq-start':
        this.state = this.flowLevel > 0 || this.checkEmptySequence() ? 'flow-seq-first' : 'block-seq-first';
        return;
      case 'map-start':
        this.state = this.flowLevel > 0 || this.checkEmptyMapping() ? 'flow-map-first' : 'block-map-first';
        return;
      default:
        throw new Error(`yaml emitter: unexpected ${e.type}`);
    }
  }

  private emitScalar(e: YEvent): void {
    this.scalarStyle = selectScalarStyle(e.style, this.scalarAnalysis!, this.flowLevel > 0, this.simpleKeyContext, e.value.length === 0);
    if (this.scalarTag !== '') {
      if (!this.whitespace) this.put(' ');
      this.put(this.scalarTag);
      this.whitespace = false;
      this.indention = false;
    }
    this.increaseIndent(true, false);
    switch (this.scalarStyle) {
      case 'plain':
        this.writePlain(this.scalarValue, this.scalarAnalysis!.multiline);
        break;
      case 'single':
        this.writeSingleQuoted(this.scalarValue, this.scalarAnalysis!.multiline);
        break;
      case 'double':
        this.writeDoubleQuoted(this.scalarValue);
        break;
      case 'literal':
        this.writeLiteral(this.scalarValue, () => this.processLineComment());
        break;
    }
    this.popIndent();
    this.popState();
  }


}
