import type { Klog } from '../klog.ts';
import type { KubeResponse } from './client.ts';

/** client-go logs at most this much of a body at -v=8 (all of it at -v=9). */
const BODY_LIMIT = 1024;

/** -v=7: the request line and headers, with credentials masked (client-go round_trippers.go). */
export function logRequest(klog: Klog, method: string, url: string, headers: Record<string, string | string[]>): void {
  if (klog.level < 7) return;
  klog.info(7, 'round_trippers.ts', `${method} ${url}`);
  klog.info(7, 'round_trippers.ts', 'Request Headers:');
  for (const [k, v] of Object.entries(headers)) {
    for (const value of Array.isArray(v) ? v : [v]) klog.info(7, 'round_trippers.ts', `    ${canonical(k)}: ${mask(k, value)}`);
  }
}

/** -v=6: one line per request; -v=8: response headers and the start of the body. */
export function logResponse(klog: Klog, method: string, url: string, res: KubeResponse, ms: number): void {
  klog.info(6, 'round_trippers.ts', `${method} ${url} ${res.status} ${res.statusText} in ${Math.round(ms)} milliseconds`);
  if (klog.level < 8) return;
  klog.info(8, 'round_trippers.ts', 'Response Headers:');
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) klog.info(8, 'round_trippers.ts', `    ${canonical(k)}: ${value}`);
  }
  if (isStreaming(res)) return;
  const limit = klog.level >= 9 ? Infinity : BODY_LIMIT;
  const chunks: Buffer[] = [];
  // Peek at the body without consuming it for the caller.
  res.body.on('data', (c: Buffer) => chunks.push(c));
  res.body.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const shown = text.length > limit ? `${text.slice(0, limit)} [truncated ${text.length - limit} chars]` : text;
    klog.info(8, 'request.ts', `Response Body: ${shown}`);
  });
}

function isStreaming(res: KubeResponse): boolean {
  const ct = String(res.headers['content-type'] ?? '');
  return res.headers['content-length'] === undefined && !/json/.test(ct);
}

function mask(name: string, value: string): string {
  if (name.toLowerCase() !== 'authorization') return value;
  const scheme = value.split(' ')[0] ?? '';
  return `${scheme} <masked>`;
}

/** Go's canonical header form: accept-encoding → Accept-Encoding. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
