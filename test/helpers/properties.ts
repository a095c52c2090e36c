// Shared pieces of the property tests (test/unit/**/*.properties.test.ts):
// fast-check parameters for the short/long modes, the check that only the
// project's typed errors escape, input counting for the closing
// "properties: <parser> <N> inputs" lines, and arbitraries for nasty text.
import fc from 'fast-check';
import { SockError } from '../../plugin/errors.ts';
import { fuzzRuns, fuzzSeed } from './fuzz.ts';

const counts = new Map<string, number>();
process.on('exit', () => {
  for (const [parser, n] of counts) process.stdout.write(`properties: ${parser} ${n} inputs\n`);
});

/** Counts one generated input tried against `parser`. */
export function tried(parser: string): void {
  counts.set(parser, (counts.get(parser) ?? 0) + 1);
}

/** fc.assert parameters: `short` runs under make test (fixed seed), `long` under make fuzz (fresh seed). */
export function runs(short: number, long?: number): { numRuns: number; seed: number } {
  return { numRuns: fuzzRuns(short, long), seed: fuzzSeed };
}

/**
 * Calls fn; a thrown SockError (or an instance of one of `allowed`) is
 * returned, anything else (TypeError, RangeError, a stack overflow) is rethrown.
 */
export function typedOnly<T>(fn: () => T, ...allowed: (abstract new (...a: never[]) => Error)[]): T | Error {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SockError || allowed.some((c) => err instanceof c)) return err as Error;
    throw err;
  }
}

/** Fragments that break naive parsers: quotes, brackets, escapes, separators, unicode, line ends. */
export const NASTY_FRAGMENTS = [
  '', ' ', '\t', '\n', '\r', '\r\n', '\v', '\f', '\0', '\x1b', '\u0085', '\u00a0', '\u2028',
  '[', ']', '{', '}', '(', ')', '\\', "'", '"', '`', '.', '..', '*', ',', ':', ';', '=', '!', '?', '@', '$', '%', '%25', '%2F', '#', '/', '//', '~', '-', '+',
  'é', 'ü', 'ß', '日本', '😀', '\u0301', '\ud800', '\udfff', '\ufeff', '\u200b',
  'a', 'Z', '0', '1', '-1', '1e6', '0x10', 'true', 'null', 'range', 'end',
];

/** Text built from nasty fragments and arbitrary code points (lone surrogates included). */
export function nastyString(maxParts = 12): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  );
  return fc.array(unit, { maxLength: maxParts }).map((parts) => parts.join(''));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text that survives argv and UTF-8 unchanged (no lone surrogates). */
export function wellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Cuts text or bytes at the given points (taken modulo its length, any order, repeats allowed). */
export function cut<T extends string | Buffer>(data: T, points: number[]): T[] {
  const at = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const p of at) {
    pieces.push(data.slice(from, p) as T);
    from = p;
  }
  pieces.push(data.slice(from) as T);
  return pieces;
}
