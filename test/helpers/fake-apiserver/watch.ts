// `?watch=true`: newline-delimited watch events, starting from a resourceVersion
// or with synthetic ADDED events for what exists, as the watch cache serves them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Output } from './negotiate.ts';
import { groupVersionOf, type ResourceDef } from './resources.ts';
import type { Matcher } from './selectors.ts';
import { StatusError, apiHeaders, badRequest, expired } from './status.ts';
import type { Store, StoreEvent } from './store.ts';
import { toTable, type IncludeObject } from './table.ts';
import type { K8sObject } from './types.ts';

export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  match: Matcher;
  query: URLSearchParams;
  output: Output;
  includeObject: IncludeObject;
}

export interface WatchContext {
  store: Store;
  streams: Set<ServerResponse>;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** How an event looks through a selector: an object leaving it is DELETED for this watcher. */
function filterEvent(ev: StoreEvent, match: Matcher): WatchType | undefined {
  const now = ev.type !== 'DELETED' && match(ev.object);
  const before = ev.prev !== undefined && match(ev.prev);
  if (ev.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (ev.type === 'DELETED') return before || match(ev.object) ? 'DELETED' : undefined;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  return before ? 'DELETED' : undefined;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, ctx: WatchContext, w: WatchRequest): void {
  const rvParam = w.query.get('resourceVersion') ?? '';
  const initial = w.query.get('sendInitialEvents') === 'true';
  const fromRv = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  if (fromRv !== undefined && !Number.isSafeInteger(fromRv)) throw new StatusError(badRequest(`invalid resource version: ${rvParam}`));
  apiHeaders(res, 'application/json');
  res.statusCode = 200;
  res.flushHeaders();
  let first = true;
  const send = (type: WatchType, object: object): void => {
    const obj = w.output.as === 'table' && (type !== 'ERROR' && type !== 'BOOKMARK') ? asTable(w, object as K8sObject, !first) : object;
    first = first && (type === 'ERROR' || type === 'BOOKMARK');
    res.write(JSON.stringify({ type, object: obj }) + '\n');
  };
  if (fromRv === undefined || initial) {
    for (const obj of ctx.store.list(w.def, w.namespace, w.match, { unfiltered: false }).items) send('ADDED', obj);
    if (initial) send('BOOKMARK', bookmark(w.def, ctx.store.currentRv()));
  } else {
    const past = ctx.store.eventsSince(fromRv);
    if (past === undefined) {
      send('ERROR', expired(`too old resource version: ${fromRv} (${ctx.store.oldestRv()})`));
      res.end();
      return;
    }
    for (const ev of past) deliver(ev, w, send);
  }
  keepOpen(req, res, ctx, w, send);
}

function deliver(ev: StoreEvent, w: WatchRequest, send: (type: WatchType, object: object) => void): void {
  if (ev.def !== w.def) return;
  if (w.namespace !== undefined && ev.object.metadata.namespace !== w.namespace) return;
  const type = filterEvent(ev, w.match);
  if (type) send(type, ev.object);
}

function keepOpen(req: IncomingMessage, res: ServerResponse, ctx: WatchContext, w: WatchRequest, send: (type: WatchType, object: object) => void): void {
  ctx.streams.add(res);
  const unsubscribe = ctx.store.subscribe((ev) => deliver(ev, w, send));
  const timeout = Number(w.query.get('timeoutSeconds') ?? '0');
  // The server ends a watch after timeoutSeconds so clients re-list or re-watch.
  const timer = timeout > 0 ? setTimeout(() => stop(), timeout * 1000) : undefined;
  const stop = (): void => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  req.on('close', stop);
  res.on('close', stop);
}

function bookmark(def: ResourceDef, rv: string): object {
  return {
    kind: def.kind,
    apiVersion: groupVersionOf(def),
    metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } },
  };
}

function asTable(w: WatchRequest, obj: K8sObject, noHeaders: boolean): object {
  const version = w.output.as === 'table' ? w.output.version : 'v1';
  return toTable(w.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, { version, includeObject: w.includeObject, noHeaders, now: Date.now() });
}
