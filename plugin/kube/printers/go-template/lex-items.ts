/**
 * Items and character classes of Go's text/template lexer (parse/lex.go).
 */

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'comment' | 'complex' | 'assign' | 'declare' | 'eof' | 'field'
  | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim' | 'rightParen'
  | 'space' | 'string' | 'text' | 'variable' | 'dot'
  | 'block' | 'break' | 'continue' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

export interface Item {
  typ: ItemType;
  /** Byte offset in the template, as Go counts positions. */
  pos: number;
  val: string;
  line: number;
}

export const KEYWORDS = new Set<ItemType>(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with']);

export const EOF = -1;

/** Go's item.String(), used in "unexpected … in …" messages. */
export function itemString(i: Item): string {
  if (i.typ === 'eof') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (KEYWORDS.has(i.typ)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${JSON.stringify([...i.val].slice(0, 10).join(''))}...`;
  return JSON.stringify(i.val);
}

export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

export function isAlphaNumeric(r: number): boolean {
  return r === 0x5f || (r >= 0 && /^[\p{L}\p{Nd}]$/u.test(String.fromCodePoint(r)));
}

export function hasLeftTrimMarker(s: string): boolean {
  return s.length >= 2 && s[0] === '-' && isSpace(s.charCodeAt(1));
}

export function hasRightTrimMarker(s: string): boolean {
  return s.length >= 2 && isSpace(s.charCodeAt(0)) && s[1] === '-';
}

export function rightTrimLength(s: string): number {
  return s.length - s.replace(/[ \t\r\n]+$/, '').length;
}

export function leftTrimLength(s: string): number {
  return s.length - s.replace(/^[ \t\r\n]+/, '').length;
}

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Go positions are byte offsets. */
export function byteOffset(s: string, index: number): number {
  return Buffer.byteLength(s.slice(0, index), 'utf8');
}

/** scanNumber: a number's extent from pos (Go's rules: prefixes, '_', '.', exponents, 'i'); ok is false when a letter follows. */
export function scanNumber(input: string, start: number): { pos: number; ok: boolean } {
  let pos = start;
  const accept = (valid: string): boolean => {
    if (pos < input.length && valid.includes(input[pos] as string)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  accept('+-');
  let digits = '0123456789_';
  if (accept('0')) {
    if (accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (accept('oO')) digits = '01234567_';
    else if (accept('bB')) digits = '01_';
  }
  acceptRun(digits);
  if (accept('.')) acceptRun(digits);
  if (digits.length === 11 && accept('eE')) {
    accept('+-');
    acceptRun('0123456789_');
  }
  if (digits.length === 23 && accept('pP')) {
    accept('+-');
    acceptRun('0123456789_');
  }
  accept('i');
  const next = pos < input.length ? (input.codePointAt(pos) as number) : EOF;
  if (isAlphaNumeric(next)) return { pos: pos + (next > 0xffff ? 2 : 1), ok: false };
  return { pos, ok: true };
}

/** The end (after the closing quote) of a quoted literal whose opening quote ends before pos, or -1 when unterminated. */
export function scanQuoted(input: string, start: number, quote: string): number {
  for (let pos = start; pos < input.length; pos++) {
    const c = input[pos];
    if (quote === '`') {
      if (c === '`') return pos + 1;
      continue;
    }
    if (c === '\\') {
      const e = input[pos + 1];
      if (e === undefined || e === '\n') return -1;
      pos++;
    } else if (c === '\n') return -1;
    else if (c === quote) return pos + 1;
  }
  return -1;
}
