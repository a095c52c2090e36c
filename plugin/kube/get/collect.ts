/**
 * Runs a plan's requests and gathers what they return as kubectl's
 * resource.Infos: each list page (a Table) or each object of a list (when
 * flattened), in request order, with errors collected (ContinueOnError) and
 * NotFound dropped under --ignore-not-found.
 */
import { ApiError, SockError } from '../../errors.ts';
import type { KubeClient } from '../rest/client.ts';
import type { ApiResource } from '../discovery/discovery.ts';
import { getObject, listPages, type RequestShape } from './fetch.ts';
import type { Plan, Visit } from './options.ts';
import { isList, isTable, type KubeObject, type Meta } from './table-types.ts';

/** One printable result and the request it came from. */
export interface Info {
  visit: Visit;
  object: KubeObject;
}

/** How a plan's requests are visited (resource.Builder's ContinueOnError, Flatten and friends). */
export interface CollectOptions {
  /** ContinueOnError: keep going after a failed request (get); watch stops at the first. */
  continueOnError: boolean;
  ignoreNotFound: boolean;
  /** Flatten: a list's items become separate infos (a Table stays whole). */
  flatten: boolean;
  /**
   * What is kept of each Table row's object once its page is in, so that a
   * large list costs little memory while the rest of it arrives: all of it
   * (--sort-by reads whole objects), the metadata fields the printers and the
   * watch read (name, namespace, resourceVersion, labels), or nothing when the
   * printer reads none (no NAMESPACE or label column).
   */
  rowObjects: 'whole' | 'metadata' | 'none';
}

/** apierrors.IsNotFound. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'NotFound';
}

/** GroupVersionResource.String(), as cli-runtime quotes it: "/v1, Resource=pods". */
function gvrString(r: ApiResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

/** resource.Selector.Visit rewrites list errors to name the resource and the selectors. */
/**
 * A list page that could not be read or decoded. kubectl reports it from
 * inside an aggregate of the list visitor's own, so its table path prints it
 * without "error: " even alone (a named object's is printed with it).
 */
export class ListReadError extends SockError {
  constructor(err: SockError) {
    super(err.code, err.message, err.exitCode);
  }
}

function listError(err: unknown, v: Visit, shape: RequestShape): unknown {
  if (err instanceof SockError && (err.code === 'E_BODY' || err.code === 'E_DECODE')) return new ListReadError(err);
  const what = JSON.stringify(gvrString(v.resource));
  const prefix = !shape.labelSelector && !shape.fieldSelector
    ? `Unable to list ${what}`
    : `Unable to find ${what} that match label selector ${JSON.stringify(shape.labelSelector)}, field selector ${JSON.stringify(shape.fieldSelector)}`;
  if (err instanceof ApiError) {
    if (err.reason !== 'BadRequest' && err.reason !== 'NotFound') return err;
    return new ApiError(err.status, err.reason, `${prefix}: ${err.message}`, err.body);
  }
  return err;
}

/** Items of a typed list carry no kind; the unstructured decoder gives them the list's, minus "List". */
export function itemsOf(list: KubeObject & { items: KubeObject[] }): KubeObject[] {
  const kind = typeof list['kind'] === 'string' ? (list['kind'] as string).replace(/List$/, '') : '';
  const apiVersion = list['apiVersion'];
  return list.items.map((item) => (item['kind'] ? item : { apiVersion, kind, ...item }));
}

/** A Table with each row's object cut down to the metadata fields the printers and the watch read, or dropped. */
function slimmed(o: KubeObject, keep: 'metadata' | 'none'): KubeObject {
  if (!isTable(o)) return o;
  for (const row of o.rows ?? []) {
    const m = (row.object as { metadata?: Meta } | null | undefined)?.metadata;
    if (!m) continue;
    if (keep === 'none') {
      delete row.object;
      continue;
    }
    const { name, namespace, resourceVersion, labels, creationTimestamp } = m;
    row.object = { metadata: { name, namespace, resourceVersion, labels, creationTimestamp } };
  }
  return o;
}

async function visitOne(client: KubeClient, v: Visit, shape: RequestShape, o: CollectOptions, push: (o: KubeObject) => unknown): Promise<void> {
  const add = async (obj: KubeObject) => {
    try {
      if (o.flatten && isList(obj)) for (const item of itemsOf(obj)) await push(item);
      else await push(o.rowObjects === 'whole' ? obj : slimmed(obj, o.rowObjects));
    } catch (err) {
      throw new ConsumerFailure(err);
    }
  };
  if (v.name !== undefined) return add(await getObject(client, v, shape));
  try {
    for await (const page of listPages(client, v, shape)) await add(page);
  } catch (err) {
    if (err instanceof ConsumerFailure) throw err;
    throw listError(err, v, shape);
  }
}

/** What the code an info was handed to threw: its own failure, not the request's. */
class ConsumerFailure {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/**
 * Visits every request of the plan in order, handing each info to `onInfo`
 * as its page arrives, so a long list is printed and let go page by page;
 * returns the errors kubectl would report after the output. What `onInfo`
 * throws ends the visit.
 */
export async function visitInfos(client: KubeClient, plan: Plan, shape: RequestShape, o: CollectOptions, onInfo: (info: Info) => unknown): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const visit of plan.visits) {
    try {
      await visitOne(client, visit, shape, o, (object) => onInfo({ visit, object }));
    } catch (err) {
      if (err instanceof ConsumerFailure) throw err.cause;
      if (o.ignoreNotFound && isNotFound(err)) continue;
      if (!o.continueOnError) throw err;
      errors.push(err);
    }
  }
  return errors;
}

/** Visits every request of the plan in order; returns the infos and the errors kubectl would report after them. */
export async function collectInfos(client: KubeClient, plan: Plan, shape: RequestShape, o: CollectOptions): Promise<{ infos: Info[]; errors: unknown[] }> {
  const infos: Info[] = [];
  const errors = await visitInfos(client, plan, shape, o, (info) => infos.push(info));
  return { infos, errors };
}
