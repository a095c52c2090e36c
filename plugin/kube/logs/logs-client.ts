// The two requests `logs` makes: GET JSON (the object, the pod list) and GET a
// stream (a log, a watch). Over the shared KubeClient, or, on a plain socket
// with nothing to authenticate, over the direct reader, which spares loading
// undici and keeps a big log's memory at one buffer.
import { SockError } from '../../errors.ts';
import type { KubeClient } from '../client.ts';
import { apiErrorFrom, type ErrorContext } from '../status-error.ts';
import { directGet, type DirectTarget } from './direct-reader.ts';
import { encodeQuery } from '../request-url.ts';

export interface LogsRequest {
  path: string;
  query?: Record<string, string>;
  about?: ErrorContext;
}

/** An open streaming response: its body, and whether body pieces are reused once the next is read. */
export interface OpenedStream {
  body: AsyncIterable<Buffer>;
  reusesBuffers: boolean;
  close(): void;
}

export interface LogsClient {
  /** GET and decode; a non-2xx answer throws kubectl's error for it. */
  json<T>(req: LogsRequest): Promise<T>;
  /** GET a stream; a non-2xx answer throws kubectl's error for it. `signal` cuts it. */
  stream(req: LogsRequest, signal: AbortSignal): Promise<OpenedStream>;
  /** A client of its own for one of several concurrent follows: an endless stream holds its connection. */
  another(): LogsClient;
  /** Closes what another() opened. */
  close(): Promise<void>;
}

/**
 * The shared client (TLS, credentials, proxies, -v logging). Its connection
 * serves one request at a time, so concurrent follows get clients from `make`.
 */
export function viaKubeClient(shared: KubeClient, make: () => KubeClient): LogsClient {
  const extra: KubeClient[] = [];
  const over = (client: KubeClient): LogsClient => ({
    json: (req) => client.json(req),
    async stream(req, signal) {
      const res = await client.send(req);
      if (signal.aborted) {
        res.body.destroy();
        throw signal.reason;
      }
      await client.ensureOk(res, req);
      return { body: res.body, reusesBuffers: false, close: () => res.body.destroy() };
    },
    another() {
      const c = make();
      extra.push(c);
      return over(c);
    },
    async close() {
      await Promise.all(extra.splice(0).map((c) => c.close()));
    },
  });
  return over(shared);
}

function pathWithQuery(req: LogsRequest): string {
  const qs = encodeQuery(req.query ?? {});
  return qs ? `${req.path}?${qs}` : req.path;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const piece of body) chunks.push(Buffer.from(piece));
  return Buffer.concat(chunks).toString('utf8');
}

/** The direct reader (direct-reader.ts), for plain sockets with nothing to authenticate. */
export function viaDirectReader(target: DirectTarget, signal: AbortSignal): LogsClient {
  const open = async (req: LogsRequest, sig: AbortSignal) => {
    const res = await directGet(target, pathWithQuery(req), sig);
    if (res.status >= 200 && res.status <= 299) return res;
    const text = await readAll(res.body);
    throw apiErrorFrom(res.status, text, res.headers['content-type'] ?? '', { method: 'GET', ...req.about });
  };
  const client: LogsClient = {
    async json<T>(req: LogsRequest): Promise<T> {
      const text = await readAll((await open(req, signal)).body);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new SockError('E_DECODE', `couldn't get version/kind; json parse error: invalid character in response from ${target.address.display}`);
      }
    },
    async stream(req, sig) {
      const res = await open(req, sig);
      return { body: res.body, reusesBuffers: true, close: () => res.close() };
    },
    // Every request has a connection of its own already.
    another: () => client,
    close: async () => undefined,
  };
  return client;
}
