/**
 * The -v=6…9 lines of client-go 1.33 (transport/round_trippers.go's debugging
 * round tripper, rest/request.go's logBody), in klog's structured text format:
 *
 *   -v=6  "Response" verb="GET" url="…" status="200 OK" milliseconds=N
 *   -v=7  "Request" verb url headers=<…>; "Response" status milliseconds
 *   -v=8  as 7, the response headers too, and "Request Body"/"Response Body" (1024 bytes)
 *   -v=9  "Request" curlCommand=<…>; "HTTP Trace: …"; "Response" verb url status
 *         headers milliseconds and the connection's timings (bodies up to 10240 bytes)
 */
import type { Klog } from '../../klog.ts';
import { goQuote } from '../printers/go-value.ts';
import { klogBytesValue, klogValue } from '../klog-value.ts';

const TRIPPER = 'round_trippers.ts';

export type HeaderMap = Record<string, string | string[] | undefined>;

/** What client-go's httptrace measured of one round trip's connection (-v=9). */
export interface RoundTripTiming {
  /** A connection dialed for this request; absent when an idle one was reused. */
  dialed?: { dnsMs: number; dialMs: number; tlsMs: number };
  /** From the request written to the answer's first byte; absent when there was no answer. */
  serverMs?: number;
}

/** -v=7/8: the request line with its headers (credentials masked); -v=9: the same as a curl command. */
export function logRequest(klog: Klog, method: string, url: string, headers: HeaderMap): void {
  if (klog.level >= 9) {
    klog.info(9, TRIPPER, `"Request" curlCommand=${klogValue(curlCommand(method, url, headers))}`);
  } else if (klog.level >= 7) {
    klog.info(7, TRIPPER, `"Request" verb=${goQuote(method)} url=${goQuote(url)} headers=${klogValue(headerLines(headers, false))}`);
  }
}

/**
 * The "Response" line, which each level fills differently (round_trippers.go's
 * levelsV6…V9). `status` is Go's resp.Status ("200 OK"), "" when the round trip
 * failed; `headers` undefined then too.
 */
export function logResponse(klog: Klog, method: string, url: string, status: string, headers: HeaderMap | undefined, ms: number, timing?: RoundTripTiming): void {
  const v = Math.min(klog.level, 9);
  if (v < 6) return;
  const kv: string[] = [];
  if (v === 6 || v === 9) kv.push(`verb=${goQuote(method)}`, `url=${goQuote(url)}`);
  kv.push(`status=${goQuote(status)}`);
  if (v >= 8) kv.push(`headers=${klogValue(headers ? headerLines(headers, true) : '')}`);
  kv.push(`milliseconds=${Math.floor(ms)}`);
  if (v === 9 && timing) {
    const d = timing.dialed;
    if (d) kv.push(`dnsLookupMilliseconds=${d.dnsMs}`, `dialMilliseconds=${d.dialMs}`, `tlsHandshakeMilliseconds=${d.tlsMs}`);
    else kv.push('getConnectionMilliseconds=0');
    if (timing.serverMs !== undefined) kv.push(`serverProcessingMilliseconds=${timing.serverMs}`);
  }
  klog.info(v, TRIPPER, `"Response" ${kv.join(' ')}`);
}

/** -v=9: the httptrace events of a connection being made (DNS, then the dial's outcome). */
export function logDialTrace(klog: Klog, t: { network: string; address: string; host?: string; resolved?: string[]; err?: string }): void {
  if (klog.level < 9) return;
  if (t.host !== undefined && t.resolved) {
    const addrs = t.resolved.map((ip) => `{"IP":${JSON.stringify(ip)},"Zone":""}`).join(',');
    klog.info(9, TRIPPER, `"HTTP Trace: DNS Lookup resolved" host=${goQuote(t.host)} address=[${addrs}]`);
  }
  const where = `network=${goQuote(t.network)} address=${goQuote(t.address)}`;
  if (t.err !== undefined) klog.info(9, TRIPPER, `"HTTP Trace: Dial failed" ${where} err=${goQuote(t.err)}`);
  else klog.info(9, TRIPPER, `"HTTP Trace: Dial succeed" ${where}`);
}

/**
 * -v=8: rest.Request's logBody, "Request Body" before a request and "Response
 * Body" once a whole answer was read: cut at 1024 bytes (10240 at -v=9, whole
 * from -v=10), and as a hex dump when it holds bytes below '\n' (protobuf).
 */
export function logBody(klog: Klog, what: 'Request Body' | 'Response Body', body: string | Buffer): void {
  if (klog.level < 8) return;
  let b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (hasControlBytes(b)) b = Buffer.from(hexDump(b), 'latin1');
  const max = klog.level >= 10 ? Infinity : klog.level >= 9 ? 10240 : 1024;
  if (b.length > max) b = Buffer.concat([b.subarray(0, max), Buffer.from(` [truncated ${b.length - max} chars]`)]);
  klog.info(8, 'request.ts', `"${what}" body=${klogBytesValue(b)}`);
}

function hasControlBytes(b: Buffer): boolean {
  for (const c of b) if (c < 0x0a) return true;
  return false;
}

/** Go's encoding/hex Dump: 16 bytes a line, offset, hex in two groups of 8, and the printable bytes. */
export function hexDump(b: Buffer): string {
  let out = '';
  for (let at = 0; at < b.length; at += 16) {
    const line = b.subarray(at, at + 16);
    let hex = '';
    for (let i = 0; i < 16; i++) hex += (i < line.length ? `${(line[i] as number).toString(16).padStart(2, '0')} ` : '   ') + (i === 7 ? ' ' : '');
    const text = [...line].map((c) => (c >= 32 && c <= 126 ? String.fromCharCode(c) : '.')).join('');
    out += `${at.toString(16).padStart(8, '0')}  ${hex} |${text}|\n`;
  }
  return out;
}

/**
 * headersMap.String(): one "Key: value" line per value, keys in Go's canonical
 * form and sorted. A response's Transfer-Encoding is not among Go's headers
 * (net/http moves it to resp.TransferEncoding); request credentials are masked.
 */
function headerLines(headers: HeaderMap, response: boolean): string {
  const lines: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (response && name.toLowerCase() === 'transfer-encoding')) continue;
    const key = canonicalHeaderKey(name);
    for (const v of Array.isArray(value) ? value : [value]) lines.push([key, response ? v : maskValue(key, v)]);
  }
  lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return lines.map(([k, v]) => `${k}: ${v}\n`).join('');
}

/** toCurl: `curl -v -XGET  -H "Key: value" … 'url'`, ending in a newline. */
function curlCommand(method: string, url: string, headers: HeaderMap): string {
  let h = '';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = canonicalHeaderKey(name);
    for (const v of Array.isArray(value) ? value : [value]) h += ` -H ${goQuote(`${key}: ${maskValue(key, v)}`)}`;
  }
  return `curl -v -X${method} ${h} '${url}'\n`;
}

/** client-go maskValue: an Authorization header keeps a known scheme's name only. */
function maskValue(key: string, value: string): string {
  if (key.toLowerCase() !== 'authorization' || value === '') return value;
  const space = value.indexOf(' ');
  const scheme = space > 0 ? value.slice(0, space) : value;
  if (!['bearer', 'basic', 'negotiate'].includes(scheme.toLowerCase())) return '<masked>';
  return value.length > scheme.length + 1 ? `${scheme} <masked>` : scheme;
}

/** textproto.CanonicalMIMEHeaderKey: accept-encoding → Accept-Encoding; a key with other bytes stays as it is. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
