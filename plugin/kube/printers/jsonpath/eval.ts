/**
 * A port of k8s.io/client-go/util/jsonpath/jsonpath.go's evaluation
 * (FindResults, walk, eval*) over unstructured values. Two deliberate
 * differences from Go: map iteration (`.*`, `..`) is in sorted key order where
 * Go's is random, and string bytes (`.*` on a string) are plain numbers.
 * Like Go, a JSONPath keeps its range state and its root list between runs:
 * after a `range`, the root starts at the first range (a client-go quirk that
 * kubectl shows in watch mode).
 */
import { goKind, goSprint, goTypeName, sortedKeys, type GoMap } from '../go-value.ts';
import { compareLess, compareEqual } from './compare.ts';
import type { JsonPathNode, ListNode, ParamsEntry } from './parser.ts';

/**
 * A runtime failure; the message is client-go's ("x is not found"). `partial`
 * is what the failing step returned alongside its error in Go, which an
 * existence filter still counts.
 */
export class JsonPathExecError extends Error {
  readonly partial: unknown[];
  constructor(message: string, partial: unknown[] = []) {
    super(message);
    this.partial = partial;
  }
}

export class JsonPath {
  private root: ListNode;
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode: JsonPathNode | undefined;
  private readonly allowMissingKeys: boolean;

  constructor(root: ListNode, allowMissingKeys: boolean) {
    this.root = { type: 'list', nodes: root.nodes };
    this.allowMissingKeys = allowMissingKeys;
  }

