/**
 * The parse tree of text/template/parse/node.go for the supported subset,
 * with Node.String() (error contexts) and ErrorContext's location.
 */
import { byteOffset } from './lex.ts';

/** A template that does not parse, in Go's words. */
export class TemplateParseError extends Error {}

/** A construct kubectl would run but kubectl sock does not; never silently run differently. */
export class UnsupportedTemplateError extends Error {
  constructor(construct: string) {
    super(`kubectl sock: go-template construct "${construct}" is not supported`);
  }
}

/** Functions kubectl's template has: text/template's builtins, plus exists and base64decode. */
export const SUPPORTED_FUNCS = new Set(['and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'exists', 'base64decode', 'html', 'urlquery']);

export type Arg =
  | { t: 'field'; pos: number; ident: string[] }
  | { t: 'variable'; pos: number; ident: string[] }
  | { t: 'identifier'; pos: number; name: string }
  | { t: 'dot'; pos: number }
  | { t: 'nil'; pos: number }
  | { t: 'bool'; pos: number; value: boolean }
  | { t: 'number'; pos: number; text: string; isInt: boolean; value: number }
  | { t: 'string'; pos: number; quoted: string; text: string }
  | { t: 'chain'; pos: number; node: Arg; fields: string[] }
  | Pipe;

export interface Command { t: 'command'; pos: number; args: Arg[] }
export interface Pipe { t: 'pipe'; pos: number; isAssign: boolean; decl: string[]; cmds: Command[] }
export interface ListNode { t: 'list'; pos: number; nodes: TNode[] }

export interface BranchNode { t: 'if' | 'with' | 'range'; pos: number; pipe: Pipe; list: ListNode; elseList?: ListNode }

export type TNode =
  | ListNode
  | { t: 'text'; pos: number; text: string }
  | { t: 'action'; pos: number; pipe: Pipe }
  | BranchNode
  | { t: 'break' | 'continue'; pos: number }
  | { t: 'end' | 'else'; pos: number };

/** strconv.ParseInt(text, 0, 64) for the literal forms allowed (no underscores). */
export function goIntLiteral(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2] as string;
  const value = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : Number(body.replace(/^0[oO]/, '0o'));
  const signed = m[1] === '-' ? -value : value;
  return Number.isSafeInteger(signed) ? signed : undefined;
}

/** ErrorContext's "name:line:col" for a byte offset. */
export function locate(text: string, name: string, pos: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const before = bytes.subarray(0, pos).toString('utf8');
  const nl = before.lastIndexOf('\n');
  const line = 1 + before.split('\n').length - 1;
  const col = nl < 0 ? pos : pos - byteOffset(before, nl + 1);
  return `${name}:${line}:${col}`;
}

/** Node.String() of an argument. */
export function argString(a: Arg): string {
  switch (a.t) {
    case 'field': return a.ident.map((i) => `.${i}`).join('');
    case 'variable': return a.ident.join('.');
    case 'identifier': return a.name;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return a.value ? 'true' : 'false';
    case 'number': return a.text;
    case 'string': return a.quoted;
    case 'chain': return `${a.node.t === 'pipe' ? `(${pipeString(a.node)})` : argString(a.node)}${a.fields.map((f) => `.${f}`).join('')}`;
    case 'pipe': return pipeString(a);
  }
}

export function pipeString(p: Pipe): string {
  const decl = p.decl.length > 0 ? `${p.decl.join(', ')}${p.isAssign ? ' = ' : ' := '}` : '';
  return decl + p.cmds.map(commandString).join(' | ');
}

export function commandString(c: Command): string {
  return c.args.map((a) => (a.t === 'pipe' ? `(${pipeString(a)})` : argString(a))).join(' ');
}
