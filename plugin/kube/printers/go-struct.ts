/**
 * Marks an object the client made itself as a Go struct (client-go's own
 * metav1.Status for a watch body it could not decode): encoding/json writes
 * a struct's fields in declaration order, where it sorts an unstructured
 * map's keys, and printers tell one Go type from another by it. The mark is
 * a non-enumerable symbol, so nothing else sees it.
 */
const GO_STRUCT = Symbol('go-struct');

/** Marks `obj` (fields in Go's declaration order) as a typed struct, and returns it. */
export function goStruct<T extends object>(obj: T): T {
  Object.defineProperty(obj, GO_STRUCT, { value: true, enumerable: false });
  return obj;
}

/** Whether `v` was marked by goStruct. */
export function isGoStruct(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[GO_STRUCT] === true;
}
