/**
 * sigs.k8s.io/yaml.Marshal as kubectl's YAMLPrinter calls it: the object is
 * encoded to JSON, decoded by go-yaml v2 (which types every number from its
 * JSON text) and re-encoded by go-yaml's emitter. Here the JS value is emitted
 * directly, typed as go-yaml would type its JSON (yaml-typing.ts).
 */
import { SockError } from '../../errors.ts';
import { goKind, sortedKeys, type GoMap } from './go-value.ts';
import { emitDocument } from './yaml-emitter.ts';

/**
 * The YAML document kubectl prints for a value (ends with a newline); throws
 * go-yaml's error where kubectl fails, before anything is written. With
 * `emit`, the text is handed on in pieces (and the result is '').
 */
export function goYamlMarshal(value: unknown, emit?: (text: string) => void): string {
  checkYamlInput(value);
  return emitDocument(value, emit);
}

// go-yaml's reader rejects these raw characters in the JSON text it is given
// (readerc.go "control characters are not allowed"); encoding/json writes them raw.
const CONTROL = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;
const NEL = '\u0085';

interface Frame {
  items?: unknown[];
  map?: GoMap;
  keys?: string[];
  next: number;
}

/**
 * Finds, in JSON text order, the first string go-yaml cannot read back: a raw
 * control character, or a NEL in a key (a flow key cannot span lines; the
 * scanner counts NEL as a line break, hence the line number, which matches
 * go-yaml's for a key's NELs and those before it). The walk keeps its own stack.
 */
function checkYamlInput(root: unknown): void {
  const seen = { nels: 0 };
  const stack: Frame[] = [];
  const visit = (v: unknown): void => {
    const kind = goKind(v);
    if (kind === 'string') checkString(v as string, seen);
    else if (kind === 'slice') stack.push({ items: v as unknown[], next: 0 });
    else if (kind === 'map') stack.push({ map: v as GoMap, keys: sortedKeys(v as GoMap), next: 0 });
  };
  visit(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame;
    if (f.map) {
      const k = (f.keys as string[])[f.next++];
      if (k === undefined) {
        stack.pop();
        continue;
      }
      checkString(k, seen);
      if (k.includes(NEL)) throw new SockError('E_PRINT', `yaml: line ${seen.nels}: did not find expected ',' or '}'`);
      visit(f.map[k]);
    } else {
      const items = f.items as unknown[];
      if (f.next === items.length) stack.pop();
      else visit(items[f.next++]);
    }
  }
}

function checkString(s: string, seen: { nels: number }): void {
  if (CONTROL.test(s)) throw new SockError('E_PRINT', 'yaml: control characters are not allowed');
  if (s.includes(NEL)) seen.nels += s.split(NEL).length - 1;
}
