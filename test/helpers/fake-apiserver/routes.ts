// Request routing: which paths the fake serves and how, mirroring where a real
// kube-apiserver answers with a Status and where with Go's plain 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroupDoc, resourceList, serveRoot } from './discovery.ts';
import { serveLogs, type LogStore } from './logs.ts';
import { negotiate } from './negotiate.ts';
import { findResource, groupVersionOf, RESOURCES, type ResourceDef } from './resources.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { StatusError, methodNotAllowed, notFound, pathNotFound, sendJson, sendPlainNotFound } from './status.ts';
import type { Store } from './store.ts';
import { parseIncludeObject, toTable, type TableOptions } from './table.ts';
import type { K8sObject, VersionInfo } from './types.ts';
import { serveWatch } from './watch.ts';

export interface RouteContext {
  store: Store;
  logs: LogStore;
  streams: Set<ServerResponse>;
  version: VersionInfo;
  /** host:port for APIVersions.serverAddressByClientCIDRs. */
  serverAddress(): string;
}

/** A resource request after the group-version prefix is taken off. */
interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function servedGroupVersion(group: string, version: string): boolean {
  return RESOURCES.some((r) => r.group === group && r.version === version);
}

/** Maps path segments under /api/v1 or /apis/G/V to a resource, or undefined for no route. */
function resolveTarget(group: string, version: string, segs: string[]): Target | undefined {
  const [a = '', b, c, d, e, ...rest] = segs;
  if (rest.length > 0) return undefined;
  if (a === 'namespaces' && b !== undefined && c !== undefined) {
    const def = findResource(group, version, c);
    if (def?.namespaced) return { def, namespace: b, name: d, subresource: e };
  }
  const def = findResource(group, version, a);
  if (!def || d !== undefined || (def.namespaced && b !== undefined)) return undefined;
  return { def, name: b, subresource: c };
}

function matcher(q: URLSearchParams, def: ResourceDef, name?: string): Matcher {
  const labels = parseLabelSelector(q.get('labelSelector'));
  const fields = parseFieldSelector(q.get('fieldSelector'), def);
  return (o) => labels(o) && fields(o) && (name === undefined || o.metadata.name === name);
}

function listBody(def: ResourceDef, items: K8sObject[], metadata: object): object {
  // Items of a typed list carry no kind/apiVersion on the wire.
  const bare = items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  return { kind: `${def.kind}List`, apiVersion: groupVersionOf(def), metadata, items: bare };
}

function serveResource(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, t: Target, q: URLSearchParams): void {
  if (t.subresource !== undefined) return serveSubresource(req, res, ctx, t, q);
  const output = negotiate(req.headers.accept, { table: true });
  const includeObject = parseIncludeObject(q.get('includeObject'));
  if (q.get('watch') === 'true' || q.get('watch') === '1') {
    const match = matcher(q, t.def, t.name);
    return serveWatch(req, res, ctx, { def: t.def, namespace: t.namespace, match, query: q, output, includeObject });
  }
  const table = output.as === 'table' ? { version: output.version, includeObject, now: Date.now() } : undefined;
  if (t.name !== undefined) return serveGet(res, ctx, t.def, t.namespace, t.name, table);
  serveList(res, ctx, t, q, table);
}

function serveGet(res: ServerResponse, ctx: RouteContext, def: ResourceDef, namespace: string | undefined, name: string, table: TableOptions | undefined): void {
  const obj = ctx.store.get(def, namespace, name);
  if (!obj) throw new StatusError(notFound(def, name));
  sendJson(res, 200, table ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, table) : obj);
}

function serveList(res: ServerResponse, ctx: RouteContext, t: Target, q: URLSearchParams, table: TableOptions | undefined): void {
  const limit = q.has('limit') ? Number.parseInt(q.get('limit') ?? '', 10) : undefined;
  // etcd counts remaining items only for unfiltered lists.
  const unfiltered = !q.get('labelSelector') && !q.get('fieldSelector');
  const { items, ...metadata } = ctx.store.list(t.def, t.namespace, matcher(q, t.def), { limit, continue: q.get('continue') ?? undefined, unfiltered });
  sendJson(res, 200, table ? toTable(t.def, items, metadata, table) : listBody(t.def, items, metadata));
}

function serveSubresource(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, t: Target, q: URLSearchParams): void {
  const name = t.name as string;
  if (t.def.name === 'pods' && t.subresource === 'log') return serveLogs(req, res, ctx, t.namespace ?? 'default', name, q);
  if (t.subresource !== 'status' || !t.def.subresources?.some((s) => s.name === 'status')) throw new StatusError(pathNotFound());
  const obj = ctx.store.get(t.def, t.namespace, name);
  if (!obj) throw new StatusError(notFound(t.def, name));
  sendJson(res, 200, obj);
}

function serveHealth(res: ServerResponse): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end('ok');
}

/** Serves one request; throws StatusError for API errors the caller turns into a Status. */
export function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const segs = path.split('/').filter((s) => s !== '');
  if (path === '/version') {
    res.setHeader('Content-Type', 'application/json');
    return void res.end(JSON.stringify(ctx.version, null, 2));
  }
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return serveHealth(res);
  if (segs[0] === 'api') return routeApi(req, res, ctx, '', segs.slice(1), url.searchParams);
  if (segs[0] === 'apis') {
    const [, group, version] = segs;
    if (group === undefined) return serveRoot(req, res, false, ctx.serverAddress());
    if (version === undefined) {
      const doc = apiGroupDoc(group);
      return doc ? sendJson(res, 200, doc) : sendPlainNotFound(res);
    }
    if (!servedGroupVersion(group, version)) return sendPlainNotFound(res);
    return routeApi(req, res, ctx, group, segs.slice(2), url.searchParams);
  }
  sendPlainNotFound(res);
}

/** Everything under /api or /apis/G/V: go-restful answers unknown routes with a Status. */
function routeApi(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, group: string, segs: string[], q: URLSearchParams): void {
  if (group === '' && segs.length === 0) return serveRoot(req, res, true, ctx.serverAddress());
  const [version = '', ...rest] = segs;
  if (!servedGroupVersion(group, version)) throw new StatusError(pathNotFound());
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new StatusError(methodNotAllowed());
  if (rest.length === 0) return sendJson(res, 200, resourceList(group, version));
  // The deprecated /watch/ prefix means the same as ?watch=true.
  if (rest[0] === 'watch') {
    rest.shift();
    q.set('watch', 'true');
  }
  const target = resolveTarget(group, version, rest);
  if (!target) throw new StatusError(pathNotFound());
  serveResource(req, res, ctx, target, q);
}
