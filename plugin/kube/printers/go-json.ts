/**
 * Go's encoding/json as kubectl uses it on unstructured objects: map keys
 * sorted by bytes, HTML-safe escaping (<, >, & as \u003c, \u003e, \u0026),
 * U+2028/U+2029 escaped, \b and \f short escapes (Go 1.22+), int64 in
 * decimal, float64 in the shortest form ('e' below 1e-6 and from 1e21).
 */
import { formatGoInt, goKind, sortedKeys, toNumber, type GoMap } from './go-value.ts';
import { isGoStruct } from './go-struct.ts';

/** json.Marshal: compact. */
export function goJsonMarshal(v: unknown): string {
  return collect((emit) => writeGoJson(v, emit, null));
}

/** json.MarshalIndent(v, "", indent); kubectl uses four spaces. */
export function goJsonMarshalIndent(v: unknown, indent = '    '): string {
  return collect((emit) => writeGoJson(v, emit, indent));
}

function collect(write: (emit: (text: string) => void) => void): string {
  const parts: string[] = [];
  write((text) => parts.push(text));
  return parts.join('');
}

/** Output is handed on in pieces of about this many characters. */
const CHUNK = 64 * 1024;

interface Frame {
  items?: unknown[];
  map?: GoMap;
  keys?: string[];
  next: number;
  length: number;
}

/**
 * Writes v as json.Marshal (indent null) or json.MarshalIndent(v, "", indent)
 * would, `level` indents in (an item inside a List being written around it).
 * The walk keeps its own stack and hands the text on in pieces: an object
 * nested 10,000 deep (as deep as Go's decoder reads) needs neither 10,000
 * JavaScript frames nor its 400 MB of indentation in one string.
 */
export function writeGoJson(v: unknown, emit: (text: string) => void, indent: string | null, level = 0): void {
  let out = '';
  const put = (text: string): void => {
    out += text;
    if (out.length >= CHUNK) {
      emit(out);
      out = '';
    }
  };
  const indentOf = indent === null ? () => '' : indentation(indent);
  const stack: Frame[] = [];
  let depth = level;
  /** Writes a scalar or an empty collection, or opens a collection (its frame then leads the walk). */
  const value = (x: unknown): void => {
    const kind = goKind(x);
    if (kind === 'slice') {
      const items = x as unknown[];
      if (items.length === 0) return put('[]');
      put('[');
      stack.push({ items, next: 0, length: items.length });
      depth++;
    } else if (kind === 'map') {
      // A struct's fields in declaration order (omitempty ones left out by whoever made it); a map's keys sorted.
      const keys = isGoStruct(x as GoMap) ? Object.keys(x as GoMap) : sortedKeys(x as GoMap);
      if (keys.length === 0) return put('{}');
      put('{');
      stack.push({ map: x as GoMap, keys, next: 0, length: keys.length });
      depth++;
    } else put(scalar(x, kind));
  };
  value(v);
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame;
    if (f.next === f.length) {
      stack.pop();
      depth--;
      put(indent === null ? (f.map ? '}' : ']') : `\n${indentOf(depth)}${f.map ? '}' : ']'}`);
      continue;
    }
    const i = f.next++;
    const sep = i === 0 ? '' : ',';
    put(indent === null ? sep : `${sep}\n${indentOf(depth)}`);
    if (f.map) {
      const k = (f.keys as string[])[i] as string;
      put(`${goJsonString(k)}${indent === null ? ':' : ': '}`);
      value(f.map[k]);
    } else value((f.items as unknown[])[i]);
  }
  if (out.length > 0) emit(out);
}

function scalar(v: unknown, kind: string): string {
  switch (kind) {
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return formatGoInt(v as number | bigint);
    case 'float':
      return goJsonFloat(toNumber(v));
    default:
      return goJsonString(v as string);
  }
}

/** The prefix of a line `n` indents in, sliced from one long run (deep lines share it instead of each repeating it). */
function indentation(indent: string): (n: number) => string {
  if (indent === '') return () => '';
  let run = indent.repeat(64);
  return (n) => {
    const length = n * indent.length;
    if (length > run.length) run = indent.repeat(Math.max(n, 2 * run.length / indent.length));
    return run.slice(0, length);
  };
}

/**
 * A float64 as encoding/json writes it. JS's shortest form uses the same
 * thresholds (exponent below 1e-6 and from 1e21) and Go trims "e-07" to
 * "e-7", as JS writes it; only NaN/Inf (unencodable in Go) differ.
 */
export function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${f}`);
  return Object.is(f, -0) ? '-0' : String(f);
}

const HEX = '0123456789abcdef';

// Characters encoding/json escapes (with HTML escaping), and surrogates that may be lone.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/** A string as encoding/json writes it with HTML escaping on. */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const esc = escapeFor(c, s, i);
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

function escapeFor(c: number, s: string, i: number): string | undefined {
  if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c < 0x2028) {
    return c >= 0xd800 && c <= 0xdfff ? surrogateEscape(c, s, i) : undefined;
  }
  switch (c) {
    case 0x22: return '\\"';
    case 0x5c: return '\\\\';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x2028: return '\\u2028';
    case 0x2029: return '\\u2029';
    default:
      if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) return `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      return c >= 0xd800 && c <= 0xdfff ? surrogateEscape(c, s, i) : undefined;
  }
}

/** A paired surrogate passes as is; a lone one was U+FFFD by the time Go saw it. */
function surrogateEscape(c: number, s: string, i: number): string | undefined {
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return undefined;
    return '\uFFFD';
  }
  const prev = s.charCodeAt(i - 1);
  if (prev >= 0xd800 && prev <= 0xdbff) return undefined;
  return '\uFFFD';
}
