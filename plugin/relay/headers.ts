import type { IncomingMessage } from 'node:http';
import { userAgent } from '../version-info.ts';

/** RFC 7230 hop-by-hop headers, as Go's httputil.ReverseProxy drops them (plus Expect, which undici sends itself). */
const HOP_BY_HOP = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host',
]);

/** Names listed in a Connection header are hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const all = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(all.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
}

/**
 * Whether a client header is one the relay must never forward: the client's
 * own credentials and impersonation. client-go's round trippers keep a
 * request's Authorization and Impersonate-* headers when present, so with
 * kubectl proxy any client of the port may act as someone else with the
 * proxy's credentials; kubectl-sock always replaces them with its own.
 */
export function isCredentialHeader(lower: string): boolean {
  return lower === 'authorization' || lower.startsWith('impersonate-');
}

/**
 * The headers to send upstream, as a flat [name, value, …] list in the
 * client's order and spelling: hop-by-hop and credential headers removed,
 * a User-Agent if the client sent none (client-go's default), the relay's
 * credentials added. `identity` (a `serve` socket's Impersonate-* headers)
 * replaces whatever impersonation the relay's own credentials carry.
 */
export function upstreamHeaders(req: IncomingMessage, credentials: Record<string, string | string[]>, identity?: Record<string, string | string[]>): string[] {
  const raw = req.rawHeaders;
  const listed = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let hasAgent = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || isCredentialHeader(lower)) continue;
    if (lower === 'user-agent') hasAgent = true;
    out.push(name, raw[i + 1] as string);
  }
  if (!hasAgent) out.push('User-Agent', userAgent());
  for (const [name, value] of Object.entries(credentials)) {
    if (identity && name.toLowerCase().startsWith('impersonate-')) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  for (const [name, value] of Object.entries(identity ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  return out;
}

/**
 * The response headers to pass to the client, flat, without hop-by-hop ones
 * (Node frames the body itself). As kubectl proxy's Go server writes them:
 * names in canonical form, sorted by name, values of one name in order.
 */
export function downstreamHeaders(rawHeaders: readonly Buffer[] | undefined, parsed: Record<string, string | string[] | undefined>): string[] {
  const entries: Array<[string, string]> = [];
  if (rawHeaders) {
    for (let i = 0; i < rawHeaders.length; i += 2) entries.push([(rawHeaders[i] as Buffer).toString('latin1'), (rawHeaders[i + 1] as Buffer).toString('latin1')]);
  } else {
    for (const [name, value] of Object.entries(parsed)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) entries.push([name, v]);
    }
  }
  const listed = connectionTokens(entries.filter(([k]) => k.toLowerCase() === 'connection').map(([, v]) => v));
  const kept = entries
    .filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) && !listed.has(k.toLowerCase()))
    .map(([k, v]): [string, string] => [canonicalKey(k), v]);
  // Array.prototype.sort is stable: the values of one header keep their order.
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return kept.flat();
}

const canonicalCache = new Map<string, string>();

/** Go's textproto.CanonicalMIMEHeaderKey: content-type → Content-Type; a name with other characters stays as it is. */
export function canonicalKey(name: string): string {
  const cached = canonicalCache.get(name);
  if (cached !== undefined) return cached;
  const key = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)
    ? name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
    : name;
  // Servers send few distinct names; a bound keeps a hostile one from growing the cache.
  if (canonicalCache.size < 1024) canonicalCache.set(name, key);
  return key;
}

/** The head of an upgrade answer (101) as it goes back on the hijacked connection, upgrade headers kept. */
export function upgradeHead(status: number, reason: string, rawHeaders: readonly Buffer[] | undefined, parsed: Record<string, string | string[] | undefined>): string {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  if (rawHeaders) {
    for (let i = 0; i < rawHeaders.length; i += 2) lines.push(`${(rawHeaders[i] as Buffer).toString('latin1')}: ${(rawHeaders[i + 1] as Buffer).toString('latin1')}`);
  } else {
    for (const [name, value] of Object.entries(parsed)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) lines.push(`${name}: ${v}`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
