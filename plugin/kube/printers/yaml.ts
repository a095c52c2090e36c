/**
 * sigs.k8s.io/yaml.Marshal as kubectl's YAMLPrinter calls it: the object is
 * encoded to JSON, decoded by go-yaml v2 (which types every number from its
 * JSON text) and re-encoded by go-yaml's emitter. Here the JS value is emitted
 * directly, typed as go-yaml would type its JSON (yaml-typing.ts).
 */
import { SockError } from '../../errors.ts';
import { goKind, sortedKeys, type GoMap } from './go-value.ts';
import { emitDocument } from './yaml-emitter.ts';

/** The YAML document kubectl prints for a value (ends with a newline); throws go-yaml's error where kubectl fails. */
export function goYamlMarshal(value: unknown): string {
  checkYamlInput(value, { nels: 0 });
  return emitDocument(value);
}

// go-yaml's reader rejects these raw characters in the JSON text it is given
// (readerc.go "control characters are not allowed"); encoding/json writes them raw.
const CONTROL = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;
const NEL = '\u0085';

/**
 * Finds, in JSON text order, the first string go-yaml cannot read back: a raw
 * control character, or a NEL in a key (a flow key cannot span lines; the
 * scanner counts NEL as a line break, hence the line number, which matches
 * go-yaml's for a key's NELs and those before it).
 */
function checkYamlInput(v: unknown, seen: { nels: number }): void {
  const kind = goKind(v);
  if (kind === 'string') return checkString(v as string, seen);
  if (kind === 'slice') return (v as unknown[]).forEach((e) => checkYamlInput(e, seen));
  if (kind !== 'map') return;
  const m = v as GoMap;
  for (const k of sortedKeys(m)) {
    checkString(k, seen);
    if (k.includes(NEL)) throw new SockError('E_PRINT', `yaml: line ${seen.nels}: did not find expected ',' or '}'`);
    checkYamlInput(m[k], seen);
  }
}

function checkString(s: string, seen: { nels: number }): void {
  if (CONTROL.test(s)) throw new SockError('E_PRINT', 'yaml: control characters are not allowed');
  if (s.includes(NEL)) seen.nels += s.split(NEL).length - 1;
}
