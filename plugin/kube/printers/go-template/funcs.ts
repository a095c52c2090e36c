/**
 * The functions kubectl 1.33's go-template printer defines: text/template's
 * builtins (Go 1.24 funcs.go) and cli-runtime's exists and base64decode, with
 * evalCall's argument checks and Go's error texts.
 */
import { goKind, toBigInt, toNumber, type GoMap } from '../go-value.ts';
import type { Exec } from './exec.ts';
import { concrete, dig, INVALID, MISSING, truth, typeName, type RV } from './values.ts';
import type { Arg, Command } from './parse.ts';
import { UnsupportedTemplateError } from './parse.ts';
import { goSprintArgs, goSprintf, goSprintlnArgs } from './printf.ts';

/** [fixed parameter count, variadic]. */
const SIGNATURES: Record<string, [number, boolean]> = {
  and: [1, true], or: [1, true], not: [1, false], len: [1, false], index: [1, true],
  print: [0, true], printf: [1, true], println: [0, true],
  eq: [1, true], ne: [2, false], lt: [2, false], le: [2, false], gt: [2, false], ge: [2, false],
  exists: [1, true], base64decode: [1, false], html: [0, true], urlquery: [0, true],
};

class CallError extends Error {}

export function callBuiltin(s: Exec, dot: RV, name: string, cmd: Command, args: Arg[], final: RV): RV {
  const [fixed, variadic] = SIGNATURES[name] as [number, boolean];
  const numIn = args.length + (final !== MISSING ? 1 : 0);
  if (variadic && numIn < fixed) s.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${args.length}`);
  if (!variadic && numIn !== fixed) s.errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
  if (name === 'and' || name === 'or') return andOr(s, dot, name, args, final);
  const argv = args.map((a, i) => {
    const rv = s.evalArg(dot, a);
    if (i === 0 && STRING_FIRST.has(name)) checkString(s, a, rv);
    return rv;
  });
  if (final !== MISSING) {
    if (argv.length === 0 && STRING_FIRST.has(name)) checkString(s, undefined, final);
    argv.push(final);
  }
  try {
    return run(name, argv);
  } catch (err) {
    if (!(err instanceof CallError)) throw err;
    s.atCommand(cmd);
    return s.errorf(`error calling ${name}: ${err.message}`);
  }
}

/** Functions whose first parameter is a Go string: evalArg/validateType check it before the call. */
const STRING_FIRST = new Set(['printf', 'base64decode']);

function checkString(s: Exec, node: Arg | undefined, rv: RV): void {
  if (node && node.t !== 'string' && (node.t === 'number' || node.t === 'bool' || node.t === 'nil' || node.t === 'dot')) {
    if (node.t !== 'dot') s.errorf(`expected string; found ${node.t === 'number' ? node.text : node.t === 'bool' ? String(node.value) : 'nil'}`);
  }
  if (!rv.valid) s.errorf('invalid value; expected string');
  if (typeof rv.v !== 'string') s.errorf(`wrong type for value; expected string; got ${rv.v === null ? 'interface {}' : typeName({ valid: true, v: rv.v, iface: false })}`);
}
function andOr(s: Exec, dot: RV, name: string, args: Arg[], final: RV): RV {
  let v: RV = INVALID;
  for (const a of args) {
    v = dig(s.evalArg(dot, a));
    if (truth(v) === (name === 'or')) return v;
  }
  return final !== MISSING ? final : v;
}

function run(name: string, argv: RV[]): RV {
  const [a, b] = argv as [RV, RV];
  switch (name) {
    case 'not': return concrete(!truth(a));
    case 'len': return concrete(length(a));
    case 'index': return index(a, argv.slice(1));
    case 'print': return concrete(goSprintArgs(argv.map(plain)));
    case 'println': return concrete(goSprintlnArgs(argv.map(plain)));
    case 'printf': return concrete(goSprintf(stringArg(a), argv.slice(1).map(plain)));
    case 'eq': return concrete(eq(a, argv.slice(1)));
    case 'ne': return concrete(!eq(a, [b]));
    case 'lt': return concrete(lt(a, b));
    case 'le': return concrete(lt(a, b) || eq(a, [b]));
    case 'gt': return concrete(!(lt(a, b) || eq(a, [b])));
    case 'ge': return concrete(!lt(a, b));
    case 'exists': return concrete(exists(plain(a), argv.slice(1).map(plain)));
    case 'base64decode': return concrete(base64decode(stringArg(a)));
    case 'html': return concrete(htmlEscape(evalArgs(argv)));
    case 'urlquery': return concrete(queryEscape(evalArgs(argv)));
    default: throw new UnsupportedTemplateError(name);
  }
}

/** An interface{} argument as the function sees it (a missing value is nil). */
function plain(rv: RV): unknown {
  return rv.valid ? rv.v : null;
}

function stringArg(rv: RV): string {
  return (rv as { v: string }).v;
}

function length(rv: RV): number {
  if (!rv.valid) throw new CallError('reflect: call of reflect.Value.Type on zero Value');
  if (rv.v === null) throw new CallError('len of nil pointer');
  switch (goKind(rv.v)) {
    case 'string': return Buffer.byteLength(rv.v as string, 'utf8');
    case 'slice': return (rv.v as unknown[]).length;
    case 'map': return Object.keys(rv.v as GoMap).length;
    default: throw new CallError(`len of type ${typeName({ valid: true, v: rv.v, iface: false })}`);
  }
}

function index(item: RV, indexes: RV[]): RV {
  let cur = dig(item);
  if (!cur.valid) throw new CallError('index of untyped nil');
  for (const raw of indexes) {
    const ix = dig(raw);
    if (cur.valid && cur.v === null) throw new CallError('index of nil pointer');
    const v = (cur as { v: unknown }).v;
    const kind = goKind(v);
    if (kind === 'slice' || kind === 'string') cur = indexSlice(v, ix);
    else if (kind === 'map') {
      if (!ix.valid) throw new CallError('value is nil; should be of type string');
      if (typeof ix.v !== 'string') throw new CallError(`value has type ${typeName(ix)}; should be string`);
      const m = v as GoMap;
      cur = { valid: true, v: Object.hasOwn(m, ix.v) ? (m[ix.v] ?? null) : null, iface: true };
    } else throw new CallError(`can't index item of type ${typeName(cur)}`);
  }
  return cur;
}

