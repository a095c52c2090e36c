/**
 * The writing half of go-yaml v2's emitter (emitterc.go): the column,
 * whitespace and indention state, indentation, indicators, and the scalar
 * writers (plain and quoted scalars fold at 80 columns; literal blocks carry
 * indentation and chomping hints).
 */
import { isBreak, isPrintable, isSpace, startsWithBom, width } from './yaml-scalar.ts';

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

/** With a sink, output is handed on in pieces of about this many characters. */
const CHUNK = 64 * 1024;

export class YamlWriter {
  protected out = '';
  readonly #sink: ((text: string) => void) | undefined;
  protected column = 0;
  protected whitespace = true;
  protected indention = true;
  protected indent = -1;
  protected indents: number[] = [];

  constructor(sink?: (text: string) => void) {
    this.#sink = sink;
  }

  /** What is left to hand on (everything, without a sink). */
  text(): string {
    const rest = this.out;
    if (this.#sink) {
      if (rest !== '') this.#sink(rest);
      this.out = '';
      return '';
    }
    return rest;
  }

  protected increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  protected popIndent(): void {
    this.indent = this.indents.pop() as number;
  }

  private put(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    if (this.#sink && this.out.length >= CHUNK) {
      this.#sink(this.out);
      this.out = '';
    }
  }

  /** Copies the character at i; returns the index after it. Columns count characters, not bytes. */
  private write(b: Buffer, i: number): number {
    const w = width(b[i] as number) || 1;
    this.out += b.toString('utf8', i, i + w);
    this.column++;
    return i + w;
  }

  private writeBreak(b: Buffer, i: number): number {
    if (b[i] === 0x0a) {
      this.putBreak();
      return i + 1;
    }
    const next = this.write(b, i);
    this.column = 0;
    return next;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  protected writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /**
   * A scalar without spaces, breaks or special characters: plain or
   * double-quoted, it is written whole (no folding point, nothing to escape).
   */
  protected writeSimple(value: string, plain: boolean): void {
    if (plain) {
      if (!this.whitespace) this.put(' ');
      this.put(value);
    } else {
      this.writeIndicator('"', true, false, false);
      this.put(value);
      this.writeIndicator('"', false, false, false);
    }
    this.whitespace = false;
    this.indention = false;
  }

  protected writePlain(b: Buffer, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < b.length;) {
      if (isSpace(b, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(b, i + 1)) {
          this.writeIndent();
          i++;
        } else i = this.write(b, i);
        spaces = true;
      } else if (isBreak(b, i)) {
        if (!breaks && b[i] === 0x0a) this.putBreak();
        i = this.writeBreak(b, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        i = this.writeRun(b, i);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  /** Writes ordinary characters up to the next space or break (one write() each in the original). */
  private writeRun(b: Buffer, i: number, stopAtQuote = false): number {
    let j = i;
    let chars = 0;
    while (j < b.length && !isSpace(b, j) && !isBreak(b, j) && !(stopAtQuote && b[j] === 0x27)) {
      j += width(b[j] as number) || 1;
      chars++;
    }
    if (j === i) return this.write(b, i);
    this.out += b.toString('utf8', i, j);
    this.column += chars;
    return j;
  }

  protected writeSingleQuoted(b: Buffer, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < b.length;) {
      if (isSpace(b, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < b.length - 1 && !isSpace(b, i + 1)) {
          this.writeIndent();
          i++;
        } else i = this.write(b, i);
        spaces = true;
      } else if (isBreak(b, i)) {
        if (!breaks && b[i] === 0x0a) this.putBreak();
        i = this.writeBreak(b, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (b[i] === 0x27) {
          this.put("'");
          i = this.write(b, i);
        } else i = this.writeRun(b, i, true);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  protected writeDoubleQuoted(b: Buffer, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = startsWithBom(b);
    let spaces = false;
    for (let i = 0; i < b.length;) {
      const c = b[i] as number;
      if (!isPrintable(b, i) || bom || isBreak(b, i) || c === 0x22 || c === 0x5c) {
        const w = width(c) || 1;
        this.put(escapeChar(b.toString('utf8', i, i + w).codePointAt(0) as number));
        i += w;
        spaces = false;
      } else if (isSpace(b, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < b.length - 1) {
          this.writeIndent();
          if (isSpace(b, i + 1)) this.put('\\');
          i++;
        } else i = this.write(b, i);
        spaces = true;
      } else {
        i = this.write(b, i);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  protected writeLiteral(b: Buffer): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(b);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < b.length;) {
      if (isBreak(b, i)) {
        i = this.writeBreak(b, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        i = this.writeLineRun(b, i);
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** Inside a literal block only breaks matter: copy up to the next one. */
  private writeLineRun(b: Buffer, i: number): number {
    let j = i;
    let chars = 0;
    while (j < b.length && !isBreak(b, j)) {
      j += width(b[j] as number) || 1;
      chars++;
    }
    this.out += b.toString('utf8', i, j);
    this.column += chars;
    return j;
  }

  private writeBlockScalarHints(b: Buffer): void {
    if (isSpace(b, 0) || isBreak(b, 0)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (b.length === 0) chomp = '-';
    else {
      let i = b.length - 1;
      while (((b[i] as number) & 0xc0) === 0x80) i--;
      if (!isBreak(b, i)) chomp = '-';
      else if (i === 0) chomp = '+';
      else {
        i--;
        while (((b[i] as number) & 0xc0) === 0x80) i--;
        if (isBreak(b, i)) chomp = '+';
      }
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function escapeChar(v: number): string {
  const short = SHORT_ESCAPES[v];
  if (short !== undefined) return `\\${short}`;
  const hex = v.toString(16).toUpperCase();
  if (v <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (v <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}
