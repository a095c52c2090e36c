// Go's time.Parse for the one layout kubectl uses for --since-time (RFC3339),
// with Go's error texts, and metav1.Time's query-parameter form.

const RFC3339 = '2006-01-02T15:04:05Z07:00';

/** One layout element of RFC3339 as Go's nextStdChunk splits it: a literal prefix, then a value element. */
const chunks: ReadonlyArray<{ prefix: string; std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'zone'; text: string }> = [
  { prefix: '', std: 'year', text: '2006' },
  { prefix: '-', std: 'month', text: '01' },
  { prefix: '-', std: 'day', text: '02' },
  { prefix: 'T', std: 'hour', text: '15' },
  { prefix: ':', std: 'minute', text: '04' },
  { prefix: ':', std: 'second', text: '05' },
  { prefix: '', std: 'zone', text: 'Z07:00' },
];

/** Go's time.ParseError.Error(). */
function parseError(value: string, valueElem: string, layoutElem: string): Error {
  return new Error(`parsing time ${goQuote(value)} as ${goQuote(RFC3339)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`);
}

function rangeError(value: string, what: string): Error {
  return new Error(`parsing time ${goQuote(value)}: ${what} out of range`);
}

/** Go's strconv-style quoting as the time package does it (printable ASCII kept, the rest escaped). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's getnum: one or two digits; `fixed` demands two. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetSeconds: number;
}

type Step = { ok: true; rest: string } | { ok: false; range?: string };

/** Parses one value element; `f` is filled in place. */
function parseElement(std: (typeof chunks)[number]['std'], value: string, f: Fields): Step {
  const two = (fixed: boolean, set: (n: number) => void, max?: number, name?: string): Step => {
    const got = getnum(value, fixed);
    if (!got) return { ok: false };
    set(got[0]);
    if (max !== undefined && (got[0] < 0 || got[0] >= max)) return { ok: false, range: name };
    return { ok: true, rest: got[1] };
  };
  switch (std) {
    case 'year': {
      if (value.length < 4 || !/^\d{4}/.test(value)) return { ok: false };
      f.year = Number(value.slice(0, 4));
      return { ok: true, rest: value.slice(4) };
    }
    case 'month': {
      const step = two(true, (n) => (f.month = n));
      if (step.ok && (f.month <= 0 || f.month > 12)) return { ok: false, range: 'month' };
      return step;
    }
    case 'day':
      return two(true, (n) => (f.day = n));
    case 'hour':
      return two(false, (n) => (f.hour = n), 24, 'hour');
    case 'minute':
      return two(true, (n) => (f.minute = n), 60, 'minute');
    case 'second':
      return parseSeconds(value, f);
    case 'zone':
      return parseZone(value, f);
  }
}

function parseSeconds(value: string, f: Fields): Step {
  const got = getnum(value, true);
  if (!got) return { ok: false };
  f.second = got[0];
  if (f.second >= 60) return { ok: false, range: 'second' };
  let rest = got[1];
  // Go accepts a fraction after the seconds even when the layout has none.
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 2;
    while (isDigit(rest, n)) n++;
    f.nanos = Number(rest.slice(1, Math.min(n, 10)).padEnd(9, '0'));
    rest = rest.slice(n);
  }
  return { ok: true, rest };
}

function parseZone(value: string, f: Fields): Step {
  if (value.startsWith('Z')) return { ok: true, rest: value.slice(1) };
  if (value.length < 6 || value[3] !== ':') return { ok: false };
  const sign = value[0];
  const hr = getnum(value.slice(1, 3), true);
  const mm = getnum(value.slice(4, 6), true);
  if (!hr || !mm || (sign !== '+' && sign !== '-')) return { ok: false };
  if (hr[0] > 24) return { ok: false, range: 'time zone offset hour' };
  if (mm[0] > 60) return { ok: false, range: 'time zone offset minute' };
  f.offsetSeconds = (sign === '-' ? -1 : 1) * (hr[0] * 3600 + mm[0] * 60);
  return { ok: true, rest: value.slice(6) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * time.Parse(time.RFC3339, s) as kubectl's util.ParseRFC3339 calls it
 * (RFC3339Nano is tried first; it accepts the same texts), returning epoch
 * milliseconds; throws Error with Go's message.
 */
export function parseRFC3339(s: string): number {
  const f: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, nanos: 0, offsetSeconds: 0 };
  let value = s;
  for (const chunk of chunks) {
    if (chunk.prefix !== '') {
      if (!value.startsWith(chunk.prefix)) throw parseError(s, value, chunk.prefix);
      value = value.slice(chunk.prefix.length);
    }
    const step = parseElement(chunk.std, value, f);
    if (!step.ok) throw step.range ? rangeError(s, step.range) : parseError(s, value, chunk.text);
    value = step.rest;
  }
  if (value !== '') throw new Error(`parsing time ${goQuote(s)}: extra text: ${goQuote(value)}`);
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) throw rangeError(s, 'day');
  // Date.UTC would read years below 100 as 19xx.
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, Math.floor(f.nanos / 1e6));
  return d.getTime() - f.offsetSeconds * 1000;
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z, in epoch milliseconds. */
const GO_ZERO_TIME = -62135596800000;

/** metav1.Time.MarshalQueryParameter: UTC, RFC3339, the fraction dropped (not rounded); '' for the zero time. */
export function formatQueryTime(epochMs: number): string {
  if (epochMs === GO_ZERO_TIME) return '';
  const whole = Math.floor(epochMs / 1000) * 1000;
  return new Date(whole).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
