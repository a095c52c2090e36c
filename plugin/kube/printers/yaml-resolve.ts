/**
 * go-yaml v2's implicit typing (sigs.k8s.io/yaml@v1.4.0 goyaml.v2/resolve.go),
 * which decides whether a string may be written plain or must be quoted
 * because YAML 1.1 would read it as a bool, int, float, null or timestamp;
 * and its map-key order (sorter.go keyList.Less), which is not byte order.
 */

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** True when resolve("", s) would give !!str and s is not a base-60 float: the string may be plain. */
export function resolvesToString(s: string): boolean {
  if (isBase60Float(s)) return false;
  if (s === '' || RESOLVE_MAP.has(s)) return false;
  const c = s[0] as string;
  if (c === '.') return !isGoFloat(s);
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) return !resolvesToNumberOrTime(s);
  return true;
}

function isBase60Float(s: string): boolean {
  const c = s[0];
  if (c === undefined || !(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

function resolvesToNumberOrTime(s: string): boolean {
  if (parseTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (parseGoInt(plain) !== undefined) return true;
  if (YAML_STYLE_FLOAT.test(plain) && isGoFloat(plain)) return true;
  if (plain.startsWith('0b') && parseGoUint(plain.slice(2), 2) !== undefined) return true;
  return plain.startsWith('-0b') && parseGoUint(plain.slice(3), 2) !== undefined;
}

/** strconv.ParseFloat succeeds on a decimal literal (out of float64 range is an error, not Inf). */
function isGoFloat(s: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) && Number.isFinite(Number(s));
}

/** strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) succeeds. */
function parseGoInt(s: string): bigint | undefined {
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const un = parseGoUintBase0(body);
  if (un === undefined) return undefined;
  if (s[0] !== '+' && s[0] !== '-' && un < 2n ** 64n) return un;
  if (neg ? un > 2n ** 63n : un >= 2n ** 63n) return undefined;
  return neg ? -un : un;
}

function parseGoUintBase0(s: string): bigint | undefined {
  if (s === '') return undefined;
  if (s[0] !== '0') return parseGoUint(s, 10);
  const p = s[1]?.toLowerCase();
  if (s.length >= 3 && p === 'b') return parseGoUint(s.slice(2), 2);
  if (s.length >= 3 && p === 'o') return parseGoUint(s.slice(2), 8);
  if (s.length >= 3 && p === 'x') return parseGoUint(s.slice(2), 16);
  return s.length === 1 ? 0n : parseGoUint(s.slice(1), 8);
}

function parseGoUint(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const digits = '0123456789abcdef'.slice(0, base);
  let n = 0n;
  for (const ch of s.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return n < 2n ** 64n ? n : undefined;
}

/** parseTimestamp: the four time.Parse layouts go-yaml tries, after its YYYY- quick check. */
export function parseTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$/s.exec(s);
  if (!m) return false;
  const [, y, mo, d, rest = ''] = m;
  if (!validDate(Number(y), Number(mo), Number(d))) return false;
  if (rest === '') return true;
  if (rest[0] === 'T' || rest[0] === 't') return timeOfDay(rest.slice(1), true);
  if (rest[0] === ' ') return timeOfDay(rest.replace(/^ +/, ''), false);
  return false;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

/** "15:4:5" then an optional [.,]fraction, then (layouts with Z07:00) a zone. */
function timeOfDay(s: string, zoned: boolean): boolean {
  const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(.*)$/s.exec(s);
  if (!m) return false;
  const [, h, min, sec, zone = ''] = m;
  if (Number(h) >= 24 || Number(min) >= 60 || Number(sec) >= 60) return false;
  if (!zoned) return zone === '';
  if (zone === 'Z') return true;
  const z = /^[+-](\d\d):(\d\d)$/.exec(zone);
  return z !== null && Number(z[1]) <= 24 && Number(z[2]) <= 60;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

function isLetter(c: number): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return LETTER.test(String.fromCodePoint(c));
}

function isDigit(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return DIGIT.test(String.fromCodePoint(c));
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) as number;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** go-yaml's keyList.Less for two string keys: letters after non-letters, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  return runesLess(codePoints(a), codePoints(b));
}

function runesLess(ar: number[], br: number[]): boolean {
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as number;
    const bc = br[i] as number;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    return digitRunLess(ar, br, i);
  }
  return ar.length < br.length;
}

function digitRunLess(ar: number[], br: number[], i: number): boolean {
  let an = 0;
  let bn = 0;
  if (ar[i] === 0x30 || br[i] === 0x30) {
    for (let j = i - 1; j >= 0 && isDigit(ar[j] as number); j--) {
      if (ar[j] !== 0x30) {
        an = 1;
        bn = 1;
        break;
      }
    }
  }
  let ai = i;
  let bi = i;
  for (; ai < ar.length && isDigit(ar[ai] as number); ai++) an = an * 10 + ((ar[ai] as number) - 48);
  for (; bi < br.length && isDigit(br[bi] as number); bi++) bn = bn * 10 + ((br[bi] as number) - 48);
  if (an !== bn) return an < bn;
  if (ai !== bi) return ai < bi;
  return (ar[i] as number) < (br[i] as number);
}

/** Keys in go-yaml's order (each key decoded to code points once). */
export function yamlSortedKeys(keys: string[]): string[] {
  const decorated = keys.map((k) => ({ k, r: codePoints(k) }));
  decorated.sort((x, y) => (runesLess(x.r, y.r) ? -1 : runesLess(y.r, x.r) ? 1 : 0));
  return decorated.map((d) => d.k);
}
