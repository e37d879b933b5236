/**
 * go-yaml's low-level output (emitterc.go `put`, `write_indent`, `write_indicator`, and the
 * scalar and comment writers): the text written so far with the column, indentation and
 * whitespace state that the state machine in `emitter.ts` drives.
 */
import { doubleQuotedEscape, isBreak, isPrintable } from './scalar-style.js';

export class Writer {
  protected out = '';
  protected indent = -1;
  protected column = 0;
  protected whitespace = true;
  protected indention = true;
  protected footIndent = -1;

  constructor(protected readonly bestIndent: number) {}

  protected put(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  protected putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  /** write_break for a break character inside a value. */
  protected writeBreak(ch: string): void {
    if (ch === '\n') {
      this.putBreak();
    } else {
      this.out += ch;
      this.column = 0;
      this.indention = true;
    }
  }

  protected writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.footIndent === indent) this.putBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.footIndent = -1;
  }

  protected writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /**
   * The one loop that writes scalar and comment text (go-yaml repeats it in each writer): each
   * line break as it is, the line after a break indented, each line through `line`. With
   * `fold`, the first `\n` of a run is written twice, since a reader folds a lone break in a
   * plain or single-quoted scalar into a space. Returns whether the text ended in a break.
   */
  protected writeLines(text: string, breaks: boolean, fold: boolean, line: (s: string) => string): boolean {
    for (let i = 0; i < text.length; ) {
      const c = text.charCodeAt(i);
      if (isBreak(c)) {
        if (fold && !breaks && c === 0x0a) this.putBreak();
        this.writeBreak(text[i]!);
        i++;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        // Breaks are single UTF-16 units (a surrogate is never one), so a line is a run of units.
        let j = i + 1;
        while (j < text.length && !isBreak(text.charCodeAt(j))) j++;
        this.put(line(text.slice(i, j)));
        i = j;
        this.indention = false;
        breaks = false;
      }
    }
    return breaks;
  }

  protected writeComment(comment: string): void {
    const ended = this.writeLines(comment, false, false, (s) => (s.charCodeAt(0) === 0x23 ? s : '# ' + s));
    if (!ended) this.putBreak();
    this.whitespace = true;
  }

  protected writePlain(value: string, multiline: boolean): void {
    if (value.length > 0 && !this.whitespace) this.put(' ');
    if (!multiline) {
      if (value.length > 0) {
        this.put(value);
        this.whitespace = false;
      }
      this.indention = false;
      return;
    }
    this.writeLines(value, false, true, (s) => s);
    if (value.length > 0) this.whitespace = false;
    this.indention = false;
  }

  protected writeSingleQuoted(value: string, multiline: boolean): void {
    this.writeIndicator("'", true, false, false);
    const quote = (s: string): string => s.replaceAll("'", "''");
    if (multiline) this.writeLines(value, false, true, quote);
    else this.put(quote(value));
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  protected writeDoubleQuoted(value: string): void {
    this.writeIndicator('"', true, false, false);
    const bom = value.charCodeAt(0) === 0xfeff;
    let run = '';
    let from = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.codePointAt(i)!;
      const w = c > 0xffff ? 2 : 1;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        run += value.slice(from, i) + '\\' + doubleQuotedEscape(c);
        from = i + w;
      }
      i += w - 1;
    }
    this.put(run + value.slice(from));
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** A literal block scalar; `afterHeader` writes what follows its header on that line. */
  protected writeLiteral(value: string, afterHeader: () => void): void {
    this.writeIndicator('|', true, false, false);
    const first = value.charCodeAt(0);
    if (first === 0x20 || isBreak(first)) this.writeIndicator(String(this.bestIndent), false, false, false);
    let chomp = '';
    if (value.length === 0) chomp = '-';
    else {
      // Line breaks are single UTF-16 units, so the last two code units tell what the last two
      // code points would (a surrogate is never a break).
      const n = value.length;
      if (!isBreak(value.charCodeAt(n - 1))) chomp = '-';
      else if (n === 1) chomp = '+';
      else if (isBreak(value.charCodeAt(n - 2))) chomp = '+';
    }
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    afterHeader();
    this.whitespace = true;
    this.writeLines(value, true, false, (s) => s);
  }
}
