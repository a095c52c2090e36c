// A bare HTTP client for tests of the fake: node:http/https with no retries or
// parsing, so tests see exactly what went over the wire (including failures).
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  method?: string;
  /** PEM CA, client cert and key for https URLs. */
  ca?: string;
  cert?: string;
  key?: string;
}

/** `base` is a unix:///path, http:// or https:// URL as the fake reports them. */
function requestOptions(base: string, path: string, o: CallOptions): { opts: RequestOptions; tls: boolean } {
  const common = { method: o.method ?? 'GET', path, headers: o.headers ?? {}, agent: false as const };
  if (base.startsWith('unix://')) return { opts: { ...common, socketPath: base.slice('unix://'.length) }, tls: false };
  const u = new URL(base);
  const tls = u.protocol === 'https:';
  const extra = tls ? { ca: o.ca, cert: o.cert, key: o.key } : {};
  return { opts: { ...common, host: u.hostname, port: u.port, ...extra }, tls };
}

/** Starts a request and resolves with the response head; the body is left to the caller. */
export function open(base: string, path: string, o: CallOptions = {}): Promise<IncomingMessage> {
  const { opts, tls } = requestOptions(base, path, o);
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(opts, resolve);
    req.on('error', reject);
    req.end();
  });
}

export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A connection cut mid-body fails with what had arrived, for drop-fault tests.
    res.on('error', (err) => reject(Object.assign(err, { partial: Buffer.concat(chunks).toString('utf8') })));
  });
}

export async function call(base: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const res = await open(base, path, o);
  return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) };
}

/** Resolves once the streamed body contains `text`, with everything read so far. */
export function waitFor(res: IncomingMessage, text: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(seen)}`)), timeoutMs);
    const onData = (c: Buffer): void => {
      seen += c.toString('utf8');
      if (!seen.includes(text)) return;
      clearTimeout(timer);
      res.off('data', onData);
      resolve(seen);
    };
    res.on('data', onData);
  });
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
export const DISCOVERY_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
