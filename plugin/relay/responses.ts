import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The answers kubectl proxy gives itself (rather than the API server's), byte
 * for byte as Go's net/http writes them, to a ServerResponse or, for an
 * upgrade request, to the raw connection.
 */

/** Where an answer goes: a normal response, or the socket of an upgrade request. */
export type ReplyTarget = ServerResponse | Duplex;

/** An answer the relay writes itself. */
export interface Reply {
  status: number;
  /** Headers in Go's order; Date and Content-Length follow them, as Go writes them. */
  headers: Array<[string, string]>;
  body: string;
  /** A reason phrase other than the standard one (Go's "400 Bad Request: missing required Host header"). */
  reason?: string;
  /** Go's conn.serve writes these itself: exactly the headers given, then the body, then it closes. */
  raw?: boolean;
}

/** Go's http.Error: text/plain, nosniff, the message and a newline. */
export function goError(status: number, message: string): Reply {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']],
    body: `${message}\n`,
  };
}

/** FilterServer's refusal: http.Error(rw, http.StatusText(403), 403). */
export function forbidden(): Reply {
  return goError(403, 'Forbidden');
}

/** http.NotFound, for a path outside --api-prefix. */
export function notFound(): Reply {
  return goError(404, '404 page not found');
}

/** Go's server when an HTTP/1.1 request has no Host header. */
export function missingHost(): Reply {
  const body = '400 Bad Request: missing required Host header';
  return { status: 400, reason: 'Bad Request: missing required Host header', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], body, raw: true };
}

/** Go's server for a request-target it cannot parse. */
export function badRequest(): Reply {
  return { status: 400, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], body: '400 Bad Request', raw: true };
}

/** ServeMux's redirect to the cleaned path (http.Redirect with 301); a body only for GET. */
export function movedPermanently(location: string, method: string): Reply {
  const headers: Array<[string, string]> = [];
  if (method === 'GET' || method === 'HEAD') headers.push(['Content-Type', 'text/html; charset=utf-8']);
  headers.push(['Location', location]);
  const body = method === 'GET' ? `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` : '';
  return { status: 301, headers, body };
}

/** A metav1.Status failure, as the API server would send it, so kubectl prints "Error from server (Reason): message". */
export function statusReply(code: number, reason: string, message: string): Reply {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return { status: code, headers: [['Content-Type', 'application/json']], body: `${JSON.stringify(status)}\n` };
}

/** Writes a reply; returns the number of body bytes sent. */
export function sendReply(target: ReplyTarget, reply: Reply, method: string): number {
  const body = method === 'HEAD' ? '' : reply.body;
  const head = (extra: string[]) =>
    [`HTTP/1.1 ${reply.status} ${reply.reason ?? STATUS_CODES[reply.status] ?? ''}`, ...reply.headers.map(([k, v]) => `${k}: ${v}`), ...extra].join('\r\n');
  if (reply.raw) {
    const socket = isResponse(target) ? target.socket : target;
    socket?.end(`${head([])}\r\n\r\n${body}`);
    return Buffer.byteLength(body);
  }
  const length = Buffer.byteLength(reply.body);
  if (isResponse(target)) {
    // Go's order: the handler's headers, then Date, Content-Length and Connection (net/http extraHeader).
    for (const [k, v] of reply.headers) target.setHeader(k, v);
    target.setHeader('Date', new Date().toUTCString());
    // Go sizes what the handler wrote, even for HEAD; a HEAD answer with nothing written has no size.
    if (method !== 'HEAD' || length > 0) target.setHeader('Content-Length', length);
    if (target.shouldKeepAlive) goConnectionHeader(target);
    else target.setHeader('Connection', 'close');
    target.statusCode = reply.status;
    target.statusMessage = reply.reason ?? STATUS_CODES[reply.status] ?? '';
    target.end(body);
    return Buffer.byteLength(body);
  }
  target.end(`${head([`Date: ${new Date().toUTCString()}`, `Content-Length: ${length}`, 'Connection: close'])}\r\n\r\n${body}`);
  return Buffer.byteLength(body);
}

/**
 * Go's server sends no Connection or Keep-Alive header on a persistent
 * HTTP/1.1 connection, where Node would add both; a closing answer keeps
 * Node's `Connection: close`.
 */
export function goConnectionHeader(res: ServerResponse): void {
  if (res.shouldKeepAlive) res.removeHeader('Connection');
}

function isResponse(t: ReplyTarget): t is ServerResponse {
  return typeof (t as ServerResponse).writeHead === 'function';
}

/** Go's htmlEscape in http.Redirect. */
function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] as string);
}

/** A klog line of another severity than info (kubectl proxy logs "E… Error while proxying request: …"). */
export function klogLine(severity: 'E' | 'W', pid: number, now: Date, source: string, message: string): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(now.getMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${p2(now.getMonth() + 1)}${p2(now.getDate())} ${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.${micros}`;
  return `${severity}${stamp} ${String(pid).padStart(7)} ${source}] ${message}\n`;
}
