/**
 * A port of Go's text/template/parse/lex.go (Go 1.24): the same items, trim
 * markers, comments and error texts ("bad character U+007D '}'",
 * "unclosed action", "unterminated quoted string").
 */
import { goRuneU } from '../go-value.ts';
import {
  byteOffset, countNewlines, EOF, hasLeftTrimMarker, hasRightTrimMarker, isAlphaNumeric, isSpace, KEYWORDS,
  leftTrimLength, rightTrimLength, scanNumber, scanQuoted, type Item, type ItemType,
} from './lex-items.ts';

export { byteOffset, itemString, isAlphaNumeric, type Item, type ItemType } from './lex-items.ts';

/** Lexes the whole template up front (Go lexes on demand; the items are the same). */
export function lex(input: string): Item[] {
  return new Lexer(input).run();
}

class Lexer {
  private readonly input: string;
  private pos = 0;
  private start = 0;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;
  private readonly items: Item[] = [];
  private done = false;
  private atEOF = false;

  constructor(input: string) {
    this.input = input;
  }

  run(): Item[] {
    let state: (() => unknown) | undefined = () => this.lexText();
    while (state && !this.done) state = state() as (() => unknown) | undefined;
    return this.items;
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) as number;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  private peek(): number {
    return this.pos >= this.input.length ? EOF : (this.input.codePointAt(this.pos) as number);
  }

  private backup(): void {
    if (this.atEOF || this.pos <= 0) return;
    const prev = this.input.charCodeAt(this.pos - 1);
    this.pos -= prev >= 0xdc00 && prev <= 0xdfff && this.pos >= 2 ? 2 : 1;
    if (this.input.charCodeAt(this.pos) === 0x0a) this.line--;
  }

  private emit(typ: ItemType): undefined {
    this.items.push({ typ, pos: byteOffset(this.input, this.start), val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
    if (typ === 'eof') this.done = true;
    return undefined;
  }

  private ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  private errorf(message: string): undefined {
    this.items.push({ typ: 'error', pos: byteOffset(this.input, this.start), val: message, line: this.startLine });
    this.done = true;
    return undefined;
  }

  private lexText(): (() => unknown) | undefined {
    const x = this.input.indexOf('{{', this.pos);
    if (x < 0) {
      this.line += countNewlines(this.input.slice(this.pos));
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit('text');
      return () => this.emit('eof');
    }
    if (x > this.pos) {
      this.line += countNewlines(this.input.slice(this.pos, x));
      this.pos = x;
      const trim = hasLeftTrimMarker(this.input.slice(x + 2)) ? rightTrimLength(this.input.slice(this.start, x)) : 0;
      const text = this.input.slice(this.start, x - trim);
      if (text.length > 0) {
        this.items.push({ typ: 'text', pos: byteOffset(this.input, this.start), val: text, line: this.startLine });
      }
      this.start = x;
      this.startLine = this.line;
    }
    return () => this.lexLeftDelim();
  }

  private lexLeftDelim(): (() => unknown) | undefined {
    this.pos += 2;
    const trim = hasLeftTrimMarker(this.input.slice(this.pos));
    const after = trim ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + after)) {
      this.pos += after;
      this.ignore();
      return () => this.lexComment();
    }
    this.emit('leftDelim');
    this.pos += after;
    this.ignore();
    this.parenDepth = 0;
    return () => this.lexInsideAction();
  }

