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
  return encode(v, null, '');
}

/** json.MarshalIndent(v, "", indent); kubectl uses four spaces. */
export function goJsonMarshalIndent(v: unknown, indent = '    '): string {
  return encode(v, indent, '');
}

function encode(v: unknown, indent: string | null, depth: string): string {
  switch (goKind(v)) {
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return formatGoInt(v as number | bigint);
    case 'float':
      return goJsonFloat(toNumber(v));
    case 'string':
      return goJsonString(v as string);
    case 'slice':
      return encodeSlice(v as unknown[], indent, depth);
    default:
      return encodeMap(v as GoMap, indent, depth);
  }
}

function encodeSlice(items: unknown[], indent: string | null, depth: string): string {
  if (items.length === 0) return '[]';
  if (indent === null) return `[${items.map((e) => encode(e, null, '')).join(',')}]`;
  const inner = depth + indent;
  return `[\n${items.map((e) => inner + encode(e, indent, inner)).join(',\n')}\n${depth}]`;
}

function encodeMap(m: GoMap, indent: string | null, depth: string): string {
  // A struct's fields in declaration order (omitempty ones left out by whoever made it); a map's keys sorted.
  const keys = isGoStruct(m) ? Object.keys(m) : sortedKeys(m);
  if (keys.length === 0) return '{}';
  if (indent === null) return `{${keys.map((k) => `${goJsonString(k)}:${encode(m[k], null, '')}`).join(',')}}`;
  const inner = depth + indent;
  const lines = keys.map((k) => `${inner}${goJsonString(k)}: ${encode(m[k], indent, inner)}`);
  return `{\n${lines.join(',\n')}\n${depth}}`;
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
