/**
 * A port of the parts of go-yaml v2's emitter (sigs.k8s.io/yaml@v1.4.0
 * goyaml.v2/emitterc.go) that kubectl's YAML output reaches: block mappings
 * and sequences, empty flow collections, and scalars in plain, single-quoted,
 * double-quoted and literal style, folded at go-yaml's best width of 80
 * columns. The event queue is replaced by a walk over the value; the
 * writer state (column, whitespace, indention, indent stack) and every write
 * decision follow the C-derived original, function by function.
 */
import { analyzeScalar, isSimpleScalar, selectScalarStyle, type ScalarStyle } from './yaml-scalar.ts';
import { goKind, type GoMap } from './go-value.ts';
import { yamlSortedKeys } from './yaml-resolve.ts';
import { stringScalar, yamlScalar, type Scalar } from './yaml-typing.ts';
import { YamlWriter } from './yaml-writer.ts';

/**
 * Emits one document (implicit start and end) for an unstructured value, as
 * yaml.Marshal does. With `emit`, the text is handed on in pieces as it is
 * written (and the result is ''): a deep value's output is O(depth²).
 */
export function emitDocument(root: unknown, emit?: (text: string) => void): string {
  const e = new Emitter(emit);
  e.document(root);
  e.writeIndent();
  return e.text();
}

interface Frame {
  items?: unknown[];
  map?: GoMap;
  keys?: string[];
  next: number;
}

/**
 * Only empty collections are written in flow style (go-yaml picks flow for
 * them; the Go encoder never asks for flow otherwise), so the flow level seen
 * by every scalar is 0. The walk keeps its own stack (go-yaml's is its event
 * queue), so nesting as deep as Go's JSON decoder reads needs no JavaScript frames.
 */
class Emitter extends YamlWriter {
  private mappingContext = false;
  private simpleKeyContext = false;
  private readonly stack: Frame[] = [];

  document(root: unknown): void {
    this.node(root, false, false);
    while (this.stack.length > 0) {
      const f = this.stack[this.stack.length - 1] as Frame;
      if (f.map) {
        const k = (f.keys as string[])[f.next++];
        if (k === undefined) this.close();
        else this.mappingEntry(f.map, k);
      } else {
        const items = f.items as unknown[];
        if (f.next === items.length) this.close();
        else this.sequenceItem(items[f.next++]);
      }
    }
  }

  /** A scalar or empty collection is written at once; a block collection opens a frame the walk then works through. */
  private node(v: unknown, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    const kind = goKind(v);
    if (kind === 'slice') {
      const items = v as unknown[];
      if (items.length === 0) this.emptyFlow('[', ']');
      else {
        this.increaseIndent(false, this.mappingContext && !this.indention);
        this.stack.push({ items, next: 0 });
      }
    } else if (kind === 'map') {
      const keys = yamlSortedKeys(Object.keys(v as GoMap));
      if (keys.length === 0) this.emptyFlow('{', '}');
      else {
        this.increaseIndent(false, false);
        this.stack.push({ map: v as GoMap, keys, next: 0 });
      }
    } else {
      const s = yamlScalar(v);
      this.scalar(s.value, s.style);
    }
  }

  private close(): void {
    this.stack.pop();
    this.popIndent();
  }

  private sequenceItem(item: unknown): void {
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.node(item, false, false);
  }

  private mappingEntry(m: GoMap, k: string): void {
    this.writeIndent();
    const key = stringScalar(k);
    if (checkSimpleKey(k)) {
      this.key(key);
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndicator('?', true, false, true);
      this.key(key);
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    this.node(m[k], true, false);
  }

  private key(k: Scalar): void {
    this.mappingContext = true;
    this.simpleKeyContext = checkSimpleKey(k.value);
    this.scalar(k.value, k.style);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    this.writeIndicator(close, false, false, false);
  }

  private scalar(value: string, requested: ScalarStyle): void {
    if (isSimpleScalar(value)) {
      this.writeSimple(value, requested === 'plain');
      return;
    }
    const bytes = Buffer.from(value, 'utf8');
    const analysis = analyzeScalar(bytes);
    const style = selectScalarStyle(requested, analysis, bytes.length === 0, 0, this.simpleKeyContext);
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain') this.writePlain(bytes, allowBreaks);
    else if (style === 'single') this.writeSingleQuoted(bytes, allowBreaks);
    else if (style === 'double') this.writeDoubleQuoted(bytes, allowBreaks);
    else this.writeLiteral(bytes);
    this.popIndent();
  }
}

/** yaml_emitter_check_simple_key for a string key (the only keys JSON has). */
function checkSimpleKey(value: string): boolean {
  if (isSimpleScalar(value)) return value.length <= 128;
  const bytes = Buffer.from(value, 'utf8');
  return !analyzeScalar(bytes).multiline && bytes.length <= 128;
}
