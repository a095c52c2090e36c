import { JsonSyntaxError } from '../errors.ts';
import { goQuote } from './printers/go-value.ts';

/**
 * Go's encoding/json syntax check (scanner.go), for the words kubectl
 * prints when a body or a plugin's output is not JSON: "unexpected end of
 * JSON input", "invalid character 'o' in literal true (expecting 'r')".
 * Like Go, it names at most the one offending byte, never the text around it.
 */

type Step = (c: number) => 'ok' | 'end' | 'error';

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote would. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`;
}

class Scanner {
  step: Step;
  err: string | undefined;
  endTop = false;
  readonly parse: Array<'key' | 'value' | 'array'> = [];

  constructor() {
    this.step = this.beginValue;
  }

  fail(c: number, context: string): 'error' {
    this.step = () => 'error';
    this.err = `invalid character ${quoteChar(c)} ${context}`;
    return 'error';
  }

  readonly beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return 'ok';
    if (c === 0x5d) return this.endValue(c);
    return this.beginValue(c);
  };

  readonly beginValue: Step = (c) => {
    if (isSpace(c)) return 'ok';
    switch (c) {
      case 0x7b: this.step = this.beginStringOrEmpty; this.parse.push('key'); return 'ok';
      case 0x5b: this.step = this.beginValueOrEmpty; this.parse.push('array'); return 'ok';
      case 0x22: this.step = this.inString; return 'ok';
      case 0x2d: this.step = this.neg; return 'ok';
      case 0x30: this.step = this.zero; return 'ok';
      case 0x74: this.step = this.literal('true', 1); return 'ok';
      case 0x66: this.step = this.literal('false', 1); return 'ok';
      case 0x6e: this.step = this.literal('null', 1); return 'ok';
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = this.one;
      return 'ok';
    }
    return this.fail(c, 'looking for beginning of value');
  };

  readonly beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return 'ok';
    if (c === 0x7d) {
      this.parse[this.parse.length - 1] = 'value';
      return this.endValue(c);
    }
    return this.beginString(c);
  };

  readonly beginString: Step = (c) => {
    if (isSpace(c)) return 'ok';
    if (c === 0x22) {
      this.step = this.inString;
      return 'ok';
    }
    return this.fail(c, 'looking for beginning of object key string');
  };

  readonly endValue: Step = (c) => {
    const n = this.parse.length;
    if (n === 0) {
      this.step = this.endTopStep;
      this.endTop = true;
      return this.endTopStep(c);
    }
    if (isSpace(c)) {
      this.step = this.endValue;
      return 'ok';
    }
    switch (this.parse[n - 1]) {
      case 'key':
        if (c === 0x3a) {
          this.parse[n - 1] = 'value';
          this.step = this.beginValue;
          return 'ok';
        }
        return this.fail(c, 'after object key');
      case 'value':
        if (c === 0x2c) {
          this.parse[n - 1] = 'key';
          this.step = this.beginString;
          return 'ok';
        }
        if (c === 0x7d) return this.pop();
        return this.fail(c, 'after object key:value pair');
      default:
        if (c === 0x2c) {
          this.step = this.beginValue;
          return 'ok';
        }
        if (c === 0x5d) return this.pop();
        return this.fail(c, 'after array element');
    }
  };

  pop(): 'ok' {
    this.parse.pop();
    if (this.parse.length === 0) {
      this.step = this.endTopStep;
      this.endTop = true;
    } else this.step = this.endValue;
    return 'ok';
  }

  readonly endTopStep: Step = (c) => (isSpace(c) ? 'end' : this.fail(c, 'after top-level value'));

  readonly inString: Step = (c) => {
    if (c === 0x22) this.step = this.endValue;
    else if (c === 0x5c) this.step = this.inStringEsc;
    else if (c < 0x20) return this.fail(c, 'in string literal');
    return 'ok';
  };

  readonly inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
      this.step = this.inString;
      return 'ok';
    }
    if (c === 0x75) {
      this.step = this.escU(4);
      return 'ok';
    }
    return this.fail(c, 'in string escape code');
  };

  escU(left: number): Step {
    return (c) => {
      if (!isHex(c)) return this.fail(c, 'in \\u hexadecimal character escape');
      this.step = left === 1 ? this.inString : this.escU(left - 1);
      return 'ok';
    };
  }

  readonly neg: Step = (c) => {
    if (c === 0x30) this.step = this.zero;
    else if (c >= 0x31 && c <= 0x39) this.step = this.one;
    else return this.fail(c, 'in numeric literal');
    return 'ok';
  };

  readonly one: Step = (c) => (isDigit(c) ? 'ok' : this.zero(c));

  readonly zero: Step = (c) => {
    if (c === 0x2e) this.step = this.dot;
    else if (c === 0x65 || c === 0x45) this.step = this.exp;
    else return this.endValue(c);
    return 'ok';
  };

  readonly dot: Step = (c) => {
    if (!isDigit(c)) return this.fail(c, 'after decimal point in numeric literal');
    this.step = this.dot0;
    return 'ok';
  };

  readonly dot0: Step = (c) => {
    if (isDigit(c)) return 'ok';
    if (c === 0x65 || c === 0x45) {
      this.step = this.exp;
      return 'ok';
    }
    return this.endValue(c);
  };

  readonly exp: Step = (c) => {
    if (c === 0x2b || c === 0x2d) {
      this.step = this.expSign;
      return 'ok';
    }
    return this.expSign(c);
  };

  readonly expSign: Step = (c) => {
    if (!isDigit(c)) return this.fail(c, 'in exponent of numeric literal');
    this.step = this.exp0;
    return 'ok';
  };

  readonly exp0: Step = (c) => (isDigit(c) ? 'ok' : this.endValue(c));

  literal(word: string, at: number): Step {
    return (c) => {
      const want = word.charCodeAt(at);
      if (c !== want) return this.fail(c, `in literal ${word} (expecting ${quoteChar(want)})`);
      this.step = at === word.length - 1 ? this.endValue : this.literal(word, at + 1);
      return 'ok';
    };
  }
}

/** Go's json.Valid error for `data`, or undefined when it is one valid JSON value. */
export function goJsonSyntaxError(data: Buffer | string): string | undefined {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const s = new Scanner();
  for (const c of bytes) {
    if (s.step(c) === 'error') return s.err;
  }
  // scanner.eof()
  if (s.endTop) return undefined;
  s.step(0x20);
  if (s.endTop) return undefined;
  return s.err ?? 'unexpected end of JSON input';
}

/** The error for a body JSON.parse refused, in Go's words (JSON.parse and Go's scanner refuse the same texts). */
export function jsonSyntaxError(text: string): JsonSyntaxError {
  return new JsonSyntaxError(goJsonSyntaxError(text) ?? 'invalid character looking for beginning of value');
}

/** What a JSON value stream yields: a whole value's bytes, or the syntax error that ends the stream. */
export type Frame = { value: Buffer } | { error: string };

/**
 * Splits a byte stream into JSON values as Go's json.Decoder does (the API
 * server's watch framing, read by client-go's JSON framer): values may share
 * a line or span several; text that is not JSON ends the stream with the
 * scanner's message, and a value cut off at the end is dropped.
 */
export class JsonValueSplitter {
  #scan = new Scanner();
  #parts: Buffer[] = [];
  #failed = false;

  /** The values completed by this chunk, in order (after an error, nothing more). */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length && !this.#failed; i++) {
      const r = this.#scan.step(chunk[i] as number);
      if (r === 'error') {
        this.#failed = true;
        out.push({ error: this.#scan.err as string });
      } else if (r === 'end') {
        // A number or literal ends at the byte after it, which belongs to no value.
        this.#emit(out, chunk.subarray(start, i));
        start = i + 1;
      } else if (this.#scan.endTop) {
        this.#emit(out, chunk.subarray(start, i + 1));
        start = i + 1;
      }
    }
    if (!this.#failed && start < chunk.length) this.#parts.push(chunk.subarray(start));
    return out;
  }

  /** At the end of the stream: a last number or literal is whole; anything else unfinished is dropped (Go's unexpected EOF). */
  end(): Frame[] {
    if (this.#failed || this.#parts.length === 0) return [];
    const out: Frame[] = [];
    if (this.#scan.step(0x20) === 'end') this.#emit(out, Buffer.alloc(0));
    return out;
  }

  #emit(out: Frame[], tail: Buffer): void {
    const value = this.#parts.length === 0 ? tail : Buffer.concat([...this.#parts, tail]);
    this.#parts = [];
    this.#scan = new Scanner();
    if (value.some((c) => !isSpace(c))) out.push({ value });
  }
}
