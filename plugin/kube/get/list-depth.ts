/**
 * kubectl get's printGeneric puts every result into a v1 List and decodes
 * that List again (json.Marshal, then the unstructured decoder): an object
 * deep enough to be read alone can be too deep two levels further in, and
 * kubectl then reports only Go's "exceeded max depth" error.
 */
import { depthError, GO_MAX_JSON_DEPTH } from '../json-depth.ts';
import { goKind, sortedKeys, type GoMap } from '../printers/go-value.ts';
import type { Info } from './collect.ts';

/** The List's root and its items array sit above each item. */
const LIST_LEVELS = 2;

/**
 * Go's error for the first bracket of the List's JSON (items in order, keys
 * sorted) past the limit, or undefined. Only objects fetched by name need
 * looking at: an item of a list page was nested as deep in that page.
 */
export function listDepthError(infos: readonly Info[]): Error | undefined {
  const max = GO_MAX_JSON_DEPTH - LIST_LEVELS;
  for (const { visit, object } of infos) {
    if (visit.name === undefined || !deeperThan(object, max)) continue;
    return new Error(depthError(firstTooDeep(object, max) as number));
  }
  return undefined;
}

/** Whether any collection in v is nested more than `max` levels deep (in any order: a quick check). */
function deeperThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [x, depth] = top;
    if (x === null || typeof x !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** The bracket ('{' or '[' as a char code) of the first collection, in marshalled order, deeper than `max` levels. */
function firstTooDeep(root: unknown, max: number): number | undefined {
  const stack: { children: unknown[]; next: number }[] = [];
  let visit: unknown = root;
  for (;;) {
    const kind = goKind(visit);
    if (kind === 'map' || kind === 'slice') {
      if (stack.length + 1 > max) return kind === 'map' ? 0x7b : 0x5b;
      const children = kind === 'map' ? sortedKeys(visit as GoMap).map((k) => (visit as GoMap)[k]) : (visit as unknown[]);
      stack.push({ children, next: 0 });
    }
    let top = stack[stack.length - 1];
    while (top && top.next === top.children.length) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top) return undefined;
    visit = top.children[top.next++];
  }
}
