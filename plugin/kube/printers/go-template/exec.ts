/**
 * A port of Go's text/template/exec.go (Go 1.24, which kubectl 1.33 is
 * built with) for the parsed subset, over unstructured values. A runtime
 * value remembers whether it came out of a map or slice (Go's interface{}
 * typed reflect.Value), which decides "<no value>" and the type names in
 * errors ("can't evaluate field x in type interface {}").
 */
import { goKind, goSprint, toNumber, type GoMap } from '../go-value.ts';
import { callBuiltin } from './funcs.ts';
import { concrete, constant, dig, inIface, INVALID, MISSING, truth, typeName, type RV } from './values.ts';
import { argString, commandString, locate, pipeString, type Arg, type BranchNode, type Command, type ListNode, type Pipe, type TNode } from './parse.ts';

/** An execution failure, already in Go's words with location and context. */
export class TemplateExecError extends Error {}

class BreakSignal {}
class ContinueSignal {}

interface Located {
  pos: number;
  str(): string;
}

export class Exec {
  private readonly text: string;
  private readonly missingKeyError: boolean;
  private vars: Array<{ name: string; value: RV }> = [];
  private node: Located | undefined;
  out = '';

  constructor(text: string, missingKeyError: boolean) {
    this.text = text;
    this.missingKeyError = missingKeyError;
  }

  execute(root: ListNode, data: unknown): void {
    const dot = concrete(data);
    this.vars = [{ name: '$', value: dot }];
    this.walk(dot, root);
  }

  errorf(message: string): never {
    if (!this.node) throw new TemplateExecError(`template: output: ${message}`);
    const location = locate(this.text, 'output', this.node.pos);
    throw new TemplateExecError(`template: ${location}: executing "output" at <${this.node.str()}>: ${message}`);
  }

  at(pos: number, str: () => string): void {
    this.node = { pos, str };
  }