  private lexComment(): (() => unknown) | undefined {
    this.pos += 2;
    const x = this.input.indexOf('*/', this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + 2;
    const [delim, trim] = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.ignore();
    if (trim) this.pos += 2;
    this.pos += 2;
    if (trim) this.pos += leftTrimLength(this.input.slice(this.pos));
    this.ignore();
    return () => this.lexText();
  }

  private atRightDelim(): [boolean, boolean] {
    if (this.input.startsWith('}}', this.pos)) return [true, false];
    if (hasRightTrimMarker(this.input.slice(this.pos)) && this.input.startsWith('}}', this.pos + 2)) return [true, true];
    return [false, false];
  }

  private lexRightDelim(): (() => unknown) | undefined {
    const [, trim] = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += 2;
    this.emit('rightDelim');
    if (trim) {
      this.pos += leftTrimLength(this.input.slice(this.pos));
      this.ignore();
    }
    return () => this.lexText();
  }

  private lexInsideAction(): (() => unknown) | undefined {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return () => this.lexRightDelim();
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup();
      return () => this.lexSpace();
    }
    switch (r) {
      case 0x3d: return this.emitThen('assign');
      case 0x3a: return this.next() === 0x3d ? this.emitThen('declare') : this.errorf('expected :=');
      case 0x7c: return this.emitThen('pipe');
      case 0x22: return this.lexQuoted('"', 'string', 'unterminated quoted string');
      case 0x60: return this.lexQuoted('`', 'rawString', 'unterminated raw quoted string');
      case 0x24: return this.lexVariable();
      case 0x27: return this.lexQuoted("'", 'charConstant', 'unterminated character constant');
      case 0x28:
        this.parenDepth++;
        return this.emitThen('leftParen');
      case 0x29:
        if (--this.parenDepth < 0) return this.errorf('unexpected right paren');
        return this.emitThen('rightParen');
    }
    if (r === 0x2e) {
      const c = this.input.charCodeAt(this.pos);
      if (this.pos < this.input.length && (c < 0x30 || c > 0x39)) return this.lexFieldOrVariable('field');
    }
    if (r === 0x2e || r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return this.lexNumber();
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return this.lexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r !== 0x7f) return this.emitThen('char');
    return this.errorf(`unrecognized character in action: ${goRuneU(r)}`);
  }

  private emitThen(typ: ItemType): () => unknown {
    this.emit(typ);
    return () => this.lexInsideAction();
  }

  private lexSpace(): (() => unknown) | undefined {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    if (hasRightTrimMarker(this.input.slice(this.pos - 1)) && this.input.startsWith('}}', this.pos + 1)) {
      this.backup();
      if (numSpaces === 1) return () => this.lexInsideAction();
    }
    this.emit('space');
    return () => this.lexInsideAction();
  }

  private lexIdentifier(): (() => unknown) | undefined {
    while (isAlphaNumeric(this.next()));
    this.backup();
    const word = this.input.slice(this.start, this.pos);
    if (!this.atTerminator()) return this.errorf(`bad character ${goRuneU(this.peek())}`);
    if (KEYWORDS.has(word as ItemType)) this.emit(word as ItemType);
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
    return () => this.lexInsideAction();
  }

  private lexVariable(): (() => unknown) | undefined {
    if (this.atTerminator()) {
      this.emit('variable');
      return () => this.lexInsideAction();
    }
    return this.lexFieldOrVariable('variable');
  }

  private lexFieldOrVariable(typ: 'field' | 'variable'): (() => unknown) | undefined {
    if (this.atTerminator()) {
      this.emit(typ === 'variable' ? 'variable' : 'dot');
      return () => this.lexInsideAction();
    }
    let r: number;
    do r = this.next();
    while (isAlphaNumeric(r));
    this.backup();
    if (!this.atTerminator()) return this.errorf(`bad character ${goRuneU(r)}`);
    this.emit(typ);
    return () => this.lexInsideAction();
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    if (r === EOF || r === 0x2e || r === 0x2c || r === 0x7c || r === 0x3a || r === 0x29 || r === 0x28) return true;
    return this.input.startsWith('}}', this.pos);
  }

  /** A quoted string, char constant or raw string; only a raw string may span lines. */
  private lexQuoted(quote: string, typ: ItemType, unterminated: string): (() => unknown) | undefined {
    const end = scanQuoted(this.input, this.pos, quote);
    if (end < 0) return this.errorf(unterminated);
    this.line += countNewlines(this.input.slice(this.pos, end));
    this.pos = end;
    this.emit(typ);
    return () => this.lexInsideAction();
  }

  private scan(): boolean {
    const r = scanNumber(this.input, this.pos);
    this.pos = r.pos;
    return r.ok;
  }

  private lexNumber(): (() => unknown) | undefined {
    if (!this.scan()) return this.errorf(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!this.scan() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
      }
      this.emit('complex');
      return () => this.lexInsideAction();
    }
    this.emit('number');
    return () => this.lexInsideAction();
  }
}
