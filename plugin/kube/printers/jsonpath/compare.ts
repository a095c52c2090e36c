/**
 * The comparisons of client-go's forked text/template funcs.go (Equal, Less),
 * which JSONPath filters use: only basic kinds compare, and only with the
 * same kind (an int never equals a float: "incompatible types for comparison").
 */
import { goKind, toNumber } from '../go-value.ts';

type BasicKind = 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): BasicKind {
  const k = goKind(v);
  if (k === 'bool' || k === 'int' || k === 'float' || k === 'string') return k;
  throw new Error('invalid type for comparison');
}

function bigOf(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

/** Equal(a, b). */
export function compareEqual(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'int': return bigOf(a) === bigOf(b);
    case 'float': return toNumber(a) === toNumber(b);
    default: return a === b;
  }
}

/** Less(a, b); bools do not order. */
export function compareLess(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'bool': throw new Error('invalid type for comparison');
    case 'int': return bigOf(a) < bigOf(b);
    case 'float': return toNumber(a) < toNumber(b);
    default: return byteLess(a as string, b as string);
  }
}

/** Go compares strings by bytes: code point order, which JS's < is not for astral characters. */
function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}