function indexSlice(v: unknown, ix: RV): RV {
  if (!ix.valid) throw new CallError('cannot index slice/array with nil');
  if (goKind(ix.v) !== 'int') throw new CallError(`cannot index slice/array with type ${typeName(ix)}`);
  const x = toNumber(ix.v);
  const items = typeof v === 'string' ? [...Buffer.from(v, 'utf8')] : (v as unknown[]);
  if (x < 0 || x > items.length) throw new CallError(`index out of range: ${x}`);
  if (x === items.length) throw new CallError(typeof v === 'string' ? 'reflect: string index out of range' : 'reflect: slice index out of range');
  return typeof v === 'string' ? concrete(items[x]) : { valid: true, v: items[x] ?? null, iface: true };
}

type Basic = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basic(rv: RV): Basic {
  if (!rv.valid) return 'invalid';
  const k = goKind(rv.v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

function eq(a: RV, others: RV[]): boolean {
  const x = dig(a);
  if (others.length === 0) throw new CallError('missing argument for comparison');
  const k1 = basic(x);
  for (const raw of others) {
    const y = dig(raw);
    const k2 = basic(y);
    if (k1 !== k2) {
      if (x.valid && y.valid) throw new CallError('incompatible types for comparison');
      continue;
    }
    if (k1 === 'invalid') throw new UnsupportedTemplateError('eq on maps, slices or nil');
    if (sameValue(k1, (x as { v: unknown }).v, (y as { v: unknown }).v)) return true;
  }
  return false;
}

function sameValue(k: Basic, a: unknown, b: unknown): boolean {
  if (k === 'int') return toBigInt(a) === toBigInt(b);
  if (k === 'float') return toNumber(a) === toNumber(b);
  return a === b;
}

function lt(a: RV, b: RV): boolean {
  const x = dig(a);
  const y = dig(b);
  const k1 = basic(x);
  if (k1 === 'invalid') throw new CallError('invalid type for comparison');
  const k2 = basic(y);
  if (k2 === 'invalid') throw new CallError('invalid type for comparison');
  if (k1 !== k2) throw new CallError('incompatible types for comparison');
  const u = (x as { v: unknown }).v;
  const v = (y as { v: unknown }).v;
  switch (k1) {
    case 'bool': throw new CallError('invalid type for comparison');
    case 'int': return toBigInt(u) < toBigInt(v);
    case 'float': return toNumber(u) < toNumber(v);
    default: return Buffer.compare(Buffer.from(u as string), Buffer.from(v as string)) < 0;
  }
}

/** text/template's evalArgs: a lone string as is, else fmt.Sprint with missing values as "<no value>". */
function evalArgs(argv: RV[]): string {
  if (argv.length === 1 && (argv[0] as RV).valid && typeof (argv[0] as { v: unknown }).v === 'string') return (argv[0] as { v: string }).v;
  return goSprintArgs(argv.map((rv) => (rv.valid && rv.v !== null ? rv.v : '<no value>')));
}

/** template.HTMLEscapeString. */
function htmlEscape(s: string): string {
  const map: Record<string, string> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };
  return s.replace(/[\0"'&<>]/g, (c) => map[c] as string);
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** cli-runtime's exists: whether index(item, indices...) would succeed. */
function exists(item: unknown, indices: unknown[]): boolean {
  let v = item;
  for (const i of indices) {
    if (v === null || v === undefined) return false;
    const kind = goKind(v);
    if (kind === 'slice' || kind === 'string') {
      if (goKind(i) !== 'int') return false;
      const x = toNumber(i);
      const len = kind === 'string' ? Buffer.byteLength(v as string) : (v as unknown[]).length;
      if (x < 0 || x >= len) return false;
      v = kind === 'string' ? Buffer.from(v as string)[x] : (v as unknown[])[x];
    } else if (kind === 'map') {
      if (typeof i !== 'string') return false;
      v = Object.hasOwn(v as GoMap, i) ? (v as GoMap)[i] : null;
    } else return false;
  }
  return v !== null && v !== undefined;
}

/** base64.StdEncoding.DecodeString (which skips \r and \n), wrapped as cli-runtime wraps it. */
function base64decode(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const bad = corruptAt(src);
  if (bad >= 0) throw new CallError(`base64 decode failed: illegal base64 data at input byte ${bad}`);
  return Buffer.from(src.toString('latin1').replace(/[\r\n]/g, ''), 'base64').toString('utf8');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function isNewline(c: number | undefined): boolean {
  return c === 0x0a || c === 0x0d;
}

/** Go's decodeQuantum loop: the offset of the first CorruptInputError, or -1. */
function corruptAt(src: Buffer): number {
  let si = 0;
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return -1;
        return si - j;
      }
      const c = src[si++] as number;
      if (ALPHABET.includes(String.fromCharCode(c)) && c < 0x80) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) return si - 1;
      return paddingError(src, si, j);
    }
  }
}

function paddingError(src: Buffer, start: number, j: number): number {
  let si = start;
  if (j === 2) {
    while (si < src.length && isNewline(src[si])) si++;
    if (si === src.length) return src.length;
    if (src[si] !== 0x3d) return si - 1;
    si++;
  }
  while (si < src.length && isNewline(src[si])) si++;
  return si < src.length ? si : -1;
}
