/**
 * A port of k8s.io/client-go/util/jsonpath/parser.go (client-go v0.33/v0.34):
 * the same grammar, quirks and error messages ("unclosed action",
 * "unrecognized character in action: U+002C ','", "invalid array index x").
 */
import { GoFloat } from '../go-value.ts';
import { goRuneU } from '../go-value.ts';
import { unquoteExtend } from './unquote.ts';

export interface ParamsEntry {
  value: number;
  known: boolean;
  derived: boolean;
}

export type JsonPathNode =
  | { type: 'list'; nodes: JsonPathNode[] }
  | { type: 'text'; text: string }
  | { type: 'field'; value: string }
  | { type: 'array'; params: [ParamsEntry, ParamsEntry, ParamsEntry] }
  | { type: 'filter'; left: ListNode; right: ListNode; operator: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: GoFloat }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] }
  | { type: 'identifier'; name: string };

export type ListNode = { type: 'list'; nodes: JsonPathNode[] };

/** A template that does not parse; the message is client-go's. */
export class JsonPathParseError extends Error {}

const DICT_KEY = /^'([^']*)'$/;
const SLICE_OPERATOR = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/s;

/** Parses a template; throws JsonPathParseError. */
export function parseJsonPath(text: string): ListNode {
  return new Parser(text).parse();
}

/** parseAction: parses "{text}" and returns the action's own list. */
function parseAction(text: string): ListNode {
  const root = parseJsonPath(`{${text}}`);
  return root.nodes[0] as ListNode;
}

function list(): ListNode {
  return { type: 'list', nodes: [] };
}

class Parser {
  private readonly input: string;
  private readonly root: ListNode = list();
  private pos = 0;
  private start = 0;
  private width = 0;

  constructor(input: string) {
    this.input = input;
  }

