/**
 * The Go view of a decoded Kubernetes object. kubectl decodes server JSON into
 * unstructured maps (apimachinery's UnstructuredJSONScheme): a number is an
 * int64 when its text is an integer that fits, otherwise a float64. Every
 * printer formats through that lens, so this module answers "which Go kind is
 * this JS value" and prints scalars the way Go's fmt and strconv do.
 *
 * Value model: null, boolean, string, number, bigint (an int64 a JS number
 * cannot hold exactly, see parseKubeJson), arrays and plain objects.
 */
import { GO_PRINTABLE_RANGES } from './go-printable.ts';

/** A template's integer constant: Go's int (not int64), which only error messages tell apart. */
export class GoInt {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** The Go kinds an unstructured value can have. */
export type GoKind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map';

export type GoMap = Record<string, unknown>;

/** A float64 whose value is integral (a JSONPath or template constant like 1.0), which a JS number cannot mark. */
export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_63 = 2 ** 63;

/** A JS number is an int64 in kubectl's eyes when it is integral and in range (a Go server never writes "1.0"). */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && n >= -TWO_63 && n < TWO_63;
}

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return isGoInt(v) ? 'int' : 'float';
    case 'bigint':
      return v >= INT64_MIN && v <= INT64_MAX ? 'int' : 'float';
    default:
      if (v instanceof GoFloat) return 'float';
      if (v instanceof GoInt) return 'int';
      return Array.isArray(v) ? 'slice' : 'map';
  }
}

/** Go's reflect type name of an unstructured value, as error messages show it. */
export function goTypeName(v: unknown): string {
  if (v instanceof GoInt) return 'int';
  const names: Record<GoKind, string> = {
    nil: '<nil>', bool: 'bool', int: 'int64', float: 'float64', string: 'string',
    slice: '[]interface {}', map: 'map[string]interface {}',
  };
  return names[goKind(v)];
}

/** The numeric value of an int or float, as a JS number (bigints beyond 2^53 lose precision only here). */
export function toNumber(v: unknown): number {
  if (v instanceof GoFloat || v instanceof GoInt) return v.value;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** An integer as a bigint, exactly. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  return BigInt(v instanceof GoInt ? v.value : (v as number));
}

/** An int64 in decimal, exactly as Go's strconv.FormatInt. */
export function formatGoInt(v: number | bigint | GoInt): string {
  return toBigInt(v).toString();
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v and go-yaml use: 1e+06, 1.5, 1e-05. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Shortest digits; 'g' with shortest precision switches to %e when the
  // decimal exponent is < -4 or >= 6 (strconv ftoa.go: "if shortest { eprec = 6 }").
  const [mantissa = '', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

/** A number as Go's fmt %v prints an unstructured value. */
export function formatGoNumber(v: number | bigint | GoFloat | GoInt): string {
  return goKind(v) === 'int' ? formatGoInt(v as number | bigint | GoInt) : formatGoFloat(toNumber(v));
}

/** Compares strings by code point, as Go compares UTF-8 bytes (JS's < compares UTF-16 units). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xe000) return 1;
    if (y >= 0xd800 && y <= 0xdfff && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

const SURROGATE = /[\ud800-\udfff]/;

/** A map's keys in Go's order (fmt and encoding/json both sort by bytes). */
export function sortedKeys(m: GoMap): string[] {
  const keys = Object.keys(m);
  // Without surrogates, UTF-16 order (JS's default) is code point order, which is UTF-8 byte order.
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(compareGoStrings) : keys.sort();
}

/** fmt.Sprint(v) / %v of an unstructured value: map[k:v], [a b], <nil>. */
export function goSprint(v: unknown): string {
  switch (goKind(v)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
    case 'float':
      return formatGoNumber(v as number | bigint | GoFloat | GoInt);
    case 'string':
      return v as string;
    case 'slice':
      return `[${(v as unknown[]).map(goSprint).join(' ')}]`;
    default: {
      const m = v as GoMap;
      return `map[${sortedKeys(m).map((k) => `${k}:${goSprint(m[k])}`).join(' ')}]`;
    }
  }
}

/** %#v of an unstructured value, as kubectl's jsonpath error dump prints the object. */
export function goSharpV(v: unknown, inInterface = false): string {
  switch (goKind(v)) {
    case 'nil':
      return inInterface ? 'interface {}(nil)' : '<nil>';
    case 'string':
      return goQuote(v as string);
    case 'slice':
      return `[]interface {}{${(v as unknown[]).map((e) => goSharpV(e, true)).join(', ')}}`;
    case 'map': {
      const m = v as GoMap;
      const entries = sortedKeys(m).map((k) => `${goQuote(k)}:${goSharpV(m[k], true)}`);
      return `map[string]interface {}{${entries.join(', ')}}`;
    }
    default:
      return goSprint(v);
  }
}

/**
 * strconv.IsPrint from U+0080 up, by Go's own Unicode tables (15.0.0): a
 * \p{L}…\p{S} regex would follow Node's newer Unicode and print raw the
 * characters added since, which kubectl escapes (found by the JSONPath
 * property tests against kubectl 1.33).
 */
function goIsPrint(cp: number): boolean {
  let lo = 0;
  let hi = GO_PRINTABLE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < (GO_PRINTABLE_RANGES[2 * mid] as number)) hi = mid - 1;
    else if (cp > (GO_PRINTABLE_RANGES[2 * mid + 1] as number)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Go's strconv.Quote: printable runes kept, everything else escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += quoteRune(ch, cp);
  }
  return `${out}"`;
}

function quoteRune(ch: string, cp: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 34: '\\"', 92: '\\\\' };
  const n = named[cp];
  if (n !== undefined) return n;
  if (cp === 0x20 || (cp > 0x20 && cp < 0x7f)) return ch;
  // A lone surrogate reached Go as U+FFFD (its JSON decoder replaces invalid text).
  if (cp >= 0xd800 && cp <= 0xdfff) return '\uFFFD';
  if (cp >= 0x80 && goIsPrint(cp)) return ch;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Truthiness as text/template's isTrue: zero values and empty containers are false. */
export function goTruth(v: unknown): boolean {
  switch (goKind(v)) {
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return toNumber(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    default:
      return Object.keys(v as GoMap).length > 0;
  }
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact (as bigint), so int64
 * fields (a resourceVersion-like counter, a large quantity) print as kubectl
 * prints them. Uses the reviver's source text (Node 21+).
 */
export function parseKubeJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value !== 'number' || Number.isSafeInteger(value) || !context?.source) return value;
    const src = context.source;
    if (!/^-?\d+$/.test(src)) return value;
    const big = BigInt(src);
    return big >= INT64_MIN && big <= INT64_MAX ? big : value;
  });
}

/** Go's %#U: U+002C ','. */
export function goRuneU(r: number): string {
  if (r < 0) return 'U+FFFFFFFFFFFFFFFF';
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(String.fromCodePoint(r)) ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}
