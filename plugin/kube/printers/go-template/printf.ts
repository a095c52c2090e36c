/**
 * Go's fmt.Sprintf / Sprint / Sprintln for the values a kubectl template
 * sees (unstructured values and template constants). Verbs %v %s %d %q %f
 * %F %e %g %x %X %t %c and %%, flags - + 0 space, width and precision; a
 * wrong-type operand prints as Go does (%!d(string=x)). Anything else
 * (%#x, %*d, %[1]d, %p, %U, ...) is refused, never approximated.
 */
import { formatGoFloat, formatGoInt, goKind, goQuote, goSharpV, goSprint, goTypeName, sortedKeys, toBigInt, toNumber, type GoMap } from '../go-value.ts';
import { UnsupportedTemplateError } from './parse.ts';

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function goSprintArgs(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += goSprint(a);
  });
  return out;
}

/** fmt.Sprintln: always spaces, and a newline. */
export function goSprintlnArgs(args: unknown[]): string {
  return `${args.map(goSprint).join(' ')}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  zero: boolean;
  space: boolean;
  sharp: boolean;
  width?: number;
  prec?: number;
  verb: string;
}

const SPEC = /^%([-+ 0#]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/;

export function goSprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length;) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    const m = SPEC.exec(format.slice(pct));
    if (!m) {
      if (pct === format.length - 1) return `${out}%!(NOVERB)`;
      throw new UnsupportedTemplateError(`printf ${format.slice(pct, pct + 3)}`);
    }
    const flags = m[1] ?? '';
    const spec: Spec = {
      minus: flags.includes('-'), plus: flags.includes('+'), zero: flags.includes('0'), space: flags.includes(' '),
      sharp: flags.includes('#'), verb: m[4] as string,
      ...(m[2] !== undefined ? { width: Number(m[2]) } : {}),
      ...(m[3] !== undefined ? { prec: m[3] === '' ? 0 : Number(m[3]) } : {}),
    };
    i = pct + m[0].length;
    if (spec.verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${spec.verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], spec);
  }
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${badType(a)}=${goSprint(a)}`).join(', ')})`;
  return out;
}

function badType(a: unknown): string {
  return goKind(a) === 'nil' ? '<nil>' : goTypeName(a);
}

function bad(a: unknown, verb: string): string {
  return goKind(a) === 'nil' ? `%!${verb}(<nil>)` : `%!${verb}(${goTypeName(a)}=${goSprint(a)})`;
}

function formatArg(a: unknown, spec: Spec): string {
  if (spec.sharp && spec.verb !== 'v') throw new UnsupportedTemplateError(`printf %#${spec.verb}`);
  const kind = goKind(a);
  if (kind === 'slice' || kind === 'map') {
    if (spec.verb === 'v' && spec.sharp) return padTo(goSharpV(a), spec);
    if ('vsdqxXfFegt'.includes(spec.verb)) return padTo(container(a, spec), spec);
  }
  switch (spec.verb) {
    case 'v':
      if (spec.sharp) return padTo(goSharpV(a), spec);
      if (kind === 'int' || kind === 'float') return number(a, { ...spec, verb: kind === 'int' ? 'd' : 'g' });
      return padTo(kind === 'nil' ? '<nil>' : goSprint(a), spec);
    case 's':
      return kind === 'string' ? padTo(truncate(a as string, spec.prec), spec) : bad(a, 's');
    case 'q':
      return kind === 'string' ? padTo(goQuote(a as string), spec) : kind === 'nil' || kind === 'bool' || kind === 'float' ? bad(a, 'q') : unsupported(spec);
    case 't':
      return kind === 'bool' ? padTo(String(a), spec) : bad(a, 't');
    case 'c':
      return kind === 'int' ? padTo(String.fromCodePoint(toNumber(a)), spec) : bad(a, 'c');
    case 'd':
    case 'f':
    case 'F':
    case 'e':
    case 'g':
      return number(a, spec);
    case 'x':
    case 'X':
      if (kind === 'string') return padTo(hexString(a as string, spec.verb), spec);
      return kind === 'int' ? number(a, spec) : kind === 'float' ? unsupported(spec) : bad(a, spec.verb);
    default:
      return unsupported(spec);
  }
}

function unsupported(spec: Spec): never {
  throw new UnsupportedTemplateError(`printf %${spec.verb} with this operand`);
}

/** Maps and slices apply the verb to each element, as fmt's printValue does. */
function container(a: unknown, spec: Spec): string {
  const { width: _width, ...rest } = spec;
  const inner: Spec = { ...rest, minus: false };
  if (goKind(a) === 'slice') return `[${(a as unknown[]).map((e) => formatArg(e, inner)).join(' ')}]`;
  const m = a as GoMap;
  const keys = sortedKeys(m);
  return `map[${keys.map((k) => `${formatArg(k, inner)}:${formatArg(m[k] ?? null, inner)}`).join(' ')}]`;
}

function number(a: unknown, spec: Spec): string {
  const kind = goKind(a);
  const v = spec.verb;
  if (kind === 'int') {
    if (v === 'd') {
      if (spec.prec !== undefined) throw new UnsupportedTemplateError('printf %.Nd');
      return signed(formatGoInt(a as number | bigint), spec);
    }
    if (v === 'x' || v === 'X') {
      const hex = toBigInt(a).toString(16);
      return signed(v === 'X' ? hex.toUpperCase() : hex, spec);
    }
    return bad(a, v);
  }
  if (kind === 'float') {
    if (v === 'd') return bad(a, v);
    return signed(floatText(toNumber(a), v, spec.prec), spec);
  }
  return bad(a, v);
}

function floatText(f: number, verb: string, prec: number | undefined): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  if (verb === 'f' || verb === 'F') return f.toFixed(prec ?? 6);
  if (verb === 'e') return goExp(f.toExponential(prec ?? 6));
  if (prec === undefined) return formatGoFloat(f);
  throw new UnsupportedTemplateError('printf %.Ng');
}

/** JS writes e+6; Go writes e+06. */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Applies + and space flags, then width with zero or space padding after the sign. */
function signed(digits: string, spec: Spec): string {
  let sign = '';
  let body = digits;
  if (body.startsWith('-')) {
    sign = '-';
    body = body.slice(1);
  } else if (spec.plus) sign = '+';
  else if (spec.space) sign = ' ';
  const width = spec.width ?? 0;
  if (spec.zero && !spec.minus && width > sign.length + body.length && /^[0-9a-fA-F.e+-]+$/.test(body)) {
    return sign + body.padStart(width - sign.length, '0');
  }
  return padTo(sign + body, spec);
}

function padTo(s: string, spec: Spec): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = (spec.zero && !spec.minus ? '0' : ' ').repeat(width - len);
  return spec.minus ? s + ' '.repeat(width - len) : fill + s;
}

function truncate(s: string, prec: number | undefined): string {
  return prec === undefined ? s : [...s].slice(0, prec).join('');
}

function hexString(s: string, verb: string): string {
  const hex = Buffer.from(s, 'utf8').toString('hex');
  return verb === 'X' ? hex.toUpperCase() : hex;
}
