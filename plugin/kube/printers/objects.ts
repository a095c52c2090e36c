/**
 * The shapes kubectl hands to its printers: single objects, the List that
 * `get` builds from several results, and watch events.
 */
import type { GoMap } from './go-value.ts';

/** metav1.WatchEvent: what `get --output-watch-events` prints instead of the bare object. */
export class WatchEvent {
  readonly type: string;
  readonly object: unknown;
  constructor(type: string, object: unknown) {
    this.type = type;
    this.object = object;
  }

  /** The event as JSON marshalling sees it: {type, object}. */
  toMap(): GoMap {
    return { type: this.type, object: this.object };
  }
}

/**
 * The List `kubectl get` prints for zero or several results (get.go
 * printGeneric): kind List, apiVersion v1, resourceVersion "".
 */
export function listOf(items: readonly unknown[], resourceVersion = ''): GoMap {
  return { apiVersion: 'v1', items: [...items], kind: 'List', metadata: { resourceVersion } };
}

/** meta.IsListType for an unstructured object: it has an items array. */
export function isList(obj: unknown): obj is GoMap & { items: unknown[] } {
  return typeof obj === 'object' && obj !== null && Array.isArray((obj as GoMap)['items']);
}

/** OmitManagedFieldsPrinter: a copy without metadata.managedFields (of each item, for a list). */
export function omitManagedFields(obj: unknown): unknown {
  if (isList(obj)) return { ...obj, items: obj.items.map(omitOwnManagedFields) };
  return omitOwnManagedFields(obj);
}

/** The object without its own metadata.managedFields (a List's items keep theirs). */
export function omitOwnManagedFields(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const meta = (obj as GoMap)['metadata'];
  if (typeof meta !== 'object' || meta === null || !('managedFields' in meta)) return obj;
  const { managedFields: _drop, ...rest } = meta as GoMap;
  return { ...(obj as GoMap), metadata: rest };
}

/** GetObjectKind().GroupVersionKind().Empty() for an unstructured object. */
export function hasNoTypeInfo(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return true;
  const m = obj as GoMap;
  return !m['kind'] && !m['apiVersion'];
}

export const MISSING_KIND = 'missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know the type';
