/**
 * The comparisons behind kubectl --sort-by (kubectl pkg/cmd/get/sorter.go
 * isLess): numbers numerically, strings as resource quantities when both
 * parse as one (apimachinery resource.ParseQuantity), else bytewise as Go
 * compares strings; anything else is unsortable.
 */

import { goTypeName } from '../printers/go-value.ts';

/** A sort key: a JSON value found by the --sort-by path, with the string's UTF-8 bytes and quantity worked out once. */
export interface SortKey {
  value: unknown;
  bytes?: Buffer;
  /** Nano-units of the quantity, or null when the string is not a quantity. */
  quantity?: bigint | null;
}

/** isLess's failure: kubectl prints it with klog.Exitf and exits 1. */
export class UnsortableError extends Error {}

/** isLess(i, j) for two values held as interface{} (unstructured JSON), as kubectl compares them. */
export function isLess(i: SortKey, j: SortKey): boolean {
  const a = i.value;
  const b = j.value;
  if (a === null && b === null) return false;
  if (a === null) return true;
  if (b === null) return false;
  if (typeof a === 'number') {
    // int64 compares only with int64, float64 only with float64.
    if (typeof b === 'number' && Number.isInteger(a) === Number.isInteger(b)) return a < b;
    throw new UnsortableError('unsortable interface: interface');
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') throw new UnsortableError('unsortable interface: interface');
    const qa = quantityOf(i);
    const qb = qa === null ? null : quantityOf(j);
    if (qa !== null && qb !== null) return qa < qb;
    // kubectl 1.33 compares plain strings bytewise (natural ordering came later, with fvbommel/sortorder).
    return Buffer.compare(bytesOf(i), bytesOf(j)) < 0;
  }
  throw new UnsortableError(`unsortable type: ${goTypeName(a)}`);
}

function bytesOf(k: SortKey): Buffer {
  k.bytes ??= Buffer.from(k.value as string, 'utf8');
  return k.bytes;
}

function quantityOf(k: SortKey): bigint | null {
  if (k.quantity === undefined) k.quantity = parseQuantityNanos(k.value as string);
  return k.quantity;
}

const DECIMAL_SI: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SI: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_NANOS = ((1n << 63n) - 1n) * 10n ** 9n;

/**
 * resource.ParseQuantity, as the value in nano-units (rounded up away from
 * zero and capped at 2^63-1, as the parser does), or null when it is not a quantity.
 */
export function parseQuantityNanos(str: string): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(str);
  if (!m || str === '') return null;
  const [, sign = '', intPart = '', frac = '', suffix = ''] = m;
  if (!/^[eEinumkKMGTP]*([+-]?\d*)?$/.test(suffix) || !validSuffixShape(suffix)) return null;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DECIMAL_SI) exp10 = DECIMAL_SI[suffix] as number;
  else if (suffix in BINARY_SI) exp2 = BINARY_SI[suffix] as number;
  else if (/^[eE][+-]?\d+$/.test(suffix)) exp10 = Number(suffix.slice(1));
  else return null;
  // value = digits × 10^(exp10 − len(frac)) × 2^exp2, in nanos (× 10^9), rounded up in magnitude.
  let num = BigInt(`${intPart}${frac}` || '0') * 2n ** BigInt(exp2);
  const scale = exp10 - frac.length + 9;
  if (scale >= 0) num *= 10n ** BigInt(Math.min(scale, 400));
  else if (scale < -400) num = num === 0n ? 0n : 1n;
  else {
    const div = 10n ** BigInt(-scale);
    num = num % div === 0n ? num / div : num / div + 1n;
  }
  if (num > MAX_NANOS) num = MAX_NANOS;
  return sign === '-' ? -num : num;
}

/** The suffix scan of parseQuantityString: letters from the suffix set, then at most a signed run of digits. */
function validSuffixShape(suffix: string): boolean {
  const letters = /^[eEinumkKMGTP]*/.exec(suffix)?.[0] ?? '';
  const rest = suffix.slice(letters.length);
  return rest === '' || /^[+-]?\d*$/.test(rest);
}
