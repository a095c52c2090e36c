/**
 * A port of Go's text/template/parse/parse.go for the subset kubectl sock
 * executes: text, comments, actions, pipelines with declarations, if/else
 * if/with/range/else/end, break/continue, fields, variables, chains,
 * parenthesized pipelines, strings, decimal numbers, bools, nil and the
 * functions kubectl 1.33 defines (text/template's builtins plus exists and
 * base64decode; no sprig). Parse errors read as Go's ("template: output:1:
 * function "foo" not defined"); constructs outside the subset throw
 * UnsupportedTemplateError instead of running differently.
 */
import { unquoteExtend } from '../jsonpath/unquote.ts';
import { itemString, lex, type Item, type ItemType } from './lex.ts';
import {
  argString, goIntLiteral, SUPPORTED_FUNCS, TemplateParseError, UnsupportedTemplateError,
  type Arg, type Command, type ListNode, type Pipe, type TNode,
} from './parse-nodes.ts';

export { argString, commandString, locate, pipeString, TemplateParseError, UnsupportedTemplateError } from './parse-nodes.ts';
export type { Arg, BranchNode, Command, ListNode, Pipe, TNode } from './parse-nodes.ts';

const UNSUPPORTED_FUNCS = new Set(['call', 'js', 'slice']);

export function parseTemplate(text: string, name = 'output'): ListNode {
  return new Parser(text, name).parse();
}

class Parser {
  private readonly items: Item[];
  private i = 0;
  private readonly name: string;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private lastLine = 1;

  constructor(text: string, name: string) {
    this.items = lex(text);
    this.name = name;
  }

  private errorf(message: string): never {
    throw new TemplateParseError(`template: ${this.name}:${this.lastLine}: ${message}`);
  }

  private next(): Item {
    const item = this.items[this.i] ?? (this.items[this.items.length - 1] as Item);
    if (this.i < this.items.length) this.i++;
    this.lastLine = item.line;
    return item;
  }

  private backup(n = 1): void {
    this.i -= n;
  }

  private peek(): Item {
    return this.items[this.i] ?? (this.items[this.items.length - 1] as Item);
  }

  private nextNonSpace(): Item {
    let item = this.next();
    while (item.typ === 'space') item = this.next();
    return item;
  }

  private peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  private expect(typ: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== typ) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === 'error') this.errorf(token.val);
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  parse(): ListNode {
    const root: ListNode = { t: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'eof') {
      const n = this.textOrAction();
      if (n.t === 'end' || n.t === 'else') this.errorf(`unexpected ${n.t === 'end' ? '{{end}}' : '{{else}}'}`);
      root.nodes.push(n);
    }
    return root;
  }

  private itemList(): [ListNode, TNode] {
    const list: ListNode = { t: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'eof') {
      const n = this.textOrAction();
      if (n.t === 'end' || n.t === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): TNode {
    const token = this.nextNonSpace();
    if (token.typ === 'text') return { t: 'text', pos: token.pos, text: token.val };
    if (token.typ === 'leftDelim') return this.action();
    this.unexpected(token, 'input');
  }

  private action(): TNode {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'block':
      case 'define':
      case 'template': throw new UnsupportedTemplateError(`{{${token.val}}}`);
      case 'break':
      case 'continue': return this.loopControl(token);
      case 'else': return this.elseControl();
      case 'end': return { t: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'with':
      case 'range': return this.control(token.typ);
    }
    this.backup();
    const first = this.peek();
    return { t: 'action', pos: first.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(token: Item): TNode {
    const word = token.typ as 'break' | 'continue';
    const next = this.nextNonSpace();
    if (next.typ !== 'rightDelim') this.unexpected(next, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { t: word, pos: token.pos };
  }

  private elseControl(): TNode {
    const peek = this.peekNonSpace();
    if (peek.typ === 'if' || peek.typ === 'with') return { t: 'else', pos: peek.pos };
    return { t: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private control(kind: 'if' | 'with' | 'range'): TNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.t === 'else') {
      if ((kind === 'if' || kind === 'with') && this.peek().typ === kind) {
        this.next();
        elseList = { t: 'list', pos: next.pos, nodes: [this.control(kind)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.t !== 'end') this.errorf(`expected end; found {{else}}`);
      }
    }
    this.vars = this.vars.slice(0, mark);
    return { t: kind, pos: pipe.pos, pipe, list, ...(elseList ? { elseList } : {}) };
  }

  private pipeline(context: string, end: ItemType): Pipe {
    const pipe: Pipe = { t: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      if (token.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (['bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(token.typ)) {
        this.backup();
        pipe.cmds.push(this.command());
      } else this.unexpected(token, context);
    }
  }

  private declarations(pipe: Pipe, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') return;
      const before = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push(v.val);
        this.vars.push(v.val);
        return;
      }
      if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(v.val);
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = before;
      return;
    }
  }

  private checkPipeline(pipe: Pipe, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = (c.args[0] as Arg).t;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): Command {
    const cmd: Command = { t: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === 'space') continue;
      if (token.typ === 'rightDelim' || token.typ === 'rightParen') this.backup();
      else if (token.typ !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().typ !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1));
    if (node.t === 'field') return { t: 'field', pos, ident: [...node.ident, ...fields] };
    if (node.t === 'variable') return { t: 'variable', pos, ident: [...node.ident, ...fields] };
    if (node.t === 'bool' || node.t === 'string' || node.t === 'number' || node.t === 'nil' || node.t === 'dot') {
      this.errorf(`unexpected . after term ${JSON.stringify(argString(node))}`);
    }
    return { t: 'chain', pos, node, fields };
  }

  private term(): Arg | undefined {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'identifier':
        if (UNSUPPORTED_FUNCS.has(token.val)) throw new UnsupportedTemplateError(token.val);
        if (!SUPPORTED_FUNCS.has(token.val)) this.errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { t: 'identifier', pos: token.pos, name: token.val };
      case 'dot': return { t: 'dot', pos: token.pos };
      case 'nil': return { t: 'nil', pos: token.pos };
      case 'variable': return this.useVar(token);
      case 'field': return { t: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case 'bool': return { t: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant':
      case 'complex': throw new UnsupportedTemplateError(token.val);
      case 'number': return this.number(token);
      case 'leftParen': return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': return { t: 'string', pos: token.pos, quoted: token.val, text: this.unquote(token) };
    }
    this.backup();
    return undefined;
  }

  private useVar(token: Item): Arg {
    const ident = token.val.split('.');
    if (!this.vars.includes(ident[0] as string)) this.errorf(`undefined variable ${JSON.stringify(ident[0])}`);
    return { t: 'variable', pos: token.pos, ident };
  }

  /** Integers (decimal, 0x, 0o, 0b, leading-0 octal) and decimal floats; 1_000, 'a', 1i, 0x1p-2 are refused. */
  private number(token: Item): Arg {
    const text = token.val;
    const int = goIntLiteral(text);
    if (int !== undefined) return { t: 'number', pos: token.pos, text, isInt: true, value: int };
    if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?0\d/.test(text) && Number.isFinite(Number(text))) {
      return { t: 'number', pos: token.pos, text, isInt: false, value: Number(text) };
    }
    throw new UnsupportedTemplateError(text);
  }

  /** strconv.Unquote of a string literal. */
  private unquote(token: Item): string {
    if (token.typ === 'rawString') return token.val.slice(1, -1).replaceAll('\r', '');
    const s = unquoteExtend(token.val);
    if (s === undefined) this.errorf('invalid syntax');
    return s;
  }
}