  private walk(dot: RV, node: TNode): void {
    switch (node.t) {
      case 'list': for (const n of node.nodes) this.walk(dot, n); return;
      case 'text': this.out += node.text; return;
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node.pos, () => `{{${pipeString(node.pipe)}}}`);
          this.out += val.valid ? goSprint(val.v) : '<no value>';
        }
        return;
      }
      case 'if':
      case 'with': return this.walkIfOrWith(dot, node);
      case 'range': return this.walkRange(dot, node);
      case 'break': throw new BreakSignal();
      case 'continue': throw new ContinueSignal();
      default: this.errorf(`unknown node: ${node.t}`);
    }
  }

  private walkIfOrWith(dot: RV, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (truth(val)) this.walk(node.t === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: RV, node: BranchNode): void {
    this.at(node.pos, () => pipeString(node.pipe));
    const outer = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.vars.length;
      const ran = this.rangeOver(val, node, mark);
      if (!ran && node.elseList) this.walk(dot, node.elseList);
    } catch (err) {
      if (!(err instanceof BreakSignal)) throw err;
    } finally {
      this.vars.length = outer;
    }
  }

  /** Runs the body per element; false when there was nothing to iterate (the else branch runs). */
  private rangeOver(val: RV, node: BranchNode, mark: number): boolean {
    const kind = val.valid ? goKind(val.v) : 'nil';
    if (kind === 'slice') {
      const items = val.valid ? (val.v as unknown[]) : [];
      items.forEach((e, i) => this.iteration(node, mark, concrete(i), inIface(e)));
      return items.length > 0;
    }
    if (kind === 'map') {
      const m = (val as { v: GoMap }).v;
      const keys = Object.keys(m).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
      for (const k of keys) this.iteration(node, mark, concrete(k), inIface(m[k]));
      return keys.length > 0;
    }
    if (kind === 'int') {
      if (node.pipe.decl.length > 1) this.errorf(`can't use ${goSprint((val as { v: unknown }).v)} to iterate over more than one variable`);
      const n = toNumber((val as { v: unknown }).v);
      for (let i = 0; i < n; i++) this.iteration(node, mark, INVALID, concrete(i));
      return n > 0;
    }
    if (!val.valid) return false;
    this.errorf(`range can't iterate over ${goSprint(val.v)}`);
  }

  private iteration(node: BranchNode, mark: number, index: RV, elem: RV): void {
    const decl = node.pipe.decl;
    if (decl.length > 0) {
      if (node.pipe.isAssign) this.setVar(decl[0] as string, decl.length > 1 ? index : elem);
      else this.setTopVar(1, elem);
    }
    if (decl.length > 1) {
      if (node.pipe.isAssign) this.setVar(decl[1] as string, elem);
      else this.setTopVar(2, index);
    }
    try {
      this.walk(elem, node.list);
    } catch (err) {
      if (!(err instanceof ContinueSignal)) throw err;
    } finally {
      this.vars.length = mark;
    }
  }

  private setTopVar(n: number, value: RV): void {
    (this.vars[this.vars.length - n] as { value: RV }).value = value;
  }

  private setVar(name: string, value: RV): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as { name: string; value: RV };
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): RV {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]?.name === name) return (this.vars[i] as { value: RV }).value;
    this.errorf(`undefined variable: ${name}`);
  }

  evalPipeline(dot: RV, pipe: Pipe): RV {
    this.at(pipe.pos, () => pipeString(pipe));
    let value: RV = MISSING;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = dig(this.evalCommand(dot, cmd, first ? MISSING : value));
      first = false;
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private evalCommand(dot: RV, cmd: Command, final: RV): RV {
    const firstWord = cmd.args[0] as Arg;
    switch (firstWord.t) {
      case 'field': return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case 'chain': return this.evalChain(dot, firstWord, cmd.args, final);
      case 'identifier':
        this.at(firstWord.pos, () => firstWord.name);
        return callBuiltin(this, dot, firstWord.name, cmd, cmd.args.slice(1), final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case 'variable': return this.evalVariable(dot, firstWord, cmd.args, final);
    }
    this.at(firstWord.pos, () => argString(firstWord));
    this.notAFunction(cmd.args, final);
    switch (firstWord.t) {
      case 'bool': return concrete(firstWord.value);
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return concrete(constant(firstWord));
      default: return concrete(firstWord.text);
    }
  }

  private notAFunction(args: Arg[], final: RV): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${argString(args[0] as Arg)}`);
  }

  /** evalArg for an interface{} or reflect.Value parameter: the argument's value, unconverted. */
  evalArg(dot: RV, n: Arg): RV {
    this.at(n.pos, () => argString(n));
    switch (n.t) {
      case 'dot': return dot;
      case 'nil': return INVALID;
      case 'field': return this.evalFieldNode(dot, n, [n], MISSING);
      case 'variable': return this.evalVariable(dot, n, [], MISSING);
      case 'pipe': return this.evalPipeline(dot, n);
      case 'identifier': return callBuiltin(this, dot, n.name, { t: 'command', pos: n.pos, args: [n] }, [], MISSING);
      case 'chain': return this.evalChain(dot, n, [], MISSING);
      case 'bool': return concrete(n.value);
      case 'number': return concrete(constant(n));
      case 'string': return concrete(n.text);
    }
  }

  private evalFieldNode(dot: RV, field: Extract<Arg, { t: 'field' }>, args: Arg[], final: RV): RV {
    this.at(field.pos, () => argString(field));
    return this.evalFieldChain(dot, field.ident, args, final);
  }

  private evalChain(dot: RV, chain: Extract<Arg, { t: 'chain' }>, args: Arg[], final: RV): RV {
    this.at(chain.pos, () => argString(chain));
    if (chain.node.t === 'nil') this.errorf(`indirection through explicit nil in ${argString(chain)}`);
    const pipe = this.evalArg(dot, chain.node);
    this.at(chain.pos, () => argString(chain));
    return this.evalFieldChain(pipe, chain.fields, args, final);
  }

  private evalVariable(_dot: RV, v: Extract<Arg, { t: 'variable' }>, args: Arg[], final: RV): RV {
    this.at(v.pos, () => argString(v));
    const value = this.varValue(v.ident[0] as string);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(value, v.ident.slice(1), args, final);
  }

  private evalFieldChain(receiver: RV, ident: string[], args: Arg[], final: RV): RV {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(ident[i] as string, [], MISSING, r);
    return this.evalField(ident[ident.length - 1] as string, args, final, r);
  }

  private evalField(name: string, args: Arg[], final: RV, receiver: RV): RV {
    if (!receiver.valid) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return INVALID;
    }
    const typ = typeName(receiver);
    if (receiver.v === null) this.errorf(`nil pointer evaluating ${typ}.${name}`);
    if (goKind(receiver.v) === 'map') {
      if (args.length > 1 || final !== MISSING) this.errorf(`${name} is not a method but has arguments`);
      const m = receiver.v as GoMap;
      if (Object.hasOwn(m, name)) return inIface(m[name]);
      if (this.missingKeyError) this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return INVALID;
    }
    this.errorf(`can't evaluate field ${name} in type ${typ}`);
  }

  /** The command node as error context, as evalCall reports function errors. */
  atCommand(cmd: Command): void {
    this.at(cmd.pos, () => commandString(cmd));
  }
}