  parse(): ListNode {
    this.parseText(this.root);
    return this.root;
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  /** The next code point, or -1 at the end. */
  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return -1;
    }
    const r = this.input.codePointAt(this.pos) as number;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  // Each parse step continues with the next, as Go's mutual recursion does; a loop keeps deep templates off the stack.
  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const action = list();
        cur.nodes.push(action);
        if (this.parseInsideAction(action)) continue;
        return;
      }
      if (this.next() === -1) break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
  }

  /** Parses up to the action's closing brace; true when one was found (text parsing resumes at the root). */
  private parseInsideAction(cur: ListNode): boolean {
    for (;;) {
      const rest = this.input.slice(this.pos, this.pos + 3);
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        return true;
      }
      if (rest === '[?(') this.parseFilter(cur);
      else if (rest.startsWith('..')) this.parseRecursive(cur);
      else this.parseActionToken(cur);
    }
  }

  private parseActionToken(cur: ListNode): void {
    const r = this.next();
    if (r === -1 || r === 0x0d || r === 0x0a) throw new JsonPathParseError('unclosed action');
    if (r === 0x20 || r === 0x40 || r === 0x24) this.consumeText();
    else if (r === 0x5b) this.parseArray(cur);
    else if (r === 0x22 || r === 0x27) this.parseQuote(cur, r);
    else if (r === 0x2e) this.parseField(cur);
    else if (r === 0x2b || r === 0x2d || isDigit(r)) {
      this.backup();
      this.parseNumber(cur);
    } else if (isAlphaNumeric(r)) {
      this.backup();
      this.parseIdentifier(cur);
    } else throw new JsonPathParseError(`unrecognized character in action: ${goRuneU(r)}`);
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    this.backup();
    const value = this.consumeText();
    if (value === 'true' || value === 'false') cur.nodes.push({ type: 'bool', value: value === 'true' });
    else cur.nodes.push({ type: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes[cur.nodes.length - 1]?.type === 'recursive') throw new JsonPathParseError('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const first = this.peek();
    if (first === 0x2b || first === 0x2d) this.next();
    for (;;) {
      const r = this.next();
      if (r !== 0x2e && !isDigit(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value))) cur.nodes.push({ type: 'int', value: Number(value) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ type: 'float', value: new GoFloat(Number(value)) });
    else throw new JsonPathParseError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === -1 || r === 0x0a) throw new JsonPathParseError('unterminated array');
      if (r === 0x5d) break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';
    const strs = text.split(',');
    if (strs.length > 1) {
      cur.nodes.push({ type: 'union', nodes: strs.map((s) => parseAction(`[${s.replace(/^ +| +$/g, '')}]`)) });
      return;
    }
    const dict = DICT_KEY.exec(text);
    if (dict) {
      cur.nodes.push(...parseAction(`.${dict[1] ?? ''}`).nodes);
      return;
    }
    cur.nodes.push({ type: 'array', params: sliceParams(text) });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = 0;
    for (;;) {
      const r = this.next();
      if (r === -1 || r === 0x0a) throw new JsonPathParseError('unterminated filter');
      if (r === 0x22 || r === 0x27) {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === 0x29 && begin === end) break;
    }
    if (this.next() !== 0x5d) throw new JsonPathParseError('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const m = FILTER.exec(text);
    if (!m) cur.nodes.push({ type: 'filter', left: parseAction(text), right: list(), operator: 'exists' });
    else cur.nodes.push({ type: 'filter', left: parseAction(m[1] ?? ''), right: parseAction(m[3] ?? ''), operator: m[2] ?? '' });
  }

  private parseQuote(cur: ListNode, end: number): void {
    for (;;) {
      const r = this.next();
      if (r === -1 || r === 0x0a) throw new JsonPathParseError('unterminated quoted string');
      if (r === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    const s = unquoteExtend(value);
    if (s === undefined) throw new JsonPathParseError(`unquote string ${value} error invalid syntax`);
    cur.nodes.push({ type: 'text', text: s });
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    while (this.advance());
    const value = this.consumeText();
    if (value === '*') cur.nodes.push({ type: 'wildcard' });
    else cur.nodes.push({ type: 'field', value: value.replaceAll('\\', '') });
  }

  /** Scans until the next unescaped terminator. */
  private advance(): boolean {
    const r = this.next();
    if (r === 0x5c) this.next();
    else if (isTerminator(r)) {
      this.backup();
      return false;
    }
    return true;
  }
}

function sliceParams(text: string): [ParamsEntry, ParamsEntry, ParamsEntry] {
  const m = SLICE_OPERATOR.exec(text);
  if (!m) throw new JsonPathParseError(`invalid array index ${text}`);
  const params: ParamsEntry[] = [];
  for (let i = 0; i < 3; i++) {
    let v = m[i + 1] ?? '';
    if (v !== '') {
      if (i > 0) v = v.slice(1);
      if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
      else params.push({ value: goAtoi(v, `array index ${v} is not a number`), known: true, derived: false });
    } else if (i === 1) params.push({ value: (params[0] as ParamsEntry).value + 1, known: true, derived: true });
    else params.push({ value: 0, known: false, derived: false });
  }
  return params as [ParamsEntry, ParamsEntry, ParamsEntry];
}

function goAtoi(s: string, message: string): number {
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new JsonPathParseError(message);
  return Number(s);
}

function isDigit(r: number): boolean {
  return r >= 0 && /^\p{Nd}$/u.test(String.fromCodePoint(r));
}

function isAlphaNumeric(r: number): boolean {
  return r === 0x5f || (r >= 0 && /^[\p{L}\p{Nd}]$/u.test(String.fromCodePoint(r)));
}

const TERMINATORS = new Set([-1, 0x2e, 0x2c, 0x5b, 0x5d, 0x24, 0x40, 0x7b, 0x7d, 0x20, 0x09, 0x0d, 0x0a]);

function isTerminator(r: number): boolean {
  return TERMINATORS.has(r);
}
