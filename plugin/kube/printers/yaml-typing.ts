/**
 * How kubectl's YAML types a value: sigs.k8s.io/yaml hands go-yaml the
 * object's JSON, so a number is typed from its JSON text, and a string is
 * quoted when YAML 1.1 would read it back as something else.
 */
import { goJsonFloat } from './go-json.ts';
import { formatGoFloat, formatGoInt, goKind, toNumber } from './go-value.ts';
import type { ScalarStyle } from './yaml-scalar.ts';
import { resolvesToString } from './yaml-resolve.ts';

export interface Scalar {
  value: string;
  style: ScalarStyle;
}

const NEL = '\u0085';

/** A raw NEL inside a double-quoted JSON string is a line break to go-yaml's scanner, folded like one. */
function foldNel(s: string): string {
  if (!s.includes(NEL)) return s;
  return s.replace(/ *\u0085[ \u0085]*/g, (run) => {
    const breaks = [...run].filter((c) => c === NEL).length;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

/** The scalar text of a non-collection value, and the style the Go encoder asks for. */
export function yamlScalar(v: unknown): Scalar {
  switch (goKind(v)) {
    case 'nil': return { value: 'null', style: 'plain' };
    case 'bool': return { value: v ? 'true' : 'false', style: 'plain' };
    case 'int': return { value: formatGoInt(v as number | bigint), style: 'plain' };
    case 'float': return { value: yamlFloat(toNumber(v)), style: 'plain' };
    default: return stringScalar(foldNel(v as string));
  }
}

/** encoder.stringv: literal when multi-line, plain when YAML 1.1 reads it back as a string, else double-quoted. */
export function stringScalar(s: string): Scalar {
  if (s.includes('\n')) return { value: s, style: 'literal' };
  return { value: s, style: resolvesToString(s) ? 'plain' : 'double' };
}

/**
 * A float64 goes through its JSON text first: go-yaml reads an integral text
 * that fits uint64 (2^63 <= f < 2^64) as an integer, anything else as a float
 * printed with strconv 'g' (1.2345675e+06, 1e+21).
 */
function yamlFloat(f: number): string {
  const text = goJsonFloat(f);
  if (/^\d+$/.test(text) && BigInt(text) < 2n ** 64n) return text;
  return formatGoFloat(f);
}
