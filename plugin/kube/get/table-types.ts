/** The JSON shapes `get` reads: any object, meta.k8s.io Tables and their rows. */

/** An API object as decoded JSON. */
export type KubeObject = Record<string, unknown>;

/** metav1.TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** metav1.TableRow: cells, and the object per includeObject (PartialObjectMetadata by default). */
export interface TableRow {
  cells?: unknown[];
  object?: unknown;
}

/** metav1.Table (v1 or v1beta1, which decode alike). */
export interface Table extends KubeObject {
  kind: 'Table';
  apiVersion: string;
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions?: TableColumn[] | null;
  rows?: TableRow[] | null;
}

/** The metadata fields the printers read. */
export interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  uid?: string;
}

/** get/table_printer.go recognizedTableVersions: meta.k8s.io/v1 and v1beta1 Table. */
export function isTable(obj: unknown): obj is Table {
  if (!obj || typeof obj !== 'object') return false;
  const o = obj as KubeObject;
  return o['kind'] === 'Table' && (o['apiVersion'] === 'meta.k8s.io/v1' || o['apiVersion'] === 'meta.k8s.io/v1beta1');
}

/** meta.Accessor: the metadata of an object, or undefined when there is no object. */
export function objectMeta(obj: unknown): Meta | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const m = (obj as KubeObject)['metadata'];
  return m && typeof m === 'object' ? (m as Meta) : {};
}

/** apimachinery labels.FormatLabels: k=v pairs sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k]}`).join(',');
}

/** Whether a decoded object is a list (meta.IsListType: it has an items array). */
export function isList(obj: unknown): obj is KubeObject & { items: KubeObject[] } {
  return Boolean(obj) && typeof obj === 'object' && Array.isArray((obj as KubeObject)['items']);
}
