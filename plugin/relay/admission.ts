import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Klog } from '../klog.ts';
import { cleanPath, extractHost, readOnlyRefusal, underPrefix, type RequestFilter } from './filters.ts';
import { escapedPath, parseTarget } from './request-target.ts';
import { hasDotOrEmptySegment, readings } from './routed-path.ts';
import { badRequest, forbidden, missingHost, movedPermanently, notFound, statusReply, type Reply } from './responses.ts';

/** The rules a request passes before it is forwarded. */
export interface AdmissionRules {
  /** --api-prefix, with its trailing slash. */
  apiPrefix: string;
  /** undefined with --disable-filter. */
  filter: RequestFilter | undefined;
  readOnly: boolean;
  /** Put before every forwarded path: the server URL's own path with --append-server-path, else ''. */
  serverPath: string;
  /**
   * The passthrough relay's per-run secret: a request without
   * `Authorization: Bearer <token>` is answered 401 and never forwarded.
   */
  bearerToken?: string;
}

/** Either the answer the relay gives itself, or the path (and query) to send upstream. */
export type Admission = { reply: Reply } | { forward: string };

/**
 * Decides one request in kubectl proxy's order: Go's server (Host header,
 * request-target), ServeMux (clean path, the --api-prefix subtree), then
 * stripLeaveSlash, then kubectl-sock's refusal of dot and empty segments,
 * FilterServer, and kubectl-sock's --read-only.
 */
export function admit(req: IncomingMessage, rules: AdmissionRules, upgrade: boolean, klog: Klog): Admission {
  const method = req.method ?? 'GET';
  if (rules.bearerToken !== undefined && !carriesToken(req, rules.bearerToken)) {
    return { reply: statusReply(401, 'Unauthorized', 'Unauthorized') };
  }
  const host = req.headers.host;
  if (host === undefined && req.httpVersion === '1.1') return { reply: missingHost() };
  const target = parseTarget(req.url ?? '');
  if (!target) return { reply: badRequest() };
  const query = target.rawQuery ? `?${target.rawQuery}` : '';
  const clean = cleanPath(target.rawPath);
  if (clean !== target.rawPath) return { reply: movedPermanently(clean + query, method) };
  const under = underPrefix(target, rules.apiPrefix);
  if (under === undefined) return { reply: notFound() };
  if (under === 'redirect') return { reply: movedPermanently(rules.apiPrefix + query, method) };
  // What goes upstream is Go's escaping of the path (url.URL.EscapedPath), as kubectl proxy sends it;
  // every check below judges that path, in each way a server on the way may read it.
  const sent = escapedPath(under.rawPath, under.bytes);
  const views = readings(under.path, sent);
  if (hasDotOrEmptySegment(views)) return { reply: ambiguousPath(under.path) };
  if (rules.filter) {
    const h = extractHost(host ?? '');
    if (!rules.filter.accepts(method, under.path, h)) {
      klog.info(3, 'proxy_server.ts', `Filter rejecting ${method} ${under.path} ${h}`);
      return { reply: forbidden() };
    }
    klog.info(3, 'proxy_server.ts', `Filter accepting ${method} ${under.path} ${h}`);
  }
  if (rules.readOnly) {
    const why = readOnlyRefusal(method, views, upgrade);
    if (why) return { reply: statusReply(403, 'Forbidden', why) };
  }
  return { forward: rules.serverPath + sent + (under.rawQuery ? `?${under.rawQuery}` : '') };
}

/**
 * kubectl proxy forwards `/…/proxy/%2E%2E/admin`, and the API server's proxy
 * subresource hands `../admin` to the pod, which resolves it to `/admin`:
 * past every filter that judged the path. kubectl sock refuses such paths.
 */
function ambiguousPath(path: string): Reply {
  return statusReply(400, 'BadRequest', `kubectl sock refuses the path ${JSON.stringify(path)}: a ".", ".." or empty segment (after decoding) would reach a different path than the one checked`);
}

/** Compares in constant time, so the token cannot be guessed byte by byte from timing. */
function carriesToken(req: IncomingMessage, token: string): boolean {
  const sent = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return sent.length === want.length && timingSafeEqual(sent, want);
}