  /** FindResults: one result list per top-level node (text or action), ranges expanded. */
  findResults(data: unknown): unknown[][] {
    const nodes = this.root.nodes;
    const full: unknown[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as JsonPathNode;
      const results = this.walk([data], node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = node;
        break;
      }
      if (this.beginRange > 0) {
        i = this.expandRange(nodes, i, results, full);
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private expandRange(nodes: JsonPathNode[], i: number, results: unknown[], full: unknown[][]): number {
    this.beginRange--;
    this.inRange++;
    const rest: ListNode = { type: 'list', nodes: nodes.slice(i + 1) };
    if (results.length === 0) {
      this.root = rest;
      this.findResults(null);
    }
    for (const value of results) {
      this.root = rest;
      full.push(...this.findResults(value));
    }
    this.inRange--;
    for (let k = i + 1; k < nodes.length; k++) if (nodes[k] === this.lastEndNode) return k;
    return i;
  }

  private walk(input: unknown[], node: JsonPathNode): unknown[] {
    switch (node.type) {
      case 'list': return this.evalList(input, node);
      case 'text': return [node.text];
      case 'field': return this.evalField(input, node.value);
      case 'array': return evalArray(input, node.params);
      case 'filter': return this.evalFilter(input, node);
      case 'int':
      case 'bool':
      case 'float': return input.map(() => node.value);
      case 'wildcard': return input.flatMap(children);
      case 'recursive': return evalRecursive(input);
      case 'union': return this.evalUnion(input, node.nodes);
      case 'identifier': return this.evalIdentifier(input, node.name);
    }
  }

  private evalUnion(input: unknown[], lists: ListNode[]): unknown[] {
    try {
      return lists.flatMap((l) => this.evalList(input, l));
    } catch (err) {
      throw err instanceof JsonPathExecError ? new JsonPathExecError(err.message, input) : err;
    }
  }

  private evalList(input: unknown[], node: ListNode): unknown[] {
    let cur = input;
    for (const n of node.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalIdentifier(input: unknown[], name: string): unknown[] {
    if (name === 'range') {
      this.beginRange++;
      return input;
    }
    if (name === 'end') {
      if (this.inRange > 0) {
        this.endRange++;
        return [];
      }
      throw new JsonPathExecError('not in range, nothing to end');
    }
    throw new JsonPathExecError(`unrecognized identifier ${name}`, input);
  }

  private evalField(input: unknown[], field: string): unknown[] {
    const results: unknown[] = [];
    if (input.length === 0) return results;
    for (const value of input) {
      if (goKind(value) !== 'map') continue;
      const m = value as GoMap;
      if (Object.hasOwn(m, field)) results.push(m[field] ?? null);
    }
    if (results.length === 0 && !this.allowMissingKeys) throw new JsonPathExecError(`${field} is not found`);
    return results;
  }

  private evalFilter(input: unknown[], node: Extract<JsonPathNode, { type: 'filter' }>): unknown[] {
    const results: unknown[] = [];
    for (const value of input) {
      if (goKind(value) !== 'slice') throw new JsonPathExecError(`${goSprint(value)} is not array or slice and cannot be filtered`, input);
      for (const item of value as unknown[]) {
        try {
          if (this.filterPasses(item, node)) results.push(item);
        } catch (err) {
          // Go hands back the input for errors from the operands, the matches so far for a failed comparison.
          if (err instanceof JsonPathExecError) throw new JsonPathExecError(err.message, err.partial === COMPARE ? results : input);
          throw err;
        }
      }
    }
    return results;
  }

  private filterPasses(item: unknown, node: Extract<JsonPathNode, { type: 'filter' }>): boolean {
    if (node.operator === 'exists') {
      try {
        return this.evalList([item], node.left).length > 0;
      } catch (err) {
        if (err instanceof JsonPathExecError) return err.partial.length > 0;
        throw err;
      }
    }
    const left = this.single(this.evalList([item], node.left));
    if (left.length === 0) return false;
    const right = this.single(this.evalList([item], node.right));
    if (right.length === 0) return false;
    return compareWith(node.operator, left[0], right[0]);
  }

  private single(values: unknown[]): unknown[] {
    if (values.length > 1) throw new JsonPathExecError('can only compare one element at a time');
    return values;
  }
}

/** Marks a comparison failure, after which Go returns the filter's matches so far. */
const COMPARE: unknown[] = [];

function compareWith(op: string, a: unknown, b: unknown): boolean {
  try {
    return compareOp(op, a, b);
  } catch (err) {
    throw new JsonPathExecError((err as Error).message, COMPARE);
  }
}

function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '<': return compareLess(a, b);
    case '>': return !(compareLess(a, b) || compareEqual(a, b));
    case '==': return compareEqual(a, b);
    case '!=': return !compareEqual(a, b);
    case '<=': return compareLess(a, b) || compareEqual(a, b);
    case '>=': return !compareLess(a, b);
    default: throw new JsonPathExecError(`unrecognized filter operator ${op}`);
  }
}

/** The elements of a map (sorted by key), slice, or string (its bytes), else none. */
function children(value: unknown): unknown[] {
  switch (goKind(value)) {
    case 'map': {
      const m = value as GoMap;
      return sortedKeys(m).map((k) => m[k] ?? null);
    }
    case 'slice': return value as unknown[];
    case 'string': return [...Buffer.from(value as string, 'utf8')];
    default: return [];
  }
}

function evalRecursive(input: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null || value === undefined) continue;
    const kids = children(value);
    if (kids.length === 0) continue;
    result.push(value);
    result.push(...evalRecursive(kids));
  }
  return result;
}

function evalArray(input: unknown[], nodeParams: readonly ParamsEntry[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    if (value === null || value === undefined) continue;
    if (goKind(value) !== 'slice') throw new JsonPathExecError(`${goTypeName(value)} is not array or slice`, input);
    const items = value as unknown[];
    let bounds: [number, number, number] | undefined;
    try {
      bounds = sliceBounds(nodeParams.map((p) => ({ ...p })), items.length);
    } catch (err) {
      throw new JsonPathExecError((err as Error).message, input);
    }
    if (bounds === undefined) return result;
    const [from, to, step] = bounds;
    for (let i = from; i < to; i += step) result.push(items[i]);
  }
  return result;
}

/** The slice arithmetic of evalArray; undefined when zero elements were asked for (Go returns what it has so far). */
function sliceBounds(params: ParamsEntry[], len: number): [number, number, number] | undefined {
  const [p0, p1, p2] = params as [ParamsEntry, ParamsEntry, ParamsEntry];
  if (!p0.known) p0.value = 0;
  if (p0.value < 0) p0.value += len;
  if (!p1.known) p1.value = len;
  if (p1.value < 0 || (p1.value === 0 && p1.derived)) p1.value += len;
  if (p1.value === p0.value) return undefined;
  if (p0.value >= len || p0.value < 0) throw new JsonPathExecError(`array index out of bounds: index ${p0.value}, length ${len}`);
  if (p1.value > len || p1.value < 0) throw new JsonPathExecError(`array index out of bounds: index ${p1.value - 1}, length ${len}`);
  if (p0.value > p1.value) throw new JsonPathExecError(`starting index ${p0.value} is greater than ending index ${p1.value}`);
  let step = 1;
  if (p2.known) {
    if (p2.value <= 0) throw new JsonPathExecError('step must be > 0');
    step = p2.value;
  }
  return [p0.value, p1.value, step];
}
