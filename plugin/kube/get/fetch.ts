/**
 * The requests `get` makes, as cli-runtime's resource.Helper makes them:
 * lists paged with limit/continue (resource.FollowContinue), single GETs,
 * the optional subresource, and kubectl's Accept header for server-side
 * printing (kubectl get.go transformRequests).
 */
import { JsonSyntaxError } from '../../errors.ts';
import type { KubeClient, KubeRequest } from '../rest/client.ts';
import { collectionPath, groupResourceName } from '../discovery/rest-mapper.ts';
import type { Visit } from './options.ts';
import type { KubeObject } from './table-types.ts';

/** get.go transformRequests: a v1 Table, else a v1beta1 Table, else plain JSON. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** How every request of one `get` is shaped. */
export interface RequestShape {
  /** Ask for server-side Tables (human-readable output with --server-print). */
  table: boolean;
  /** What each Table row carries besides its cells: the server's default (PartialObjectMetadata), or whole objects for --sort-by. */
  includeObject: 'Metadata' | 'Object';
  labelSelector: string;
  fieldSelector: string;
  /** Page size; 0 disables paging. */
  chunkSize: number;
}

/** The query parameters kubectl adds, in the sorted order Go's url.Values encodes. */
function listQuery(shape: RequestShape, extra: Record<string, string | undefined>): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {
    continue: extra['continue'],
    fieldSelector: shape.fieldSelector || undefined,
    includeObject: shape.table && shape.includeObject === 'Object' ? 'Object' : undefined,
    labelSelector: shape.labelSelector || undefined,
    limit: extra['limit'],
    resourceVersion: extra['resourceVersion'],
    watch: extra['watch'],
  };
  return q;
}

function objectPath(v: Visit): string {
  let path = `${collectionPath(v.resource, v.namespace || undefined)}/${encodeURIComponent(v.name ?? '')}`;
  if (v.subresource) path += `/${encodeURIComponent(v.subresource)}`;
  return path;
}

/** GET one named object (or its subresource). */
export function getObject(client: KubeClient, v: Visit, shape: RequestShape): Promise<KubeObject> {
  const req: KubeRequest = {
    path: objectPath(v),
    query: listQuery(shape, {}),
    accept: shape.table ? TABLE_ACCEPT : 'application/json',
    timeoutParam: true,
    about: { resource: groupResourceName(v.resource), name: v.name },
  };
  // A single GET carries no selectors.
  if (req.query) {
    req.query['labelSelector'] = undefined;
    req.query['fieldSelector'] = undefined;
  }
  // cli-runtime decodes what get reads as unstructured JSON: a syntax error is Go's alone.
  return client.json<KubeObject>(req).catch((err: unknown) => Promise.reject(JsonSyntaxError.reworded(err)));
}

/** Lists a collection page by page (FollowContinue), yielding each decoded page as it arrives. */
export async function* listPages(client: KubeClient, v: Visit, shape: RequestShape): AsyncGenerator<KubeObject> {
  let token: string | undefined;
  do {
    const page = await client.json<KubeObject>({
      path: collectionPath(v.resource, v.namespace || undefined),
      query: listQuery(shape, { continue: token, limit: shape.chunkSize !== 0 ? String(shape.chunkSize) : undefined }),
      accept: shape.table ? TABLE_ACCEPT : 'application/json',
      timeoutParam: true,
      about: { resource: groupResourceName(v.resource) },
    }).catch((err: unknown) => Promise.reject(JsonSyntaxError.reworded(err)));
    token = ((page['metadata'] ?? {}) as { continue?: string }).continue || undefined;
    yield page;
  } while (token);
}

/** The watch request for a visit: the collection with the selectors, or one object by metadata.name. */
export function watchRequest(v: Visit, shape: RequestShape, resourceVersion: string): KubeRequest {
  const named = v.name !== undefined;
  const q = listQuery(
    named ? { ...shape, labelSelector: '', fieldSelector: `metadata.name=${v.name}` } : shape,
    { resourceVersion, watch: 'true' },
  );
  return {
    path: collectionPath(v.resource, v.namespace || undefined),
    query: q,
    accept: shape.table ? TABLE_ACCEPT : 'application/json',
    timeoutParam: true,
    about: { resource: groupResourceName(v.resource) },
  };
}
