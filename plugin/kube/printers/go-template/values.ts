/**
 * Runtime values of the template executor: Go's reflect.Value as far as
 * kubectl's data needs it.
 */
import { GoFloat, GoInt, goTruth, goTypeName } from '../go-value.ts';
import type { Arg } from './parse.ts';

/** A reflect.Value: invalid (missing), or a value that may sit in an interface{}. */
export type RV = { valid: false } | { valid: true; v: unknown; iface: boolean };

export const INVALID: RV = { valid: false };
export const MISSING: RV = { valid: false };

export function concrete(v: unknown): RV {
  return { valid: true, v, iface: false };
}

export function inIface(v: unknown): RV {
  return { valid: true, v: v ?? null, iface: true };
}

/** Go's "dig down one level" after each pipeline stage: interface{} values become concrete, nil becomes invalid. */
export function dig(rv: RV): RV {
  if (!rv.valid || !rv.iface) return rv;
  return rv.v === null ? INVALID : concrete(rv.v);
}

export function typeName(rv: RV): string {
  if (!rv.valid) return '<nil>';
  return rv.iface ? 'interface {}' : goTypeName(rv.v);
}

/** A template number constant: int or float64 (idealConstant). */
export function constant(n: Extract<Arg, { t: 'number' }>): unknown {
  return n.isInt ? new GoInt(n.value) : new GoFloat(n.value);
}

/** isTrue: invalid is false; zero values and empty containers are false. */
export function truth(rv: RV): boolean {
  return rv.valid && goTruth(rv.v);
}
